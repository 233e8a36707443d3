// The firms on each side of the customs lines $ids: 'seller' (exporter or supplier) and
// 'buyer' (importer or buyer), with their role and the source record.
// :param ids: Shipment ids, e.g. ['demo-customs-kz-export:shipment:295dfb5f195c4924bf0f']
UNWIND $ids AS k
MATCH (b:Company)-[r:SHIPPED]->(s:Shipment {id: k})
RETURN s.id AS shipment_id, 'seller' AS side, b.id AS firm_id, r.role AS role, r.dataset AS dataset,
       r.source_file AS source_file, r.record AS record
UNION ALL
UNWIND $ids AS k
MATCH (s:Shipment {id: k})-[r:SHIPPED_TO]->(b:Company)
RETURN s.id AS shipment_id, 'buyer' AS side, b.id AS firm_id, r.role AS role, r.dataset AS dataset,
       r.source_file AS source_file, r.record AS record
