// Nodes of any label whose id is one of $ids, with what a report shows about them.
//
// Caption, country, registry ids, sanction flags, provenance, and the customs line or sanction
// details (null for other labels).
// :param ids: list of internal ids
MATCH (n)
WHERE n.id IN $ids
RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, n.full AS full, n.country AS country,
       n.registry_ids AS registry_ids, n.names AS names, n.sanctioned AS sanctioned, n.topics AS topics,
       n.birth_date AS birth_date, n.incorporation_date AS incorporation_date,
       n.dissolution_date AS dissolution_date,
       n.declaration_number AS declaration_number, n.direction AS direction, n.date AS date,
       n.period AS period, n.aggregated AS aggregated, n.hs_code AS hs_code, n.hs6 AS hs6,
       n.description AS description, n.description_en AS description_en, n.value_usd AS value_usd,
       n.quantity AS quantity, n.unit AS unit, n.origin_country AS origin_country,
       n.destination_country AS destination_country,
       n.authority AS authority, n.program AS program, n.listing_date AS listing_date,
       n.datasets AS datasets, n.records AS records, n.last_loaded AS last_loaded
