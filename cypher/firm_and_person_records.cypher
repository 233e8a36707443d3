// Every firm and person with the source records it was made of and its registry ids: what a
// score against a known truth (graphkit.synth.evaluate) reads.
MATCH (n)
WHERE labels(n)[0] IN ['Company', 'Person']
RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, n.records AS records,
       n.registry_ids AS registry_ids
