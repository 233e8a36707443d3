// The registered addresses of the firms $ids, with the role and source record of each: a
// one-hop fact of the shared_address link (address_firms.cypher gives the second hop). Only
// addresses that name premises: a text with no digit (no house number, postcode or PO box:
// KEK's "Berlin", "Delaware, USA") gives a town or a country, which two firms sharing is no link.
// :param ids: the firms' internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (a:Company {id: k})-[r:REGISTERED_AT]->(x:Address)
WHERE x.full =~ '(?s).*[0-9].*'
RETURN a.id AS firm_id, x.id AS address_id, x.full AS address, r.role AS role, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
