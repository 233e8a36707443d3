// Which of the firms or people $ids are sanctioned: marked so (sanctioned = true, as FtM
// topics or a list loader set it) or linked to a Sanction, with each listing's authority,
// list, program, source record, and when the listing began with what that date rests on
// (listing_date_basis: listingDate, startDate, or why it is unknown) (one row per listing; a
// marked record without a listing has nulls there).
// :param ids: internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (n:Company {id: k})
OPTIONAL MATCH (n)-[:SANCTIONED]->(x:Sanction)
WITH n, x
WHERE n.sanctioned = true OR x IS NOT NULL
RETURN n.id AS id, n.name AS name, x.id AS sanction_id, x.authority AS authority, x.list AS list,
       x.program AS program, x.records AS sanction_records, x.listing_date AS listing_date,
       x.listing_date_basis AS listing_date_basis
UNION ALL
UNWIND $ids AS k
MATCH (n:Person {id: k})
OPTIONAL MATCH (n)-[:SANCTIONED]->(x:Sanction)
WITH n, x
WHERE n.sanctioned = true OR x IS NOT NULL
RETURN n.id AS id, n.name AS name, x.id AS sanction_id, x.authority AS authority, x.list AS list,
       x.program AS program, x.records AS sanction_records, x.listing_date AS listing_date,
       x.listing_date_basis AS listing_date_basis
