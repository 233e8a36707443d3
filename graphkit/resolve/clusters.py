"""Clusters: records resolved as one entity. One union-find serves both ends of resolution:
``Partition`` (in ``judgements``) builds clusters under constraints, and ``Clusters`` reads the
decided ones back from a store (SAME_AS judged auto or accepted) for find-links and reports.

The one judgement rule (``model.yml``, SAME_AS ``joining``): only SAME_AS judged ``auto`` or
``accepted`` joins records. Pending, unsure and rejected pairs, and a SAME_AS with no judgement
at all, are kept as decisions (a report draws them) but never walked: a false link is worse than
a missed one. ``joins`` is the rule in Python, ``joining_condition`` the same rule as Cypher for
the generated queries (``same_as_of_*``, ``browser_find_links``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from graphkit.identifiers import is_registry_id
from graphkit.model import get_model

if TYPE_CHECKING:
    from graphkit.store.base import Store

JOINING: tuple[str, ...] = get_model().joining  # SAME_AS judgements that make two records one entity


def joins(judgement: str | None) -> bool:
    """Whether a SAME_AS judged ``judgement`` makes its two records one entity. None (a SAME_AS
    a mapping or an older tool wrote without a judgement) does not."""
    return judgement in JOINING


def joining_condition(rel: str) -> str:
    """``joins`` as a Cypher condition on the SAME_AS variable ``rel``, for generated query
    text (the judgements come from ``model.yml``, never from data)."""
    return f"{rel}.judgement IN [{', '.join(repr(j) for j in JOINING)}]"


class UnionFind:
    """Disjoint sets of ids. ``order`` picks a set's representative (the smallest); the
    members of each set are kept, so ``members`` costs the size of the set, not of the forest."""

    def __init__(self, order: Callable[[str], Any] = str) -> None:
        self.parent: dict[str, str] = {}
        self._sets: dict[str, list[str]] = {}
        self._order = order

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def join(self, ra: str, rb: str) -> tuple[str, str]:
        """Join the sets of the roots ``ra`` and ``rb``; returns (kept root, dropped root)."""
        keep, drop = sorted((ra, rb), key=self._order)
        self.parent[drop] = keep
        self.parent.setdefault(keep, keep)
        self._sets[keep] = self._sets.pop(keep, [keep]) + self._sets.pop(drop, [drop])
        return keep, drop

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.join(ra, rb)
        return True

    def members(self, x: str) -> list[str]:
        """Every id in x's set, representative first (``[x]`` for an id never joined)."""
        return sorted(self._sets.get(self.find(x), [x]), key=self._order)

    def groups(self) -> list[list[str]]:
        """The sets of two or more ids, each as ``members`` gives it."""
        return [sorted(ms, key=self._order) for ms in self._sets.values()]


def rep_order(node_id: str) -> tuple[int, str]:
    """A cluster is shown as its registry-keyed record if it has one, else its smallest id."""
    return (0 if is_registry_id(node_id) else 1, node_id)


class Clusters(UnionFind):
    """The resolved entities of a store: SAME_AS judged auto or accepted, read either all at once
    (``load``, for screening the whole graph) or walked from some records (``around``: one batch
    of indexed one-hop look-ups per step of the walk, for find-links)."""

    def __init__(self, pairs: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(rep_order)
        self.decisions: dict[frozenset[str], dict[str, Any]] = {}
        self.store: Store | None = None
        self._walked: set[str] = set()
        self._labels: list[str] | None = None  # labels with any SAME_AS (for walking)
        for p in pairs:
            self.add(p)

    def add(self, pair: dict[str, Any]) -> None:
        """One SAME_AS decision (a_id, b_id, judgement, score, method, explanation)."""
        self.decisions[frozenset((pair["a_id"], pair["b_id"]))] = pair
        if joins(pair.get("judgement")):
            self.union(pair["a_id"], pair["b_id"])

    @classmethod
    def load(cls, store: Store) -> Clusters:
        """Every SAME_AS decision in the graph."""
        return cls(store.run("same_as_all"))

    @classmethod
    def around(cls, store: Store, ids: Iterable[str]) -> Clusters:
        """Only the clusters of ``ids``; ``expand`` walks further ones when asked."""
        out = cls()
        out.store = store
        out.expand(ids)
        return out

    def expand(self, ids: Iterable[str]) -> None:
        """Walk the clusters of ``ids`` (a no-op for a full load): one batched look-up of the
        joining SAME_AS of every record reached, per step, until no new record is reached."""
        if self.store is None:
            return
        if self._labels is None:
            self._labels = [r["label"] for r in self.store.run("same_as_labels")]
        todo = sorted({i for i in ids if i not in self._walked})
        while todo and self._labels:
            self._walked.update(todo)
            reached: set[str] = set()
            for label in self._labels:
                for r in self.store.run_keyed(f"same_as_of_{label.lower()}", todo):
                    self.add({**r, "a_id": r["id"], "b_id": r["other_id"]})
                    reached.add(r["other_id"])
            todo = sorted(reached - self._walked)

    def members(self, x: str) -> list[str]:
        self.expand([x])
        return super().members(x)

    def decision(self, a: str, b: str) -> dict[str, Any] | None:
        return self.decisions.get(frozenset((a, b)))
