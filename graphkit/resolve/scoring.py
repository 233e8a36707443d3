"""Scoring a candidate pair: name similarity (rapidfuzz on folded names) plus evidence, with an
explanation of every rule that fired.

Hard rules come first and cannot be outweighed: the same registry id means the same entity;
two different ids of one kind (two INNs), two different birth dates or two different
patronymics mean never. Then names are compared, and country, legal form, shared addresses and
shared firms adjust the score. Every score carries the list of reasons that made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz
from rigour.text.scripts import is_latin

from graphkit import identifiers as idents
from graphkit import normalize as nz
from graphkit.resolve.names import (
    NOT_YET,
    as_written,
    firm_name,
    fold,
)
from graphkit.resolve.overlap import possible_rename, word_stats
from graphkit.resolve.overlap import words_match as _words_match

if TYPE_CHECKING:
    from graphkit.resolve.registry_people import Population

AUTO = 0.90  # at or above: SAME_AS, judgement "auto"
REVIEW = 0.75  # at or above (and below AUTO): a candidate for review
NEVER = -1.0  # a hard rule says these are different


@dataclass(slots=True)
class Record:
    """What resolution knows of one node."""

    id: str
    label: str
    names: list[str]
    country: str | None = None
    birth_date: str | None = None
    # the sequences and sets of a record default to one shared empty tuple or frozenset: three
    # empty sets took 648 of a synthetic person's 1,344 bytes, three empty lists 168 of 658
    registry_ids: Sequence[str] = ()
    legal_form: str | None = None
    context: Set[str] = frozenset()  # firms (for people) / people, addresses (for firms)
    datasets: Sequence[str] = ()  # where the record comes from
    listed: bool = False  # on a sanctions list
    nationality: str | None = None  # a person's, where the source gives it (PSC)
    addresses: Set[str] = frozenset()  # a person's service addresses (Address node ids)
    #: counts over the run's month-dated people, for the namesake estimate (``registry_people``)
    population: Population | None = field(default=None, compare=False, repr=False)
    #: every date of birth where the source gives several (OFAC alt. DOB), none of them birth_date
    birth_dates: Sequence[str] = field(default=(), compare=False, repr=False)
    #: the firms this firm holds shares of or a role in, or that hold them in it (firms only):
    #: never the same firm as this one
    controls: Set[str] = field(default=frozenset(), compare=False, repr=False)
    #: values resolution works out from ``names`` once per record, not once per pair
    #: (``names.per_names``): the list of names they were worked out from, and one slot each
    #: (a dict of them with the list beside each value was about 300 of a person's bytes)
    derived_from: list[str] | None = field(default=None, compare=False, repr=False)
    derived_words: Any = field(default=NOT_YET, compare=False, repr=False)  # ``overlap.name_words``
    derived_gender: Any = field(default=NOT_YET, compare=False, repr=False)  # ``people.person_gender``
    derived_elements: Any = field(default=NOT_YET, compare=False, repr=False)  # ``registry_people.elements``


@dataclass
class Score:
    value: float
    reasons: list[str]
    #: for two people whose names agree but nothing else confirms it (no birth dates, no shared
    #: firm): what the names alone score. Resolution merges such a pair only when neither record
    #: has another compatible record in the data (see ``graphkit.resolve.decide``).
    names_only: float | None = None

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


def dates_agree(x: str, y: str) -> bool:
    """Birth dates at their own precision (year, year-month, day): "1961-12" fits "1961-12-03"."""
    return x.startswith(y) or y.startswith(x)


#: datasets whose every entry is one entity, as their editors decided (see ``constraints``)
CURATED = frozenset({"ofac-sdn"})


def _listed_apart(a: Record, b: Record) -> str | None:
    """The curated list that gives ``a`` and ``b`` as two of its entries, if any."""
    if CURATED.isdisjoint(a.datasets):  # most pairs: no set built
        return None
    return next((d for d in sorted(set(a.datasets) & set(b.datasets)) if d in CURATED), None)


@lru_cache(maxsize=500_000)
def _short(name: str) -> bool:
    """A name too short to tell an entity: 4 letters or fewer ("NPD", "MSC", "PK"), or one word
    of 5 written in capitals (an acronym: "NIIPA")."""
    fn = firm_name(name)
    letters = "".join(fn.words) + "".join(fn.letters)
    if len(letters) <= 4:
        return True
    caps = [t for t in re.findall(r"[^\W\d_]+", name) if t.isupper()]
    return len(fn.words) == 1 and len(letters) <= 5 and bool(caps) and len(caps) == len(re.findall(r"[^\W\d_]+", name))


@lru_cache(maxsize=500_000)
def _schemes(ids: tuple[str, ...]) -> dict[str, set[str]]:
    """``identifiers.by_scheme``, once per list of numbers (a firm meets many candidates)."""
    return idents.by_scheme(ids)


@lru_cache(maxsize=100_000)
def _form_family(form: str | None) -> str | None:
    return nz.form_family(form)


def _id_rules(a: Record, b: Record) -> Score | None:
    """As ``identifiers.shared`` then ``identifiers.conflicts``, without regrouping each list
    of numbers for every pair."""
    if not a.registry_ids or not b.registry_ids:
        return None
    ia, ib = _schemes(tuple(a.registry_ids)), _schemes(tuple(b.registry_ids))
    if ia.keys().isdisjoint(ib):  # most pairs: numbers of two schemes (a UK company, a foreign one)
        return None
    common = sorted(ia.keys() & ib.keys())
    same = sorted(f"{s}:{v}" for s in common for v in ia[s] & ib[s])
    if same:
        return Score(1.0, [f"same registry id {same[0]}"])
    clash = [(s, min(ia[s]), min(ib[s])) for s in common if not ia[s] & ib[s]]
    if clash:
        return Score(NEVER, [idents.describe_conflict(*clash[0]) + ": never the same"])
    return None


def _word_sim(x: str, y: str) -> float:
    return fuzz.ratio(x, y) / 100.0


def _difference(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """'2 vs none': what each side has that the other lacks."""
    return (f"{' '.join(m for m in a if m not in b) or 'none'} vs "
            f"{' '.join(m for m in b if m not in a) or 'none'}")


_PERSON_LIKE = re.compile(r"^\s*[^\W\d_]+(?:[-'][^\W\d_]+)?,\s*[^\W\d_]+(?:\s+[^\W\d_.]+\.?)*\s*$")


def _unshared(na: str, only_a: list[str], nb: str, only_b: list[str], explain: bool = True) -> str:
    """The words only one name has, as each name writes them (the folded forms match, they are
    never shown): 'EURO, LINE, PANAMA / CORPORACION'; "..." unless ``explain``."""
    if not explain:
        return "..."
    return " / ".join(", ".join(sorted(as_written(n, sorted(set(only))), key=str.lower)) for n, only in ((na, only_a), (nb, only_b)) if only)


@lru_cache(maxsize=200_000)
def _firm_names(na: str, nb: str, legal_a: str | None, legal_b: str | None,
                common: frozenset[str], explain: bool = True) -> tuple[float, tuple[str, ...], bool]:
    """(score, reasons, identical) for two firm names; see ``score_companies``. A PSC snapshot
    compares one pair of names many times (thousands of firms named alike), so the outcome is
    kept per names and legal forms: all it depends on (a pair sharing a number never gets here:
    ``_id_rules`` decides it). ``explain`` False: the same score, reasons that do not name the
    words as written."""
    value, reasons, identical = _firm_names_scored(na, nb, legal_a, legal_b, common, explain)
    return value, tuple(reasons), identical


def _firm_names_scored(na: str, nb: str, legal_a: str | None, legal_b: str | None,
                       common: frozenset[str], explain: bool) -> tuple[float, list[str], bool]:
    fa, fb = firm_name(na), firm_name(nb)
    if not fa.words or not fb.words:
        return 0.0, ["no comparable names"], False
    form_a = _form_family(legal_a) or fa.form
    form_b = _form_family(legal_b) or fb.form
    sim = _word_sim(fa.text, fb.text)
    same_order = fa.words == fb.words
    # the names as written: a reader checks them against the sources
    reasons = [f"same words {na!r} / {nb!r}" if same_order else f"names {na!r} ~ {nb!r} {sim:.2f}"]
    value, identical = (1.0 if same_order else sim), same_order
    if same_order and fa.plain != fb.plain and is_latin(na) and is_latin(nb):
        # the folds join one word transliterated from another script two ways (Mekhanika /
        # Mekhanica); two names both written in Latin letters that differ before folding are
        # spelled apart: 'LSTS CONSULTANTS LIMITED' / 'LSC Consultants Limited' (ICIJ), ACCTAX /
        # ACTAX. Two firms, or a slip: a person decides, unless an officer or address confirms it
        apart = [i for i, (x, y) in enumerate(zip(fa.plain, fb.plain, strict=False)) if x != y] or [0]
        shown = " / ".join(", ".join(as_written(n, [f.words[i] for i in apart if i < len(f.words)])) for n, f in
                           ((na, fa), (nb, fb)))
        reasons = [f"names {na!r} ~ {nb!r}: the same words as they sound, spelled apart ({shown})"]
        value, identical = AUTO - 0.05, False
    short = next(((n, f) for n, f in ((na, fa), (nb, fb)) if _short(n)), None)
    if short is not None:
        if not short[1].form:
            # an acronym or a bare name of a few letters names many bodies ("NPD", "MSC", "ISS"):
            # alone it never joins two records, nor asks a person to
            return min(value, REVIEW - 0.05), reasons + [f"a short name or acronym ({short[0]!r}) alone decides "
                                                         "nothing"], False
        # "ALTA LLC": a firm's registered name, but a short one: a person decides
        value, identical = min(value, AUTO - 0.05), False
        reasons.append(f"a short name ({short[0]!r}): names alone do not decide")
    if fa.marks != fb.marks:
        differ = _difference(fa.marks, fb.marks)
        spelled = [w for n, f in ((na, fa), (nb, fb)) for w in as_written(n, [fold(m) for m in f.spelled_marks])]
        if spelled:  # "FIRST EAST EXPORT BANK" counts as 1: the reader sees the word it came from
            differ += f" ({', '.join(spelled)} read as {'a number' if len(spelled) == 1 else 'numbers'})"
        if fa.marks and fb.marks:  # Zehnte / Vierzehnte, Metall-1 / Metall-2: two firms
            return min(value, 0.5), reasons + [f"numerals differ: {differ}"], False
        # a number on one side only: a series member ("MGM Holdings II") or a code a clerk
        # added ("... CO LIMITED 7108"); never merged on names, a person decides
        value, identical = min(value, REVIEW + 0.02), False
        reasons.append(f"numerals differ: {differ}")
    if fa.letters != fb.letters:  # "A Media" / "B Media", or an initial one source writes
        value, identical = min(value, REVIEW + 0.05), False
        reasons.append(f"single letters differ: {_difference(fa.letters, fb.letters)}")
    if form_a and form_b and form_a != form_b:
        if nz.related_forms(form_a, form_b):
            value, identical = min(value, AUTO - 0.05), False
            reasons.append(f"legal forms of related families: {form_a} vs {form_b} (a person decides)")
        else:
            return min(value, 0.5), reasons + [f"legal forms of different families: {form_a} vs {form_b}"], False
    elif bool(form_a) != bool(form_b):
        bare = nb if form_a else na
        if _PERSON_LIKE.match(bare):
            return min(value, 0.5), reasons + [f"a firm ({form_a or form_b}) vs a person's bare name ({bare!r})"], False
        identical = False
        reasons.append(f"legal form on one side only ({form_a or form_b})")
    elif form_a:
        reasons.append(f"same legal form family {form_a}")
    if "sole trader" in (form_a, form_b) and identical:
        # ИП Воробьёв Александр Анатольевич is a person trading under his name: namesakes in two
        # registries are two people unless a number joins them
        identical = False
        reasons.append("a sole trader is a person: names alone do not join two")
    if not same_order:
        value = _other_words(na, nb, fa, fb, value, common, reasons, explain)
    return value, reasons, identical


def _other_words(na: str, nb: str, fa: Any, fb: Any, value: float,
                 common: frozenset[str], reasons: list[str], explain: bool) -> float:
    """The score of two firm names whose words are not the same in order, with the reason
    appended: another order, the same letters spaced apart, or words only one has (named as
    the names write them where ``explain``: most pairs score below review, unexplained)."""
    if sorted(fa.words) == sorted(fb.words):
        value = REVIEW + 0.05
        reasons.append("same words in another order")
    elif _word_sim("".join(fa.words), "".join(fb.words)) >= 0.92:
        value = max(value, _word_sim("".join(fa.words), "".join(fb.words)))
        reasons.append("the same letters, spaced or spelled a little apart")
    else:
        # a word the other name carries as it is matches without comparing (the common case)
        set_a, set_b = set(fa.words), set(fb.words)
        only_a = [w for w in fa.words if w not in set_b and not any(_words_match(w, u) for u in fb.words)]
        only_b = [u for u in fb.words if u not in set_a and not any(_words_match(u, w) for w in fa.words)]
        shared_words = min(len(fa.words) - len(only_a), len(fb.words) - len(only_b))
        # the words both share must tell the firm apart: "Verlagsgesellschaft mbH & Co."
        # is in a thousand German names (``common``: the data's most frequent name words)
        telling = [w for w in fa.words if w not in only_a and w not in common]
        if shared_words and not telling:
            value = min(value, 0.7)
            shared_w = as_written(na, sorted(set(fa.words) - set(only_a))) if explain else ["..."]
            reasons.append(f"they share only common words ({', '.join(shared_w)})")
        elif not shared_words:
            # "CNOOC Limited" / "KNOKKE HEIST SUPPORT ...": letters alike, no word in common
            value = min(value, REVIEW - 0.05)
            reasons.append("the names share no word")
        elif only_a and only_b and shared_words * 2 >= min(len(fa.words), len(fb.words)) and value >= 0.6:
            # most words agree and the names are close, a few words do not: a translated or
            # prefixed word ("FIRMA Kale Seramik", "Inter Tobako" / "Inter Tabak"), or two
            # firms; a person decides
            value = max(min(value, REVIEW + 0.02), REVIEW)
            reasons.append(f"words only one name has: {_unshared(na, only_a, nb, only_b, explain)}")
        elif only_a and only_b:
            value = min(value, 0.7)
            reasons.append(f"words only one name has: {_unshared(na, only_a, nb, only_b, explain)}")
        elif only_a or only_b:  # "Восток" / "Восток Сервис", "NPO Izhmash" / "Izhmash": a person decides
            value = REVIEW + 0.05
            reasons.append(f"one name has more words: {_unshared(na, only_a, nb, only_b, explain)}")
    return value


def score_companies(a: Record, b: Record, common: frozenset[str] = frozenset(), *,
                   explain: bool = True) -> Score:
    """Firms: registry numbers decide; otherwise names alone join two firms automatically only
    when the whole normalised name is identical (words in order, numerals, legal-form family)
    and nothing contradicts it. A near-identical name is merged only with a shared officer or
    address to confirm it; otherwise it waits for a person, with the difference named.

    ``explain`` False: the same value; a pair scoring below review has reasons that leave out
    the words the names differ in (most pairs of a large load: resolution drops them unseen),
    one at or above it the full reasons."""
    s = _score_companies(a, b, common, explain)
    if not explain and s.value >= REVIEW:
        return _score_companies(a, b, common, True)
    return s


def _score_companies(a: Record, b: Record, common: frozenset[str], explain: bool) -> Score:
    if b.id in a.controls or a.id in b.controls:
        # a parent and its subsidiary, a fund and its manager: the source names them as two
        return Score(NEVER, ["one holds shares of or a role in the other, as a source states: two firms, never "
                             "the same"])
    hard = _id_rules(a, b)
    if hard:
        same = idents.shared(a.registry_ids, b.registry_ids)
        rename = possible_rename(a, b, same[0], common) if same else None
        if rename:  # one number, names that share almost nothing: asked, never merged on the number
            return Score(AUTO - 0.05, [rename])
        return hard
    best: tuple[float, tuple[str, ...], bool] | None = None
    aliases = 0
    for i, na in enumerate(a.names):
        for j, nb in enumerate(b.names):
            pair = _firm_names(na, nb, a.legal_form, b.legal_form, common, explain)
            if best is None or (pair[2], pair[0]) > (best[2], best[0]):
                best, aliases = pair, (i > 0) + (j > 0)
    if best is None:
        return Score(0.0, ["no comparable names"])
    value, reasons, identical = best[0], list(best[1]), best[2]
    if aliases == 2 and value >= REVIEW:
        # two other names of two records (a.k.a.s) weigh less than a record's own name
        value, identical = min(value, AUTO - 0.05), False
        reasons = reasons + ["alike only in names each record gives as an alias or a former name"]
    elif aliases == 1 and value >= AUTO:
        value -= 0.05
        reasons = reasons + ["through one record's alias or former name"]
    elif aliases == 1 and value >= REVIEW:  # a question says so too: 'QVC, Inc.' met the CEC's a.k.a.
        reasons = reasons + ["through one record's alias or former name"]
    if a.country and b.country and a.country != b.country:
        # one firm's offices in two countries, or two firms: only the same name goes to a person
        cap = REVIEW + 0.02 if value >= REVIEW + 0.05 else 0.6
        return Score(min(value, cap), reasons + [f"different countries ({a.country}, {b.country})"])
    if a.country and b.country:
        reasons.append(f"same country {a.country}")
    shared = a.context & b.context
    if shared:
        reasons.append(f"{len(shared)} shared officer(s) or address(es)")
    if identical:
        return Score(value, reasons)
    if shared and value >= AUTO - 0.05 and "same words in another order" not in reasons \
            and not any(r.startswith("legal forms of related") for r in reasons):
        return Score(min(value + 0.05, 1.0), reasons)
    if value >= REVIEW:
        reasons.append("names alone do not make two firms one: a person decides")
    return Score(min(value, AUTO - 0.05), reasons)


def below_review(a: Record, b: Record, common: frozenset[str] = frozenset()) -> bool:
    """Whether ``score(a, b, common)`` is surely below REVIEW, told without scoring the pair:
    two firms that no registry number decides and each two of whose names score below REVIEW
    (``_firm_names``, kept per names). What ``score_companies`` does then only lowers the names'
    score, or raises one already at ``AUTO - 0.05``. Most firm pairs of a large load are such
    pairs (86% of 232k at 200k PSC lines), and resolution drops them unseen. False where unsure."""
    if a.label != "Company" or b.label != "Company" or (_written_as_person(a) and _written_as_person(b)):
        return False
    if _id_rules(a, b) is not None:
        return False
    la, lb = a.legal_form, b.legal_form
    return all(_firm_names(na, nb, la, lb, common, False)[0] < REVIEW for na in a.names for nb in b.names)


def score(a: Record, b: Record, common: frozenset[str] = frozenset(), *, explain: bool = True) -> Score:
    """The score of a candidate pair with its reasons. ``common``: firm-name words too frequent
    in the data to tell firms apart (see ``common_words``). ``explain`` False: the same value,
    the reasons in full only where it reaches review (see ``score_companies``)."""
    s = _score(a, b, common, explain)
    apart = _listed_apart(a, b)
    if apart and s.value >= REVIEW:
        # a curated list gives them as two entries, whatever they share: a person decides
        s.value, s.names_only = min(s.value, AUTO - 0.05), None
        s.reasons.append(f"{apart} lists them as two entries: a person decides")
    return s


@cache
def _people_scorers() -> tuple[Callable[[Record, Record], Score | None], Callable[[Record, Record], Score]]:
    """``registry_people.score_month_people`` and ``people.score_people``, whose modules import
    this one: imported on first use, not by an import statement at every pair scored."""
    from graphkit.resolve.people import score_people
    from graphkit.resolve.registry_people import score_month_people

    return score_month_people, score_people


def _score(a: Record, b: Record, common: frozenset[str], explain: bool) -> Score:
    score_month_people, score_people = _people_scorers()
    if a.label == "Person" and b.label == "Person":
        decided = score_month_people(a, b)
        if decided is not None:
            return decided
    if a.label == "Person" or (_written_as_person(a) and _written_as_person(b)):
        # an FtM LegalEntity "Müller, Lutz" is a person whatever its label: names alone never
        # join two people, and Lutz is not Matthias
        s = score_people(a, b)
        if a.label != "Person":
            s.reasons.insert(0, "both written as people's names ('Surname, Given')")
            s.names_only = None
            s.value = min(s.value, AUTO - 0.05) if s.value < 1.0 or not (a.birth_date and b.birth_date) else s.value
        return s
    return score_companies(a, b, common, explain=explain)


def _written_as_person(r: Record) -> bool:
    return bool(r.names) and not r.legal_form and all(
        _PERSON_LIKE.match(n) and not firm_name(n).form for n in r.names)


def common_words(records: list[Record], share: float = 0.005, floor: int = 10) -> frozenset[str]:
    """Firm-name words found in more than ``share`` of the records (and more than ``floor``):
    "gesellschaft", "trading", "stroi". Sharing only such words is no reason to ask a person.
    The set also carries every word's count, for the rarity weights of ``overlap``."""
    return word_stats(records, share, floor)
