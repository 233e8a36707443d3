// The SAME_AS pairs waiting for review (judged pending), strongest first, with both names and
// the explanation of the score.
MATCH (a)-[s:SAME_AS]->(b)
WHERE s.judgement = 'pending'
RETURN a.id AS a_id, a.name AS a_name, b.id AS b_id, b.name AS b_name, s.score AS score,
       s.explanation AS explanation
ORDER BY s.score DESC, a.id, b.id
