-- Retention (DOMAIN.md, "Retention"): a review's identifiable data is disposed of once its
-- retention period after closure has passed, unless a legal hold applies. The hold is set and
-- lifted by an admin with a reason; `disposed_at` marks a review whose identifiable part is gone
-- (it is never disposed of twice). The daily job looks for closed reviews not yet disposed of,
-- oldest closure first.
ALTER TABLE reviews ADD COLUMN legal_hold_reason TEXT;
ALTER TABLE reviews ADD COLUMN legal_hold_since TIMESTAMP;
ALTER TABLE reviews ADD COLUMN disposed_at TIMESTAMP;
CREATE INDEX reviews_retention ON reviews (disposed_at, completed_on, id);
