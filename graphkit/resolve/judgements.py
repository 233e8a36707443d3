"""Judgements: what a person decided about a pair, kept in a JSON-lines file that can be
versioned with the investigation and is re-applied after every reload (node ids are stable).

Judgements combine transitively: accepted pairs join clusters, and a rejection between two
records keeps their whole clusters apart (A≠B and B=C means A=C is never proposed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from graphkit.errors import InvalidData, ResolutionError
from graphkit.resolve.clusters import UnionFind

DEFAULT_FILE = "graphkit-judgements.jsonl"


class Judgement(StrEnum):
    POSITIVE = "positive"  # the same entity (SAME_AS judgement "accepted")
    NEGATIVE = "negative"  # different entities (SAME_AS judgement "rejected")
    UNSURE = "unsure"  # looked at, undecided: not merged, not asked again

    @property
    def same_as_state(self) -> str:
        return {"positive": "accepted", "negative": "rejected", "unsure": "unsure"}[self.value]


@dataclass
class Decision:
    a: str
    b: str
    judgement: Judgement
    note: str = ""
    at: str = ""
    override: bool = False  # accepted although the records carry different registry numbers

    def key(self) -> tuple[str, str]:
        return (self.a, self.b) if self.a < self.b else (self.b, self.a)


def default_path() -> Path:
    return Path(os.environ.get("GRAPHKIT_JUDGEMENTS") or DEFAULT_FILE)


class Judgements:
    """The decisions in one file; the last line about a pair wins."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.decisions: dict[tuple[str, str], Decision] = {}

    @classmethod
    def load(cls, path: Path | None) -> Judgements:
        out = cls(path)
        if path is None or not path.exists():
            return out
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidData.single(path.name, line, None,
                                         f"not a complete JSON object ({exc.msg})") from None
            missing = [k for k in ("a", "b", "judgement") if not isinstance(raw, dict) or k not in raw]
            if missing:
                raise InvalidData.single(path.name, line, missing[0], "missing from the judgement")
            try:
                judgement = Judgement(raw["judgement"])
            except ValueError:
                raise InvalidData.single(path.name, line, "judgement",
                                         f"{raw['judgement']!r} is not positive, negative or unsure") from None
            d = Decision(str(raw["a"]), str(raw["b"]), judgement, raw.get("note", ""), raw.get("at", ""),
                         bool(raw.get("override", False)))
            out.decisions[d.key()] = d
        return out

    def record(self, a: str, b: str, judgement: Judgement, note: str = "", override: bool = False) -> Decision:
        """Add a decision and append it to the file. ``override`` accepts two records whose
        registry numbers differ (see ``graphkit.resolve.refuse_across_numbers``)."""
        if a == b:
            raise ResolutionError("a judgement needs two different records")
        d = Decision(a, b, judgement, note, dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                     override and judgement is Judgement.POSITIVE)
        self.decisions[d.key()] = d
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({**asdict(d), "judgement": d.judgement.value}, ensure_ascii=False) + "\n")
        return d

    def get(self, a: str, b: str) -> Decision | None:
        return self.decisions.get((a, b) if a < b else (b, a))

    def __iter__(self) -> Iterator[Decision]:
        return iter(self.decisions.values())


def _connected(values: set[str], agree: Callable[[str, str], bool]) -> bool:
    """Whether every value agrees with the others, directly or through values between them
    (Volodymyrivna and Vladimirovna agree through Володимирівна)."""
    todo = sorted(values)
    reached = {todo[0]}
    frontier = [todo[0]]
    while frontier:
        x = frontier.pop()
        for y in todo:
            if y not in reached and agree(x, y):
                reached.add(y)
                frontier.append(y)
    return len(reached) == len(values)


