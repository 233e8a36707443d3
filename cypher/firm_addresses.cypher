// The addresses of the firm $id and every firm registered at each, with source records.
// :param id: the firm's internal id
MATCH (a:Company)-[r1:REGISTERED_AT]->(x:Address)<-[r2:REGISTERED_AT]-(b:Company)
WHERE a.id = $id AND b.id <> a.id
RETURN a.id AS a_id, b.id AS b_id, x.id AS via_id, 'Address' AS via_label, x.full AS via_name,
       r1.role AS a_role, r1.dataset AS a_dataset, r1.source_file AS a_file, r1.record AS a_record,
       r2.role AS b_role, r2.dataset AS b_dataset, r2.source_file AS b_file, r2.record AS b_record
