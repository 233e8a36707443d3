// The addresses each firm is tied to (shared ones are evidence for resolution); the people
// each firm is tied to come with person_firms (its 'role' rows). Only addresses that name
// premises (a digit: a house number, postcode or PO box), as for the shared_address link: two
// firms in one town are not confirmed the same by it.
MATCH (c:Company)-[:REGISTERED_AT]->(a:Address)
WHERE a.full =~ '(?s).*[0-9].*'
RETURN c.id AS company_id, a.id AS other_id
