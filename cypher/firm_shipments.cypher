// The customs lines of the firm $id: as exporter or supplier ('out') and as importer or buyer
// ('in'), with the line's details and the firm's role and source record. One hop each way, so
// one index look-up; shipment_parties.cypher then gives the other side of each line.
// :param id: the firm's internal id
MATCH (a:Company)-[r:SHIPPED]->(s:Shipment)
WHERE a.id = $id
RETURN a.id AS a_id, 'out' AS direction, s.id AS shipment_id, s.declaration_number AS declaration_number,
       s.date AS date, s.hs_code AS hs_code, s.hs6 AS hs6, s.description_en AS description,
       s.description AS description_orig, s.quantity AS quantity, s.unit AS unit, s.value_usd AS value_usd,
       s.aggregated AS aggregated, r.role AS a_role, r.dataset AS dataset, r.source_file AS source_file,
       r.record AS record
UNION ALL
MATCH (s:Shipment)-[r:SHIPPED_TO]->(a:Company)
WHERE a.id = $id
RETURN a.id AS a_id, 'in' AS direction, s.id AS shipment_id, s.declaration_number AS declaration_number,
       s.date AS date, s.hs_code AS hs_code, s.hs6 AS hs6, s.description_en AS description,
       s.description AS description_orig, s.quantity AS quantity, s.unit AS unit, s.value_usd AS value_usd,
       s.aggregated AS aggregated, r.role AS a_role, r.dataset AS dataset, r.source_file AS source_file,
       r.record AS record
