"""Candidate generation: which pairs are worth scoring.

Every record gets a few block keys per name word: a phonetic key (rigour's metaphone of the
folded word) and the word's first three letters. Records sharing a key are candidates. A key
shared by too many records (a common surname, "trade") is split by the initials of the other
words, so a million names stay in minutes and memory stays bounded. Legal forms and very short
words make no keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rigour.text import metaphone

from graphkit.resolve.names import company_name, person_name
from graphkit.resolve.scoring import Record

MAX_BLOCK = 200
STOP = frozenset({"trade", "group", "grupp", "company", "kompaniya", "service", "servis", "the", "and",
                  "llc", "ltd", "too", "ooo", "plus", "international", "holding", "invest", "kz", "ru"})


def _words(record: Record) -> Iterator[list[str]]:
    for name in record.names:
        if record.label == "Person":
            pn = person_name(name)
            yield list(pn.words) + list(pn.initials)
        else:
            yield company_name(name)[1].split()


def keys(record: Record) -> set[tuple[str, str]]:
    """(key, refinement) pairs: the refinement is used only when a key's block is too big."""
    out: set[tuple[str, str]] = set()
    for words in _words(record):
        for w in words:
            if len(w) < 3 or w in STOP:
                continue
            others = "".join(sorted({u[0] for u in words if u != w}))
            out.add(("m:" + metaphone(w), others))
            out.add(("p:" + w[:3], others))
    return out


def candidates(records: Iterable[Record]) -> Iterator[tuple[Record, Record]]:
    """Each candidate pair once (ids in sorted order), of records with the same label."""
    blocks: dict[str, list[tuple[Record, str]]] = defaultdict(list)
    for r in records:
        for key, refine in keys(r):
            blocks[r.label + key].append((r, refine))
    seen: set[tuple[str, str]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > MAX_BLOCK:
            groups: dict[str, list[Record]] = defaultdict(list)
            for rec, refine in members:
                for ch in refine or "_":
                    groups[ch].append(rec)
            parts = [g for g in groups.values() if 1 < len(g) <= MAX_BLOCK]
        else:
            parts = [[rec for rec, _ in members]]
        for part in parts:
            part = sorted({r.id: r for r in part}.values(), key=lambda r: r.id)
            for i, a in enumerate(part):
                for b in part[i + 1:]:
                    pair = (a.id, b.id)
                    if pair not in seen:
                        seen.add(pair)
                        yield a, b
