"""Candidate generation: which pairs are worth scoring.

Every record gets a few block keys per name word: a phonetic key (rigour's metaphone of the
folded word) and the word's first three letters. Records sharing a key are candidates. A key
shared by too many records (a common surname, "trade") is split by the initials of the other
words, so a million names stay in minutes and memory stays bounded. Legal forms and very short
words make no keys. People with a birth date also get keys of that date and each name word's
phonetic form, so a variant that loses its given name to an initial still meets its original.

People dated to a month (UK PSC) are blocked apart, by what their filings repeat: the birth
month with the forename and the surname's first letter, with the surname and the forename's
first letter, and with the forename and middle names (a married name). Every pair the rules of
``registry_people`` could join or ask about shares one of these keys, and a block holds only the
namesakes born in one month, so the pairs per record stay bounded at any size. Such people enter
the general blocks below only where records of other kinds (a full birth date, none) are there
to meet.

Two firms that carry different numbers of one scheme (two UK company numbers) are never paired
either: scoring's hard rule calls them different whatever their names say, and a PSC snapshot
holds thousands of "... Holdings Ltd" with their own numbers in every word block.

Inside a block, two people with different birth dates are never paired (scoring would rule them
out anyway), so a block's cost is the pairs that remain. A block whose cost is still too high is
compared by sorted neighbourhood, each record with the next few in the order of folded names.
A person without a birth date could be any namesake in a part: among more than ``MAX_MEET``
records such a person meets the ``MAX_MEET`` closest names only, and over all the parts that
person is in, the ``MAX_MEET`` closest again, so pairs per record stay bounded. The records of either kind of part are *crowded*: their namesakes may not all have
been compared, which resolution must know before it calls a name unique.

Blocks of people small enough to be paired whole (most of them: a birth day with two name
parts' sounds, a name word's sound with another's initial) are paired on arrays, every two
members whose birth dates may be one day; the larger blocks, their parts and firms in Python.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import chain

import numpy as np
from rapidfuzz import fuzz, process
from rigour.text import metaphone

from graphkit import forked
from graphkit.identifiers import split
from graphkit.resolve.names import (
    company_name,
    person_parts,
    person_tokens,
    token_words,
    word_forms,
)
from graphkit.resolve.registry_people import elements, month_dated
from graphkit.resolve.scoring import Record, _schemes

MAX_BLOCK = 20
# the work of pairing a label's shared blocks (see ``_Blocks.work``) from which they are shared
# out with a forked child (Linux): 87M at 100k synthetic names, 0.25M for the people of
# 200k PSC lines (most are paired in month blocks, on arrays), where a child cost more than it gave
BLOCK_APART_WORK = 5_000_000
PIECES = 64  # pieces of about equal work the shared blocks are paired in, when paired by two processes
MAX_PAIRS = 80 * 79 // 2  # pairs compared exhaustively in one block part; above: sorted neighbourhood
WINDOW = 12  # neighbours compared in a block part that is still too costly after refinement
MAX_MEET = 80  # records a person without birth date meets in one block part (as in a part compared in full): above, the closest names
STOP = frozenset({"trade", "group", "grupp", "company", "kompaniya", "service", "servis", "the", "and",
                  "llc", "ltd", "too", "ooo", "plus", "international", "holding", "invest", "kz", "ru"})


def _parts(record: Record) -> Iterator[list[tuple[str, frozenset[str], bool]]]:
    """Each name's parts as (comparison form, first letters as folded and as spelled, is an initial)."""
    for name in word_forms(record.names) if record.label == "Person" else record.names:
        if record.label == "Person":  # person_name's parts, read a written word at a time
            words, spelled, initials = person_parts(name)
            yield ([(w, frozenset({w[0], sp[0]}), False) for w, sp in zip(words, spelled, strict=False)]
                   + [(i, frozenset({i[0]}), True) for i in initials])
        else:
            yield [(w, frozenset({w[0]}), False) for w in company_name(name)[1].split()]


def _words(record: Record) -> Iterator[list[str]]:
    for parts in _parts(record):
        yield [w for w, _, _ in parts]


# first letters that transliteration schemes swap for one Cyrillic letter (Ю: Yu, Iu, Ju, U;
# Ж: Zh, J, Sh; В: V, W; Х: Kh, H; Г: G, H) fall in one class
_CLASSES = {c: k for k, letters in {"a": "aeiouyj", "s": "szcx", "v": "vwf", "k": "kghq"}.items() for c in letters}


def _sound_class(letter: str) -> str:
    return _CLASSES.get(letter, letter)


def keys(record: Record, wanted: Callable[[str], bool] | None = None,
         word_wanted: Callable[[str], bool] | None = None) -> set[tuple[str, frozenset[str]]]:
    """(key, refinements) pairs. A key is a name word's phonetic form or first three letters,
    joined with the initial (its sound class) of another part of the same name (so "Ivanov"
    alone is no block).
    The refinements (the phonetic forms of the other words; ``*`` for a name that has only an
    initial there) split a block that is still too big. ``wanted``: if given, a person's name
    keys it refuses are left out (their refinements not worked out); other keys may remain.
    ``word_wanted``: False for a name word none of whose sound or prefix keys ``wanted`` takes,
    whatever the initial (its keys are not made at all)."""
    out: set[tuple[str, frozenset[str]]] = {(f"id:{x}", frozenset()) for x in record.registry_ids}
    if record.label == "Company":
        for name in record.names:
            words = company_name(name)[1].split()
            if words:  # the whole name, spaces dropped: "XT", "Granitifiandre" / "Graniti Fiandre"
                out.add((f"n:{''.join(words)}", frozenset()))
            for w in words:  # each word alone: "Izhmash" meets "NPO Izhmash"
                if len(w) >= 4 and w not in STOP:
                    rest = frozenset(metaphone(u) for u in words if u != w and u not in STOP)
                    out.add((f"w:{metaphone(w)}", rest or frozenset({"*"})))
    seen: list[list[tuple[str, frozenset[str], bool]]] = []
    for parts in _parts(record):
        if parts in seen:  # "Mr John Smith" and "John Smith": the same parts make the same keys
            continue
        seen.append(parts)
        classed = [(u, {_sound_class(h) for h in heads}, ini) for u, heads, ini in parts if u not in STOP]
        for w, _, is_initial in parts:
            if is_initial or len(w) < 3 or w in STOP:
                continue
            sound_of_w = metaphone(w)
            if word_wanted is None or word_wanted(w):
                _word_keys(w, sound_of_w, [other for other in classed if other[0] != w], wanted, out)
            if record.birth_date:
                out.add((f"b:{record.birth_date}|{sound_of_w}", frozenset()))
        if record.birth_date and len(record.birth_date) == 10:
            # born the same day, two name parts beginning alike (their sound classes): "Czvetkov
            # K. Y." meets "Цветков Кирилл Юрьевич", whose surnames share no key, through K. and
            # Y. One part alike paired nearly everyone born that day: of a million names, 58 a
            # day, 9.3M pairs, where two parts propose the same true pairs of 300k names
            classes = [{_sound_class(h) for h in heads} for _, heads, _ in parts]
            for i, x in enumerate(classes):
                for y in classes[i + 1:]:
                    for c in x:
                        for d in y:
                            out.add((f"d:{record.birth_date}|{min(c, d)}{max(c, d)}", frozenset()))
    return out


def _word_keys(w: str, sound_of_w: str, others: list[tuple[str, set[str], bool]],
               wanted: Callable[[str], bool] | None, out: set[tuple[str, frozenset[str]]]) -> None:
    """The sound and prefix keys of the name word ``w`` into ``out`` (see ``keys``), one pair
    for each initial of the ``others`` parts of its name."""
    for initial in sorted({c for _, classes, _ in others for c in classes}) or [""]:
        sound, prefix = f"m:{sound_of_w}|{initial}", f"p:{w[:3]}|{initial}"
        if wanted is not None and not wanted(sound) and not wanted(prefix):
            continue
        refine = frozenset("*" if ini else metaphone(u) for u, classes, ini in others if initial in classes)
        out.add((sound, refine))
        out.add((prefix, refine))


