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
ALTER TABLE reviews ADD COLUMN first_allocated_at TIMESTAMP;
ALTER TABLE reviews ADD COLUMN learning_disability_level TEXT;
ALTER TABLE reviews ADD COLUMN referred_to_coroner BOOLEAN;
ALTER TABLE reviews ADD COLUMN dols_authorisation_in_place BOOLEAN;
ALTER TABLE reviews ADD COLUMN care_package_met_needs BOOLEAN;
ALTER TABLE reviews ADD COLUMN out_of_area_placement BOOLEAN;
ALTER TABLE reviews ADD COLUMN covid_vaccination TEXT;

UPDATE reviews SET first_allocated_at = (
    SELECT MIN(h.occurred_at) FROM review_history h
    WHERE h.review_id = reviews.id AND h.action = 'transition:allocate'
);
UPDATE reviews SET
    learning_disability_level = json_extract(findings, '$.learning_disability_level'),
    referred_to_coroner = json_extract(findings, '$.referred_to_coroner'),
    dols_authorisation_in_place = json_extract(findings, '$.dols_authorisation_in_place'),
    care_package_met_needs = json_extract(findings, '$.care_package_met_needs'),
    out_of_area_placement = json_extract(findings, '$.out_of_area_placement'),
    covid_vaccination = json_extract(findings, '$.covid_vaccination')
WHERE json_valid(findings);

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
