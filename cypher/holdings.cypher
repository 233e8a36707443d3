// The firms in which the person or firm $id holds a role or shares, with role, share, dates
// and source record. A building block of find-links.
// :param id: the holder's internal id
MATCH (p:Person)-[r:OFFICER_OF|OWNS]->(b:Company)
WHERE p.id = $id
RETURN b.id AS firm_id, type(r) AS type, r.role AS role, r.share AS share, r.start_date AS start,
       r.end_date AS end_date, r.dataset AS dataset, r.source_file AS file, r.record AS record
UNION ALL
MATCH (p:Company)-[r:OFFICER_OF|OWNS]->(b:Company)
WHERE p.id = $id
RETURN b.id AS firm_id, type(r) AS type, r.role AS role, r.share AS share, r.start_date AS start,
       r.end_date AS end_date, r.dataset AS dataset, r.source_file AS file, r.record AS record
