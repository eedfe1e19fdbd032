-- Moving a case between ICBs (DOMAIN.md, "Moving between ICBs"): a lead proposes the
-- responsible ICB with a reason, that ICB's lead accepts or declines; an admin may move a case
-- directly; a correction of the area code that routes the case elsewhere proposes the move the
-- same way. A case has at most one pending proposal (`review_moves_one_pending`, besides the
-- review's row lock every change takes). The receiving lead finds proposals by
-- `review_moves_to`.
CREATE TABLE review_moves (
    id TEXT PRIMARY KEY NOT NULL,
    review_id TEXT NOT NULL REFERENCES reviews (id),
    from_organisation TEXT NOT NULL,
    to_organisation TEXT NOT NULL,
    reason TEXT NOT NULL,
    text TEXT,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    decline_reason TEXT
);
CREATE INDEX review_moves_review ON review_moves (review_id, proposed_at, id);
CREATE INDEX review_moves_to ON review_moves (to_organisation, status, proposed_at, id);
CREATE INDEX review_moves_from ON review_moves (from_organisation, status, proposed_at, id);
CREATE UNIQUE INDEX review_moves_one_pending ON review_moves (review_id) WHERE status = 'pending';
