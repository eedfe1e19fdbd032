ALTER TABLE reviews DROP COLUMN form_version;
