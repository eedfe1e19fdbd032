DROP INDEX reviews_national;
CREATE INDEX reviews_national ON reviews (
    year_of_death, status, eligibility_outcome, organisation, sex, ethnic_category,
    age_at_death, underlying_icd10, care_grade, notified_on, completed_on, date_of_death,
    avoidable_version, eligibility_route, learning_disability, autistic, synthetic, id
);
CREATE INDEX review_history_action ON review_history (action, occurred_at, review_id);
CREATE INDEX review_history_review_action ON review_history (review_id, action, occurred_at);
DROP INDEX reviews_first_allocation;
ALTER TABLE reviews DROP COLUMN covid_vaccination;
ALTER TABLE reviews DROP COLUMN out_of_area_placement;
ALTER TABLE reviews DROP COLUMN care_package_met_needs;
ALTER TABLE reviews DROP COLUMN dols_authorisation_in_place;
ALTER TABLE reviews DROP COLUMN referred_to_coroner;
ALTER TABLE reviews DROP COLUMN learning_disability_level;
ALTER TABLE reviews DROP COLUMN first_allocated_at;
