// Firms and people whose normalised name, alias or previous name contains $key (used when no
// name matches exactly; graphkit.link.lookup keeps those where $key is whole words).
// :param key: normalised name or part of one, e.g. "arba"
MATCH (n:Company)
UNWIND n.name_keys AS k
WITH n, k WHERE k CONTAINS $key
RETURN DISTINCT n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets, n.names AS names,
       n.previous_names AS previous_names, n.name_keys AS name_keys
UNION ALL
MATCH (n:Person)
UNWIND n.name_keys AS k
WITH n, k WHERE k CONTAINS $key
RETURN DISTINCT n.id AS id, 'Person' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets, n.names AS names,
       n.previous_names AS previous_names, n.name_keys AS name_keys
