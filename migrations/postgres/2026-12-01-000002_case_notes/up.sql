-- Case notes (DOMAIN.md, "Case notes"): the case team's append-only timeline of what happened
-- (a note, a phone call, a meeting, an email, records seen), each with its author, the day it
-- happened and when it was written. A mistake is corrected by a new note that names the one it
-- corrects (`corrects`); no note is ever edited or deleted (only its text is disposed of after
-- the retention period, like every other free text of a review).
CREATE TABLE case_notes (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    corrects TEXT REFERENCES case_notes (id),
    author_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_notes_review ON case_notes (review_id, created_at, id);
