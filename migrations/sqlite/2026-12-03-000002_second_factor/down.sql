DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN second_factor_required;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_secret;
