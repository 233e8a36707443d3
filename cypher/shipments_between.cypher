// Shipments between firms: customs lines where one firm is the exporter or supplier and the
// other the importer or buyer, in either direction. One row per declaration line.
// :param ids: ids of the firms to start from
MATCH (a:Company)-[r1:SHIPPED]->(s:Shipment)-[r2:SHIPPED_TO]->(b:Company)
WHERE a.id IN $ids AND a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'out' AS direction, s.id AS shipment_id,
       s.declaration_number AS declaration_number, s.date AS date, s.hs_code AS hs_code, s.hs6 AS hs6,
       s.description_en AS description, s.description AS description_orig, s.quantity AS quantity, s.unit AS unit,
       s.value_usd AS value_usd, s.aggregated AS aggregated, s.records AS records,
       r1.role AS a_role, r2.role AS b_role, r1.dataset AS dataset, r1.source_file AS source_file, r1.record AS record
UNION ALL
MATCH (b:Company)-[r1:SHIPPED]->(s:Shipment)-[r2:SHIPPED_TO]->(a:Company)
WHERE a.id IN $ids AND a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'in' AS direction, s.id AS shipment_id,
       s.declaration_number AS declaration_number, s.date AS date, s.hs_code AS hs_code, s.hs6 AS hs6,
       s.description_en AS description, s.description AS description_orig, s.quantity AS quantity, s.unit AS unit,
       s.value_usd AS value_usd, s.aggregated AS aggregated, s.records AS records,
       r2.role AS a_role, r1.role AS b_role, r2.dataset AS dataset, r2.source_file AS source_file, r2.record AS record
