"""Which candidate pairs of people surely score below REVIEW, told for all pairs at once.

``people.score_people`` aligns two names word by word, in Python, for every candidate pair:
about 20 us a pair, and at a million names most of resolution's time. Many of those pairs
end without any alignment mattering: their names share no part at all (no two words spelled
alike, no name symbol in common, no initial that fits), or both carry a patronymic and no
reading of the two can be one father's. ``PeopleGate.below`` finds such pairs on arrays:

- every record is a row of at most ``WIDTH`` *tokens*, ids of its words (as folded, spelled
  and written) and initials, over all its names;
- two tokens are *related* where ``people._align`` could match them: words whose spelling
  similarity reaches 0.7 or whose forms share a name symbol, an initial that may stand for a
  word, two initials with one letter. The relation is worked out once per pair of tokens that
  meet (names repeat: the pairs of tokens are far fewer than the pairs of records);
- a pair of records none of whose tokens are related shares no name part: its score is 0
  ("names share no part") or lower (a hard rule);
- a pair of records with one name each, both with a patronymic that may not name one father
  (``people.same_father``, or the patronymics' forms sharing a name symbol) is vetoed
  (``people._name_vetoes``: NEVER) or shares no part;
- a pair of *namesakes*: records with one name each, no word or initial written twice in it,
  whose tokens are related in one pair only, that pair one word spelled alike (the same folded
  word) or an initial, and each of which has a word other than its patronymic related to no
  token of the other. ``_align`` then matches at most one part, so both keep a given name or
  surname unmatched: "different given names", at most 0.5 (``people._weighed``; its exception
  for one differing part needs two matched), or the one word of a name without a close match,
  also 0.5. ``_name_vetoes`` caps or vetoes such a pair lower still, and its one cap at REVIEW
  or above (two given names spelled apart, or two names rigour tells apart) needs a matched pair
  of two different words. Иванов Сергей Петрович and Иванов Павел Олегович are such a pair, the
  commonest among the candidate pairs of a large register (blocks on a surname).

Every test leans to "not sure": a relation counts what ``_align`` might match (a symbol match
even where it is not looked up, an initial even where it is the patronymic's), and records the
tests cannot read (registry numbers, which the hard rules decide; both dated to a month, which
``registry_people`` decides; more tokens than a row holds) are never called below. A pair not
called below is scored as before, so the decisions are those of scoring every pair.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

import numpy as np

from graphkit.resolve.names import agreed_gender, keep_derived, person_name
from graphkit.resolve.people import (
    _TITLES,
    _forms_symbols,
    _initial_of,
    _original,
    _spelling_sim,
    same_father,
)
from graphkit.resolve.registry_people import month_dated
from graphkit.resolve.scoring import Record

WIDTH = 6  # tokens a record's row holds: more (several long names) and the record is not read
CHUNK = 1 << 18  # pairs looked at in one step (its arrays: CHUNK * WIDTH * WIDTH int64)

_WORD, _INITIAL = 0, 1


class _Tokens:
    """Ids of tokens, with what each is: (kind, values)."""

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.what: list[tuple] = []

    def id(self, token: tuple) -> int:
        found = self.ids.get(token)
        if found is None:
            found = self.ids[token] = len(self.what)
            self.what.append(token)
        return found


class _Rows:
    """Each record's row of name tokens (-1: none; a row of -2 first: not read), its
    patronymic's token (-1: none or not one name), which tokens of its row are words other than
    the patronymic (``real``) and whether it is one name with no word or initial written twice
    (``plain``), with the two tables of tokens; records are read as ``read`` asks, each once."""

    def __init__(self, records: list[Record]):
        self.records = records
        self.tokens, self.fathers = _Tokens(), _Tokens()
        self.rows = np.full((len(records), WIDTH), -1, np.int64)
        self.rows[:, 0] = -2
        self.father = np.full(len(records), -1, np.int64)
        self.real = np.zeros((len(records), WIDTH), bool)
        self.plain = np.zeros(len(records), bool)
        self.done = np.zeros(len(records), bool)
        self.forget()

    def forget(self) -> None:
        """Forget the names read, once no more are."""
        # a register repeats its names: each is read once, into its tokens, its row and its
        # patronymic; and its gender and words, which scoring asks of every record
        # (``person_gender``, and ``overlap.name_words`` for the word counts: kept in the records
        # here, before scoring forks, where each scoring process worked them out again). Each
        # name read is a number in ``_named``, its row, patronymic, real and plain entries of the
        # arrays below (entry 0: a record not read): no objects of its own to free, where a
        # tuple of tuples and a frozenset per name were about 500 bytes, half a gigabyte at a
        # million names that stayed in the process's memory after they were freed
        self._named: dict[str, int] = {}
        self._rows, self._father = array("q", _UNREAD), array("q", (-1,))
        self._real, self._plain = array("b", (0,) * WIDTH), array("b", (0,))
        self._gender: list[str | None] = [None]
        self._words: list[tuple[str, ...]] = [()]

    def _add(self, row: tuple[int, ...], father: int, real: tuple[bool, ...], plain: bool,
             gender: str | None, words: tuple[str, ...]) -> int:
        """A new entry of the arrays of names read: its number."""
        self._rows.extend(row)
        self._father.append(father)
        self._real.extend(real)
        self._plain.append(plain)
        self._gender.append(gender)
        self._words.append(words)
        return len(self._father) - 1

    def _name(self, name: str) -> int:
        """The number of ``name``'s entry, read now if it was not before."""
        found = self._named.get(name)
        if found is not None:
            return found
        tokens = self.tokens
        pn = person_name(name)
        # the forms ``_align`` reads for a word: those of its last occurrence (a dict of them)
        forms = {w: (sp, o) for w, sp, o in zip(pn.words, pn.spelled, pn.original, strict=False)}
        ids = {tokens.id((_WORD, w, *forms.get(w, (w, w)))) for w in pn.words}
        ids.update(tokens.id((_INITIAL, i)) for i in pn.initials)
        row = _row(ids)
        patronymic = -1
        if pn.patronymic and row is not _UNREAD:
            sp, o = forms.get(pn.patronymic, (pn.patronymic, pn.patronymic))
            patronymic = self.fathers.id((_original(pn, pn.patronymic), o, sp))
        real = {tokens.id((_WORD, w, *forms.get(w, (w, w)))) for w in pn.words if w != pn.patronymic}
        once = len(set(pn.words)) == len(pn.words) and len(set(pn.initials)) == len(pn.initials)
        found = self._named[name] = self._add(
            row, patronymic, tuple(t in real for t in row), once and row is not _UNREAD,
            pn.gender, tuple(dict.fromkeys(pn.words)))  # the words as ``names.person_words`` reads them
        return found

    def _names(self, names: list[str]) -> int:
        """A new entry for a record of several names: the tokens of all (not read if more than a
        row holds), no patronymic, real or plain; its gender and words over all its names."""
        entries = [self._name(name) for name in names]
        rows = self._rows
        ids: set[int] = set()
        for k in entries:
            ids.update(t for t in rows[k * WIDTH:(k + 1) * WIDTH] if t >= 0)
        row = _UNREAD if any(rows[k * WIDTH] == -2 for k in entries) else _row(ids)
        return self._add(row, -1, _NONE_REAL, False, agreed_gender(self._gender[k] for k in entries),
                         tuple(dict.fromkeys(w for k in entries for w in self._words[k])))

    def read(self, wanted: np.ndarray) -> None:
        """Read the ``wanted`` records not read before."""
        at = np.flatnonzero(wanted & ~self.done)
        self.done[at] = True
        entries = array("q")
        records, gender, words = self.records, self._gender, self._words
        for r in (records[i] for i in at.tolist()):
            if r.label != "Person" or r.registry_ids or not r.names:
                entries.append(0)
                continue
            k = self._name(r.names[0]) if len(r.names) == 1 else self._names(r.names)
            entries.append(k)
            keep_derived(r, "derived_gender", gender[k])
            keep_derived(r, "derived_words", words[k])
        of = np.frombuffer(entries, np.int64)
        self.rows[at] = np.frombuffer(self._rows, np.int64).reshape(-1, WIDTH)[of]
        self.father[at] = np.frombuffer(self._father, np.int64)[of]
        self.real[at] = np.frombuffer(self._real, np.int8).reshape(-1, WIDTH)[of].astype(bool)
        self.plain[at] = np.frombuffer(self._plain, np.int8)[of].astype(bool)

    def kinds(self) -> tuple[np.ndarray, np.ndarray]:
        """For each token id: whether it is an initial, and its word's number (one number per
        folded word; -1 for an initial)."""
        numbered: dict[str, int] = {}
        what = self.tokens.what
        initial = np.fromiter((t[0] == _INITIAL for t in what), bool, len(what))
        word = np.fromiter((-1 if t[0] == _INITIAL else numbered.setdefault(t[1], len(numbered)) for t in what),
                           np.int64, len(what))
        return initial, word


