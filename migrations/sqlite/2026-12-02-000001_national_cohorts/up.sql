-- The national figures are given per cohort (the route, learning disability and autism decide
-- it) and leave synthetic reviews out while a real one exists; the 6-month shares join each
-- review's holds by id. Those columns join the covering index, so the GROUP BY queries stay
-- off the wide rows.
DROP INDEX reviews_national;
CREATE INDEX reviews_national ON reviews (
    year_of_death, status, eligibility_outcome, organisation, sex, ethnic_category,
    age_at_death, underlying_icd10, care_grade, notified_on, completed_on, date_of_death,
    avoidable_version, eligibility_route, learning_disability, autistic, synthetic, id
);

-- "Does a real review exist?" is asked before every national figure and report: one index
-- search, not a scan of a database of synthetic reviews.
CREATE INDEX reviews_synthetic ON reviews (synthetic);
