DROP INDEX reviews_clock;
DROP TABLE review_alerts;
