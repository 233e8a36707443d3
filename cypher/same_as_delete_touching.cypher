// Remove one method's SAME_AS decisions that touch any of the given records (a judgement
// re-decides every pair of the entities it touches, with records inside and outside them).
// :param ids: node ids, e.g. ['ftm:press-person-golberg', 'ru-inn:772840721943']
// :param method: the method that wrote the decisions, e.g. 'graphkit-resolve'
MATCH (x)-[s:SAME_AS]->(y)
WHERE s.method = $method AND (x.id IN $ids OR y.id IN $ids)
DELETE s