@lru_cache(maxsize=500_000)
def _split_id(number: str) -> tuple[str, str]:
    return split(number)


def _one_number(r: Record) -> tuple[str, str] | None:
    """(scheme, value) of a record that carries one number with a value, else None."""
    if len(r.registry_ids) != 1:
        return None
    one = _split_id(r.registry_ids[0])
    return one if one[1] else None


def numbers_apart(a: Record, b: Record) -> bool:
    """Whether two firms carry numbers of a scheme both have and share none of them (two UK
    company numbers): the hard rule of ``scoring`` calls such a pair different whatever the
    names say, so it is not proposed. A PSC snapshot holds thousands of "... Holdings Ltd" with
    their own company numbers, and these pairs were over half of the firm pairs scored."""
    if not a.registry_ids or not b.registry_ids:
        return False
    one_a, one_b = _one_number(a), _one_number(b)
    if one_a is not None and one_b is not None:  # the common case, without grouping
        return one_a[0] == one_b[0] and one_a[1] != one_b[1]
    ia, ib = _schemes(tuple(a.registry_ids)), _schemes(tuple(b.registry_ids))
    common = ia.keys() & ib.keys()
    return bool(common) and not any(ia[s] & ib[s] for s in common)


def _compatible(a: Record, b: Record) -> bool:
    """Whether two records' birth dates, each at its precision, may be one day (PSC gives only
    the month and year: namesakes born in other months are never paired)."""
    return not (a.birth_date and b.birth_date and not a.birth_date.startswith(b.birth_date)
                and not b.birth_date.startswith(a.birth_date))


