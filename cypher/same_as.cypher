// Resolution decisions touching $ids: the SAME_AS relationships with score, explanation,
// method and judgement (auto, accepted, pending, unsure or rejected: only auto and accepted
// join records into one entity).
// :param ids: node ids
MATCH (x)-[s:SAME_AS]-(y)
WHERE x.id IN $ids
RETURN DISTINCT x.id AS a_id, y.id AS b_id, y.name AS b_name, s.score AS score,
       s.explanation AS explanation, s.method AS method, s.judgement AS judgement
