// Every named firm with what entity resolution compares: names, country, registry ids, legal
// form, sources. A firm without a name is never compared: most firms of a PSC snapshot are only
// the numbers its filings name (114k of 135k at 200k lines), and reading them cost half a second.
MATCH (n:Company)
WHERE size(n.names) > 0 OR size(n.previous_names) > 0
RETURN n.id AS id, n.names AS names, n.previous_names AS previous_names, n.country AS country,
       n.registry_ids AS registry_ids, n.legal_form AS legal_form, n.datasets AS datasets
