DROP INDEX reviews_org_date_of_birth;
