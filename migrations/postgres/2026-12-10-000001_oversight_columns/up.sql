-- Oversight at national scale (issue 17). Three kinds of fact the dashboards and the national
-- statistics count were read per row through a correlated sub-query or the form's JSON: each
-- now sits in a column of its own, written with the row by persistence's mapping (the form's
-- JSON stays the record; these copy it, as `underlying_icd10` and `care_grade` do), and every
-- existing row is carried over here.
--
-- * `first_allocated_at`: when the review was first allocated. A dashboard's median days from
--   notification to allocation reads the last twelve months' allocations of its ICBs from one
--   index range, not one history seek per review of the ICBs.
--   The history's indexes by action (`review_history_action`, `review_history_review_action`)
--   served only that look-up; they go, and with them two of the four indexes every history
--   entry wrote.
-- * `learning_disability_level` and the five answers of `leder-form-2`: the national figures
--   by level of learning disability and of the second form's questions read them from the
--   covering index, not by parsing the form of every row.
ALTER TABLE reviews
    ADD COLUMN first_allocated_at TIMESTAMP,
    ADD COLUMN learning_disability_level TEXT,
    ADD COLUMN referred_to_coroner BOOLEAN,
    ADD COLUMN dols_authorisation_in_place BOOLEAN,
    ADD COLUMN care_package_met_needs BOOLEAN,
    ADD COLUMN out_of_area_placement BOOLEAN,
    ADD COLUMN covid_vaccination TEXT;

UPDATE reviews SET first_allocated_at = f.first_at
FROM (
    SELECT review_id, MIN(occurred_at) AS first_at FROM review_history
    WHERE action = 'transition:allocate' GROUP BY review_id
) f
WHERE f.review_id = reviews.id;
UPDATE reviews SET
    learning_disability_level = CAST(findings AS JSONB) ->> 'learning_disability_level',
    referred_to_coroner = CAST(CAST(findings AS JSONB) ->> 'referred_to_coroner' AS BOOLEAN),
    dols_authorisation_in_place =
        CAST(CAST(findings AS JSONB) ->> 'dols_authorisation_in_place' AS BOOLEAN),
    care_package_met_needs = CAST(CAST(findings AS JSONB) ->> 'care_package_met_needs' AS BOOLEAN),
    out_of_area_placement = CAST(CAST(findings AS JSONB) ->> 'out_of_area_placement' AS BOOLEAN),
    covid_vaccination = CAST(findings AS JSONB) ->> 'covid_vaccination';

CREATE INDEX reviews_first_allocation ON reviews (organisation, first_allocated_at, notified_at);
DROP INDEX review_history_review_action;
DROP INDEX review_history_action;

DROP INDEX reviews_national;
CREATE INDEX reviews_national ON reviews (
    year_of_death, status, eligibility_outcome, organisation, sex, ethnic_category,
    age_at_death, underlying_icd10, care_grade, notified_on, completed_on, date_of_death,
    avoidable_version, eligibility_route, learning_disability, autistic, synthetic,
    form_version, learning_disability_level, referred_to_coroner, dols_authorisation_in_place,
    care_package_met_needs, out_of_area_placement, covid_vaccination, id
);
