UPDATE reviews SET
    eligibility_reasons = replace(replace(replace(eligibility_reasons, '","', ','), '["', ''), '"]', ''),
    focused_reasons = replace(replace(replace(focused_reasons, '","', ','), '["', ''), '"]', ''),
    data_quality_flags = replace(replace(replace(data_quality_flags, '","', ','), '["', ''), '"]', '');
UPDATE reviews SET eligibility_reasons = '' WHERE eligibility_reasons = '[]';
UPDATE reviews SET focused_reasons = '' WHERE focused_reasons = '[]';
UPDATE reviews SET data_quality_flags = '' WHERE data_quality_flags = '[]';
