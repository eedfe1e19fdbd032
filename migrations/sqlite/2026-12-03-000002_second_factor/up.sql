-- A second factor for leder's own accounts (issue #18): TOTP (RFC 6238) with recovery codes.
--
-- totp_secret: the base32 secret, set when the person confirms enrolment with a first code on
-- the sign-in page (NULL: not enrolled);
-- totp_last_step: the last 30-second step accepted, so a code is never accepted twice (moved
-- on by a conditional update, so two sign-ins with one code cannot both pass on either engine);
-- second_factor_required: an admin marked the account (admins always need one).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN second_factor_required BOOLEAN NOT NULL DEFAULT FALSE;

-- Single-use recovery codes, by the SHA-256 of the code; spent by a conditional update.
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
