// Every SAME_AS decision in the graph (for building resolved clusters).
MATCH (x)-[s:SAME_AS]->(y)
RETURN x.id AS a_id, y.id AS b_id, s.score AS score, s.explanation AS explanation,
       s.method AS method, s.judgement AS judgement
