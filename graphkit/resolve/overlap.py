"""How much two firms' names have in common, weighted by how rare each word is in the load.

A review queue a person can finish asks only about pairs whose names say something together.
"Studio Dortmund" and "Studio Panama" share a word, but one that a hundred firms of the load
carry; "CNOOC Limited" and "KNOKKE HEIST SUPPORT CORPORATION" share letters and no word. The
measure here is the **share of distinctive name content in common**: each name's words after
legal forms are taken off (``names.firm_name``), each word weighted by its rarity among the
firm names of the load (smoothed inverse document frequency, ``ln((1 + N) / (1 + df)) + 1``, so
a word in every name still weighs 1 and a word in one name of 20,000 about 11), and the share is
the weighted Dice coefficient of the two word sets::

    share = (weight of A's words found in B + weight of B's words found in A)
            / (weight of A's words + weight of B's words)

Words count as found when they may be one word spelled two ways (``words_match``:
equal if short, otherwise 80 % alike); names whose letters agree once the spaces are dropped
("Granitifiandre" / "Graniti Fiandre") share everything. Two records' share is the best over
all their names (a former name or an alias may be the one that matches).

The rule (``weak_pair``): a pair whose share is below ``SHARE_MIN`` and that no fact confirms
(a registry number both carry, a birth date both give alike, an officer or address both are
tied to) is not queued for review. A third of the content is the line: below it, the words in
common are a minority of each name's substance, e.g. one common word against two rare ones.

The same measure names a **possible rename** (``possible_rename``): two records carrying the
same number of one scheme under names that share less than ``SHARE_MIN`` are one firm renamed,
or a number given to the wrong record: never merged automatically, never dropped, always asked.

Rarity needs a population: with fewer than ``MIN_RECORDS`` records to count words over (a
pair decided on its own, a small test load) every word weighs the same.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from graphkit import identifiers as idents
from graphkit import normalize as nz
from graphkit.resolve.names import firm_name, per_names, person_name, person_words

if TYPE_CHECKING:
    from graphkit.resolve.scoring import Record

SHARE_MIN = 1 / 3  # below: the names share almost nothing
MIN_RECORDS = 100  # rarity is read from at least this many records of a label; fewer weigh words alike


class WordStats(frozenset[str]):
    """The firm-name words too frequent to tell firms apart (it *is* that frozenset, as
    ``scoring.common_words`` always returned), carrying for each label the document frequency of
    every name word and the number of records counted, for rarity weights.

    A person's words are counted when a weight first asks for them (``counts_of``): most pairs
    of people are decided without one (a register's people by their name elements, other
    people with a birth date that confirms or rules them out), and counting parses every name,
    over a second of one core at 200k PSC lines. The counts are the same whenever taken: a
    record's names do not change while it is resolved."""

    counts: dict[str, dict[str, int]]  # label -> word -> records whose names carry it
    records: dict[str, int]  # label -> records counted
    later: dict[str, list[Record]]  # label -> the records whose words are counted when first asked

    def __new__(cls, common: Iterable[str], counts: dict[str, dict[str, int]] | None = None,
                records: dict[str, int] | None = None, later: dict[str, list[Record]] | None = None
                ) -> WordStats:
        out = super().__new__(cls, common)
        out.counts = counts or {}
        out.records = records or {}
        out.later = later or {}
        return out

    def counts_of(self, label: str) -> dict[str, int] | None:
        """The word counts of ``label``, counted now if not yet."""
        pending = self.later.pop(label, None)
        if pending is not None:
            self.counts[label] = count_words(pending)
        return self.counts.get(label)

    def __getstate__(self) -> dict[str, object]:
        """What a pickle carries (the firms' process sends its counts back): the counts, not
        the records still to count."""
        for label in list(self.later):
            self.counts_of(label)
        return dict(self.__dict__)


def word_stats(records: Iterable[Record], share: float = 0.005, floor: int = 10) -> WordStats:
    """Name words of ``records`` with their document frequency, per label; the common set holds
    the firm-name words found in more than ``share`` of the firm records (and more than
    ``floor``). People's words are counted when first weighed (``WordStats.counts_of``)."""
    of_label: dict[str, list[Record]] = {"Company": [], "Person": []}
    for r in records:
        if r.label in of_label:
            of_label[r.label].append(r)
    firms = count_words(of_label["Company"])
    n = {label: len(rs) for label, rs in of_label.items() if rs}
    limit = max(floor, int(share * n.get("Company", 0)))
    return WordStats((w for w, c in firms.items() if c > limit), {"Company": firms}, n,
                     {"Person": of_label["Person"]} if of_label["Person"] else None)


def count_words(records: Iterable[Record]) -> dict[str, int]:
    """Each name word of ``records`` (of one label) with the number of records carrying it."""
    return dict(Counter(chain.from_iterable(map(name_words, records))))


def with_label(stats: frozenset[str], label: str, records: list[Record]) -> WordStats:
    """``stats`` (``word_stats`` of the firms alone) with one more label's records, whose words
    are counted when first weighed: ``word_stats`` of both (the common set is of firm-name
    words only)."""
    return WordStats(stats, dict(getattr(stats, "counts", {})),
                     {**getattr(stats, "records", {}), **({label: len(records)} if records else {})},
                     {**getattr(stats, "later", {}), **({label: records} if records else {})})


