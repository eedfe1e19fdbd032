-- Learning into action: each ICB's Local Area Contacts, its governance meetings, and the SMART
-- actions of its service-improvement plan with their history. Lists are comma-separated TEXT.

-- The public Local Area Contacts of an ICB: one `primary` and at most one `secondary`.
CREATE TABLE local_area_contacts (
    organisation TEXT NOT NULL,
    kind TEXT NOT NULL,
    role_title TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    phone TEXT,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (organisation, kind)
);

-- Meetings of the steering group (bimonthly) and the health group (monthly).
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    organisation TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on DATE NOT NULL,
    attendee_roles TEXT NOT NULL,
    reviews_discussed TEXT NOT NULL,
    decisions TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_org_held ON meetings (organisation, held_on, id);

-- SMART actions; `overdue` is derived from `status` and `due_date`, never stored.
CREATE TABLE actions (
    id TEXT PRIMARY KEY NOT NULL,
    organisation TEXT NOT NULL,
    title TEXT NOT NULL,
    outcome_measure TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_date DATE NOT NULL,
    status TEXT NOT NULL,
    learning_ids TEXT NOT NULL,
    themes TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_on DATE
);
CREATE INDEX actions_org_due ON actions (organisation, due_date, id);

-- Every change of an action: who, when, and the fields before and after (JSON).
CREATE TABLE action_history (
    id TEXT PRIMARY KEY NOT NULL,
    action_id TEXT NOT NULL REFERENCES actions (id),
    occurred_at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_roles TEXT NOT NULL,
    change TEXT NOT NULL,
    version BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX action_history_action ON action_history (action_id, occurred_at, id);
