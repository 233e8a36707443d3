// Records joined by SAME_AS (judged auto or accepted), with their names, ids and sources.
// :param ids: node ids of cluster members
MATCH (n) WHERE n.id IN $ids
RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets, n.records AS records
