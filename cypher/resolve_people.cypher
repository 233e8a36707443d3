// Every person with what entity resolution compares: names, country, birth date, registry ids.
MATCH (n:Person)
RETURN n.id AS id, n.names AS names, n.country AS country, n.birth_date AS birth_date,
       n.registry_ids AS registry_ids
