// The resolution decisions (SAME_AS) of the person $id, in either direction, with score,
// explanation, method and judgement. Used to walk a resolved cluster.
// :param id: a person's internal id
MATCH (x:Person)-[s:SAME_AS]-(y:Person)
WHERE x.id = $id
RETURN y.id AS other_id, y.name AS other_name, s.score AS score, s.explanation AS explanation,
       s.method AS method, s.judgement AS judgement
