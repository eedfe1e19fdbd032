-- NHS organisations as a dated hierarchy (DOMAIN.md, "Responsible body").
-- A code is unique per (code, kind): a CCG code names a sub-ICB location from 2022-07-01.
-- Periods are inclusive; valid_to NULL means still valid. Rows are loaded from reference/ at
-- start-up (and by `leder organisations import`); history is never deleted.
CREATE TABLE organisations (
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('region', 'icb', 'ccg', 'sub_icb_location')),
    name TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    ons_code TEXT,
    source TEXT NOT NULL,
    PRIMARY KEY (code, kind)
);
CREATE INDEX organisations_kind_validity ON organisations (kind, valid_from, valid_to);

CREATE TABLE organisation_parents (
    child_code TEXT NOT NULL,
    child_kind TEXT NOT NULL,
    parent_code TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    source TEXT NOT NULL,
    PRIMARY KEY (child_code, child_kind, valid_from),
    FOREIGN KEY (child_code, child_kind) REFERENCES organisations (code, kind)
);
CREATE INDEX organisation_parents_parent ON organisation_parents (parent_code, valid_from);

CREATE TABLE organisation_successors (
    from_code TEXT NOT NULL,
    from_kind TEXT NOT NULL,
    to_code TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    effective DATE NOT NULL,
    share TEXT NOT NULL CHECK (share IN ('whole', 'part')),
    source TEXT NOT NULL,
    PRIMARY KEY (from_code, from_kind, to_code, to_kind),
    FOREIGN KEY (from_code, from_kind) REFERENCES organisations (code, kind),
    FOREIGN KEY (to_code, to_kind) REFERENCES organisations (code, kind)
);
CREATE INDEX organisation_successors_to ON organisation_successors (to_code, to_kind);

-- One row per load of the reference files, so an operator can see what changed and when.
CREATE TABLE reference_imports (
    id TEXT PRIMARY KEY NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    origin TEXT NOT NULL,
    checksum TEXT NOT NULL,
    added BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL
);
CREATE INDEX reference_imports_origin ON reference_imports (origin, imported_at);
