// Every firm that could be linked to another: every firm on the first hop of a link kind (the
// start queries firm_holders, firm_shipments, firm_addresses, firm_direct_control,
// firm_source_links, firm_payments). The start set for batch screening (find-links --all).
//
// Written from the link kinds (graphkit/link/links.py) by `python -m graphkit.queries`;
// a test checks that this file is up to date.
MATCH (a:Company)
WHERE EXISTS { MATCH (a)<-[:OFFICER_OF|OWNS]-() }
   OR EXISTS { MATCH (a)-[:SHIPPED]->(:Shipment) }
   OR EXISTS { MATCH (:Shipment)-[:SHIPPED_TO]->(a) }
   OR EXISTS { MATCH (a)-[:REGISTERED_AT]->(:Address) }
   OR EXISTS { MATCH (a)-[:OFFICER_OF|OWNS]->(:Company) }
   OR EXISTS { MATCH (a)<-[:OFFICER_OF|OWNS]-(:Company) }
   OR EXISTS { MATCH (a)-[:LINKED_TO]->() }
   OR EXISTS { MATCH (a)<-[:LINKED_TO]-() }
   OR EXISTS { MATCH (a)-[:PAID]->(:Company) }
   OR EXISTS { MATCH (a)<-[:PAID]-(:Company) }
RETURN a.id AS id
