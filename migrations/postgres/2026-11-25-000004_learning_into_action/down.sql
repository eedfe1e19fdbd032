DROP TABLE action_history;
DROP TABLE actions;
DROP TABLE meetings;
DROP TABLE local_area_contacts;
