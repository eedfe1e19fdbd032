-- A review's list-valued facts (eligibility reasons, focused reasons, data-quality flags) were
-- comma-joined wire names; they become JSON arrays of wire names, read and written only through
-- persistence's typed accessors. Every existing row is carried over: '' is [], 'a,b' is
-- ["a","b"] (wire names hold neither commas nor quotes).
UPDATE reviews SET
    eligibility_reasons = CASE WHEN eligibility_reasons = '' THEN '[]'
        ELSE '["' || replace(eligibility_reasons, ',', '","') || '"]' END,
    focused_reasons = CASE WHEN focused_reasons = '' THEN '[]'
        ELSE '["' || replace(focused_reasons, ',', '","') || '"]' END,
    data_quality_flags = CASE WHEN data_quality_flags = '' THEN '[]'
        ELSE '["' || replace(data_quality_flags, ',', '","') || '"]' END;
