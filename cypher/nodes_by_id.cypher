// Nodes of any label whose id is one of $ids, with what a report shows about them.
//
// Written from graphkit/model.yml (captions, report_columns, each label's facts) by
// `python -m graphkit.queries`; a test checks that this file is up to date.
// :param ids: list of internal ids
MATCH (n)
WHERE n.id IN $ids
RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, n.full AS full, n.hs_code AS hs_code,
       n.program AS program, n.country AS country, n.registry_ids AS registry_ids, n.names AS names,
       n.sanctioned AS sanctioned, n.topics AS topics, n.description_en AS description_en,
       n.datasets AS datasets, n.records AS records, n.last_loaded AS last_loaded,
       n.incorporation_date AS incorporation_date, n.dissolution_date AS dissolution_date,
       n.birth_date AS birth_date, n.birth_dates AS birth_dates, n.birth_month AS birth_month,
       n.declaration_number AS declaration_number, n.direction AS direction, n.date AS date,
       n.period AS period, n.aggregated AS aggregated, n.hs6 AS hs6, n.description AS description,
       n.quantity AS quantity, n.unit AS unit, n.value_usd AS value_usd,
       n.origin_country AS origin_country, n.destination_country AS destination_country,
       n.kind AS kind, n.vessel_type AS vessel_type, n.flag AS flag, n.call_sign AS call_sign,
       n.imo AS imo, n.aircraft_model AS aircraft_model, n.authority AS authority,
       n.listing_date AS listing_date
