-- Search within an ICB by names and date of birth (a lead whom a family phones): the date of
-- birth narrows the ICB's reviews to a handful through this index, and the names are compared
-- (without case) on those. The NHS number has its own index already (reviews_nhs_number).
CREATE INDEX reviews_org_date_of_birth ON reviews (organisation, date_of_birth, notified_at, id);
