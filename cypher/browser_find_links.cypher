// Paths from the firm named $name to every firm linked to it, for Neo4j Browser to draw: the
// records resolved as that firm, shared officers and owners (also through people resolved as the
// same), shared addresses, shipments, direct control, the source's own links (OFAC "Linked To:",
// to a firm, person, vessel or aircraft, only as stated), family of the people holding roles
// (FtM Family) and payments (FtM Payment).
//
// A firm record is a start when $name is its id, or part of one of its names as written (any
// case, any script) or of its normalised names; so is every record joined to one by SAME_AS
// judged auto or accepted, however long the chain. One row per path: kind (find-links' kinds,
// plus same_as for the start's own records), firm and linked (the two records' names), firm_id
// and linked_id, path. The links are those find-links gives (tests/test_link_engine.py checks it
// on every firm). SAME_AS judged pending, unsure or rejected is never followed; Browser's
// "Connect result nodes" still draws one between nodes on screen. Neo4j only (graphkit
// find-links answers the same question on every store): LadybugDB cannot put paths of different
// shapes in one column, so the embedded store cannot run it.
// :param name: the firm's name or part of one, any case, e.g. 'Aspan Arba' or 'Аспан Арба'
WITH trim($name) AS given
WITH given, toLower(given) AS q
MATCH (s:Company)
WHERE s.id = given OR any(k IN s.name_keys WHERE k CONTAINS q) OR any(n IN s.names WHERE toLower(n) CONTAINS q)
MATCH (s) ((:Company)-[j:SAME_AS]-(:Company) WHERE j.judgement IN ['auto', 'accepted'])* (m:Company)
WITH collect(DISTINCT m.id) AS members
CALL (members) {
  MATCH path = (a:Company)-[r:SAME_AS]->(b:Company)
  WHERE a.id IN members AND b.id IN members AND r.judgement IN ['auto', 'accepted']
  RETURN 'same_as' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)<-[r1:OFFICER_OF|OWNS]-(p1)
               (()-[j:SAME_AS]-() WHERE j.judgement IN ['auto', 'accepted'])*
               (p2)-[r2:OFFICER_OF|OWNS]->(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN CASE WHEN type(r1) = 'OWNS' AND type(r2) = 'OWNS' THEN 'common_owner' ELSE 'shared_officer' END AS kind,
         a, b, path
  UNION ALL
  MATCH path = (a:Company)-[:REGISTERED_AT]->(:Address)<-[:REGISTERED_AT]-(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
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
  MATCH path = (a:Company)<-[:OFFICER_OF|OWNS]-(:Person)
               (()-[j:SAME_AS]-() WHERE j.judgement IN ['auto', 'accepted'])*
               (:Person)-[:FAMILY]-(:Person)-[:OFFICER_OF|OWNS]->(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'family' AS kind, a, b, path
  UNION ALL
  MATCH path = (a:Company)-[:PAID]-(b:Company)
  WHERE a.id IN members AND NOT b.id IN members
  RETURN 'payment' AS kind, a, b, path
}
RETURN kind, a.name AS firm, b.name AS linked, a.id AS firm_id, b.id AS linked_id, path
ORDER BY kind, linked, firm
