// Transshipment chains for Neo4j Browser to draw: a supplier outside the transit and
// destination countries sells goods to an intermediary in a transit country, which sells goods
// of the same HS-6 code on to a consignee in a destination country within $window_days days of
// receiving them. The pattern graphkit flags scores (kind transshipment), which also follows
// SAME_AS, checks quantities and weighs links between intermediary and consignee; here a firm
// named only on a customs line is a node of its own. One row per chain. Neo4j only (graphkit
// flags answers on every store): LadybugDB reads duration({days: ...}) differently.
// :param transit: transit countries, e.g. ['kz', 'kg', 'am', 'ae', 'tr', 'uz', 'ge']
// :param destinations: destination countries, e.g. ['ru', 'by']
// :param window_days: the most days between the goods coming in and going on, e.g. 180
MATCH (sup:Company)-[r1:SHIPPED]->(i:Shipment)-[r2:SHIPPED_TO]->(mid:Company)
WHERE mid.country IN $transit AND NOT sup.country IN $transit AND NOT sup.country IN $destinations
MATCH (mid)-[r3:SHIPPED]->(o:Shipment)-[r4:SHIPPED_TO]->(con:Company)
WHERE con.country IN $destinations AND o.hs6 = i.hs6 AND o.date >= i.date
  AND o.date <= i.date + duration({days: $window_days})
RETURN sup, r1, i, r2, mid, r3, o, r4, con
