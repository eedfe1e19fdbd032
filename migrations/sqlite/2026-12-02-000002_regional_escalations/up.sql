-- Escalations by a regional coordinator (DOMAIN.md, "Oversight"): the reason, what was agreed
-- and by when, on one review; written in the same transaction as the review's history entry,
-- its review.escalated event and the audit entry. The ICB and region are those of the day it
-- was recorded (a transfer later keeps it with the review).
CREATE TABLE review_escalations (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    organisation TEXT NOT NULL,
    region TEXT NOT NULL,
    reason TEXT NOT NULL,
    agreed TEXT NOT NULL,
    by_when DATE NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX review_escalations_review ON review_escalations (review_id, created_at, id);
