// The firms each person is tied to: roles held (via 'role'), and the parties of shipments they
// declared (via 'shipment'). The roles are also the people each firm is tied to, so resolution
// reads these edges once (company_context gives a firm's addresses).
MATCH (p:Person)-[:OFFICER_OF|OWNS]->(c:Company)
RETURN p.id AS person_id, c.id AS company_id, 'role' AS via
UNION
MATCH (p:Person)-[:DECLARED]->(:Shipment)-[:SHIPPED_TO]->(c:Company)
RETURN p.id AS person_id, c.id AS company_id, 'shipment' AS via
UNION
MATCH (p:Person)-[:DECLARED]->(:Shipment)<-[:SHIPPED]-(c:Company)
RETURN p.id AS person_id, c.id AS company_id, 'shipment' AS via
