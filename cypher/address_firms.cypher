// The firms registered at the addresses $ids, with the role and source record of each: the
// second hop of the shared_address link.
// :param ids: Address ids, from the address_id column of firm_addresses, e.g. ['address:a8eb9522ef53166fd1da']
UNWIND $ids AS k
MATCH (b:Company)-[r:REGISTERED_AT]->(x:Address {id: k})
RETURN x.id AS address_id, b.id AS firm_id, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
