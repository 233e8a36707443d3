// One hop of a neighbourhood: every relationship of the given types touching the nodes $ids, in
// either direction, with its properties and source; direction says which end is the neighbour
// ('out': the end, 'in': the start). Run once per hop (graphkit.report walks the
// hops in Python, so the same file serves both stores and every hop stays one indexed query).
// :param ids: ids of the nodes to expand
// :param types: relationship types to follow, e.g. ['OFFICER_OF', 'OWNS', 'SAME_AS']
MATCH (n)-[r]->(m)
WHERE n.id IN $ids AND type(r) IN $types
RETURN n.id AS start_id, m.id AS end_id, 'out' AS direction, labels(m)[0] AS other_label,
       type(r) AS type, r.role AS role, r.share AS share, r.start_date AS start_date, r.end_date AS end_date,
       r.score AS score, r.method AS method, r.judgement AS judgement, r.explanation AS explanation,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
UNION ALL
MATCH (n)<-[r]-(m)
WHERE n.id IN $ids AND type(r) IN $types
RETURN m.id AS start_id, n.id AS end_id, 'in' AS direction, labels(m)[0] AS other_label,
       type(r) AS type, r.role AS role, r.share AS share, r.start_date AS start_date, r.end_date AS end_date,
       r.score AS score, r.method AS method, r.judgement AS judgement, r.explanation AS explanation,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