_UNREAD = (-2,) + (-1,) * (WIDTH - 1)  # the row of a record not read
_NONE_REAL = (False,) * WIDTH


def _row(ids: set[int]) -> tuple[int, ...]:
    """A row of token ids, sorted and padded with -1; ``_UNREAD`` for more than WIDTH."""
    if len(ids) > WIDTH:
        return _UNREAD
    return tuple(sorted(ids)) + (-1,) * (WIDTH - len(ids))


def _related(x: tuple, y: tuple) -> bool:
    """Whether ``_align`` might match the token ``x`` of one name with ``y`` of the other."""
    if x[0] == _WORD and y[0] == _WORD:
        _, w, ws, wo = x
        _, u, us, uo = y
        return _spelling_sim(w, ws, u, us) >= 0.7 or bool(_forms_symbols(wo, ws) & _forms_symbols(uo, us))
    if x[0] == _INITIAL and y[0] == _INITIAL:
        return x[1] not in _TITLES and y[1] not in _TITLES and x[1][0] == y[1][0]
    (_, i), (_, w, ws, _) = (x, y) if x[0] == _INITIAL else (y, x)
    return _initial_of(i, w, ws)


def _fathers_may_agree(x: tuple, y: tuple) -> bool:
    """Whether two patronymics may name one father: ``same_father`` of them as written, or their
    forms sharing a name symbol (which ``_align`` would match as one name in two languages)."""
    return same_father(x[0], y[0]) or bool(_forms_symbols(x[1], x[2]) & _forms_symbols(y[1], y[2]))


