// The people and firms holding a role in (OFFICER_OF) or shares of (OWNS) the firms $ids, with
// the role, share, dates and source record of each. One index look-up per firm: a one-hop fact
// of the shared_officer and common_owner links.
// :param ids: the firms' internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (a:Company {id: k})<-[r:OFFICER_OF|OWNS]-(p)
RETURN a.id AS firm_id, p.id AS holder_id, labels(p)[0] AS holder_label, p.name AS holder_name,
       type(r) AS type, r.role AS role, r.share AS share, r.share_min AS share_min, r.share_max AS share_max, r.status AS status,
       r.registration_status AS registration_status, r.record_date AS record_date, r.loaded_at AS loaded_at,
       r.control AS control, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS file, r.record AS record
