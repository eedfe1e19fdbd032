-- The avoidable-mortality list is versioned (ons-2020/leder-1, ons-2020/leder-2) and the
-- national statistics classify each review under the version it was assessed with, so they
-- group by avoidable_version too: it joins the covering index, which keeps those GROUP BY
-- queries off the wide rows.
DROP INDEX reviews_national;
CREATE INDEX reviews_national ON reviews (
    year_of_death, status, eligibility_outcome, organisation, sex, ethnic_category,
    age_at_death, underlying_icd10, care_grade, notified_on, completed_on, date_of_death,
    avoidable_version
);

-- `leder reassess-avoidable` reads the completed reviews still on an earlier version, in id order.
CREATE INDEX reviews_avoidable_version ON reviews (status, avoidable_version, id);
