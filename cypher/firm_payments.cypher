// Payments between the firms $ids and other firms (FtM Payment: party donations, contracts),
// either way: 'paid' when the firm is the payer, 'received' when it is the beneficiary, with
// amount, currency, date and purpose. The one-hop fact of the payment link.
// :param ids: the firms' internal ids, e.g. ['ftm:f9c295f21b233ac878fbac4d271bb6fd13d7952a']
UNWIND $ids AS k
MATCH (a:Company {id: k})-[r:PAID]->(b:Company)
WHERE a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'paid' AS direction, r.amount AS amount, r.currency AS currency,
       r.date AS date, r.purpose AS purpose, r.role AS role, r.payment_id AS payment_id,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (a:Company {id: k})<-[r:PAID]-(b:Company)
WHERE a.id <> b.id
RETURN a.id AS a_id, b.id AS b_id, 'received' AS direction, r.amount AS amount, r.currency AS currency,
       r.date AS date, r.purpose AS purpose, r.role AS role, r.payment_id AS payment_id,
       r.dataset AS dataset, r.source_file AS source_file, r.record AS record
