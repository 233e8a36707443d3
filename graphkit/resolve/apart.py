"""A large resolution resolves its firms in a forked child while the parent prepares the people.

People are compared by their resolved firms, so firms are decided first; but most of what the
people need does not wait for the firms: their service addresses and the namesake counts over
them (``registry_people.count``, which parses every name), each person's facts, and their
candidate pairs (``decide.block``: names, dates and numbers, not firms). At 200k PSC lines each
side is a few seconds of one core, so on a machine of two cores the firms are decided in a child
(``graphkit/forked.py``) while the parent prepares the people. The child sends back the firm
decisions (as ids, rebuilt here on the parent's records), the partition of the firms and the
report's counts; nothing else it computed is kept.

The decisions are those of the same resolution in one process: firms are decided on the firms
alone (their word counts: ``overlap.weight`` weighs a firm's words among firms only; the child
sends them back; the parent counts the people's when a weight first asks), the child's records are the
parent's as they were at the fork, and the order of the decisions is kept.
tests/test_resolve_apart.py checks it on data.

The child is forked once the firms are read and before the people are: pages of the heap the
two processes share are copied as either writes to them (a Python object's reference count
is a write), and the people are most of the heap. Forked after them, the parent's preparation
of the people took about twice the CPU.

Resolutions of at least ``GRAPHKIT_RESOLVE_APART_RECORDS`` records (default
``RESOLVE_APART_RECORDS``: firms, and people tied to a firm, as counted before the people are
read; a negative value: never) are resolved so by ``graphkit.resolve.resolve``, on Linux;
smaller ones in the process itself.
"""

from __future__ import annotations

from dataclasses import fields

from graphkit import forked
from graphkit.resolve import constraints
from graphkit.resolve.decide import Candidate, ResolveReport, decide
from graphkit.resolve.judgements import Judgements, Partition
from graphkit.resolve.scoring import Record, common_words

RESOLVE_APART_RECORDS = 50_000
_COUNTS = [f.name for f in fields(ResolveReport) if f.name not in ("records", "decisions")]

Decided = tuple[str, str, str, float, str, str, float | None, bool]
Answer = tuple[dict[str, int], list[Decided], Partition, frozenset[str]]


def wanted(firms: int, people: int) -> bool:
    """Whether to decide ``firms`` firms in a child while ``people`` people are prepared: on
    Linux, for a large resolution with firms and people both."""
    limit = forked.threshold("GRAPHKIT_RESOLVE_APART_RECORDS", RESOLVE_APART_RECORDS)
    return limit is not None and bool(firms) and bool(people) and firms + people >= limit


def start(firms: list[Record], judgements: Judgements) -> forked.Job[Answer]:
    """Begin deciding ``firms`` in a child (weighing their words among the firms: ``common_words``
    of the firms); ``finish`` takes its answer."""
    def work(_: forked.Progress | None) -> Answer:
        report = ResolveReport()
        partition = constraints.configure(Partition())
        words = common_words(firms)
        decisions = decide(firms, judgements, partition, report, common=words)
        return ({k: getattr(report, k) for k in _COUNTS},
                [(c.label, c.a.id, c.b.id, c.score, c.explanation, c.state, c.names_only, c.torn) for c in decisions],
                partition, words)
    return forked.start(work, "resolving the firms", "set GRAPHKIT_RESOLVE_APART_RECORDS=-1 to resolve in this process")


def finish(job: forked.Job[Answer], firms: list[Record],
           report: ResolveReport) -> tuple[list[Candidate], Partition, frozenset[str]]:
    """The firm decisions on the parent's records, the firms' partition and the word counts the
    firms were decided with (``scoring.common_words`` of the firms); the child's counts added to
    ``report``."""
    counts, decided, partition, words = job.result()
    for k, v in counts.items():
        setattr(report, k, getattr(report, k) + v)
    by_id = {r.id: r for r in firms}
    partition.read_facts(by_id, constraints.facts)  # the records' facts stayed behind (``Partition.read_facts``)
    return [Candidate(label, by_id[a], by_id[b], value, explanation, state, names_only, torn)
            for label, a, b, value, explanation, state, names_only, torn in decided], partition, words
