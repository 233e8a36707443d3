// The people and firms holding a role in (OFFICER_OF) or shares of (OWNS) the firm $id, with
// the role, share, dates and source record of each. One indexed look-up: a building block of
// find-links.
// :param id: the firm's internal id, e.g. "kz-bin:220440173863"
MATCH (a:Company)<-[r:OFFICER_OF|OWNS]-(p)
WHERE a.id = $id
RETURN p.id AS holder_id, labels(p)[0] AS holder_label, p.name AS holder_name,
       type(r) AS type, r.role AS role, r.share AS share, r.start_date AS start, r.end_date AS end_date,
       r.dataset AS dataset, r.source_file AS file, r.record AS record
