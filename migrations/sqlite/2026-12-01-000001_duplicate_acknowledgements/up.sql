-- A duplicate notification is acknowledged by the lead explicitly (DOMAIN.md, "Duplicates"):
-- when, by whom, and whether its facts were applied to the person. Duplicates whose review no
-- longer carries the flag were looked at before this was recorded: they count as acknowledged
-- (when the review last changed, by no one known).
ALTER TABLE notifications ADD COLUMN acknowledged_at TIMESTAMP;
ALTER TABLE notifications ADD COLUMN acknowledged_by TEXT;
ALTER TABLE notifications ADD COLUMN applied BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE notifications SET acknowledged_at = (
    SELECT r.updated_at FROM reviews r WHERE r.id = notifications.review_id
) WHERE duplicate AND EXISTS (
    SELECT 1 FROM reviews r WHERE r.id = notifications.review_id AND NOT r.has_unreviewed_duplicate
);
