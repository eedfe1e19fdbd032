DROP INDEX reviews_national;
DROP INDEX reviews_year_id;
