// Which kinds of records have resolution decisions at all: 'Person' and/or 'Company'. Walking
// clusters skips the kinds that have none (and LadybugDB plans a look-up on an empty
// relationship table as a scan).
MATCH (x:Person)-[s:SAME_AS]->(y:Person)
WITH x LIMIT 1
RETURN 'Person' AS label
UNION ALL
MATCH (x:Company)-[s:SAME_AS]->(y:Company)
WITH x LIMIT 1
RETURN 'Company' AS label
