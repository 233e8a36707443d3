// The records joined to the people $ids by SAME_AS judged auto or accepted, in either direction,
// with score, explanation and method: one step of walking a resolved cluster. Pending, unsure
// and rejected pairs are never followed. One index look-up per id.
// :param ids: internal ids, e.g. ['ru-inn:772840721943']
UNWIND $ids AS k
MATCH (x:Person {id: k})-[s:SAME_AS]-(y:Person)
WHERE s.judgement IN ['auto', 'accepted']
RETURN x.id AS id, y.id AS other_id, y.name AS other_name, s.score AS score,
       s.explanation AS explanation, s.method AS method, s.judgement AS judgement
