// Every firm that could be linked to another: it has an officer or owner, an address, or a
// shipment. The start set for batch screening (find-links --all).
MATCH (a:Company)
WHERE EXISTS { MATCH (a)<-[:OFFICER_OF|OWNS]-() } OR EXISTS { MATCH (a)-[:REGISTERED_AT]->() }
   OR EXISTS { MATCH (a)-[:SHIPPED]->() } OR EXISTS { MATCH (a)-[:OFFICER_OF|OWNS]->(:Company) }
RETURN a.id AS id
