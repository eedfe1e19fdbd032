-- The case journey: notifications, reviews, holds, learning, history, the event outbox and
-- idempotency records.

-- Every notification received, as notified. A duplicate is linked to the review of the first.
-- For a national data opt-out nothing identifiable is kept: the person and notifier columns
-- stay NULL, and only the reference, ICB, year of death and outcome remain (on the review).
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    review_id TEXT NOT NULL,
    duplicate BOOLEAN NOT NULL,
    received_at TIMESTAMP NOT NULL,
    area_code TEXT NOT NULL,
    person_json TEXT,
    notifier_json TEXT,
    circumstances TEXT,
    family_requests_focused_review BOOLEAN NOT NULL
);
CREATE INDEX notifications_review ON notifications (review_id);

-- One review per person. Person columns are NULL for an opt-out. Lists, sets and the form
-- are TEXT (comma-separated codes, or JSON), portable to both engines.
CREATE TABLE reviews (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    resume_to TEXT,
    eligibility_outcome TEXT NOT NULL,
    eligibility_route TEXT,
    eligibility_reasons TEXT NOT NULL,
    review_type TEXT,
    focused_reasons TEXT NOT NULL,
    family_request BOOLEAN NOT NULL,
    reviewer_concern TEXT,
    data_quality_flags TEXT NOT NULL,
    organisation TEXT NOT NULL,
    area_code TEXT NOT NULL,
    sub_icb_location TEXT,
    reviewer_id TEXT,
    given_name TEXT,
    family_name TEXT,
    nhs_number TEXT,
    date_of_birth DATE,
    date_of_death DATE,
    sex TEXT,
    ethnic_category TEXT,
    learning_disability BOOLEAN,
    autistic BOOLEAN,
    lived_in_england BOOLEAN,
    place_of_death TEXT,
    year_of_death BIGINT NOT NULL,
    age_at_death BIGINT,
    findings TEXT NOT NULL,
    underlying_icd10 TEXT,
    care_grade BIGINT,
    child_death_review_outcome TEXT,
    has_unreviewed_duplicate BOOLEAN NOT NULL,
    eligibility_version TEXT NOT NULL,
    avoidable_version TEXT NOT NULL,
    care_grade_version TEXT NOT NULL,
    synthetic BOOLEAN NOT NULL,
    notified_at TIMESTAMP NOT NULL,
    notified_on DATE NOT NULL,
    completed_at TIMESTAMP,
    completed_on DATE,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reviews_org_notified ON reviews (organisation, notified_at, id);
CREATE INDEX reviews_org_status ON reviews (organisation, status);
CREATE INDEX reviews_reviewer ON reviews (reviewer_id, notified_at);
CREATE INDEX reviews_nhs_number ON reviews (nhs_number);
CREATE INDEX reviews_identity ON reviews (family_name, given_name, date_of_birth, date_of_death);
CREATE INDEX reviews_year_status ON reviews (year_of_death, status);

-- Every hold interval is kept: due dates are extended by the days on hold.
CREATE TABLE review_holds (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    reason TEXT NOT NULL,
    reason_text TEXT,
    from_stage TEXT NOT NULL,
    started_on DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    ended_on DATE,
    ended_at TIMESTAMP
);
CREATE INDEX review_holds_review ON review_holds (review_id, started_at);

-- The theme taxonomy learning points are tagged with (seeded below).
CREATE TABLE themes (
    code TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE learning_points (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    organisation TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    themes TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX learning_points_review ON learning_points (review_id, created_at);
CREATE INDEX learning_points_org ON learning_points (organisation, created_at);

-- Every stage change and edit: who, when, what.
CREATE TABLE review_history (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    occurred_at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_roles TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX review_history_review ON review_history (review_id, occurred_at, id);

-- The outbox: each change writes its event in the same transaction. `seq` comes from the
-- ICB's counter row, updated in that transaction, so sequence order is commit order.
CREATE TABLE event_counters (
    organisation TEXT PRIMARY KEY NOT NULL,
    last_seq BIGINT NOT NULL
);

CREATE TABLE events (
    organisation TEXT NOT NULL,
    seq BIGINT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    payload_version BIGINT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (organisation, seq)
);

-- Idempotency-Key records: the first response to a (scope, key), with the request's hash.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);

INSERT INTO themes (code, label, position) VALUES
    ('aspiration_pneumonia', 'Aspiration pneumonia', 1),
    ('constipation', 'Constipation', 2),
    ('sepsis', 'Sepsis', 3),
    ('epilepsy', 'Epilepsy', 4),
    ('dnacpr', 'DNACPR decisions', 5),
    ('mental_capacity_act', 'Mental Capacity Act', 6),
    ('reasonable_adjustments', 'Reasonable adjustments', 7),
    ('annual_health_checks', 'Annual health checks', 8),
    ('diagnostic_overshadowing', 'Diagnostic overshadowing', 9),
    ('cancer_screening', 'Cancer screening', 10),
    ('end_of_life_care', 'End-of-life care', 11),
    ('dysphagia', 'Dysphagia and eating and drinking', 12),
    ('communication', 'Communication and information sharing', 13),
    ('family_involvement', 'Involving families and carers', 14),
    ('transition', 'Transition from children''s to adult services', 15),
    ('care_coordination', 'Care coordination', 16),
    ('delays_in_care', 'Delays in diagnosis or treatment', 17),
    ('physical_health_monitoring', 'Physical health monitoring', 18),
    ('medication', 'Medication and overmedication (STOMP)', 19),
    ('other', 'Other', 99);
