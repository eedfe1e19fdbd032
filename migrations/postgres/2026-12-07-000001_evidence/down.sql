DROP TABLE attachments;
DROP TABLE records_requests;
DROP TABLE involved_organisations;
