// The customs trade of the firm named $name, summed per partner, direction, HS-6 code, year and
// declaring dataset: the lines a report draws as one trade line (graphkit viz), as a table.
//
// A firm record is a start when $name is its id, or part of one of its names as written (any
// case) or of its normalised names. One row per exporter, importer, HS-6 code, year and customs
// dataset: lines, quantity (summed when every line has the same unit), value in USD, first and
// last date. An export declaration and the import declaration of the same goods come from two
// datasets and stay two rows, so the goods are not counted twice. Runs on both stores.
// :param name: the firm's name or part of one, any case, e.g. 'Aspan Arba'
WITH trim($name) AS given
WITH given, toLower(given) AS q
MATCH (a:Company)
WHERE a.id = given OR any(k IN a.name_keys WHERE k CONTAINS q) OR any(n IN a.names WHERE toLower(n) CONTAINS q)
MATCH (a)-[r:SHIPPED]->(s:Shipment)-[:SHIPPED_TO]->(b:Company)
WITH a, b, s, r, left(toString(s.date), 4) AS year
RETURN 'out' AS direction, a.name AS exporter, b.name AS importer, s.hs6 AS hs6, year, r.dataset AS dataset,
       count(s) AS lines, collect(DISTINCT s.unit) AS units, sum(s.quantity) AS quantity,
       sum(s.value_usd) AS value_usd, min(s.date) AS first_date, max(s.date) AS last_date
ORDER BY exporter, importer, hs6, year, dataset
UNION ALL
WITH trim($name) AS given
WITH given, toLower(given) AS q
MATCH (a:Company)
WHERE a.id = given OR any(k IN a.name_keys WHERE k CONTAINS q) OR any(n IN a.names WHERE toLower(n) CONTAINS q)
MATCH (b:Company)-[r:SHIPPED]->(s:Shipment)-[:SHIPPED_TO]->(a)
WITH a, b, s, r, left(toString(s.date), 4) AS year
RETURN 'in' AS direction, b.name AS exporter, a.name AS importer, s.hs6 AS hs6, year, r.dataset AS dataset,
       count(s) AS lines, collect(DISTINCT s.unit) AS units, sum(s.quantity) AS quantity,
       sum(s.value_usd) AS value_usd, min(s.date) AS first_date, max(s.date) AS last_date
ORDER BY exporter, importer, hs6, year, dataset
