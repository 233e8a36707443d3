"""The link engine: what a link is, and the registry of link kinds it runs.

``Entity``, ``Evidence`` and ``Link`` are what find-links returns; ``LinkKind`` is one kind's
whole rule (the queries it reads, how it joins them, its Browser paths and its drawing) and
``link_kind`` registers one; ``Search`` runs a kind's declared queries for the firms a search
starts from. The kinds themselves are in ``graphkit.link.links``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graphkit.errors import QueryError
from graphkit.link import evidence as ev
from graphkit.link import projection
from graphkit.resolve.clusters import Clusters
from graphkit.store.base import Store

__all__ = ["LINK_KINDS", "BrowserPath", "Entity", "Evidence", "Found", "Link", "LinkKind", "Search", "link_kind"]


@dataclass
class Entity:
    id: str
    label: str
    name: str | None
    country: str | None = None
    registry_ids: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # ids resolved as the same entity

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "name": self.name, "country": self.country,
                "registry_ids": self.registry_ids, "datasets": self.datasets, "members": self.members}


@dataclass
class Evidence:
    """One fact behind a link, with the records it comes from. ``fact`` is the typed fact
    (``graphkit.link.evidence``); ``detail`` is its JSON and ``summary`` its one sentence
    (``evidence.render``), both made from it. ``confirmed`` is False for a possible link: one
    that rests on a resolution pair still waiting for review (``pending``, the pairs)."""

    kind: str
    via: dict[str, Any] | None  # the shared person, firm or address (id, label, name)
    fact: ev.Fact
    sources: list[dict[str, str]]  # {dataset, file, record}
    confirmed: bool = True
    pending: list[dict[str, Any]] = field(default_factory=list)  # SAME_AS pairs it rests on, when unconfirmed

    @property
    def detail(self) -> dict[str, Any]:
        return self.fact.as_dict()

    @property
    def summary(self) -> str:
        return ev.render(self.fact)

    def as_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind, "via": self.via, "detail": self.detail, "sources": self.sources,
               "summary": self.summary, "confirmed": self.confirmed}
        if self.pending:
            out["pending"] = self.pending
        return out


@dataclass
class Link:
    a: Entity
    b: Entity
    evidence: list[Evidence]

    @property
    def kinds(self) -> list[str]:
        """The kinds of evidence, in ``KINDS`` order (the order they are registered in)."""
        return [k for k in LINK_KINDS if any(e.kind == k for e in self.evidence)]

    @property
    def confirmed(self) -> bool:
        """False for a possible link: all its evidence rests on pairs waiting for review."""
        return any(e.confirmed for e in self.evidence)

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a.as_dict(), "b": self.b.as_dict(), "kinds": self.kinds, "confirmed": self.confirmed,
                "evidence": [e.as_dict() for e in self.evidence]}


# --------------------------------------------------------------------------------------------
# The link engine: link kinds over one-hop facts
#
# Each link kind is one registered object: the one-hop fact queries it reads (files in
# cypher/, the same on both stores, each keyed by a batch of ids) and a function joining those
# facts into evidence. Cypher never walks more than one hop; the joins, and the walk through
# records resolved as one (SAME_AS), happen here, through graphkit.resolve.clusters. find-links
# and find-links --all run the same kinds and differ only in the firms they start from.


class Search:
    """One search for links: the firm records it starts from, the clusters they belong to, and
    the one-hop facts fetched for them (each query once per batch of ids, shared by the kinds
    that read it).

    Orientation is decided here, once, for every kind: a fact is read from the start side, so
    firm A of a pair is the start (``find_links``); in batch screening every firm is a start
    and a pair is reported from the side whose representative id sorts first."""

    def __init__(self, store: Store, firms: Iterable[str], clusters: Clusters, kinds: Iterable[str],
                 as_of: dt.date) -> None:
        self.store, self.clusters, self.as_of = store, clusters, as_of
        self.firms = sorted(set(firms))
        self.kinds = set(kinds)
        self.start_reps = {clusters.find(i) for i in self.firms}
        self._memo: dict[str, Any] = {}
        self._starts: dict[str, list[dict[str, Any]]] = {}

    def starts(self, query: str) -> list[dict[str, Any]]:
        """The rows of ``query``, one of the start queries the searched kinds declare, for the
        start firms: run by the engine once per search, however many kinds read them."""
        if query not in self._starts:
            if not any(query in LINK_KINDS[k].starts for k in self.kinds):
                raise QueryError(f"no link kind searched declares {query!r} as a start query", query)
            self._starts[query] = self.store.run_keyed(query, self.firms)
        return self._starts[query]

    def facts(self, query: str, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The rows of the one-hop query ``query`` for ``ids`` (``Store.run_keyed``); ``query``
        must be one a searched kind declares (a kind reads only what it declares)."""
        if not any(query in LINK_KINDS[k].queries for k in self.kinds):
            raise QueryError(f"no link kind searched declares the query {query!r}", query)
        return self.store.run_keyed(query, ids)

    def once(self, build: Callable[[Search], Any]) -> Any:
        """``build(self)``, computed once per search (facts two kinds share)."""
        if build.__name__ not in self._memo:
            self._memo[build.__name__] = build(self)
        return self._memo[build.__name__]

    def pair(self, a: str, b: str) -> tuple[str, str] | None:
        """The pair (A, B) that a fact from the start record ``a`` to the firm record ``b`` is
        evidence for, as representatives; None when a and b are one entity, or when the pair is
        reported from b's side (both are starts and b's representative sorts first). Call
        ``clusters.expand`` on the b records first."""
        ra, rb = self.clusters.find(a), self.clusters.find(b)
        if ra == rb or ra not in self.start_reps or (rb in self.start_reps and rb < ra):
            return None
        return (ra, rb)



