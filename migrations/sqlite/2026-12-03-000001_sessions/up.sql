-- Sign-in sessions (issue #18): refresh tokens with rotation and reuse detection, and the
-- single-use codes of the authorization-code flow with PKCE.
--
-- sessions: one per sign-in, the family of its refresh tokens. Access tokens name their
-- session (`sid`), so revoking a session stops its access tokens at the next request too.
-- client_id: the front-end client the session is bound to (NULL for the password grant's
-- command-line sessions, which have none); a refresh must come from the same client.
-- token_generation: the account's when the session began; a password change, a disable or an
-- enable moves the account's on, and the session can no longer be refreshed.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    client_id TEXT,
    method TEXT NOT NULL,
    token_generation BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    client_address TEXT
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);

-- Every refresh token ever issued, by the SHA-256 of its value (the value itself is never
-- stored). A token is spent by a conditional update (`used_at IS NULL`), so of two refreshes
-- with one token exactly one wins on either engine; presenting a spent token again revokes
-- the whole session.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Authorization codes, by the SHA-256 of the code: single use (spent by a conditional update),
-- short-lived, bound to the client, the exact redirect URI and the PKCE S256 challenge.
-- session_id: the session the code was exchanged for, revoked if the code is presented again.
CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    session_id TEXT
);
CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at);
