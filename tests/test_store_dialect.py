"""Store differences live inside graphkit/store/: each store reads the query library in its own
dialect, and code outside store/ runs named queries and store methods, never Cypher text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import graphkit
from graphkit.errors import QueryError
from graphkit.queries import library
from graphkit.store.base import Store
from graphkit.store.dialect import LADYBUG, NEO4J
from graphkit.store.embedded import EmbeddedStore
from graphkit.store.neo4j import Neo4jStore

PACKAGE = Path(graphkit.__file__).resolve().parent


def test_no_module_outside_store_runs_cypher_text_or_knows_a_dialect():
    assert not hasattr(Store, "execute")  # the protocol's public way is run(name, **params)
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == PACKAGE / "store":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("_execute", "cypher_dialect"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module == "graphkit.store.dialect":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports the dialects")
    assert found == []


def test_each_store_reads_the_library_in_its_own_dialect():
    assert EmbeddedStore.cypher_dialect is LADYBUG and Neo4jStore.cypher_dialect is NEO4J
    query = library()["neighbourhood"]
    assert "type(" in query.text and NEO4J.text(query) == query.text
    assert "type(" not in LADYBUG.text(query) and "label(" in LADYBUG.text(query)
    assert set(LADYBUG.cannot_run) <= set(library()) and not NEO4J.cannot_run


def test_the_embedded_store_refuses_what_it_cannot_run_before_running_it(store):
    for name, why in LADYBUG.cannot_run.items():
        with pytest.raises(QueryError, match=f"runs on neo4j only: {why[:20]}") as refused:
            store.run(name)
        assert refused.value.query == name
