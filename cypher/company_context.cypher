// The addresses each firm is tied to (shared ones are evidence for resolution); the people
// each firm is tied to come with person_firms (its 'role' rows).
MATCH (c:Company)-[:REGISTERED_AT]->(a:Address)
RETURN c.id AS company_id, a.id AS other_id
