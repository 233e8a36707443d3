// The relatives of the people $ids as a source states them (FtM Family), either way, with the
// relation as worded: 'out' when the fact reads "<person> <relation> <relative>", 'in' when the
// relative is the person of the fact. A hop of the family link. One index look-up per person.
// :param ids: people's internal ids, e.g. ['ftm:NK-JseaPJctnK9o8wrmz8xmoT']
UNWIND $ids AS k
MATCH (p:Person {id: k})-[r:FAMILY]->(q:Person)
RETURN p.id AS person_id, q.id AS relative_id, q.name AS relative_name, 'out' AS direction,
       r.role AS relation, r.dataset AS dataset, r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (p:Person {id: k})<-[r:FAMILY]-(q:Person)
RETURN p.id AS person_id, q.id AS relative_id, q.name AS relative_name, 'in' AS direction,
       r.role AS relation, r.dataset AS dataset, r.source_file AS file, r.record AS record
