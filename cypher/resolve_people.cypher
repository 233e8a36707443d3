// Every person with what entity resolution compares: names, country, birth date (or the birth
// month where a source gives no day, or the dates where it gives several), registry ids, sources.
MATCH (n:Person)
RETURN n.id AS id, n.names AS names, n.country AS country, n.birth_date AS birth_date,
       n.birth_month AS birth_month, n.registry_ids AS registry_ids, n.datasets AS datasets,
       n.nationality AS nationality, n.birth_dates AS birth_dates
