DROP INDEX review_history_action;
DROP INDEX reviews_unreviewed_duplicate;
DROP INDEX reviews_dashboard;
