-- Families (DOMAIN.md, "Families"): a review's family contacts (who, how to reach them, the way
-- they prefer, what they need to take part: `accessibility_needs` is a JSON list of wire names)
-- and the dated, append-only record of what happened with each: told about the review, invited
-- to contribute, contributed, declined, could not be reached (why), draft shared, comments
-- received, copy offered, copy sent. One entry without a contact (`contact_id` NULL, kind
-- `no_family_contact`) says why nobody can be contacted. Entries are never edited or deleted;
-- contacts are identifiable and go with the review's other identifiable data (an opt-out erases
-- them, retention disposes of them).
CREATE TABLE family_contacts (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    name TEXT NOT NULL,
    relationship TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    address TEXT,
    preferred_contact TEXT,
    accessibility_needs TEXT NOT NULL,
    interpreter_language TEXT,
    accessibility_note TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX family_contacts_review ON family_contacts (review_id, created_at, id);
CREATE TABLE family_events (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    contact_id TEXT REFERENCES family_contacts (id),
    kind TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX family_events_review ON family_events (review_id, recorded_at, id);
