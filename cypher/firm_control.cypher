// Firms that hold shares of or a role in another firm, as the sources state it: resolution
// never takes a firm and one it owns or directs for one firm (United Internet AG owns 100 % of
// 1&1 Internet AG in KEK; their names alone had been asked about).
MATCH (a:Company)-[:OWNS|OFFICER_OF]->(b:Company)
WHERE a.id <> b.id
RETURN DISTINCT a.id AS holder_id, b.id AS firm_id