class _Relation:
    """A relation between tokens, worked out once for each pair of them looked up."""

    def __init__(self, tokens: _Tokens, test: Callable[[tuple, tuple], bool]):
        self.tokens, self.test = tokens, test
        self.width = max(len(tokens.what), 1)
        self.codes = np.empty(0, np.int64)
        self.holds = np.empty(0, bool)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Whether the relation holds for each pair of token ids of ``x`` and ``y`` (same shape)."""
        codes = x * self.width + y
        # most pairs of tokens were looked up before: only those not found are sorted out
        at = np.minimum(np.searchsorted(self.codes, codes), max(len(self.codes) - 1, 0))
        known = self.codes[at] == codes if len(self.codes) else np.zeros(len(codes), bool)
        if known.all():
            return self.holds[at]
        unknown = codes[~known]
        new = np.unique(unknown)
        what, width = self.tokens.what, self.width
        holds = np.fromiter((self.test(what[c // width], what[c % width]) for c in new.tolist()), bool, len(new))
        out = np.empty(len(codes), bool)
        out[known] = self.holds[at[known]]
        out[~known] = holds[np.searchsorted(new, unknown)]  # the few new ones, not the whole memory again
        # both sorted: the new ones are put in their places, without sorting the memory again
        places = np.searchsorted(self.codes, new)
        self.codes, self.holds = np.insert(self.codes, places, new), np.insert(self.holds, places, holds)
        return out


class PeopleGate:
    """The rows of the records of candidate pairs (``blocking.Pairs``), read once (before scoring
    forks, so that both scoring processes share them); ``below`` tells, for those pairs, which
    surely score below REVIEW. Each process keeps the relations it worked out.

    Without pairs, the people outside month blocks are read (``read_ahead``: while the pairs are
    being finished elsewhere); ``for_pairs`` then reads what the pairs want beyond them."""

    def __init__(self, records: list[Record], width: int | None = None, numbers: np.ndarray | None = None):
        self.left_out = 0  # pairs ``below`` called below review, in this process
        self.people = any(r.label == "Person" for r in records[:1])
        if not self.people:
            return
        self.records = records
        self.month = np.fromiter((month_dated(r) for r in records), bool, len(records))
        self._rows = _Rows(records)
        if numbers is None:
            self._rows.read(~self.month)
        else:
            assert width is not None
            self.for_pairs(width, numbers)

    @classmethod
    def read_ahead(cls, records: list[Record]) -> PeopleGate:
        """A gate that has read the people outside month blocks, before the pairs are known."""
        return cls(records)

    def for_pairs(self, width: int, numbers: np.ndarray) -> PeopleGate:
        """Read the records of these pairs not read before; ready for ``below``."""
        if not self.people:
            return self
        # only records of pairs the gate may read: two people dated to a month are decided by
        # ``registry_people`` (a UK PSC snapshot's people, whose names nothing else parses)
        wanted = np.zeros(len(self.records), bool)
        for start in range(0, len(numbers), CHUNK):
            first, second = np.divmod(numbers[start:start + CHUNK], width)
            some = ~(self.month[first] & self.month[second])
            wanted[first[some]] = wanted[second[some]] = True
        self._rows.read(wanted)
        self.rows, self.father = self._rows.rows, self._rows.father
        self.real, self.plain = self._rows.real, self._rows.plain
        self.initial, self.word = self._rows.kinds()
        self._rows.forget()  # nothing more is read: the names read are not kept through scoring
        self.related = _Relation(self._rows.tokens, _related)
        self.may_agree = _Relation(self._rows.fathers, _fathers_may_agree)
        return self

    def below(self, width: int, numbers: np.ndarray) -> np.ndarray:
        """For candidate pairs (``blocking.Pairs``: ``numbers`` of these records, ``width``),
        whether each surely scores below REVIEW (see the module's docstring). False where unsure."""
        below = np.zeros(len(numbers), bool)
        if not self.people:
            return below
        for start in range(0, len(numbers), CHUNK):
            first, second = np.divmod(numbers[start:start + CHUNK], width)
            below[start:start + CHUNK] = self._below(first, second)
        self.left_out += int(below.sum())
        return below

    def _below(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        ra, rb = self.rows[first], self.rows[second]
        readable = (ra[:, 0] != -2) & (rb[:, 0] != -2) & ~(self.month[first] & self.month[second])
        # patronymics no reading of which names one father
        fa, fb = self.father[first], self.father[second]
        both = readable & (fa >= 0) & (fb >= 0)
        vetoed = np.zeros(len(first), bool)
        if both.any():
            vetoed[both] = ~self.may_agree(fa[both], fb[both])
        # names that share no part: no token of one related to a token of the other
        look = readable & ~vetoed
        xa, xb = ra[look][:, :, None], rb[look][:, None, :]
        present = (xa >= 0) & (xb >= 0)
        shape = np.broadcast_shapes(xa.shape, xb.shape)
        hit = np.zeros(shape, bool)
        if present.any():
            hit[present] = self.related(np.broadcast_to(xa, shape)[present], np.broadcast_to(xb, shape)[present])
        apart = np.zeros(len(first), bool)
        apart[look] = ~hit.any(axis=(1, 2))
        namesakes = np.zeros(len(first), bool)
        namesakes[look] = self._namesakes(first[look], second[look], ra[look], rb[look], hit)
        return vetoed | apart | namesakes

    def _namesakes(self, first: np.ndarray, second: np.ndarray, ra: np.ndarray, rb: np.ndarray,
                   hit: np.ndarray) -> np.ndarray:
        """Of pairs with rows ``ra``, ``rb`` and related tokens ``hit`` (pairs, WIDTH, WIDTH):
        the namesakes (the module's docstring), who share one part and keep a word apart each."""
        out = np.zeros(len(first), bool)
        one = (hit.sum(axis=(1, 2)) == 1) & self.plain[first] & self.plain[second]
        if not one.any():
            return out
        h = hit[one]
        ka, kb = np.divmod(h.reshape(len(h), -1).argmax(axis=1), WIDTH)
        at = np.arange(len(h))
        ta, tb = ra[one][at, ka], rb[one][at, kb]
        spelled_alike = self.initial[ta] | self.initial[tb] | (self.word[ta] == self.word[tb])
        apart_a = (self.real[first[one]] & ~h.any(axis=2)).any(axis=1)
        apart_b = (self.real[second[one]] & ~h.any(axis=1)).any(axis=1)
        out[one] = spelled_alike & apart_a & apart_b
        return out
