ALTER TABLE clients DROP COLUMN public_jwks;
ALTER TABLE clients DROP COLUMN auth_method;
