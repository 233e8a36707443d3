// Facts the red-flag detectors weigh for the firms $ids: country, incorporation date, and
// whether the record is marked sanctioned.
// :param ids: internal ids, e.g. ['kz-bin:220440173863']
UNWIND $ids AS k
MATCH (n:Company {id: k})
RETURN n.id AS id, n.name AS name, n.country AS country, n.incorporation_date AS incorporation_date,
       n.sanctioned AS sanctioned