Found = Iterable[tuple[tuple[str, str], Evidence]]


@dataclass(frozen=True)
class BrowserPath:
    """One path of a kind as the Neo4j Browser query draws it: a pattern from the start firm
    ``(a:Company)`` to the linked node ``(b)``, and a further condition. ``{joins}`` in it
    stands for the judgement rule on a SAME_AS ``j`` (``clusters.joining_condition``)."""

    match: str
    where: str = ""


@dataclass(frozen=True)
class LinkKind:
    """One kind of link, the only statement of its rule: its stable name, the one-hop queries
    it reads (``starts``: those the engine runs on the start firms, whose first hop also makes
    a firm a start for screening, ``cypher/linked_company_ids.cypher``; then those it runs
    itself on what they return), how it joins them (``evidence``), the same rule as paths for
    Neo4j Browser (``browser``, ``cypher/browser_find_links.cypher``) and what a report draws
    of its evidence (``project``, ``graphkit.link.projection``)."""

    name: str
    queries: tuple[str, ...]  # files in cypher/, each taking $ids: the starts, then the others
    evidence: Callable[[Search], Found]
    summary: str
    starts: tuple[str, ...] = ()
    browser: tuple[BrowserPath, ...] = ()
    project: Callable[[Link, Evidence], projection.Projection] = projection.nothing


LINK_KINDS: dict[str, LinkKind] = {}


def link_kind(name: str, *, starts: tuple[str, ...], then: tuple[str, ...] = (),
              browser: tuple[BrowserPath, ...], project: Callable[[Link, Evidence], projection.Projection]
              = projection.nothing) -> Callable[[Callable[[Search], Found]], Callable[[Search], Found]]:
    """Register a link kind: ``@link_kind("shared_address", starts=("firm_addresses",),
    then=("address_firms",), browser=(...), project=projection.shared_address)`` on a function
    that yields ``((A, B), Evidence)`` for a ``Search``. Its docstring's first line is what the
    kind means."""
    def register(fn: Callable[[Search], Found]) -> Callable[[Search], Found]:
        LINK_KINDS[name] = LinkKind(name, starts + then, fn, (fn.__doc__ or "").strip().splitlines()[0],
                                    starts, browser, project)
        return fn
    return register
