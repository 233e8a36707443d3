// Firms and people one of whose source records has the record id in $suffix (the source's own
// id: an ICIJ node_id, an OFAC ent_num, an FtM entity id). Records are kept as
// "dataset|file|record"; scans every firm and person.
// :param suffix: "|" and the record id, e.g. "|45937"
WITH $suffix AS suffix
MATCH (n:Company)
WHERE any(r IN n.records WHERE r ENDS WITH suffix)
RETURN n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets, n.records AS records
UNION ALL
WITH $suffix AS suffix
MATCH (n:Person)
WHERE any(r IN n.records WHERE r ENDS WITH suffix)
RETURN n.id AS id, 'Person' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets, n.records AS records
