// The customs lines of the firms $ids: as exporter or supplier ('out') and as importer or buyer
// ('in'), with the line's details and the firm's role and source record. One hop each way, one
// index look-up per firm: the one-hop fact of the shipment link (shipment_parties.cypher gives
// the other side of each line).
// :param ids: the firms' internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (a:Company {id: k})-[r:SHIPPED]->(s:Shipment)
RETURN a.id AS a_id, 'out' AS direction, s.id AS shipment_id, s.declaration_number AS declaration_number,
       s.date AS date, s.hs_code AS hs_code, s.hs6 AS hs6, s.description_en AS description,
       s.description AS description_orig, s.quantity AS quantity, s.unit AS unit, s.value_usd AS value_usd, s.value AS value,
       s.currency AS currency, s.net_weight_kg AS net_weight_kg, s.period AS period,
       s.aggregated AS aggregated, r.role AS a_role, r.dataset AS dataset, r.source_file AS source_file,
       r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (s:Shipment)-[r:SHIPPED_TO]->(a:Company {id: k})
RETURN a.id AS a_id, 'in' AS direction, s.id AS shipment_id, s.declaration_number AS declaration_number,
       s.date AS date, s.hs_code AS hs_code, s.hs6 AS hs6, s.description_en AS description,
       s.description AS description_orig, s.quantity AS quantity, s.unit AS unit, s.value_usd AS value_usd, s.value AS value,
       s.currency AS currency, s.net_weight_kg AS net_weight_kg, s.period AS period,
       s.aggregated AS aggregated, r.role AS a_role, r.dataset AS dataset, r.source_file AS source_file,
       r.record AS record
