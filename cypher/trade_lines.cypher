// Every customs line (or monthly aggregate row) with its goods, value, countries and the firms
// on each side: the input of the route-jump and transshipment detectors (graphkit flags).
// A line with two sellers or buyers comes once per pair; lines without a firm on a side have
// nulls there. Runs over the whole graph.
MATCH (s:Shipment)
OPTIONAL MATCH (a:Company)-[:SHIPPED]->(s)
OPTIONAL MATCH (s)-[:SHIPPED_TO]->(b:Company)
RETURN s.id AS shipment_id, s.date AS date, s.aggregated AS aggregated, s.direction AS direction,
       s.hs_code AS hs_code, s.hs6 AS hs6, s.hs_chapter AS hs_chapter, s.value_usd AS value_usd,
       s.quantity AS quantity, s.unit AS unit, s.declaration_number AS declaration_number,
       s.description_en AS description, s.dispatch_country AS dispatch_country,
       s.origin_country AS origin_country, s.destination_country AS destination_country,
       s.records AS records, a.id AS seller_id, a.name AS seller_name, a.country AS seller_country,
       b.id AS buyer_id, b.name AS buyer_name, b.country AS buyer_country
ORDER BY shipment_id, seller_id, buyer_id
