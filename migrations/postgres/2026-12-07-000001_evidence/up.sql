-- Evidence (DOMAIN.md, "Evidence"; issue 16).
-- Who was involved in the person's care: the GP practice (an ODS practice code) and the other
-- organisations (an ODS code, a name or both, and their kind).
CREATE TABLE involved_organisations (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    kind TEXT NOT NULL,
    ods_code TEXT,
    name TEXT,
    recorded_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX involved_organisations_review ON involved_organisations (review_id, created_at, id);
-- Records asked of an organisation, each with one upload link: only the SHA-256 of its token is
-- kept (the token is shown once). `expired` is never stored: a request still `requested` reads
-- so once its link has expired.
CREATE TABLE records_requests (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    organisation_id TEXT NOT NULL REFERENCES involved_organisations (id),
    asked_for TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by TEXT,
    link_hash TEXT NOT NULL,
    link_expires_at TIMESTAMP NOT NULL,
    link_revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX records_requests_link ON records_requests (link_hash);
CREATE INDEX records_requests_review ON records_requests (review_id, requested_at, id);
CREATE INDEX records_requests_open ON records_requests (status, link_expires_at);
-- Documents kept with a review. The object is written first (under `object_key`, which no row
-- names yet) and this row commits it; a sweep removes objects no row names. The file name is
-- text only, never a path.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    records_request_id TEXT REFERENCES records_requests (id),
    object_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    document_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    description TEXT,
    uploaded_by TEXT,
    uploaded_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT,
    withdrawn_reason TEXT
);
CREATE UNIQUE INDEX attachments_object ON attachments (object_key);
CREATE INDEX attachments_review ON attachments (review_id, uploaded_at, id);
