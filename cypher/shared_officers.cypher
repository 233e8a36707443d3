// Firms linked through a person or firm that holds a role in both - officer in at least one,
// officer or owner in the other - directly or through people resolved as the same (SAME_AS judged auto or accepted).
// Each row is one piece of evidence: the two roles, with dates and their source records.
// :param ids: ids of the firms to start from
MATCH (a:Company)<-[r1:OFFICER_OF|OWNS]-(p1)
MATCH same = (p1)-[:SAME_AS*0..3]-(p2)
MATCH (p2)-[r2:OFFICER_OF|OWNS]->(b:Company)
WHERE a.id IN $ids AND a.id <> b.id
  AND all(s IN relationships(same) WHERE s.judgement IN ['auto', 'accepted']) AND (type(r1) = 'OFFICER_OF' OR type(r2) = 'OFFICER_OF')
RETURN DISTINCT a.id AS a_id, b.id AS b_id,
       p1.id AS via_id, labels(p1)[0] AS via_label, p1.name AS via_name,
       p2.id AS via2_id, p2.name AS via2_name,
       type(r1) AS a_type, r1.role AS a_role, r1.share AS a_share, r1.start_date AS a_start, r1.end_date AS a_end,
       r1.dataset AS a_dataset, r1.source_file AS a_file, r1.record AS a_record,
       type(r2) AS b_type, r2.role AS b_role, r2.share AS b_share, r2.start_date AS b_start, r2.end_date AS b_end,
       r2.dataset AS b_dataset, r2.source_file AS b_file, r2.record AS b_record
