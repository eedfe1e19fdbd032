-- Limits that hold across replicas (issue #13).
--
-- rate_limits: a per-address counter, shared by every replica on the database, so that N
-- replicas allow one limit and not N. A bucket names the limit and the address
-- (`intake:<address>`, `sign_in:<address>`) and holds its current window: one minute from the
-- first hit after the last window ended. Each request or failure adds one with an atomic
-- upsert; windows that have ended are swept by the replicas as they go.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits BIGINT NOT NULL
);
CREATE INDEX rate_limits_window_start ON rate_limits (window_start);

-- users.token_generation: an access token carries the generation it was issued under and is
-- refused once the account's differs. A password change, a disable and an enable each move it
-- on, so every token issued before them stops on every replica at once.
ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;
