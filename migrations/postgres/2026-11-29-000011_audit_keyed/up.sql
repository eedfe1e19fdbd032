-- The audit trail holds against someone who can write to the database: entries are keyed
-- (HMAC-SHA256 with a secret outside the database) from now on, and the entries already there
-- are marked plain; the application never updates, deletes or truncates an entry, and these
-- triggers refuse any role that tries (only a role that can drop the trigger gets past them,
-- and the keyed hashes and the checkpoints kept outside the database still show it).
ALTER TABLE audit_log ADD COLUMN keyed BOOLEAN NOT NULL DEFAULT FALSE;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
