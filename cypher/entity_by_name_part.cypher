// Firms whose normalised name contains $key (used when no name matches exactly).
// :param key: normalised name or part of one, e.g. "arba"
MATCH (n:Company)
UNWIND n.name_keys AS k
WITH n, k WHERE k CONTAINS $key
RETURN DISTINCT n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
