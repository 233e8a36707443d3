"""People of a register that gives name elements and a birth month and year (UK Companies
House PSC): when two such records are one person.

Companies House has no person id for a PSC. What a filing repeats is the name elements
(forename, middle names, surname; the title is no name part), the month and year of birth, the
nationality, the country of residence and a service address. A person controlling several firms
is filed once per firm, now and then without the middle name or with the firm's registered
office as the address. Two records both dated to a month are decided here, by these rules:

- born in different months (or years): two people, never compared further;
- Mr and Mrs, or forenames or surnames that differ beyond a typing slip (spouses share a surname
  and a home; a son may carry his father's name): two people, *not* queued, since nothing
  could make them one;
- middle names that both records give and that differ (initials compared as initials): two people;
- the name elements agree (a middle name one record leaves out agrees) and so does the
  nationality, and a confirming fact is shared: the same firm, or the same service address
  where few people give it (not a formation agent's address that thousands give): **one person**;
- the same, with nothing shared: one person only if both filings give their middle names (the
  full name elements; spelled alike as written, not only folded alike) and the name is rare enough that a namesake
  born that month is not to be expected: ``namesakes`` estimates, from the records themselves,
  how many other people of that name are born in any one month (people of that name in the data,
  counted by their distinct birth months, times the share of people born in that month; at least
  what the name words' own frequencies give). At most ``RARE`` (one in a thousand): merged,
  with the figure in the explanation. Above it: kept apart and *not* queued, because a person
  who sees two "Mr David John Smith, British, born 1970-03" at two addresses and two firms cannot
  decide either; the explanation says so;
- a slip in the forename or surname (Keit / Keith), a differing nationality, or a married
  surname (a woman's forename and middle names agree, the surname does not) with a confirming
  fact: a person decides (the shared address or firm is what they can check); without one, apart.

Two such records one of whose names gives fewer than two full name elements ("Peng W", a
surname cut to its initial by a slip; "Hao M") are scored by the general rules of ``scoring``,
held below an automatic merge (``unread``, which ``score_month_people`` hands them to): an initial stands for any name of its letter (Wang,
Wu, Wei), and a month is shared by many. With a confirming fact a person decides; without one,
apart. On a synthetic snapshot of 1M lines the general rules alone had merged three such pairs of
two people, one of them "Miss Yan W" (Chinese) with "Dr Simon Ian Whitdale" (British).

Records not both dated to a month (a full date, a year, none) are left to the general rules of
``scoring``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rapidfuzz.distance import Levenshtein

from graphkit import normalize as nz
from graphkit.resolve.names import _TITLES as TITLES
from graphkit.resolve.names import fold, per_names, titled_form
from graphkit.resolve.scoring import AUTO, NEVER, REVIEW, Record, Score

RARE = 0.001  # expected namesakes born in one month at or below which names alone decide
MASS_ADDRESS = 5  # people (distinct names) giving one service address above which it confirms nothing
APART = 0.3  # two people: below review, never queued
UNDECIDABLE = REVIEW - 0.15  # could be one person, but the data cannot say: not queued either


@dataclass
class Population:
    """Counts over the month-dated people of a run, for the namesake estimate."""

    people: int = 0
    months: dict[str, int] = field(default_factory=dict)  # people born in each month
    name_months: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (forename, surname): months
    word_people: dict[tuple[str | None, str], int] = field(default_factory=dict)  # (nationality, word): people
    nationality_people: dict[str | None, int] = field(default_factory=dict)
    address_names: dict[str, int] = field(default_factory=dict)  # service address: distinct names giving it
    address_text: dict[str, str] = field(default_factory=dict)  # service address id: as written

    def namesakes(self, forename: str, surname: str, month: str, nationality: str | None) -> float:
        """The expected number of other people called ``forename surname`` born in ``month``:
        the people of that name seen in other months, or, if more, what the frequencies of the
        forename and the surname among people of that nationality give (names go with
        nationalities: Alessandro and Romano are both Italian)."""
        if not self.people:
            return 0.0
        share = self.months.get(month, 1) / self.people
        seen = max(len(self.name_months.get((forename, surname), ())) - 1, 0)
        among = max(self.nationality_people.get(nationality, 1), 1)
        independent = (self.word_people.get((nationality, forename), 1)
                       * self.word_people.get((nationality, surname), 1)) / among
        return max(seen, independent) * share


@dataclass(frozen=True)
class Elements:
    forename: str
    middles: tuple[str, ...]
    surname: str
    initials: tuple[str, ...]
    written: tuple[tuple[str, str], ...] = ()  # (folded word, as written), for explanations
    gender: str | None = None  # "male" / "female" where the titles say so (Mr, Mrs) and agree

    def as_written(self, word: str) -> str:
        return next((w for f, w in self.written if f == word), word)

    def plain(self, word: str) -> str:
        """``word`` as written, in lower case and Latin letters, not folded."""
        found = self._plain.get(word)
        return nz.latin(word) if found is None else found

    @cached_property
    def _plain(self) -> dict[str, str]:
        """``plain`` of each written word, once per name form (every pair of a block asks)."""
        out: dict[str, str] = {}
        for folded, written in self.written:
            out.setdefault(folded, nz.latin(written))
        return out


def month_dated(r: Record) -> bool:
    return r.label == "Person" and r.birth_date is not None and len(r.birth_date) == 7


@lru_cache(maxsize=200_000)
def _token(raw: str) -> tuple[tuple[str | None, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """One written word of a name: the genders of the titles it is, its initials, its words
    (folded, with the word as written). A register repeats its forenames and surnames, so
    each is read once."""
    genders, initials, written = [], [], []
    for token in nz.latin(raw).split():
        bare = token.strip(".")
        if bare in TITLES:
            genders.append(TITLES[bare])
            continue
        if not bare:
            continue
        if len(bare) == 1:
            initials.append(bare)
        else:
            for w in fold(bare).split():
                written.append((w, raw.strip(".,")))
    return tuple(genders), tuple(initials), tuple(written)


@lru_cache(maxsize=500_000)
def _parts(name: str) -> tuple[list[str], list[str], list[tuple[str, str]], str | None, int]:
    """A name's words (folded) and initials, titles dropped, its gender, and how many of its
    written words are titles. Unlike ``names.person_name`` a two-letter word is a word here
    ("Li", "Bo", "Xu"): name elements are written out, and an initial is one letter, with or
    without its full stop."""
    initials: list[str] = []
    written: list[tuple[str, str]] = []
    genders: set[str | None] = set()
    titles = 0
    for raw in name.replace(",", " ").split():
        its_genders, its_initials, its_written = _token(raw)
        if its_genders:
            titles += 1
            genders.update(its_genders)
        initials.extend(its_initials)
        written.extend(its_written)
    words = [w for w, _ in written]
    genders.discard(None)
    return words, initials, written, genders.pop() if len(genders) == 1 else None, titles


def elements(r: Record) -> Elements | None:
    """The fullest name form of ``r``: forename, middle names, surname (titles dropped).
    Worked out once per record and list of names (blocking, constraints and every pair ask again)."""
    return per_names(r, "derived_elements", lambda names: _elements(tuple(names)))


@lru_cache(maxsize=500_000)
def _elements(names: tuple[str, ...]) -> Elements | None:
    best: tuple[list[str], list[str], list[tuple[str, str]], str | None, int] | None = None
    genders = set()
    before: tuple[str, int] | None = None  # the name before, with its words that are titles
    for name in names:
        if before is not None and before[1] == 1 and titled_form(before[0], name, _token):
            continue  # the name before less its title, its only one: the same parts, and no gender
        parts = _parts(name)
        before = (name, parts[4])
        words, initials = parts[0], parts[1]
        if parts[3]:
            genders.add(parts[3])
        if len(words) >= 2 and (best is None or len(words) + len(initials) > len(best[0]) + len(best[1])):
            best = parts
    if best is None:
        return None
    words, initials, written = best[0], best[1], best[2]
    return Elements(words[0], tuple(words[1:-1]), words[-1], tuple(initials), tuple(written),
                    genders.pop() if len(genders) == 1 else None)


def count(records: Iterable[Record]) -> Population:
    """Count the month-dated people of ``records`` and hand each of them the counts."""
    pop = Population()
    months: dict[str, int] = defaultdict(int)
    name_months: dict[tuple[str, str], set[str]] = defaultdict(set)
    names_at: dict[str, set[tuple[str, str]]] = defaultdict(set)
    dated = [r for r in records if month_dated(r)]
    people: set[tuple[str, str, str, str | None]] = set()
    for r in dated:
        e = elements(r)
        if e is None:
            continue
        assert r.birth_date is not None
        key = (e.forename, e.surname)
        if (e.forename, e.surname, r.birth_date, r.nationality) not in people:
            people.add((e.forename, e.surname, r.birth_date, r.nationality))
            months[r.birth_date] += 1
        name_months[key].add(r.birth_date)
        for a in r.addresses:
            names_at[a].add(key)
    words: dict[tuple[str | None, str], int] = defaultdict(int)
    nationalities: dict[str | None, int] = defaultdict(int)
    for forename, surname, _, nationality in people:
        nationalities[nationality] += 1
        words[nationality, forename] += 1
        if surname != forename:
            words[nationality, surname] += 1
    pop.people, pop.months, pop.name_months = len(people), dict(months), dict(name_months)
    pop.word_people, pop.nationality_people = dict(words), dict(nationalities)
    pop.address_names = {a: len(n) for a, n in names_at.items()}
    for r in dated:
        r.population = pop
    return pop


def _slip(x: str, y: str) -> bool:
    """One letter added, dropped or changed (Keit / Keith, Roberts / Robert)."""
    return x != y and min(len(x), len(y)) >= 3 and Levenshtein.distance(x, y) <= 1


def _middles_differ(a: Elements, b: Elements) -> str | None:
    if a.middles and b.middles and a.middles != b.middles:
        return f"{' '.join(map(a.as_written, a.middles))} vs {' '.join(map(b.as_written, b.middles))}"
    ia = [i[0] for i in a.initials]
    ib = [i[0] for i in b.initials]
    for initials, el in ((ia, b), (ib, a)):
        other = el.middles
        if initials and other and [w[0] for w in other][:len(initials)] != initials:
            return f"{'.'.join(initials)}. vs {' '.join(map(el.as_written, other))}"
    return None


def _confirming(a: Record, b: Record, pop: Population | None) -> str | None:
    """A fact the two records share that a namesake would not: a firm, or a service address few
    people give."""
    firms = a.context & b.context
    if firms:
        return f"both control the same firm ({len(firms)})"
    for x in sorted(a.addresses & b.addresses):
        if pop is None or pop.address_names.get(x, 0) <= MASS_ADDRESS:
            text = pop.address_text.get(x, x) if pop else x
            return f"both give the service address {text!r}"
    return None


def score_month_people(a: Record, b: Record) -> Score | None:
    """The decision for two people each dated to a month, as a ``Score``; None when they are
    not both dated to a month (see the module's docstring)."""
    if not (month_dated(a) and month_dated(b)):
        return None
    ea, eb = elements(a), elements(b)
    if ea is None or eb is None:
        # people imports scoring, which imports this module
        from graphkit.resolve.people import score_people

        return unread(a, b, score_people(a, b))
    assert a.birth_date is not None and b.birth_date is not None
    na, nb = a.names[0], b.names[0]
    said = f"{na!r} / {nb!r}"
    if a.birth_date != b.birth_date:
        return Score(NEVER, [f"{said}: born in different months ({a.birth_date}, {b.birth_date}): never the same"])
    ga, gb = ea.gender, eb.gender
    if ga and gb and ga != gb:
        return Score(APART, [f"{said}: male and female forms ({ga}, {gb}): two people"])
    pop = a.population or b.population
    confirm = _confirming(a, b, pop)
    nat = _nationalities_differ(a, b)
    born = f"born {a.birth_date}"
    # folded forms find candidates; a name agrees only as written (Raning is not Ranning)
    spelled = [(x, y) for x, y in ((ea.forename, eb.forename), (ea.surname, eb.surname))
               if x == y and ea.plain(x) != eb.plain(y)]
    if ea.forename != eb.forename or ea.surname != eb.surname or spelled:
        slips = spelled + [(x, y) for x, y in ((ea.forename, eb.forename), (ea.surname, eb.surname)) if x != y]
        if len(slips) == 1 and (slips[0][0] == slips[0][1] or _slip(*slips[0])) and not _middles_differ(ea, eb):
            why = (f"{said}: {ea.as_written(slips[0][0])!r} / {eb.as_written(slips[0][1])!r} differ by one "
                   f"letter, {born}")
            if confirm:
                return Score(REVIEW + 0.05, [f"{why}; {confirm}: a slip or two people? a person decides"])
            return Score(UNDECIDABLE, [f"{why}; nothing shared to confirm: a person could not decide either"])
        if (ea.surname != eb.surname and ea.forename == eb.forename and ea.middles and ea.middles == eb.middles
                and "female" in (ga, gb) and confirm):
            return Score(REVIEW + 0.05, [f"{said}: forename and middle names agree, {born}, surnames differ; "
                                         f"{confirm}: a married name? a person decides"])
        differ = "forenames" if ea.forename != eb.forename else "surnames"
        return Score(APART, [f"{said}: different {differ}: two people"])
    middle = _middles_differ(ea, eb)
    if middle:
        return Score(APART, [f"{said}: different middle names ({middle}), {born}: two people"])
    agree = f"{said}: name elements agree, {born}"
    if nat:
        if confirm:
            return Score(REVIEW + 0.05, [f"{agree}; {nat}; {confirm}: a person decides"])
        return Score(UNDECIDABLE, [f"{agree}; {nat}; nothing shared to confirm: a person could not decide either"])
    if a.nationality and b.nationality:
        agree += f", nationality {a.nationality}"
    if confirm:
        return Score(1.0, [f"{agree}; {confirm}"])
    if not (ea.middles and eb.middles):
        return Score(UNDECIDABLE, [f"{agree}; a filing without middle names and nothing shared to confirm: the name "
                                   "elements do not settle it, and a person could not decide either"])
    expected = pop.namesakes(ea.forename, ea.surname, a.birth_date, a.nationality) if pop else 1.0
    if expected <= RARE:
        return Score(max(AUTO, 0.95), [f"{agree}; a rare name: about {expected:.2g} other people of that name "
                                       f"would be born that month in these records (at most {RARE:g})"])
    return Score(UNDECIDABLE, [f"{agree}; a common name (about {expected:.2g} other people of that name born "
                               f"that month expected, above {RARE:g}) and nothing shared to confirm: a person could "
                               "not decide either"])


def unread(a: Record, b: Record, s: Score) -> Score:
    """``s``, the general rules' score of two month-dated people at least one of whose names has
    no two full name elements (``elements`` is None), held below an automatic merge: a question
    for a person where a firm or a service address few people give confirms it, else apart
    (not queued: a person could not decide either)."""
    if s.value < REVIEW:
        return s
    written = next(r.names[0] for r in (a, b) if elements(r) is None)
    said = f"{written!r} gives fewer than two full name elements, born {a.birth_date}"
    confirm = _confirming(a, b, a.population or b.population)
    if nat := _nationalities_differ(a, b):
        said += f"; {nat}"
    if confirm:
        return Score(min(s.value, AUTO - 0.05), [*s.reasons, f"{said}; {confirm}: a person decides"])
    return Score(min(s.value, UNDECIDABLE), [*s.reasons, f"{said}; nothing shared to confirm: a person could "
                                                           "not decide either"])


def _nationalities_differ(a: Record, b: Record) -> str | None:
    if a.nationality and b.nationality and a.nationality != b.nationality:
        return f"nationalities differ ({a.nationality}, {b.nationality})"
    return None
