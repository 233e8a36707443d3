// Companies and people whose internal id is one of $ids (registry ids are internal ids too:
// "ru-inn:7707083893", "kz-bin:220440173863"). One index look-up per id.
// :param ids: list of internal ids
UNWIND $ids AS k
MATCH (n:Company {id: k})
RETURN n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
UNION ALL
UNWIND $ids AS k
MATCH (n:Person {id: k})
RETURN n.id AS id, 'Person' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
