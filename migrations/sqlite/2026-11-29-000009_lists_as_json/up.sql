-- The remaining list-valued columns stop being comma-joined text. Users' roles, webhooks' event
-- types, actions' learning ids and themes and meetings' reviews discussed become JSON arrays
-- of wire names or ids, read and written only through persistence's typed accessors; a
-- learning point's themes become rows of `learning_point_themes`, so that learning across
-- cases filters and counts by theme in SQL. Every existing row is carried over.

-- Wire names and ids hold neither commas nor quotes: '' is [], 'a,b' is ["a","b"].
UPDATE users SET
    roles = CASE WHEN roles = '' THEN '[]' ELSE '["' || replace(roles, ',', '","') || '"]' END;
UPDATE webhooks SET
    event_types = CASE WHEN event_types = '' THEN '[]'
        ELSE '["' || replace(event_types, ',', '","') || '"]' END;
UPDATE actions SET
    learning_ids = CASE WHEN learning_ids = '' THEN '[]'
        ELSE '["' || replace(learning_ids, ',', '","') || '"]' END,
    themes = CASE WHEN themes = '' THEN '[]' ELSE '["' || replace(themes, ',', '","') || '"]' END;
UPDATE meetings SET
    reviews_discussed = CASE WHEN reviews_discussed = '' THEN '[]'
        ELSE '["' || replace(reviews_discussed, ',', '","') || '"]' END;

-- Attendees' roles are free text, one a line, and may hold commas, quotes or backslashes: the
-- lines are split in order and each is quoted by json_group_array.
UPDATE meetings SET attendee_roles = (
    WITH RECURSIVE line(n, item, rest) AS (
        SELECT 0, NULL, meetings.attendee_roles || char(10)
        UNION ALL
        SELECT n + 1, substr(rest, 1, instr(rest, char(10)) - 1),
            substr(rest, instr(rest, char(10)) + 1)
        FROM line WHERE rest <> ''
    )
    SELECT json_group_array(item) FROM (SELECT item FROM line WHERE item <> '' ORDER BY n)
);

-- One row per learning point and theme. The key finds a point's themes (and whether it has
-- one); the index finds a theme's points.
CREATE TABLE learning_point_themes (
    learning_id TEXT NOT NULL REFERENCES learning_points (id),
    theme TEXT NOT NULL,
    PRIMARY KEY (learning_id, theme)
);
CREATE INDEX learning_point_themes_theme ON learning_point_themes (theme, learning_id);
INSERT INTO learning_point_themes (learning_id, theme)
WITH RECURSIVE part(learning_id, theme, rest) AS (
    SELECT id, NULL, themes || ',' FROM learning_points
    UNION ALL
    SELECT learning_id, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
    FROM part WHERE rest <> ''
)
SELECT DISTINCT learning_id, theme FROM part WHERE theme <> '';
ALTER TABLE learning_points DROP COLUMN themes;
