// Firms that hold a role in or own one another directly (a company as officer or shareholder).
// :param ids: ids of the firms to start from
MATCH (a:Company)-[r:OFFICER_OF|OWNS]->(b:Company)
WHERE a.id IN $ids AND a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'holds' AS direction, type(r) AS type, r.role AS role,
       r.share AS share, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
UNION ALL
MATCH (a:Company)<-[r:OFFICER_OF|OWNS]-(b:Company)
WHERE a.id IN $ids AND a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'held by' AS direction, type(r) AS type, r.role AS role,
       r.share AS share, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
