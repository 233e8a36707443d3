// The ownership chains, up to three levels, from sanctioned parties (marked sanctioned or
// linked to a Sanction) down to the firm $id, for Neo4j Browser to draw, with the share of each
// step. graphkit exposure applies the OFAC 50 % rule to such chains (holdings current at a date,
// SAME_AS followed, unknown shares reported as unknown). Neo4j only (graphkit exposure answers
// on every store): LadybugDB cannot read the relationships of a variable-length path this way.
// :param id: the firm's internal id, e.g. 'ru-inn:7816385044'
MATCH path = (s)-[:OWNS*1..3]->(c:Company {id: $id})
WHERE s.sanctioned = true OR EXISTS { MATCH (s)-[:SANCTIONED]->(:Sanction) }
RETURN path, [r IN relationships(path) | r.share] AS shares
