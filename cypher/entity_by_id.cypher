// Companies and people whose internal id is one of $ids (registry ids are internal ids too:
// "ru-inn:7707083893", "kz-bin:220440012345").
// :param ids: list of internal ids
MATCH (n:Company) WHERE n.id IN $ids
RETURN n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
UNION ALL
MATCH (n:Person) WHERE n.id IN $ids
RETURN n.id AS id, 'Person' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
