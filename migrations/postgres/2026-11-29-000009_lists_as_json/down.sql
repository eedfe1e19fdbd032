-- Back to comma-joined text (attendees' roles one a line), in each list's stored order; a
-- learning point's themes are joined in code order, the order every writer stored them in.
-- The restored `learning_points.themes` comes last among the table's columns.
ALTER TABLE learning_points ADD COLUMN themes TEXT NOT NULL DEFAULT '';
UPDATE learning_points SET themes = COALESCE((
    SELECT string_agg(theme, ',' ORDER BY theme) FROM learning_point_themes
    WHERE learning_id = learning_points.id
), '');
ALTER TABLE learning_points ALTER COLUMN themes DROP DEFAULT;
DROP TABLE learning_point_themes;

UPDATE users SET roles = array_to_string(ARRAY(
    SELECT e FROM json_array_elements_text(roles::json) WITH ORDINALITY AS t(e, n) ORDER BY n
), ',');
UPDATE webhooks SET event_types = array_to_string(ARRAY(
    SELECT e FROM json_array_elements_text(event_types::json) WITH ORDINALITY AS t(e, n)
    ORDER BY n
), ',');
UPDATE actions SET
    learning_ids = array_to_string(ARRAY(
        SELECT e FROM json_array_elements_text(learning_ids::json) WITH ORDINALITY AS t(e, n)
        ORDER BY n
    ), ','),
    themes = array_to_string(ARRAY(
        SELECT e FROM json_array_elements_text(themes::json) WITH ORDINALITY AS t(e, n)
        ORDER BY n
    ), ',');
UPDATE meetings SET
    attendee_roles = array_to_string(ARRAY(
        SELECT e FROM json_array_elements_text(attendee_roles::json) WITH ORDINALITY AS t(e, n)
        ORDER BY n
    ), E'\n'),
    reviews_discussed = array_to_string(ARRAY(
        SELECT e FROM json_array_elements_text(reviews_discussed::json) WITH ORDINALITY AS t(e, n)
        ORDER BY n
    ), ',');
