// Remove one method's SAME_AS decisions between the given records (a judgement re-applies
// resolution to the records it touches only).
// :param ids: node ids
// :param method: the method that wrote the decisions
MATCH (x)-[s:SAME_AS]->(y)
WHERE s.method = $method AND x.id IN $ids AND y.id IN $ids
DELETE s
