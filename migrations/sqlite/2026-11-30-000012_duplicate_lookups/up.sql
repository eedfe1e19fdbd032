-- The intake's duplicate check (DOMAIN.md, "Duplicates") ran as one query,
-- `nhs_number = ? OR (lower(given_name) = ? AND lower(family_name) = ? AND dates)`, which no
-- index can answer: every notification scanned every review inside its write transaction.
-- Now it is two look-ups by equality, each an index search that also gives the earliest
-- review first: by NHS number, and by `identity_key` (the lower-cased names and both dates,
-- written by the application with the row: `stored::review::identity_key`). A review that
-- keeps nothing identifiable (an opt-out) has no key, as it has no names, and never matches.
ALTER TABLE reviews ADD COLUMN identity_key TEXT;

-- The application lower-cases with Unicode rules; SQLite's lower() only folds ASCII, so a
-- review stored before this migration whose name has a capital outside ASCII keeps a key
-- that a later notification spelt the same way does not meet. The query this replaces did no
-- better (it compared SQLite's lower() with the application's), so nothing is lost.
UPDATE reviews
SET identity_key = lower(trim(given_name)) || char(31) || lower(trim(family_name)) || char(31)
    || date_of_birth || char(31) || date_of_death
WHERE given_name IS NOT NULL AND family_name IS NOT NULL
  AND date_of_birth IS NOT NULL AND date_of_death IS NOT NULL;

CREATE INDEX reviews_identity_first ON reviews (identity_key, notified_at, id);

-- Replaces `reviews_nhs_number`: the same search, and the earliest review without a sort.
CREATE INDEX reviews_nhs_first ON reviews (nhs_number, notified_at, id);
DROP INDEX reviews_nhs_number;

-- Served only the old query, which could not use it (lower() hid the columns).
DROP INDEX reviews_identity;
