// Firms that hold a role in, or own, the firm $id directly, and firms it holds roles in or owns.
// :param id: the firm's internal id
MATCH (a:Company)-[r:OFFICER_OF|OWNS]->(b:Company)
WHERE a.id = $id AND a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'holds' AS direction, type(r) AS type, r.role AS role,
       r.share AS share, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
UNION ALL
MATCH (a:Company)<-[r:OFFICER_OF|OWNS]-(b:Company)
WHERE a.id = $id AND a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'held by' AS direction, type(r) AS type, r.role AS role,
       r.share AS share, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