def name_words(r: Record) -> tuple[str, ...]:
    """The words of all of a record's names: a person's without titles and initials (the words
    of ``names.person_name``, read a written word at a time: ``person_words``), a firm's as
    ``names.firm_name`` gives them. Worked out once per record and list of names (word counts
    and blocking both ask)."""
    if r.label == "Person":
        return per_names(r, "derived_words", person_words)
    return per_names(r, "derived_words", lambda names: tuple(dict.fromkeys(w for name in names for w in firm_name(name).words)))


def weight(word: str, stats: frozenset[str] | None, label: str = "Company") -> float:
    """A word's rarity weight among the names of one label in the load (1 for every word when
    fewer than ``MIN_RECORDS`` records were counted)."""
    return weights((word,), stats, label)[0]


def weights(words: tuple[str, ...], stats: frozenset[str] | None, label: str = "Company") -> list[float]:
    """``weight`` of each of ``words``."""
    if not isinstance(stats, WordStats):
        return [1.0] * len(words)
    n = stats.records.get(label, 0)
    counts = stats.counts_of(label) if n >= MIN_RECORDS else None
    if not counts:
        return [1.0] * len(words)
    return [math.log((1 + n) / (1 + counts.get(word, 0))) + 1.0 for word in words]


@lru_cache(maxsize=500_000)
def words_match(x: str, y: str) -> bool:
    """Two name words that may be one spelled two ways; short words (initialisms such as "AT"
    and "EKD") only when equal."""
    if min(len(x), len(y)) <= 3:
        return x == y
    return fuzz.ratio(x, y) / 100.0 >= 0.8


def _found(word: str, others: tuple[str, ...]) -> bool:
    return any(words_match(word, o) for o in others)


@lru_cache(maxsize=100_000)
def _is_form(word: str) -> bool:
    """Whether a word is a legal form on its own ("spa" inside "GRANITIFIANDRE SPA DIV ARIOSTEA")."""
    form, rest = nz.split_legal_form(word)
    return form is not None and not rest


@lru_cache(maxsize=400_000)
def _content(name: str, label: str = "Company") -> tuple[str, ...]:
    """A name's words as resolution compares them: a firm's without legal forms (wherever they
    stand) and numbers; a person's without titles and initials."""
    if label == "Person":
        return person_name(name).words
    return tuple(w for w in firm_name(name).words if not _is_form(w))


def name_share(na: str, nb: str, stats: frozenset[str] | None = None, label: str = "Company") -> float | None:
    """The share of distinctive content two names have in common (0 to 1), or None when either
    has no words left once legal forms, titles, initials and numbers are taken off."""
    wa_, wb_ = _content(na, label), _content(nb, label)
    if not wa_ or not wb_:
        return None
    if wa_ == wb_ or fuzz.ratio("".join(wa_), "".join(wb_)) >= 92:
        return 1.0
    wa, wb = weights(wa_, stats, label), weights(wb_, stats, label)
    common = sum(x for w, x in zip(wa_, wa, strict=True) if _found(w, wb_)) \
        + sum(x for u, x in zip(wb_, wb, strict=True) if _found(u, wa_))
    return common / (sum(wa) + sum(wb))


def best_share(a: Record, b: Record, stats: frozenset[str] | None = None) -> tuple[float, str, str] | None:
    """The best share over the names of two records, with the two names as written; None if no
    pair of names can be compared."""
    best: tuple[float, str, str] | None = None
    for na in a.names:
        for nb in b.names:
            s = name_share(na, nb, stats, a.label)
            if s is not None and (best is None or s > best[0]):
                best = (s, na, nb)
    return best


def confirming_fact(a: Record, b: Record) -> str | None:
    """A fact besides the names that says two records may be one: a shared registry number, a
    birth date both give alike, or an officer or address both are tied to."""
    same = idents.shared(a.registry_ids, b.registry_ids)
    if same:
        return f"same registry id {same[0]}"
    if a.birth_date and b.birth_date and (a.birth_date.startswith(b.birth_date)
                                          or b.birth_date.startswith(a.birth_date)):
        return f"birth dates agree ({a.birth_date}, {b.birth_date})"
    if a.context & b.context:
        return "a shared officer or address"
    return None


def weak_pair(a: Record, b: Record, stats: frozenset[str] | None = None) -> str | None:
    """Why a pair is not worth a person's time: its names share almost nothing (less than
    ``SHARE_MIN`` of their distinctive content) and no fact confirms it. None if it is worth
    asking (or the names cannot be compared)."""
    if confirming_fact(a, b):  # first: most pairs asked about have one (PSC people: the birth month)
        return None
    best = best_share(a, b, stats)
    if best is None or best[0] >= SHARE_MIN:
        return None
    return (f"not asked: {best[1]!r} and {best[2]!r} share {best[0]:.0%} of their distinctive name content "
            f"(less than {SHARE_MIN:.0%}) and no number, birth date, officer or address confirms them")


def possible_rename(a: Record, b: Record, number: str, stats: frozenset[str] | None = None) -> str | None:
    """The reason to ask about two firms that carry the same ``number`` under names sharing less
    than ``SHARE_MIN`` of their content (a rename, or a number on the wrong record); None if
    their names agree enough for the number to decide."""
    if a.label != "Company":
        return None
    best = best_share(a, b, stats)
    if best is None or best[0] >= SHARE_MIN:
        return None
    return (f"possible rename: the same number {number} under {best[1]!r} and {best[2]!r}, names that share "
            f"{best[0]:.0%} of their distinctive content: a person decides")
