// The service addresses people give (PSC), which two filings of one person may share.
MATCH (p:Person)-[:REGISTERED_AT]->(x:Address)
RETURN p.id AS person_id, x.id AS address_id, x.full AS address
