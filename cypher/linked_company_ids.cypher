// Every firm that could be linked to another: it has an officer or owner, an address, a
// shipment either way, holds a role in another firm, a list links it to an entry (OFAC
// "Linked To:"), or it paid or was paid (FtM Payment). The start set for batch screening
// (find-links --all): every firm on a one-hop fact of a link kind.
MATCH (a:Company)
WHERE EXISTS { MATCH (a)<-[:OFFICER_OF|OWNS]-() } OR EXISTS { MATCH (a)-[:REGISTERED_AT]->() }
   OR EXISTS { MATCH (a)-[:SHIPPED]->() }
   OR EXISTS { MATCH (a)<-[:SHIPPED_TO]-() } OR EXISTS { MATCH (a)-[:OFFICER_OF|OWNS]->(:Company) }
   OR EXISTS { MATCH (a)-[:LINKED_TO]-() } OR EXISTS { MATCH (a)-[:PAID]-(:Company) }
RETURN a.id AS id
