// The firms each person is tied to: roles held, and the parties of shipments they declared.
MATCH (p:Person)-[:OFFICER_OF|OWNS]->(c:Company)
RETURN p.id AS person_id, c.id AS company_id
UNION
MATCH (p:Person)-[:DECLARED]->(:Shipment)-[:SHIPPED_TO]->(c:Company)
RETURN p.id AS person_id, c.id AS company_id
UNION
MATCH (p:Person)-[:DECLARED]->(:Shipment)<-[:SHIPPED]-(c:Company)
RETURN p.id AS person_id, c.id AS company_id
