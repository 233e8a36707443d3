// Which of the firms or people $ids are sanctioned: marked so (sanctioned = true, as FtM
// topics or a list loader set it) or linked to a Sanction, with each listing's authority,
// list, program, listing, start and end dates, what the listing date rests on
// (listing_date_basis: listingDate, startDate, or why it is unknown) and source record (one row
// per listing; a marked record without a listing has nulls there).
// :param ids: internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (n:Company {id: k})
OPTIONAL MATCH (n)-[:SANCTIONED]->(x:Sanction)
WITH n, x
WHERE n.sanctioned = true OR x IS NOT NULL
RETURN n.id AS id, n.name AS name, x.id AS sanction_id, x.authority AS authority, x.list AS list,
       x.program AS program, x.listing_date AS listing_date, x.start_date AS start_date,
       x.end_date AS end_date, x.listing_date_basis AS listing_date_basis, x.records AS sanction_records
UNION ALL
UNWIND $ids AS k
MATCH (n:Person {id: k})
OPTIONAL MATCH (n)-[:SANCTIONED]->(x:Sanction)
WITH n, x
WHERE n.sanctioned = true OR x IS NOT NULL
RETURN n.id AS id, n.name AS name, x.id AS sanction_id, x.authority AS authority, x.list AS list,
       x.program AS program, x.listing_date AS listing_date, x.start_date AS start_date,
       x.end_date AS end_date, x.listing_date_basis AS listing_date_basis, x.records AS sanction_records
