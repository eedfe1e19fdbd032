DROP TABLE review_moves;
