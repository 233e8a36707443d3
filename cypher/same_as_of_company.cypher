// The resolution decisions (SAME_AS) of the firm $id, in either direction, with score,
// explanation, method and judgement. Used to walk a resolved cluster.
// :param id: a firm's internal id
MATCH (x:Company)-[s:SAME_AS]-(y:Company)
WHERE x.id = $id
RETURN y.id AS other_id, y.name AS other_name, s.score AS score, s.explanation AS explanation,
       s.method AS method, s.judgement AS judgement
