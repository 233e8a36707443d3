// One hop of a neighbourhood: the relationships of the given types touching $ids, either way.
//
// `direction` says which end is the neighbour ('out': end_id, 'in': start_id); the neighbour's
// id is not returned in a column of its own because LadybugDB (0.22) mixes up the columns of a
// UNION ALL whose branches repeat an expression. graphkit.report runs this once per hop, and per
// level of its path search, so both stores walk the graph alike. The start nodes carry no label:
// Neo4j finds them by scanning, which suits reports rather than hot loops.
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
