DROP TABLE audit_log;
DROP TABLE audit_chains;
DROP TABLE clients;
DROP TABLE users;
