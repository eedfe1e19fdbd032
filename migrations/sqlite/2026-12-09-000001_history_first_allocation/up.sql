-- A review's first allocation found by one index seek (the dashboards' median days from
-- notification to allocation): the history of one review, of one action, in time order. The
-- index on (action, occurred_at) made SQLite walk every allocation of every ICB for each review,
-- minutes at 1,000,000 reviews.
CREATE INDEX review_history_review_action ON review_history (review_id, action, occurred_at);
