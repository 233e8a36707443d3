// The entries that a list itself links to the firms $ids (OFAC "Linked To:"), either way:
// 'out' when the firm's own entry names the other, 'in' when the other's entry names the firm.
// The one-hop fact of the source_link link. One index look-up per firm.
// :param ids: the firms' internal ids, e.g. ['lei:5299007BJ0JWBN3WVQ35']
UNWIND $ids AS k
MATCH (a:Company {id: k})-[r:LINKED_TO]->(x)
RETURN a.id AS firm_id, x.id AS via_id, labels(x)[0] AS via_label, x.name AS via_name, 'out' AS direction,
       r.role AS role, r.dataset AS dataset, r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (a:Company {id: k})<-[r:LINKED_TO]-(x)
RETURN a.id AS firm_id, x.id AS via_id, labels(x)[0] AS via_label, x.name AS via_name, 'in' AS direction,
       r.role AS role, r.dataset AS dataset, r.source_file AS file, r.record AS record
