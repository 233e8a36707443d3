// Paths from the firm named $name to every firm linked to it, for Neo4j Browser to draw: the
// records resolved as that firm, then one branch per link kind (find-links' kinds, plus
// same_as for the start's own records):
// shared_officer, common_owner, shared_address, shipment, direct_control, source_link, family, payment.
//
// The start firms are found as find-links finds them, each step only when the ones before
// found nothing: an internal id or a registry number with or without its scheme (a bare BIN
// or INN), a source's record id, then part of a name as written (any case, any script) or of
// a normalised name; so is every record joined to one by SAME_AS judged auto or accepted,
// however long the chain. Any other judgement, or none, is never followed (Browser's
// "Connect result nodes" still draws one between nodes on screen). One row per path: kind,
// firm and linked (the two records' names), firm_id and linked_id, path.
//
// Written from the link kinds (graphkit/link/links.py) by `python -m graphkit.queries`; a
// test checks that this file is up to date, tests/test_link_engine.py that its links are
// those find-links gives. Neo4j only: LadybugDB cannot put paths of different shapes in
// one column (graphkit find-links answers the same question on every store).
// :param name: the firm's name or part of one, any case, e.g. 'Aspan Arba' or 'Аспан Арба',
// or a registry number, e.g. '220440173863'
WITH trim($name) AS given
WITH given, toLower(given) AS q,
     toUpper(CASE WHEN given CONTAINS ':' THEN substring(given, size(split(given, ':')[0]) + 1) ELSE given END) AS number
OPTIONAL MATCH (n:Company)
WHERE n.id = given OR (NOT given CONTAINS ':' AND n.id IN [p IN [['ru-inn', '(?:\\d{10}|\\d{12})'], ['kz-bin', '(?:\\d{12})'], ['ru-ogrn', '(?:\\d{13}|\\d{15})'], ['lei', '(?:[A-Z0-9]{18}\\d{2})'], ['gb-coh', '(?:[A-Z0-9]{8})'], ['ua-edrpou', '(?:\\d{8})'], ['kz-iin', '(?:\\d{12})']] WHERE number =~ p[1] | p[0] + ':' + number])
WITH given, q, number, collect(n) AS by_id
OPTIONAL MATCH (n:Company)
WHERE size(by_id) = 0 AND given =~ '.*[0-9].*'
  AND any(x IN n.registry_ids WHERE x = given OR toUpper(x) ENDS WITH ':' + number)
WITH given, q, by_id, collect(n) AS by_registry_id
WITH given, q, by_id + by_registry_id AS by_number
OPTIONAL MATCH (n:Company)
WHERE size(by_number) = 0 AND NOT given CONTAINS ' ' AND any(r IN n.records WHERE r ENDS WITH '|' + given)
WITH given, q, by_number, collect(n) AS by_source
OPTIONAL MATCH (n:Company)
WHERE size(by_number) = 0 AND size(by_source) = 0
  AND (any(k IN n.name_keys WHERE k CONTAINS q) OR any(x IN n.names WHERE toLower(x) CONTAINS q))
WITH by_number, by_source, collect(n) AS by_name
UNWIND by_number + by_source + by_name AS s
MATCH (s) ((:Company)-[j:SAME_AS]-(:Company) WHERE j.judgement IN ['auto', 'accepted'])* (m:Company)
WITH collect(DISTINCT m.id) AS members
CALL (members) {
  MATCH path = (a:Company)-[r:SAME_AS]->(b:Company)
  WHERE a.id IN members AND b.id IN members AND r.judgement IN ['auto', 'accepted']
  RETURN 'same_as' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)<-[r1:OFFICER_OF|OWNS]-(p1) (()-[j:SAME_AS]-() WHERE j.judgement IN ['auto', 'accepted'])* (p2)-[r2:OFFICER_OF|OWNS]->(b:Company)
  WHERE a.id IN members AND NOT b.id IN members AND 'OFFICER_OF' IN [type(r1), type(r2)]
  RETURN 'shared_officer' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)<-[:OWNS]-(p1) (()-[j:SAME_AS]-() WHERE j.judgement IN ['auto', 'accepted'])* (p2)-[:OWNS]->(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'common_owner' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)-[:REGISTERED_AT]->(x:Address)<-[:REGISTERED_AT]-(b:Company)
  WHERE a.id IN members AND NOT b.id IN members AND x.full =~ '(?s).*[0-9].*'
  RETURN 'shared_address' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)-[:SHIPPED]->(:Shipment)-[:SHIPPED_TO]->(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'shipment' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)<-[:SHIPPED_TO]-(:Shipment)<-[:SHIPPED]-(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'shipment' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)-[:OFFICER_OF|OWNS]-(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'direct_control' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)-[:LINKED_TO]-(b)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'source_link' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)<-[:OFFICER_OF|OWNS]-(:Person) (()-[j:SAME_AS]-() WHERE j.judgement IN ['auto', 'accepted'])* (:Person)-[:FAMILY]-(:Person)-[:OFFICER_OF|OWNS]->(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'family' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)-[:PAID]-(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'payment' AS kind, a, b, path
}
RETURN kind, a.name AS firm, b.name AS linked, a.id AS firm_id, b.id AS linked_id, path
ORDER BY kind, linked, firm
