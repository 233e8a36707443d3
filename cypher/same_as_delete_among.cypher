// Remove one method's SAME_AS decisions between the given records (a judgement re-applies
// resolution to the records it touches only).
// :param ids: node ids, e.g. ['ftm:press-person-golberg', 'ru-inn:772840721943']
// :param method: the method that wrote the decisions, e.g. 'graphkit-resolve'
MATCH (x)-[s:SAME_AS]->(y)
WHERE s.method = $method AND x.id IN $ids AND y.id IN $ids
DELETE s
