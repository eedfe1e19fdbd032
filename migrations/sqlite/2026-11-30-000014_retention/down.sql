DROP INDEX reviews_retention;
ALTER TABLE reviews DROP COLUMN disposed_at;
ALTER TABLE reviews DROP COLUMN legal_hold_since;
ALTER TABLE reviews DROP COLUMN legal_hold_reason;
