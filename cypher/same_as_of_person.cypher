// The records joined to the records $ids by SAME_AS under the judgement rule (model.yml,
// SAME_AS joining: auto, accepted), in either direction, with score,
// explanation and method: one step of walking a resolved cluster. Any other judgement, or
// none, is never followed. One index look-up per id.
//
// Written from graphkit/model.yml by `python -m graphkit.queries`; a test checks that this
// file is up to date.
// :param ids: internal ids, e.g. ['ru-inn:7717019625']
UNWIND $ids AS k
MATCH (x:Person {id: k})-[s:SAME_AS]-(y:Person)
WHERE s.judgement IN ['auto', 'accepted']
RETURN x.id AS id, y.id AS other_id, y.name AS other_name, s.score AS score,
       s.explanation AS explanation, s.method AS method, s.judgement AS judgement
