DROP TABLE reference_imports;
DROP TABLE organisation_successors;
DROP TABLE organisation_parents;
DROP TABLE organisations;
