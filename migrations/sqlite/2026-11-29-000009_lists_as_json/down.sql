-- Back to comma-joined text (attendees' roles one a line), in each list's stored order; a
-- learning point's themes are joined in code order, the order every writer stored them in.
-- The restored `learning_points.themes` comes last among the table's columns.
ALTER TABLE learning_points ADD COLUMN themes TEXT NOT NULL DEFAULT '';
UPDATE learning_points SET themes = COALESCE((
    SELECT group_concat(theme, ',') FROM (
        SELECT theme FROM learning_point_themes
        WHERE learning_id = learning_points.id ORDER BY theme
    )
), '');
DROP TABLE learning_point_themes;

UPDATE users SET roles = COALESCE((
    SELECT group_concat(value, ',') FROM (SELECT value FROM json_each(users.roles) ORDER BY key)
), '');
UPDATE webhooks SET event_types = COALESCE((
    SELECT group_concat(value, ',')
    FROM (SELECT value FROM json_each(webhooks.event_types) ORDER BY key)
), '');
UPDATE actions SET
    learning_ids = COALESCE((
        SELECT group_concat(value, ',')
        FROM (SELECT value FROM json_each(actions.learning_ids) ORDER BY key)
    ), ''),
    themes = COALESCE((
        SELECT group_concat(value, ',')
        FROM (SELECT value FROM json_each(actions.themes) ORDER BY key)
    ), '');
UPDATE meetings SET
    attendee_roles = COALESCE((
        SELECT group_concat(value, char(10))
        FROM (SELECT value FROM json_each(meetings.attendee_roles) ORDER BY key)
    ), ''),
    reviews_discussed = COALESCE((
        SELECT group_concat(value, ',')
        FROM (SELECT value FROM json_each(meetings.reviews_discussed) ORDER BY key)
    ), '');
