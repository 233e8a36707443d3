// Firms that hold a role in, or own, the firms $ids directly ('held by'), and firms these hold
// roles in or own ('holds'): the one-hop fact of the direct_control link.
// :param ids: the firms' internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (a:Company {id: k})-[r:OFFICER_OF|OWNS]->(b:Company)
WHERE a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'holds' AS direction, type(r) AS type, r.role AS role,
       r.share AS share, r.share_min AS share_min, r.share_max AS share_max, r.status AS status,
       r.registration_status AS registration_status, r.record_date AS record_date, r.loaded_at AS loaded_at,
       r.control AS control, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (a:Company {id: k})<-[r:OFFICER_OF|OWNS]-(b:Company)
WHERE a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'held by' AS direction, type(r) AS type, r.role AS role,
       r.share AS share, r.share_min AS share_min, r.share_max AS share_max, r.status AS status,
       r.registration_status AS registration_status, r.record_date AS record_date, r.loaded_at AS loaded_at,
       r.control AS control, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
