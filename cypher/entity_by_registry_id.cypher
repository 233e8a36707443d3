// Companies and people carrying a registry number the node is not keyed by (a firm keyed by its
// INN also carries its OGRN): one of $ids, or any registry id ending in $suffix (":HRB 86786"
// finds "reg:de:HRB 86786"). Scans the registry ids; find-links tries node ids first.
// :param ids: list of scheme-qualified registry ids
// :param suffix: ":" and the number as typed, upper case, e.g. ":1027700132195"
WITH $ids AS ids, $suffix AS suffix
MATCH (n:Company)
WHERE any(x IN n.registry_ids WHERE x IN ids OR x ENDS WITH suffix)
RETURN n.id AS id, 'Company' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
UNION ALL
WITH $ids AS ids, $suffix AS suffix
MATCH (n:Person)
WHERE any(x IN n.registry_ids WHERE x IN ids OR x ENDS WITH suffix)
RETURN n.id AS id, 'Person' AS label, n.name AS name, n.country AS country,
       n.registry_ids AS registry_ids, n.datasets AS datasets
