// Firms and people whose normalised name, alias or previous name (graphkit.normalize.name_key,
// kept in name_keys) is exactly $key. Scans every firm and person.
// :param key: normalised name, e.g. "aspan arba"
MATCH (n:Company)
UNWIND n.name_keys AS k
WITH n, k WHERE k = $key
RETURN DISTINCT n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets, n.names AS names,
       n.previous_names AS previous_names
UNION ALL
MATCH (n:Person)
UNWIND n.name_keys AS k
WITH n, k WHERE k = $key
RETURN DISTINCT n.id AS id, 'Person' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets, n.names AS names,
       n.previous_names AS previous_names
