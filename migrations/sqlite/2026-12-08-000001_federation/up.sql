-- Federation with an OpenID Connect provider (issue #18).
--
-- users.federated_subject: the provider's `sub` of the person an admin created this account
-- for; a sign-in through the provider reaches this account only (unique: one account a person).
-- sessions.assurance, authorization_codes.assurance: the provider's `acr` (authentication
-- assurance) of the sign-in a session began with (NULL for leder's own page).
-- authorization_codes.method: how the person signed in before the code was issued, which the
-- session it is exchanged for keeps.
ALTER TABLE users ADD COLUMN federated_subject TEXT;
CREATE UNIQUE INDEX users_federated_subject ON users (federated_subject);
ALTER TABLE sessions ADD COLUMN assurance TEXT;
ALTER TABLE authorization_codes ADD COLUMN method TEXT NOT NULL DEFAULT 'authorization_code';
ALTER TABLE authorization_codes ADD COLUMN assurance TEXT;

-- Single-use values shared by every replica: a private_key_jwt client assertion's `jti` (RFC
-- 7523 section 3) and a federated sign-in's `state`, each taken by one insert, so a replayed one
-- is refused on whichever replica it reaches. A row is useless once `expires_at` has passed, and
-- is removed after that.
CREATE TABLE used_once (
    issuer TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, value)
);
CREATE INDEX used_once_expires ON used_once (expires_at);
