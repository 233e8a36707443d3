// Every firm with what entity resolution compares: names, country, registry ids, legal form, sources.
MATCH (n:Company)
RETURN n.id AS id, n.names AS names, n.previous_names AS previous_names, n.country AS country,
       n.registry_ids AS registry_ids, n.legal_form AS legal_form, n.datasets AS datasets
