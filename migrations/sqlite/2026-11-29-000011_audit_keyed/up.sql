-- The audit trail holds against someone who can write to the database: entries are keyed
-- (HMAC-SHA256 with a secret outside the database) from now on, and the entries already there
-- are marked plain; the application never updates or deletes an entry, and these triggers
-- refuse anyone who tries.
ALTER TABLE audit_log ADD COLUMN keyed BOOLEAN NOT NULL DEFAULT 0;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
