-- private_key_jwt client authentication (RFC 7523) for machine clients (issue #18).
--
-- auth_method: `client_secret` (the secret's hash is checked) or `private_key_jwt` (a signed
-- assertion is checked against public_jwks, and the stored secret hash is of a random value
-- nobody was given, so a secret never works for such a client).
-- public_jwks: the client's public keys, a JWK Set as JSON text.
ALTER TABLE clients ADD COLUMN auth_method TEXT NOT NULL DEFAULT 'client_secret';
ALTER TABLE clients ADD COLUMN public_jwks TEXT;