class Partition(UnionFind):
    """Clusters under construction: union-find with 'cannot link' constraints between clusters,
    and facts that must not disagree inside one (a birth date, a registry id of one scheme).

    The facts guard transitivity: A = B and B = C are each fine, but if A and C were born on
    different days, joining them through B would make one person of two, so the second union
    is refused. Only a person's judgement (``force=True``) overrides that."""

    def __init__(self, agree: dict[str, Callable[[str, str], bool]] | None = None,
                 compatible: dict[str, Callable[[str, str], bool]] | None = None) -> None:
        super().__init__()
        self.apart: dict[str, set[str]] = {}
        #: by cluster, each fact's values. Most clusters are one record with one value of each
        #: fact, a value many records share (a birth day, a gender): one frozenset each such
        #: value, shared, where a set a record took 216 bytes (a million names held 4M of them)
        self.facts: dict[str, dict[str, frozenset[str]]] = {}
        self._one: dict[str, frozenset[str]] = {}
        #: where the facts of a record never noted or joined are read when asked (``read_facts``)
        self._source: tuple[Mapping[str, Any], Callable[[Any], list[tuple[str, str]]]] | None = None
        #: facts whose values agree without being equal (a father's name in Russian and in
        #: Ukrainian), by key; other facts agree only when equal
        self.agree = agree or {}
        #: facts whose every two values must be compatible, by key (a birth year and a full
        #: date in that year: "1961" and "1961-12-03" agree, "1961-12" and "1961-11-03" do not)
        self.compatible = compatible or {}
        #: facts a union may set aside when the pair joining the clusters confirms it (a shared
        #: registry number makes firms of two countries one)
        self.waivable: set[str] = set()

    def read_facts(self, records: Mapping[str, Any], facts: Callable[[Any], list[tuple[str, str]]]) -> None:
        """Read the facts of ``records[x]`` (by id) as ``facts`` gives them when x's cluster is
        first asked about, as if each had been noted ahead: at a million names, facts noted
        ahead held 0.5 GB, and most records are never in a pair that asks. Not kept when the
        partition is pickled (the records stay behind): the receiver calls this again."""
        self._source = (records, facts)

    def facts_of(self, x: str) -> dict[str, frozenset[str]]:
        """The facts of x's cluster (not to be changed)."""
        return self._held(self.find(x))

    def _held(self, root: str) -> dict[str, frozenset[str]]:
        held = self.facts.get(root)
        if held is not None:
            return held
        if self._source is None or root in self.parent or root not in self._source[0]:
            return {}
        out: dict[str, frozenset[str]] = {}
        self._add(out, self._source[1](self._source[0][root]))
        return out

    def _kept(self, root: str) -> dict[str, frozenset[str]]:
        """The facts of the cluster ``root``, held from now on (to be changed)."""
        held = self.facts.get(root)
        if held is None:
            held = self.facts[root] = self._held(root)
        return held

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_source": None}

    def note(self, x: str, key: str, value: str) -> None:
        """Record a fact of x's cluster, e.g. ``note(id, "birth_date", "1984-11-02")``."""
        self.note_all(x, [(key, value)])

    def note_all(self, x: str, facts: list[tuple[str, str]]) -> None:
        """``note`` each (key, value) of ``facts``, finding x's cluster once."""
        if facts:
            self._add(self._kept(self.find(x)), facts)

    def _add(self, held: dict[str, frozenset[str]], facts: list[tuple[str, str]]) -> None:
        for key, value in facts:
            values = held.get(key)
            if values is None:
                one = self._one.get(value)
                if one is None:
                    one = self._one[value] = frozenset((value,))
                held[key] = one
            elif value not in values:
                held[key] = values | {value}

    def conflict(self, *xs: str, waive: bool = False) -> str | None:
        """The first fact on which the clusters of ``xs`` disagree, as ``key``; None if none.
        With three or more, a value may agree with another through a third (see ``agree``).
        ``waive`` sets aside the ``waivable`` facts."""
        facts = [self._held(r) for r in {self.find(x) for x in xs}]
        if len(facts) < 2:
            return None
        first = facts[0]
        if all(f == first for f in facts[1:]) and all(len(v) == 1 for v in first.values()):
            return None  # one value of each fact, the same in every cluster (most records of one person)
        keys = sorted({k for f in facts for k in f})
        for key in keys:
            if waive and key in self.waivable:
                continue
            held = [f[key] for f in facts if key in f]
            if len(held) < 2:
                continue
            union = set().union(*held)
            agree = self.agree.get(key)
            fits = self.compatible.get(key)
            if fits is not None:
                if any(not fits(x, y) for i, h in enumerate(held) for x in h for g in held[i + 1:] for y in g):
                    return key
            elif agree is None:
                if len(union) > max(len(h) for h in held):
                    return key
            elif not _connected(union, agree):
                return key
        return None

    def describe_conflict(self, a: str, b: str, key: str) -> str:
        """What the clusters of ``a`` and ``b`` hold for ``key``: "gender: male vs female"."""
        held = [", ".join(sorted(self.facts_of(x).get(key, set()))) or "none" for x in (a, b)]
        return f"{key.replace('_', ' ')}: {held[0]} vs {held[1]}"

    def kept_apart(self, a: str, b: str) -> bool:
        if not self.apart:  # nothing kept apart yet (most of a large resolution's pairs)
            return False
        ra, rb = self.find(a), self.find(b)
        return rb in self.apart.get(ra, set())

    def separate(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def union(self, a: str, b: str, *, force: bool = False, confirmed: bool = False) -> bool:
        """Join the clusters of a and b unless a constraint keeps them apart or (unless
        ``force``) their facts disagree; ``confirmed`` (the pair shares a registry number) sets
        aside the ``waivable`` facts.

        Every fact of every member is kept on its cluster, so this checks each record of one
        cluster against each of the other (cannot-link constraints between clusters)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.kept_apart(ra, rb) or (not force and self.conflict(ra, rb, waive=confirmed)):
            return False
        facts = {ra: self._kept(ra), rb: self._kept(rb)}  # read before they join (``_held``)
        keep, drop = self.join(ra, rb)
        self.facts.pop(drop, None)
        held = facts[keep]
        for key, values in facts[drop].items():
            mine = held.get(key)
            held[key] = values if mine is None else mine if values <= mine else mine | values
        moved = self.apart.pop(drop, set())
        for other in moved:
            self.apart.setdefault(other, set()).discard(drop)
            self.apart[other].add(keep)
        self.apart.setdefault(keep, set()).update(moved)
        return True
