// The registered addresses of the firms $ids, with the role and source record of each: a
// one-hop fact of the shared_address link (address_firms.cypher gives the second hop).
// :param ids: the firms' internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (a:Company {id: k})-[r:REGISTERED_AT]->(x:Address)
RETURN a.id AS firm_id, x.id AS address_id, x.full AS address, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
