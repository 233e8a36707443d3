// Firms whose normalised name (graphkit.normalize.name_key) is exactly $key. Scans every firm.
// :param key: normalised name, e.g. "aspan arba"
MATCH (n:Company)
UNWIND n.name_keys AS k
WITH n, k WHERE k = $key
RETURN DISTINCT n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
