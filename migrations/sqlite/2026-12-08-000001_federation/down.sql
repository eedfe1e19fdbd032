DROP TABLE used_once;
ALTER TABLE authorization_codes DROP COLUMN assurance;
ALTER TABLE authorization_codes DROP COLUMN method;
ALTER TABLE sessions DROP COLUMN assurance;
DROP INDEX users_federated_subject;
ALTER TABLE users DROP COLUMN federated_subject;
