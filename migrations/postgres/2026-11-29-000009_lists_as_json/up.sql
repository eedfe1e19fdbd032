-- The remaining list-valued columns stop being comma-joined text. Users' roles, webhooks' event
-- types, actions' learning ids and themes and meetings' reviews discussed become JSON arrays
-- of wire names or ids, read and written only through persistence's typed accessors; a
-- learning point's themes become rows of `learning_point_themes`, so that learning across
-- cases filters and counts by theme in SQL. Every existing row is carried over.

-- '' is [], 'a,b' is ["a","b"]; array_to_json quotes each element.
UPDATE users SET roles = array_to_json(string_to_array(roles, ','))::text;
UPDATE webhooks SET event_types = array_to_json(string_to_array(event_types, ','))::text;
UPDATE actions SET
    learning_ids = array_to_json(string_to_array(learning_ids, ','))::text,
    themes = array_to_json(string_to_array(themes, ','))::text;
-- Attendees' roles are free text, one a line (they may hold commas, quotes or backslashes).
UPDATE meetings SET
    attendee_roles = array_to_json(string_to_array(attendee_roles, E'\n'))::text,
    reviews_discussed = array_to_json(string_to_array(reviews_discussed, ','))::text;

-- One row per learning point and theme. The key finds a point's themes (and whether it has
-- one); the index finds a theme's points.
CREATE TABLE learning_point_themes (
    learning_id TEXT NOT NULL REFERENCES learning_points (id),
    theme TEXT NOT NULL,
    PRIMARY KEY (learning_id, theme)
);
CREATE INDEX learning_point_themes_theme ON learning_point_themes (theme, learning_id);
INSERT INTO learning_point_themes (learning_id, theme)
SELECT DISTINCT l.id, t.theme
FROM learning_points l, unnest(string_to_array(l.themes, ',')) AS t(theme)
WHERE t.theme <> '';
ALTER TABLE learning_points DROP COLUMN themes;
