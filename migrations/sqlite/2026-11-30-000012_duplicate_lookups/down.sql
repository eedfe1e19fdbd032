CREATE INDEX reviews_identity ON reviews (family_name, given_name, date_of_birth, date_of_death);
CREATE INDEX reviews_nhs_number ON reviews (nhs_number);
DROP INDEX reviews_nhs_first;
DROP INDEX reviews_identity_first;
ALTER TABLE reviews DROP COLUMN identity_key;
