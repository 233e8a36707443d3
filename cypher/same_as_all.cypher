// Every SAME_AS decision in the graph with its judgement (auto and accepted ones join clusters;
// rejected and unsure ones are kept so a Browser user sees them).
MATCH (x)-[s:SAME_AS]->(y)
RETURN x.id AS a_id, y.id AS b_id, s.score AS score, s.explanation AS explanation,
       s.method AS method, s.judgement AS judgement
