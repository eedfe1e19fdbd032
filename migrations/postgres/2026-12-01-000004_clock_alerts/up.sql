-- Clocks that call out (DOMAIN.md, "Time"): the server's scheduler emits `review.due_soon` and
-- `review.overdue` once per case. A row here records that a case's alert of a kind was
-- emitted (with the extended due date it was judged against); its key makes "once" hold on
-- both engines, whichever replica runs the scheduler.
CREATE TABLE review_alerts (
    review_id TEXT NOT NULL REFERENCES reviews (id),
    kind TEXT NOT NULL,
    due_on DATE NOT NULL,
    emitted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (review_id, kind)
);
-- The scheduler reads the open reviews of every ICB by stage and notification date.
CREATE INDEX reviews_clock ON reviews (status, notified_on);
