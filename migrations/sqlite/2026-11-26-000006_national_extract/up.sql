-- The national extract reads a year of deaths in id order, a chunk at a time (keyset paging).
CREATE INDEX reviews_year_id ON reviews (year_of_death, id);

-- The national statistics and the extract's class sizes group a year of deaths by these
-- columns only: with all of them in one index the GROUP BY queries never read the wide rows
-- (the review form is several kilobytes), which keeps a year of a million reviews fast.
CREATE INDEX reviews_national ON reviews (
    year_of_death, status, eligibility_outcome, organisation, sex, ethnic_category,
    age_at_death, underlying_icd10, care_grade, notified_on, completed_on, date_of_death
);
