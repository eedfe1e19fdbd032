-- A dashboard counts one ICB's (or a region's ICBs') reviews by stage, what waits for
-- allocation, each open review's clock, completions in the last 12 months and duplicates
-- awaiting a look; first allocations are found in the history by action and time. These
-- indexes answer each of those GROUP BY queries from the index alone.
CREATE INDEX reviews_dashboard ON reviews (
    organisation, status, notified_on, completed_on, eligibility_route, id
);
CREATE INDEX reviews_unreviewed_duplicate ON reviews (organisation, has_unreviewed_duplicate);
CREATE INDEX review_history_action ON review_history (action, occurred_at, review_id);
