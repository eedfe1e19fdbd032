-- Bringing cases in (DOMAIN.md, "Who is eligible"; API.md, "Notifications").
-- The national data opt-out check: a notifier may not know whether the person opted out; such
-- a case is checked (by the lead or the ICB's case system) before allocation. Cases already
-- stored were notified with a yes/no answer and need no check.
ALTER TABLE reviews ADD COLUMN opt_out_check TEXT NOT NULL DEFAULT 'not_needed';
ALTER TABLE reviews ADD COLUMN opt_out_checked_opted_out BOOLEAN;
ALTER TABLE reviews ADD COLUMN opt_out_checked_on DATE;
ALTER TABLE reviews ADD COLUMN opt_out_check_source TEXT;
-- Intake by professionals and ICS systems: where a notification came from (the submitting
-- ICB, its system and that system's id, unique per ICB and system so a retry finds the case
-- it made), the notifying professional's organisation and the person's GP practice.
ALTER TABLE notifications ADD COLUMN source_organisation TEXT;
ALTER TABLE notifications ADD COLUMN source_system TEXT;
ALTER TABLE notifications ADD COLUMN source_id TEXT;
ALTER TABLE notifications ADD COLUMN notifying_organisation TEXT;
ALTER TABLE notifications ADD COLUMN gp_practice TEXT;
CREATE UNIQUE INDEX notifications_source
    ON notifications (source_organisation, source_system, source_id);
