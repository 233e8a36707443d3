// Every sanctioned person and firm: marked so (sanctioned = true) or linked to a Sanction.
// graphkit flags starts the OFAC 50 % rule check from their holdings (holdings.cypher).
MATCH (n:Person)
WHERE n.sanctioned = true OR EXISTS { MATCH (n)-[:SANCTIONED]->(:Sanction) }
RETURN n.id AS id, 'Person' AS label, n.name AS name
UNION ALL
MATCH (n:Company)
WHERE n.sanctioned = true OR EXISTS { MATCH (n)-[:SANCTIONED]->(:Sanction) }
RETURN n.id AS id, 'Company' AS label, n.name AS name
