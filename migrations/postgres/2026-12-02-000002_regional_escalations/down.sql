DROP TABLE review_escalations;
