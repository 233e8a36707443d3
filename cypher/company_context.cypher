// The people and addresses each firm is tied to (shared ones are evidence for resolution).
MATCH (c:Company)<-[:OFFICER_OF|OWNS]-(p:Person)
RETURN c.id AS company_id, p.id AS other_id
UNION
MATCH (c:Company)-[:REGISTERED_AT]->(a:Address)
RETURN c.id AS company_id, a.id AS other_id
