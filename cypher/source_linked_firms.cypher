// The firms a list itself links to the entries $ids (people, firms, vessels and aircraft; OFAC
// "Linked To:"), either way: 'out' when the entry's own record names the firm, 'in' when the
// firm's record names the entry. The second hop of the source_link link. One index look-up per
// id and label.
// :param ids: internal ids of any label, e.g. ['ofac-sdn:16666']
UNWIND $ids AS k
MATCH (x:Person {id: k})-[r:LINKED_TO]->(b:Company)
RETURN x.id AS via_id, b.id AS firm_id, 'out' AS direction, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (x:Person {id: k})<-[r:LINKED_TO]-(b:Company)
RETURN x.id AS via_id, b.id AS firm_id, 'in' AS direction, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (x:Company {id: k})-[r:LINKED_TO]->(b:Company)
RETURN x.id AS via_id, b.id AS firm_id, 'out' AS direction, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (x:Company {id: k})<-[r:LINKED_TO]-(b:Company)
RETURN x.id AS via_id, b.id AS firm_id, 'in' AS direction, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (x:Asset {id: k})-[r:LINKED_TO]->(b:Company)
RETURN x.id AS via_id, b.id AS firm_id, 'out' AS direction, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (x:Asset {id: k})<-[r:LINKED_TO]-(b:Company)
RETURN x.id AS via_id, b.id AS firm_id, 'in' AS direction, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
