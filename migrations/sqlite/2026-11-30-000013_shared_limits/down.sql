ALTER TABLE users DROP COLUMN token_generation;
DROP TABLE rate_limits;
