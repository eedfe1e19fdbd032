ALTER TABLE notifications DROP COLUMN applied;
ALTER TABLE notifications DROP COLUMN acknowledged_by;
ALTER TABLE notifications DROP COLUMN acknowledged_at;
