"""Neo4j server tooling: a local Neo4j for tests and benchmarks (``neo4j_server``: fetch, start,
stop) and the Neo4j Browser guide of the query library (``browser_guide``). Nothing here is
needed to use a Neo4j store; ``graphkit neo4j ...`` commands call it."""
