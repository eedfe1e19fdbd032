DROP INDEX reviews_synthetic;
DROP INDEX reviews_national;
CREATE INDEX reviews_national ON reviews (
    year_of_death, status, eligibility_outcome, organisation, sex, ethnic_category,
    age_at_death, underlying_icd10, care_grade, notified_on, completed_on, date_of_death,
    avoidable_version
);
