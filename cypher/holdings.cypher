// The firms in which the people or firms $ids hold a role or shares, with role, share, dates
// and source record: the second hop of the shared_officer and common_owner links.
// :param ids: the holders' internal ids, e.g. ['ru-inn:772840721943']
UNWIND $ids AS k
MATCH (p:Person {id: k})-[r:OFFICER_OF|OWNS]->(b:Company)
RETURN p.id AS holder_id, p.name AS holder_name, b.id AS firm_id, type(r) AS type, r.role AS role,
       r.share AS share, r.share_min AS share_min, r.share_max AS share_max, r.status AS status,
       r.registration_status AS registration_status, r.record_date AS record_date, r.loaded_at AS loaded_at,
       r.control AS control, r.start_date AS start, r.end_date AS end_date, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (p:Company {id: k})-[r:OFFICER_OF|OWNS]->(b:Company)
RETURN p.id AS holder_id, p.name AS holder_name, b.id AS firm_id, type(r) AS type, r.role AS role,
       r.share AS share, r.share_min AS share_min, r.share_max AS share_max, r.status AS status,
       r.registration_status AS registration_status, r.record_date AS record_date, r.loaded_at AS loaded_at,
       r.control AS control, r.start_date AS start, r.end_date AS end_date, r.dataset AS dataset,
       r.source_file AS file, r.record AS record
