"""A person's judgement on a pair of records: checked, recorded and applied to the graph.

``graphkit review --accept/--reject/--unsure A B`` parses its options and calls
:func:`judge`; a notebook can call it the same way. What waits for review is listed by
``graphkit.resolve.review_groups``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphkit.errors import NotFound
from graphkit.resolve import ResolveReport, apply_judgement, load_records, refuse_across_numbers
from graphkit.resolve.judgements import Decision, Judgement, Judgements
from graphkit.store.base import Store


@dataclass(frozen=True)
class Judged:
    """What :func:`judge` did: the decision appended to the file at ``path``, and the
    resolution re-applied to the records it touches."""

    decision: Decision
    path: Path | None
    report: ResolveReport


def judge(store: Store, book: Judgements, a: str, b: str, judgement: Judgement, note: str = "",
          override: bool = False) -> Judged:
    """Record that records ``a`` and ``b`` (node ids) are the same (``POSITIVE``), different
    (``NEGATIVE``) or undecided (``UNSURE``) in ``book``, then re-apply resolution to the
    entities the judgement touches (``graphkit.resolve.apply_judgement``).

    Raises ``NotFound`` when either id is no firm or person record of the graph, and
    ``ResolutionError`` when a positive judgement joins two records carrying different numbers
    of one registry scheme without ``override``; in both cases nothing is recorded or written.

    Cost: one read of the records, plus the re-scoring of the touched entities' pairs.
    """
    records = {r.id: r for rs in load_records(store).values() for r in rs}
    missing = [x for x in (a, b) if x not in records]
    if missing:
        raise NotFound(f"no record with id {missing[0]!r} in the graph")
    if judgement is Judgement.POSITIVE:
        refuse_across_numbers(records[a], records[b], override)
    decision = book.record(a, b, judgement, note, override=override)
    return Judged(decision, book.path, apply_judgement(store, book, a, b))
