DROP TABLE family_events;
DROP TABLE family_contacts;