def _cost(part: list[Record]) -> int:
    dated: dict[str, int] = defaultdict(int)
    for r in part:
        if r.birth_date:
            dated[r.birth_date] += 1
    undated = len(part) - sum(dated.values())
    return sum(g * (g - 1) // 2 for g in dated.values()) + undated * (len(part) - undated) + undated * (undated - 1) // 2


def _all_pairs(part: list[Record]) -> Iterator[tuple[Record, Record]]:
    """Every pair of ``part`` whose birth dates may be one day (``_compatible``), found by
    grouping the records by date rather than by testing each pair: a block of namesakes holds
    many dates, and at a million names most of its pairs were tested only to be dropped."""
    by_date: dict[str, list[Record]] = defaultdict(list)
    undated: list[Record] = []
    for r in part:
        (by_date[r.birth_date] if r.birth_date else undated).append(r)
    for i, a in enumerate(undated):  # an undated record meets every other
        yield from ((a, b) for b in undated[i + 1:])
        yield from ((a, b) for group in by_date.values() for b in group)
    lengths = {len(d) for d in by_date}
    for d, group in by_date.items():
        for i, a in enumerate(group):
            yield from ((a, b) for b in group[i + 1:])
        for n in lengths:  # a date at a coarser precision: "1961-12" with "1961-12-03"
            if n < len(d) and d[:n] in by_date:
                yield from ((a, b) for a in group for b in by_date[d[:n]])


def _pairs_meeting(part: list[Record], in_months: set[str]) -> Iterator[tuple[Record, Record]]:
    """``_all_pairs`` without the pairs of two people dated to a month (those meet in their
    month blocks): only each other record with every record of the part."""
    outside = [i for i, r in enumerate(part) if r.id not in in_months]
    inside = set(outside)
    for i in outside:
        for j in range(len(part)):
            if j != i and (j not in inside or j > i) and _compatible(part[i], part[j]):
                yield (part[i], part[j]) if i < j else (part[j], part[i])


def _firm_pairs(part: list[Record]) -> Iterator[tuple[Record, Record]]:
    """``_all_pairs`` of firms without the pairs ``numbers_apart`` rules out, found by grouping
    rather than by testing each pair: firms that carry one number each are grouped by its scheme,
    and two firms of one group meet only if their numbers are the same."""
    single: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
    rest: list[Record] = []
    for r in part:
        ids = _schemes(tuple(r.registry_ids)) if r.registry_ids else {}
        if len(ids) == 1:
            ((scheme, values),) = ids.items()
            if len(values) == 1:
                single[scheme][next(iter(values))].append(r)
                continue
        rest.append(r)
    for i, a in enumerate(rest):
        for b in rest[i + 1:]:
            if not numbers_apart(a, b):
                yield a, b
    groups = [[r for same in by_value.values() for r in same] for by_value in single.values()]
    for group in groups:
        for a in rest:
            for b in group:
                if not numbers_apart(a, b):
                    yield a, b
    for i, group in enumerate(groups):  # firms of two schemes share no scheme: all pairs
        for other in groups[i + 1:]:
            for a in group:
                for b in other:
                    yield a, b
    for by_value in single.values():  # one scheme: only firms of the same number
        for same in by_value.values():
            yield from _all_pairs(same)


def _same_date(part: list[Record]) -> Iterator[tuple[Record, Record]]:
    by_date: dict[str, list[Record]] = defaultdict(list)
    for r in part:
        if r.birth_date:
            by_date[r.birth_date].append(r)
    for group in by_date.values():
        yield from _all_pairs(group)


@lru_cache(maxsize=500_000)
def _orders(label: str, name: str) -> tuple[str, str]:
    """A name's words (initials included) as written and sorted: the two orders of ``_windows``.
    Emptied once a label's pairs are found (``candidates``): a hundred megabytes or more at a
    million names, which nothing after blocking reads."""
    if label == "Person":  # person_name's words and initials, read a written word at a time
        words, _, initials = person_parts(name)
        words += initials
    else:
        words = company_name(name)[1].split()
    return " ".join(words), " ".join(sorted(words))


def _name_forms(r: Record) -> list[str]:
    """The forms of a record's names that the closeness of ``_nearest`` compares (one empty
    form for a record without names)."""
    return [_orders(r.label, n)[0] for n in r.names] or [""]


def _windows(part: list[Record]) -> Iterator[tuple[Record, Record]]:
    firms = part[0].label == "Company"  # firms ``numbers_apart`` are left out here, not per pair later
    for k in (0, 1):
        ordered = sorted(part, key=lambda r: _orders(r.label, r.names[0])[k] if r.names else "")
        numbers = [_one_number(r) if firms and r.registry_ids else None for r in ordered]
        for i, a in enumerate(ordered):
            for j in range(i + 1, min(i + 1 + WINDOW, len(ordered))):
                b = ordered[j]
                if firms and a.registry_ids and b.registry_ids:
                    na, nb = numbers[i], numbers[j]
                    if (na[0] == nb[0] and na[1] != nb[1]) if na is not None and nb is not None \
                            else numbers_apart(a, b):
                        continue
                if _compatible(a, b):
                    yield a, b


def _split_apart(members: np.ndarray, refines: np.ndarray, flat: np.ndarray, start: np.ndarray, count: np.ndarray,
                 wild: np.ndarray) -> list[list[int]]:
    """Split an oversized block by refinement: a part for each refinement word (its members in
    their order, the parts in the order their words first come), and the initial-only members
    (``*``) in every part; parts of one record are left out. ``members`` and their ``refines``
    (numbers); each refinement's words, numbered, at ``flat[start:start + count]``, and ``wild``:
    whether it holds ``*`` (``_Blocks.refinement_words``)."""
    counts = count[refines]
    total = int(counts.sum())
    wildcard = members[wild[refines]].tolist()
    if not total:
        return []
    # every (member, word) of the block, members in order and each member's words in order
    firsts = np.cumsum(counts) - counts
    at = np.arange(total) - np.repeat(firsts, counts) + np.repeat(start[refines], counts)
    word, member = flat[at], np.repeat(members, counts)
    _, first, inverse = np.unique(word, return_index=True, return_inverse=True)
    order = np.argsort(first[inverse.ravel()], kind="stable")  # by word first come, then in order
    grouped = member[order].tolist()
    bounds = np.flatnonzero(np.diff(word[order], prepend=word[order[0]] - 1)).tolist() + [total]
    return [grouped[a:b] + wildcard for a, b in zip(bounds[:-1], bounds[1:], strict=True)
            if 1 < b - a + len(wildcard)]


def month_keys(r: Record) -> set[str]:
    """The block keys of a person dated to a month (see the module's docstring)."""
    e = elements(r)
    if e is None:
        return set()
    out = {f"{r.birth_date}|{e.forename}|{e.surname[0]}", f"{r.birth_date}|{e.surname}|{e.forename[0]}"}
    if e.middles:
        out.add(f"{r.birth_date}|{e.forename}|{' '.join(e.middles)}")
    return out


def _month_pairs(dated: list[Record]) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of month-dated people sharing a ``month_keys`` block, each pair once, as two
    arrays of positions in ``dated`` (the first below the second). Worked out on arrays: the
    (block, person) rows sorted by block, and each row paired with the rows ``d`` places on
    that fall in its block, for d = 1, 2, ... until no block is that long. At 200k PSC lines
    this was over a second of one core as Python pairs and a set of pairs seen."""
    block_of: dict[str, int] = {}
    blocks: list[int] = []
    people: list[int] = []
    for i, r in enumerate(dated):
        for key in month_keys(r):
            blocks.append(block_of.setdefault(key, len(block_of)))
            people.append(i)
    block = np.array(blocks, dtype=np.int64)
    person = np.array(people, dtype=np.int64)
    order = np.lexsort((person, block))
    block, person = block[order], person[order]
    firsts, seconds = [], []
    for d in range(1, len(block)):
        same = block[d:] == block[:-d]
        if not same.any():
            break
        firsts.append(person[:-d][same])
        seconds.append(person[d:][same])
    if not firsts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    width = len(dated) + 1
    pairs = np.unique(first * width + second)  # two blocks of one pair give it once
    return pairs // width, pairs % width


def _meeting(blocks: Iterable[str]
             ) -> tuple[Callable[[Record], bool], Callable[[str], bool]]:
    """A quick test whether a person dated to a month could share one of the people's ``blocks``
    (see ``keys``): a registry number, a birth date, or a name word whose sound or first three
    letters one of those keys carries. False means none of the person's keys is there, without
    making them: a PSC snapshot of 160,000 people may hold two of other kinds. With it, the same
    test for one name word (``keys``' ``word_wanted``): none of its sound or prefix keys is there."""
    sounds, prefixes, rest = set(), set(), set()
    for key in blocks:
        if key.startswith("Personm:"):
            sounds.add(key[len("Personm:"):].partition("|")[0])
        elif key.startswith("Personp:"):
            prefixes.add(key[len("Personp:"):].partition("|")[0])
        elif key.startswith("Personid:"):
            rest.add(key[len("Personid:"):])
        elif key.startswith(("Personb:", "Persond:")):
            rest.add(key[len("Personb:"):].partition("|")[0])

    meets: dict[str, bool] = {}  # by name word: a register repeats its forenames and surnames
    written: dict[str, bool] = {}  # by written word of a name, the same

    def word_meets(w: str) -> bool:
        found = meets.get(w)
        if found is None:
            found = meets[w] = w[:3] in prefixes or metaphone(w) in sounds
        return found

    def written_meets(raw: str) -> bool:
        found = written.get(raw)
        if found is None:
            found = written[raw] = any(word_meets(w) for w in token_words(raw))
        return found

    def may_meet(r: Record) -> bool:
        if r.birth_date in rest or any(x in rest for x in r.registry_ids):
            return True
        # the words of ``name_words`` (every name's, a titled form's being those of the name it
        # repeats), read a written word at a time: most people meet nobody, and parsing all
        # their names was over a second at 200k PSC lines
        return any(written_meets(raw) for name in r.names for raw in person_tokens(name))
    return may_meet, word_meets


class _Blocks:
    """Block memberships as three flat arrays (key, record, refinement), a key as its 64-bit
    hash and each distinct refinement kept once. Held as a list of (record, refinement) tuples
    per key, they were the largest thing resolution held: 3.3M memberships for 100k synthetic
    names, 62 bytes each and a frozenset of 216 for most (tracemalloc); then 24 bytes each and
    a dict of the keys, 150 bytes a key (5M keys at a million names); now 20 bytes each. Two
    keys of one hash would share a block, proposing more pairs, never fewer (at 5M keys, about
    one chance in a million). Blocks come out in the order their keys were first added, each
    with its members in that order. ``person_keys``: the people's keys are also kept as text,
    for the people dated to a month who join only blocks already there (``candidates``)."""

    def __init__(self, person_keys: bool = False) -> None:
        self.refines: list[frozenset[str]] = []
        self._refine_ids: dict[frozenset[str], int] = {}
        self.person_keys: set[str] | None = set() if person_keys else None
        self._rows = (array("q"), array("q"), array("i"))  # key hash, member, refinement
        self._sorted: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._words: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def refinement_words(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each refinement's words but ``*``, numbered, in the order the set gives them: (all
        of them, where each refinement's begin, how many it has, whether it holds ``*``); worked
        out once after the last ``add`` (``_split_apart``)."""
        if self._words is None or len(self._words[1]) != len(self.refines):
            number: dict[str, int] = {}
            flat = [number.setdefault(w, len(number)) for refine in self.refines for w in refine - {"*"}]
            count = np.fromiter((len(refine) - ("*" in refine) for refine in self.refines), np.int64, len(self.refines))
            self._words = (np.array(flat, np.int64), np.cumsum(count) - count, count,
                           np.fromiter(("*" in refine for refine in self.refines), bool, len(self.refines)))
        return self._words

    def __contains__(self, key: str) -> bool:
        """Whether a person's ``key`` (with its label) blocks anyone (``person_keys`` only)."""
        return self.person_keys is not None and key in self.person_keys

    def add(self, label: str, keyed: Iterable[tuple[str, frozenset[str]]], member: int,
            joining: bool = False) -> None:
        """Add ``member`` to the block of each (key, refinement) of ``keyed``, the key after
        ``label``; ``joining``: to the people's blocks already there only."""
        hashes, members, refines = self._rows
        refine_ids = self._refine_ids
        kept = self.person_keys if label == "Person" else None
        self._sorted = None
        for key, refine in keyed:
            key = label + key
            if joining:
                if kept is None or key not in kept:
                    continue
            elif kept is not None:
                kept.add(key)
            found = refine_ids.get(refine)
            if found is None:
                found = self._new_refine(refine)
            hashes.append(hash(key))
            members.append(member)
            refines.append(found)

    def _new_refine(self, refine: frozenset[str]) -> int:
        found = self._refine_ids[refine] = len(self.refines)
        self.refines.append(refine)
        return found

    def handed(self) -> tuple[list[frozenset[str]], set[str] | None, bytes, bytes, bytes]:
        """What ``take`` adds to another ``_Blocks`` of the same process or a forked child (whose
        hashes of text are this one's): the refinements by number, the people's keys kept, the rows."""
        hashes, members, refines = (rows.tobytes() for rows in self._rows)
        return self.refines, self.person_keys, hashes, members, refines

    def take(self, handed: tuple[list[frozenset[str]], set[str] | None, bytes, bytes, bytes]) -> None:
        """Add the memberships of another ``_Blocks`` (its ``handed``), as if they were added
        here after the ones so far."""
        refines, person_keys, hashes, members, refine_rows = handed
        refine_ids = self._refine_ids
        renumbered = np.fromiter((self._new_refine(r) if (found := refine_ids.get(r)) is None else found
                                  for r in refines), np.int32, len(refines))
        self._sorted = None
        self._rows[0].frombytes(hashes)
        self._rows[1].frombytes(members)
        if refine_rows:
            self._rows[2].frombytes(renumbered[np.frombuffer(refine_rows, dtype=np.int32)].tobytes())
        if self.person_keys is not None and person_keys:
            self.person_keys |= person_keys

    def clear(self) -> None:
        self.refines, self._refine_ids = [], {}
        self.person_keys = set() if self.person_keys is not None else None
        self._rows = (array("q"), array("q"), array("i"))
        self._sorted = self._words = None

    def _spans(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(member, refinement, order, starts, ends): the rows sorted by block (``order``), and
        where each block of two or more members starts and ends in that order. Worked out once
        after the last ``add`` (``work`` and ``shared`` both ask, before and after a fork)."""
        if self._sorted is None:
            self._sorted = self._sort()
        return self._sorted

    def _sort(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        hashes, member, refine = (np.frombuffer(rows, dtype=np.int32 if rows.typecode == "i" else np.int64)
                                  for rows in self._rows)
        order, starts, sizes = _groups(hashes)
        ends = starts + sizes
        kept = sizes > 1  # most keys block one record (a birth day with a sound)
        return member, refine, order, starts[kept], ends[kept]

    def take_whole(self, of: np.ndarray, readable: np.ndarray) -> list[np.ndarray]:
        """The members of each shared block of records ``of`` marks (a boolean by member number:
        a key's label is its members'), that is paired whole (``MAX_BLOCK`` members or fewer) and
        whose members are all ``readable`` (a boolean by member number), as one array per block
        size (a row a block, in the order of ``shared``); those blocks are left out of ``shared``
        and ``work``."""
        member, refine, order, starts, ends = self._spans()
        if not len(starts):
            return []
        sizes = ends - starts
        unread = np.add.reduceat((~readable[member[order]]).astype(np.int64), starts) if len(order) else sizes
        whole = of[member[order[starts]]] & (sizes <= MAX_BLOCK) & (unread == 0)
        out = [member[order[starts[whole & (sizes == n)][:, None] + np.arange(n)]]
               for n in np.unique(sizes[whole]).tolist()]
        self._sorted = member, refine, order, starts[~whole], ends[~whole]
        return out

    def work(self) -> np.ndarray:
        """The work of pairing each shared block, in the order of ``shared``: n * min(n,
        MAX_MEET) for a block of n members (each compared with the others, or with its closest)."""
        *_, starts, ends = self._spans()
        sizes = ends - starts
        out: np.ndarray = sizes * np.minimum(sizes, MAX_MEET)
        return out

    def shared(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[list[int], list[int]]]:
        """The members and refinements (numbers) of each block of two or more members (those
        numbered ``start`` to ``stop`` of them)."""
        member, refine, order, starts, ends = self._spans()
        starts, ends = starts[start:stop], ends[start:stop]
        first = 0
        while first < len(starts):  # Python lists of some 64k rows at a time: a numpy call a block cost more
            last = max(int(np.searchsorted(ends, starts[first] + (1 << 16), side="right")), first + 1)
            lo, hi = int(starts[first]), int(ends[last - 1])
            members, refines = member[order[lo:hi]].tolist(), refine[order[lo:hi]].tolist()
            for a, b in zip((starts[first:last] - lo).tolist(), (ends[first:last] - lo).tolist(), strict=True):
                yield members[a:b], refines[a:b]
            first = last


def candidates(records: Iterable[Record], stats: dict[str, int] | None = None,
               crowded: set[str] | None = None, meanwhile: Callable[[list[Record]], None] | None = None) -> Pairs:
    """Each candidate pair once (ids in sorted order), of records with the same label.

    ``stats``, if given, counts ``windowed_blocks``: block parts not compared in full (sorted
    neighbourhood, closest names); their records are *crowded* (``Pairs.crowded``, one flag per
    record, and the ids of those records added to ``crowded`` if given).
    ``meanwhile``, if given, is work of the caller's, on the records as the pairs number them,
    that this process does while a forked child finishes the pairs (where children are forked:
    ``GRAPHKIT_BLOCK_APART_WORK``); it is not called otherwise.

    The pairs are found first, as one integer each (``_Found``), and given out in the order
    they were first found."""
    records = list(records)
    # each record's number, by node id where those are unique (a graph's nodes), else by record
    # object: two records may share an id, and each is blocked as itself
    by_id = len({r.id for r in records}) == len(records)
    index: dict[str | int, int] = {}
    by_index: list[Record] = []

    def number(r: Record) -> int:
        key = r.id if by_id else id(r)
        found = index.get(key)
        if found is None:
            found = index[key] = len(by_index)
            by_index.append(r)
        return found
    dated = [r for r in records if month_dated(r) and elements(r) is not None]
    in_months = {r.id for r in dated}
    blocks = _Blocks(person_keys=bool(dated))
    others = [r for r in records if r.id not in in_months]
    meet = {r.label for r in others}  # month-dated people meet others of their label only
    _add_keys(blocks, others, [number(r) for r in others])
    if "Person" in meet:
        may_meet, word_meets = _meeting(blocks.person_keys or ())
        for r in dated:
            i = number(r)
            if may_meet(r):
                blocks.add(r.label, keys(r, lambda key: "Person" + key in blocks, word_meets), i, joining=True)
    for r in dated:
        number(r)
    width = len(index) + 1
    flags = np.zeros(len(by_index), bool)  # the crowded records, by number
    found = _Found()  # a pair's number: its first record's (by id) * width + its second's

    def note(pairs: Iterable[tuple[Record, Record]], check: bool) -> None:
        """Note ``pairs``, ids in order. ``check``: drop the pairs of two people dated to a
        month (those meet in month blocks), which a sorted-neighbourhood part of people does
        not leave out itself."""
        add = found.adding()
        for a, b in pairs:
            if check and a.id in in_months and b.id in in_months:
                continue
            if b.id < a.id:
                a, b = b, a
            add(index[a.id] * width + index[b.id] if by_id else index[id(a)] * width + index[id(b)])
    arrays = by_id and ON_ARRAYS and "Person" in meet
    dates = _Dates(by_index if arrays else [], in_months)
    orders = _NameOrders(by_index if arrays else [])
    # the orders of names are ranked in a forked child while this process pairs the whole blocks
    if arrays and (apart := forked.threshold("GRAPHKIT_KEYS_APART_RECORDS", KEYS_APART_RECORDS)) is not None \
            and len(others) >= max(apart, 2):
        orders.start()
    try:
        whole = blocks.take_whole(np.fromiter((r.label == "Person" for r in by_index), bool, len(by_index)),
                                  dates.readable) if arrays else []
        rank = _ranks([r.id for r in by_index] if by_id else [])
        by_rank = rank.tolist().__getitem__

        def crowded_on_arrays(group: list[int]) -> bool:
            """Pair a part of people on arrays if it is crowded by its pairs (``_crowded``: "pairs")
            and its dates can be read so: those born the same day and each with its ``WINDOW``
            neighbours in two orders of names, as ``_part_pairs`` pairs it (``_same_date`` and
            ``_windows``). False, with nothing done, for any other part, which is paired in Python."""
            if not arrays or len(group) <= MAX_MEET or by_index[group[0]].label != "Person":
                return False  # a part of MAX_MEET records or fewer is never crowded
            at = np.unique(np.asarray(group, np.int64))
            at = at[np.argsort(rank[at])]  # the part's records once each, in the order of their ids
            if not dates.readable[at].all() or dates.cost(at) <= MAX_PAIRS:
                return False
            if stats is not None:  # counted again where paired before, as in Python
                stats["windowed_blocks"] = stats.get("windowed_blocks", 0) + 1
            if not seen(at.tobytes()):
                flags[at] = True
                found.add_many(_same_date_pairs(at, rank, width, dates))
                found.add_many(_window_pairs(at, orders.ranks(), rank, width, dates))
            return True


        def flag(part: list[Record]) -> None:
            """Flag the records of a crowded part paired in Python."""
            flags[[number(r) for r in part]] = True

        # parts already paired (two keys often block the same records), with the piece they were
        # paired in (``pieces``): a child pairing pieces from the back pairs a part again in an
        # earlier piece, where one process would have paired it
        done: dict[tuple[int, ...] | bytes, int] = {}
        piece = 0

        def seen(key: tuple[int, ...] | bytes) -> bool:
            """Whether the part ``key`` was paired in this piece or an earlier one; if not, it is
            noted as paired in this one."""
            if done.get(key, piece + 1) <= piece:
                return True
            done[key] = piece
            return False

        def pair(start: int, stop: int | None) -> None:
            """Note the pairs of the shared blocks numbered ``start`` to ``stop``."""
            for members, refines in blocks.shared(start, stop):
                groups = [members] if len(members) <= MAX_BLOCK else \
                    _split_apart(np.asarray(members, np.int64), np.asarray(refines, np.int64), *blocks.refinement_words())
                for group in groups:
                    if crowded_on_arrays(group):
                        continue
                    # a part: its records once each, in the order of their ids
                    if by_id:
                        numbers = sorted(set(group), key=by_rank)
                        part = [by_index[i] for i in numbers]
                    else:
                        part = sorted({r.id: r for r in (by_index[i] for i in group)}.values(), key=lambda r: r.id)
                        numbers = [number(r) for r in part]
                    if len(part) > 2:  # a part's pairs depend on its records alone: the same part again adds none
                        if seen(tuple(numbers)):
                            if stats is not None and _crowded(part) is not None:
                                stats["windowed_blocks"] = stats.get("windowed_blocks", 0) + 1
                            continue
                    note(*_part_pairs(part, _crowded(part), in_months, stats, flag))

        # blocks of people small enough to be paired whole (never split or crowded) are paired on
        # arrays, as ``_all_pairs`` pairs them (birth dates that may be one day) and less the pairs
        # of two month-dated people (``_pairs_meeting``); by node id only (two records of one id in
        # a block are one record in its part, which the arrays do not tell)
        limit = forked.threshold("GRAPHKIT_BLOCK_APART_WORK", BLOCK_APART_WORK)
        work = blocks.work() if limit is not None else np.empty(0, np.int64)
        if limit is not None and len(work) > 1 and int(work.sum()) >= limit:
            # the blocks paired in pieces of about equal work, shared out as each process is free:
            # this one takes them from the front, a forked child from the back; the pieces' pairs
            # put in the order of the pieces, so the pairs and their order are those of one process
            # (a part that both pair gives its pairs twice: folded into one, first found, as it
            # would have been)
            bounds = _pieces(work, PIECES)
            ends = forked.TwoEnds(len(bounds) - 1)
            orders.ready()  # the child inherits the ranks, not this process's job working them out

            def pieces(front: bool) -> list[np.ndarray]:
                """The pairs of each piece this process takes from its end, in the pieces' order."""
                nonlocal found, piece
                out = []
                for k in ends.taken(front):
                    found, piece = _Found(), k
                    pair(int(bounds[k]), int(bounds[k + 1]))
                    out.append(found.unique())
                return out if front else out[::-1]

            def later(_: forked.Progress | None) -> tuple[list[np.ndarray], np.ndarray, dict[str, int]]:
                nonlocal stats
                stats = {}
                return pieces(False), flags, stats
            job = forked.start(later, "pairing the blocks of candidates",
                               "set GRAPHKIT_BLOCK_APART_WORK=-1 to pair them in this process")
            try:
                with job:
                    ours = pieces(True)
                    theirs, their_flags, their_stats = job.result()
            finally:
                ends.close()
            found = _Found()
            found.extend(ours, theirs)
            flags |= their_flags
            if stats is not None:
                for k, v in their_stats.items():
                    stats[k] = stats.get(k, 0) + v
        else:
            pair(0, None)
        blocks.clear()
    finally:
        orders.stop()

    def finish(flags: np.ndarray) -> np.ndarray:
        """The pairs found, with those of the whole blocks and the month blocks, less those beyond
        the undated's closest names (whose records are flagged crowded in ``flags``)."""
        if whole:
            found.extend([_whole_pairs(whole, rank, width, dates)])
        firsts, seconds = _month_pairs(dated)
        if by_id and ON_ARRAYS:  # as ``note`` numbers them, on arrays (most of the pairs of a PSC snapshot)
            at = np.fromiter((index[r.id] for r in dated), np.int64, len(dated))
            found.add_many(_numbered(at[firsts], at[seconds], rank, width))
        else:
            note(((dated[i], dated[j]) for i, j in zip(firsts.tolist(), seconds.tolist(), strict=True)), False)
        del firsts, seconds
        return _closest_of_undated(found.unique(), by_index, width, rank, flags)

    if meanwhile is None or limit is None:  # no child is forked here
        numbers = finish(flags)
        _orders.cache_clear()
    else:
        # the pairs finished in a forked child while this process does the caller's work
        def finished(_: forked.Progress | None) -> tuple[np.ndarray, np.ndarray]:
            return finish(flags), flags
        finishing = forked.start(finished, "finishing the candidate pairs",
                                 "set GRAPHKIT_BLOCK_APART_WORK=-1 to finish them in this process")
        with finishing:
            found, whole = _Found(), []  # the child's now: freed here
            _orders.cache_clear()
            meanwhile(by_index)
            numbers, flags = finishing.result()
    pairs = Pairs(by_index, width, numbers, rank if by_id else None, flags)
    if crowded is not None:
        crowded.update(pairs.crowded_ids())
    return pairs


# whether the blocks of people paired whole are paired on arrays (``candidates``); the same
# pairs as in Python, where a million synthetic names spent most of the time of finding them
ON_ARRAYS = True

_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


class _Dates:
    """Each record's birth date as numbers (precision: 0 none, 1 year, 2 month, 3 day; year,
    month, day), whether it is month-dated and paired in month blocks, and whether it can be
    read so (a birth date in another form is paired in Python, by ``_compatible``)."""

    def __init__(self, records: list[Record], in_months: set[str]):
        n = len(records)
        self.precision, self.year, self.month, self.day = (np.zeros(n, np.int64) for _ in range(4))
        self.in_months = np.fromiter((r.id in in_months for r in records), bool, n)
        self.readable = np.ones(n, bool)
        self._code: np.ndarray | None = None
        self._packed: np.ndarray | None = None
        read: dict[str, tuple[int, ...] | None] = {}  # birth dates repeat: each read once
        for i, r in enumerate(records):
            d = r.birth_date
            if not d:
                continue
            if d not in read:
                read[d] = (len(d.split("-")), *(int(x) for x in (d.split("-") + ["0", "0"])[:3])) \
                    if _DATE.fullmatch(d) else None
            got = read[d]
            if got is None:
                self.readable[i] = False
            else:
                self.precision[i], self.year[i], self.month[i], self.day[i] = got

    def code(self) -> np.ndarray:
        """Each record's birth date as one number (two dates are the same text if and only if
        they are the same number; -1: none or not readable), worked out on first use."""
        if self._code is None:
            self._code = np.where((self.precision > 0) & self.readable,
                                  self.precision * 10**9 + self.year * 10**4 + self.month * 100 + self.day, -1)
        return self._code

    def cost(self, at: np.ndarray) -> int:
        """``_cost`` of the part of records ``at`` (their dates readable): the pairs of it whose
        birth dates may be one day, counted as ``_cost`` counts them."""
        codes = self.code()[at]
        undated = int(np.count_nonzero(codes < 0))
        _, counts = np.unique(codes[codes >= 0], return_counts=True)
        n = len(at)
        return int((counts * (counts - 1) // 2).sum()) + undated * (n - undated) + undated * (undated - 1) // 2

    def meet(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether records ``a`` and ``b`` are paired: ``_compatible`` (one's date at its
        precision a beginning of the other's) and not both dated to a month and in month blocks.
        Each record's date, precision and month blocks are one number of bits (``_PACKED``), so
        that a pair's are read with two look-ups, not nine (random reads over a million records)."""
        if self._packed is None:
            self._packed = (self.in_months.astype(np.int64) << 30 | self.precision << 28 | self.year << 14
                            | self.month << 7 | self.day)
        x, y = self._packed[a], self._packed[b]
        both = np.minimum((x >> 28) & 3, (y >> 28) & 3)
        shift = _PRECISION_SHIFT[both]  # the date's bits at the precision both give
        same = (both == 0) | ((x & _DATE_BITS) >> shift == (y & _DATE_BITS) >> shift)
        return same & ~(x & y & (1 << 30)).astype(bool)


# ``_Dates.meet``'s number for a record: day (7 bits: the two digits a date may give), month (7),
# year (14: four digits), precision (2), in month blocks (1); the date's bits shifted down to the
# year (precision 1) or the month (2) compare two dates at that precision
_DATE_BITS = (1 << 28) - 1
_PRECISION_SHIFT = np.array([0, 14, 7, 0], np.int64)


def _ranks(ids: list[str]) -> np.ndarray:
    """Each record's place in the order of ids (a pair's record of the smaller id comes first)."""
    rank = np.empty(len(ids), np.int64)
    rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    return rank


def _pieces(work: np.ndarray, n: int) -> np.ndarray:
    """The numbers of the shared blocks that begin each of at most ``n`` pieces of about equal
    ``work``, and after them the number of blocks."""
    done = np.cumsum(work)
    cuts = np.searchsorted(done, done[-1] * np.arange(1, n) / n) if len(done) else np.empty(0, np.int64)
    out: np.ndarray = np.unique(np.r_[0, cuts, len(work)])
    return out


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The positions of ``keys`` grouped by key, each key's in the order given and the keys in
    the order each first comes: (order, where each group starts in it, its size). One stable
    sort, then the groups put in order (``np.unique`` and a second sort of the rows were a third
    slower: 10 s of one core for the block keys of a million names)."""
    by_key = np.argsort(keys, kind="stable")
    keyed = keys[by_key]
    begins = np.flatnonzero(np.concatenate(([True], keyed[1:] != keyed[:-1]))) if len(keyed) \
        else np.empty(0, np.int64)
    del keyed
    sizes = np.diff(np.append(begins, len(keys)))
    firsts = np.argsort(by_key[begins])  # where each key first comes: distinct
    begins, sizes = begins[firsts], sizes[firsts]
    starts = np.cumsum(sizes) - sizes
    return by_key[np.repeat(begins - starts, sizes) + np.arange(len(keys))], starts, sizes


def _numbered(a: np.ndarray, b: np.ndarray, rank: np.ndarray, width: int) -> np.ndarray:
    """Pairs of record numbers as pair numbers, the record of the smaller id first."""
    swap = rank[a] > rank[b]
    out: np.ndarray = np.where(swap, b, a) * width + np.where(swap, a, b)
    return out


def _whole_pairs(whole: list[np.ndarray], rank: np.ndarray, width: int, dates: _Dates) -> np.ndarray:
    """Every two members of each block of ``whole`` (``_Blocks.take_whole``) that ``dates``
    lets meet, as pair numbers; a block's pairs together, the blocks in the order of their
    first members."""
    out, at = [], []
    for rows in whole:
        first, second = np.triu_indices(rows.shape[1], 1)
        a, b = rows[:, first].ravel(), rows[:, second].ravel()
        keep = (a != b) & dates.meet(a, b)  # a record twice in a block (two names, one key) is one
        out.append(_numbered(a[keep], b[keep], rank, width))
        at.append(np.repeat(rows[:, 0], len(first))[keep])
    pairs, blocks = np.concatenate(out), np.concatenate(at)
    return pairs[np.argsort(blocks, kind="stable")]


def _window_pairs(numbers: np.ndarray, orders: tuple[np.ndarray, np.ndarray], rank: np.ndarray, width: int,
                  dates: _Dates) -> np.ndarray:
    """The pairs of ``_windows`` (people: no numbers to rule pairs out) on arrays, in its order:
    each record of ``numbers`` with its ``WINDOW`` next in each of two orders of names (each
    record's place in them: ``orders``, ``_NameOrders.ranks``), if ``dates`` lets them meet."""
    out = []
    for place in orders:
        ordered = numbers[np.argsort(place[numbers], kind="stable")]  # stable: as ``sorted``
        at = np.arange(len(ordered))[:, None] + np.arange(1, WINDOW + 1)
        inside = at < len(ordered)
        a = np.broadcast_to(ordered[:, None], at.shape)[inside]
        b = ordered[at[inside]]
        keep = dates.meet(a, b)
        out.append(_numbered(a[keep], b[keep], rank, width))
    return np.concatenate(out)


def _same_date_pairs(numbers: np.ndarray, rank: np.ndarray, width: int, dates: _Dates) -> np.ndarray:
    """The pairs of ``_same_date`` on arrays, in its order: every two records of ``numbers``
    (in that order) with the same birth date, a date's pairs together, the dates in the order
    first met; less the pairs of two people dated to a month and paired in month blocks."""
    codes = dates.code()[numbers]
    dated = np.flatnonzero(codes >= 0)
    if len(dated) < 2:
        return np.empty(0, np.int64)
    by_date, starts, sizes = _groups(codes[dated])  # by date first met, then as given
    ordered = dated[by_date]
    starts, sizes = starts[sizes > 1], sizes[sizes > 1]
    if not len(sizes):
        return np.empty(0, np.int64)
    # every two of each date's records, a date after another, as ``np.triu_indices`` orders
    # them: the dates of one size at once (a call for each date was most of this at 1M names)
    counts = sizes * (sizes - 1) // 2
    offsets = np.cumsum(counts) - counts
    first_of, second_of = np.empty(int(counts.sum()), np.int64), np.empty(int(counts.sum()), np.int64)
    for size in np.unique(sizes).tolist():
        these = sizes == size
        i, j = np.triu_indices(size, 1)
        at = offsets[these][:, None] + np.arange(len(i))
        first_of[at] = starts[these][:, None] + i
        second_of[at] = starts[these][:, None] + j
    a, b = numbers[ordered[first_of]], numbers[ordered[second_of]]
    keep = ~(dates.in_months[a] & dates.in_months[b])
    return _numbered(a[keep], b[keep], rank, width)


class _NameOrders:
    """Each person's place in the two orders of names of ``_windows`` (its first name's
    ``_orders``, as written and word by word sorted), for all records at once: worked out on
    first use, each distinct name once. At a million synthetic names the crowded parts sorted
    their records by name about seven million times, a call of ``_orders`` each."""

    def __init__(self, records: list[Record]):
        self.records = records
        self._ranks: tuple[np.ndarray, np.ndarray] | None = None
        self._job: forked.Job[tuple[np.ndarray, np.ndarray]] | None = None

    def start(self) -> None:
        """Work the ranks out in a forked child meanwhile (``ready`` or ``ranks`` take them)."""
        self._job = forked.start(lambda _: self._work(), "ranking names for blocking",
                                 "set GRAPHKIT_KEYS_APART_RECORDS=-1 to rank them in this process")

    def ready(self) -> None:
        """Take the ranks from the child working them out, if there is one (before a fork)."""
        if self._job is not None:
            self._ranks, self._job = self._job.result(), None

    def stop(self) -> None:
        """Stop the child working out ranks not asked for (or after a failure)."""
        if self._job is not None:
            self._job.stop()
            self._job = None

    def ranks(self) -> tuple[np.ndarray, np.ndarray]:
        self.ready()
        if self._ranks is None:
            self._ranks = self._work()
        return self._ranks

    def _work(self) -> tuple[np.ndarray, np.ndarray]:
        distinct: dict[str, int] = {}
        name = np.fromiter((distinct.setdefault(r.names[0], len(distinct))
                            if r.label == "Person" and r.names else -1 for r in self.records),
                           np.int64, len(self.records))
        orders = [_orders.__wrapped__("Person", n) for n in distinct]  # not kept in its cache
        ranks = []
        for k in (0, 1):
            texts = [o[k] for o in orders] + [""]  # the last: a record without a name (-1)
            place = {text: i for i, text in enumerate(sorted(set(texts)))}
            ranks.append(np.array([place[t] for t in texts], np.int64)[name])
        return ranks[0], ranks[1]


class Pairs:
    """Candidate pairs, one integer each (its first record's number * ``width`` + its second's,
    numbers of ``records``), in the order first found: a block's pairs one after another, so
    that the records of a pair and their names are those of the pairs before (and so in the
    caches of scoring). Iterating gives the pairs of records; ``where`` a selection of them
    (the pairs scored apart: ``graphkit.resolve.decide``). ``rank``, where the records' ids are
    unique: each record's place in the order of their ids (to sort pairs by them on arrays).
    ``crowded``: for each record, whether some of its pairs were left out (``candidates``)."""

    def __init__(self, records: list[Record], width: int, numbers: np.ndarray, rank: np.ndarray | None = None,
                 crowded: np.ndarray | None = None):
        self.records, self.width, self.numbers, self.rank = records, width, numbers, rank
        self.crowded = np.zeros(len(records), bool) if crowded is None else crowded

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self) -> Iterator[tuple[Record, Record]]:
        for _, a, b in self.among(np.arange(len(self.numbers))):
            yield a, b

    def among(self, positions: np.ndarray) -> Iterator[tuple[int, Record, Record]]:
        """(position, first record, second record) of the pairs at ``positions``, in their order:
        scoring reads only the pairs its gate did not leave out (85% of ten million at a million
        synthetic names), without a Python step for each of the others. Python ints a slice at a time."""
        records, width = self.records, self.width
        for start in range(0, len(positions), 1 << 16):
            at = positions[start:start + (1 << 16)]
            firsts, seconds = np.divmod(self.numbers[at], width)
            for i, first, second in zip(at.tolist(), firsts.tolist(), seconds.tolist(), strict=True):
                yield i, records[first], records[second]

    def at(self, i: int) -> tuple[Record, Record]:
        first, second = divmod(int(self.numbers[i]), self.width)
        return self.records[first], self.records[second]

    def crowded_ids(self, among: set[str] | None = None) -> set[str]:
        """The ids of the crowded records (of those ``among``, if given): one flag per record is
        kept, not a set of ids, where nearly every record of a million synthetic names is
        crowded (a set of their ids, 67 MB, was kept through scoring)."""
        return {r.id for r, yes in zip(self.records, self.crowded.tolist(), strict=True)
                if yes and (among is None or r.id in among)}

    def where(self, keep: np.ndarray) -> Pairs:
        """The pairs where the boolean array ``keep`` is true."""
        return Pairs(self.records, self.width, self.numbers[keep], self.rank, self.crowded)


class _Found:
    """Pairs, one int each, kept once each in the order first found (a block's pairs one after
    another: the records of a pair and their names are those of the pairs before, and so in
    the caches of scoring). The ints as found are folded into the unique ones every ``FOLD``:
    a block's pairs come again in the other blocks of the same records (the shared samples
    combined found 10.2M pairs, 1.0M of them once). A set of the pairs seen took about 60
    bytes a pair (14M pairs at a million synthetic names); this, 8 and a sort."""

    FOLD = 1 << 22

    def __init__(self) -> None:
        self._unique = np.empty(0, np.int64)
        self._found = array("q")

    def adding(self) -> Callable[[int], None]:
        """The function that adds a pair, for the pairs of one block part (folded first if
        the pairs found since the last fold are ``FOLD`` or more)."""
        if len(self._found) >= self.FOLD:
            self._fold()
        return self._found.append

    def _fold(self) -> None:
        if len(self._found):
            both = np.concatenate((self._unique, np.frombuffer(self._found, dtype=np.int64)))
            first = np.unique(both, return_index=True)[1]
            self._unique = both[np.sort(first)]
            self._found = array("q")

    def add_many(self, pairs: np.ndarray) -> None:
        """Add ``pairs`` (numbers) as if one by one, after those found so far."""
        if len(self._found) >= self.FOLD:
            self._fold()
        self._add(pairs)

    def _add(self, pairs: np.ndarray) -> None:
        # the array's bytes in place: a copy by ``astype`` and another by ``tobytes`` were the
        # peak of a million names where the pieces' pairs were added
        self._found.frombytes(np.ascontiguousarray(pairs, np.int64).data.cast("B"))

    def extend(self, *found: list[np.ndarray]) -> None:
        """Add the pairs found elsewhere, in lists of arrays, after those found here; each array
        is let go of (taken from its list) once added."""
        self._fold()
        for pairs in found:
            while pairs:
                self._add(pairs.pop(0))

    def unique(self) -> np.ndarray:
        """Every pair once, in the order first found (what was found is handed over)."""
        self._fold()
        pairs, self._unique = self._unique, np.empty(0, np.int64)
        return pairs


def _nearest(part: list[Record]) -> Iterator[tuple[Record, Record]]:
    """Each undated person of ``part`` with the ``MAX_MEET`` records whose folded names are
    closest to theirs (rapidfuzz's token set ratio of their closest two name forms, the whole
    part at once): a transliteration or a slip of the same name ("Fyodor Gobai", "Горбай Фёдор
    Алексеевич") is among them more often than among sorted neighbours. Of 300k synthetic names,
    the undated records' true pairs reached scoring at 0.947 this way, 0.897 by neighbours and
    0.965 when every namesake was met. Ties go to the records first in the part (by id)."""
    forms = [_name_forms(r) for r in part]
    undated = [i for i, r in enumerate(part) if not r.birth_date]

    def starts(lists: list[list[str]]) -> np.ndarray:
        return np.cumsum([0] + [len(x) for x in lists[:-1]])

    sims = process.cdist([f for i in undated for f in forms[i]], [f for fs in forms for f in fs],
                         scorer=fuzz.token_set_ratio, dtype=np.uint8)
    sims = np.maximum.reduceat(np.maximum.reduceat(sims, starts([forms[i] for i in undated]), axis=0),
                               starts(forms), axis=1).astype(np.int64)
    sims[np.arange(len(undated)), undated] = -1
    for i, closest in zip(undated, _closest(sims, MAX_MEET).tolist(), strict=True):
        for j in closest:
            if j != i:  # two undated people meet twice: ``first_time`` proposes them once
                yield part[i], part[j]


def _closest(sims: np.ndarray, k: int) -> np.ndarray:
    """For each row of ``sims`` (similarities 0 to 100, -1 for none), the columns of its ``k``
    highest, highest first, ties to the lower column: the first ``k`` of a stable sort of the
    row by falling similarity, without sorting whole rows."""
    n = sims.shape[1]
    k = min(k, n)
    out = np.empty((len(sims), k), np.int64)
    step = max(1, (1 << 22) // max(n, 1))  # rows at a time: their keys at most 32 MB
    for lo in range(0, len(sims), step):
        key = (101 - sims[lo:lo + step]) * n + np.arange(n)  # one key per cell, in the sort's order
        top = np.argpartition(key, k - 1, axis=1)[:, :k] if k < n else np.broadcast_to(np.arange(n), key.shape)
        out[lo:lo + step] = np.take_along_axis(top, np.take_along_axis(key, top, axis=1).argsort(axis=1), axis=1)
    return out


def _add_keys(blocks: _Blocks, records: list[Record], numbers: list[int]) -> None:
    """Add each record (numbered as in ``numbers``) to the blocks of its ``keys``. Many records
    (at least ``GRAPHKIT_KEYS_APART_RECORDS``) are keyed in slices shared out as each process is
    free: this one takes them from the front, a forked child from the back, and the child's
    blocks are added after this process's: the blocks, their order and their members' order are
    those of one process. At a million synthetic names the keys were a sixth of the time, on
    one core while the other waited; halves fixed ahead then left either alone for seconds."""
    limit = forked.threshold("GRAPHKIT_KEYS_APART_RECORDS", KEYS_APART_RECORDS)

    def add(start: int, stop: int, into: _Blocks) -> _Blocks:
        for r, n in zip(records[start:stop], numbers[start:stop], strict=True):
            into.add(r.label, keys(r), n)
        return into
    if limit is None or len(records) < max(limit, 2):
        add(0, len(records), blocks)
        return
    size = -(-len(records) // KEYS_SLICES)
    ends = forked.TwoEnds(-(-len(records) // size))

    def theirs(_: forked.Progress | None) -> tuple[list[frozenset[str]], set[str] | None, bytes, bytes, bytes]:
        taken = []  # from the back: the last slice first
        for start, stop in ends.slices(False, size, len(records)):
            taken.append(add(start, stop, _Blocks(blocks.person_keys is not None)))
        out = _Blocks(blocks.person_keys is not None)
        for slice_blocks in reversed(taken):
            out.take(slice_blocks.handed())
        return out.handed()
    job = forked.start(theirs, "working out block keys",
                       "set GRAPHKIT_KEYS_APART_RECORDS=-1 to work them out in this process")
    try:
        with job:
            for start, stop in ends.slices(True, size, len(records)):
                add(start, stop, blocks)
            handed = job.result()
    finally:
        ends.close()
    blocks.take(handed)


KEYS_SLICES = 16  # slices of records shared out between the two processes that work out keys
KEYS_APART_RECORDS = 50_000  # records from which they are keyed in slices shared with a forked child (Linux)


def _closest_of_undated(pairs: np.ndarray, records: list[Record], width: int, rank: np.ndarray,
                        crowded: np.ndarray) -> np.ndarray:
    """``pairs`` (numbers, in order) less those beyond the ``MAX_MEET`` closest names of a person
    without a birth date, over all the blocks that person shares: a pair stays if it is among
    the closest of each undated person in it. The closeness is ``_nearest``'s (rapidfuzz's token
    set ratio of the two records' closest name forms), ties going to the smaller id, so within
    one part these are the pairs ``_nearest`` proposed. Each part bounded such a person's pairs,
    not the parts: of a million synthetic names, the 20,230 undated met 296 records each on
    average (5.8M of the 14.2M pairs), 197 at 100k; a name of one surname and an initial meets
    hundreds of namesakes alike, of whom only the strongest ``MAX_QUESTIONS`` are ever asked.
    The records of the pairs left out are flagged in ``crowded`` (by number): not every namesake
    of theirs was compared.
    ``rank``: each record's place in the order of ids (``_ranks``), if ids are unique."""
    undated = np.fromiter((r.label == "Person" and not r.birth_date for r in records),
                          bool, len(records))
    if not undated.any():
        return pairs
    first, second = pairs // width, pairs % width
    involved = np.flatnonzero(undated[first] | undated[second])
    degree = np.bincount(np.concatenate((first[involved][undated[first[involved]]],
                                         second[involved][undated[second[involved]]])), minlength=len(records))
    over = degree > MAX_MEET
    involved = involved[over[first[involved]] | over[second[involved]]]
    if not len(involved):
        return pairs
    a, b = first[involved], second[involved]
    sims = _closeness(records, a, b)
    if len(rank) != len(records):
        rank = _ranks([r.id for r in records])
    # one row for each undated side of a pair over the bound: (that person, the other, closeness)
    sides = [(x, y, sims[over[x]]) for x, y in ((a, b), (b, a))]
    person = np.concatenate([x[over[x]] for x, _, _ in sides])
    other = np.concatenate([y[over[x]] for x, y, _ in sides])
    row_pair = np.concatenate([np.flatnonzero(over[x]) for x, _, _ in sides])
    closeness = np.concatenate([s for _, _, s in sides])
    order = np.lexsort((rank[other], -closeness, person))
    person = person[order]
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    place = np.arange(len(person)) - np.repeat(starts, np.diff(np.r_[starts, len(person)]))
    beyond = row_pair[order][place >= MAX_MEET]
    if not len(beyond):
        return pairs
    drop = np.zeros(len(pairs), bool)
    drop[involved[beyond]] = True
    crowded[first[drop]] = crowded[second[drop]] = True
    out: np.ndarray = pairs[~drop]
    return out


def _closeness(records: list[Record], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``_nearest``'s closeness of the records numbered ``a[k]`` and ``b[k]``, for each k: the
    token set ratio of their closest two name forms (``_name_forms``), in C on both cores."""
    # numbers among the records used, in the order of their numbers (as ``np.unique`` numbers
    # them, without sorting the pairs: a record is in hundreds of them)
    marked = np.zeros(len(records), bool)
    marked[a] = marked[b] = True
    used, among = np.flatnonzero(marked), np.cumsum(marked) - 1
    a, b = among[a], among[b]
    forms: list[str] = []
    start = np.zeros(len(used) + 1, np.int64)
    for i, n in enumerate(used.tolist()):
        forms.extend(_name_forms(records[n]))
        start[i + 1] = len(forms)
    count = np.diff(start)
    out = np.empty(len(a), np.int16)
    step = 1 << 20  # pairs at a time: their name forms as Python lists were 0.7 GB for 5.8M pairs
    for lo in range(0, len(a), step):
        x, y = a[lo:lo + step], b[lo:lo + step]
        combos = count[x] * count[y]  # every form of one record with every form of the other
        pair = np.repeat(np.arange(len(x)), combos)
        local = np.arange(len(pair)) - np.repeat(np.cumsum(combos) - combos, combos)
        fa = start[x][pair] + local // count[y][pair]
        fb = start[y][pair] + local % count[y][pair]
        sims = process.cpdist([forms[i] for i in fa.tolist()], [forms[i] for i in fb.tolist()],
                              scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=-1)
        out[lo:lo + step] = np.maximum.reduceat(sims, np.cumsum(combos) - combos)
    return out


def _crowded(part: list[Record]) -> str | None:
    """Why a part is too costly to compare in full, if it is: ``"pairs"``, too many of them;
    ``"undated"``, a person without a birth date among more than ``MAX_MEET`` records, each a
    namesake such a person could be. Of a million synthetic names, 2% undated, those undated
    met every dated namesake: over half of the 21M pairs, up to 17,000 for one "Ivanov S."."""
    n = len(part)
    if n * (n - 1) // 2 > MAX_PAIRS and _cost(part) > MAX_PAIRS:  # never more than every two of them
        return "pairs"
    if len(part) > MAX_MEET and part[0].label == "Person" and not all(r.birth_date for r in part):
        return "undated"
    return None


def _count_crowded(part: list[Record], stats: dict[str, int] | None,
                   crowded: Callable[[list[Record]], None] | None) -> None:
    """Count a part not compared in full (``windowed_blocks``) and note its records as crowded."""
    if stats is not None:
        stats["windowed_blocks"] = stats.get("windowed_blocks", 0) + 1
    if crowded is not None:
        crowded(part)


def _part_pairs(part: list[Record], why: str | None, in_months: set[str], stats: dict[str, int] | None,
                crowded: Callable[[list[Record]], None] | None) -> tuple[Iterator[tuple[Record, Record]], bool]:
    """The pairs of one block part (``why``: ``_crowded`` of it), and whether they still need
    the check of ``first_time``: firm pairs leave out the firms ``numbers_apart`` themselves,
    and ``_pairs_meeting`` the pairs of two month-dated people; no other part holds month-dated
    people."""
    if why is not None:
        _count_crowded(part, stats, crowded)
        if part[0].label == "Company":
            return chain(((a, b) for a, b in _same_date(part) if not numbers_apart(a, b)), _windows(part)), False
        if why == "undated":
            # only undated people crowd it: the dated are compared as in any part, the undated
            # with the closest names
            dated = [r for r in part if r.birth_date]
            pairs = chain(_all_pairs(dated) if not in_months else _pairs_meeting(dated, in_months), _nearest(part))
            return pairs, bool(in_months)
        # still too costly (a common name): people born the same day are all compared;
        # otherwise each record only with its neighbours in two orders of their folded
        # names (as written, and word by word sorted), where spelling variants sort together
        return chain(_same_date(part), _windows(part)), bool(in_months)
    if part[0].label == "Company":
        return _firm_pairs(part), False
    if in_months:
        return _pairs_meeting(part, in_months), False
    return _all_pairs(part), False
