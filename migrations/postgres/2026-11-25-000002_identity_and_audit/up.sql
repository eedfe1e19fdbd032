-- People and machine clients, and the append-only, hash-chained audit trail.

-- roles: a comma-separated, sorted set of role names (admin, national_analyst, ics_lead,
-- qa_panel, reviewer); the domain's Actor rules decide which combinations are allowed.
-- failed_logins and locked_until live here so that every replica sees the same lockout.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    roles TEXT NOT NULL,
    organisation TEXT,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_organisation ON users (organisation);

-- Machine clients (role integration, one ICB). The secret is random and long, so a SHA-256
-- hash is enough to store it; it is shown once, at creation.
CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX clients_organisation ON clients (organisation);

-- One chain per replica. The head row is locked (updated) by every append, so appends to a
-- chain are serialised and the chain cannot fork.
CREATE TABLE audit_chains (
    chain_id TEXT PRIMARY KEY NOT NULL,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Append-only: the code has no update or delete path for this table. Each entry stores the
-- hash of the previous entry of its chain; `leder audit verify` recomputes every link.
CREATE TABLE audit_log (
    chain_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    actor_roles TEXT NOT NULL,
    actor_organisation TEXT,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    subject_organisation TEXT,
    outcome TEXT NOT NULL,
    client_address TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (chain_id, seq)
);
CREATE INDEX audit_log_subject ON audit_log (subject, occurred_at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, occurred_at);
