"""Scoring a candidate pair: name similarity (rapidfuzz on folded names) plus evidence, with an
explanation of every rule that fired.

Hard rules come first and cannot be outweighed: the same registry id means the same entity;
two different ids of one kind (two INNs), two different birth dates or two different
patronymics mean never. Then names are compared, and country, legal form, shared addresses and
shared firms adjust the score. Every score carries the list of reasons that made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz
from rigour.names import NameTypeTag, SymbolCategory, analyze_names

from graphkit import identifiers as idents
from graphkit import normalize as nz
from graphkit.resolve.names import (
    as_written,
    father_stem,
    fathers_as_written,
    firm_name,
    fold,
    person_gender,
    person_name,
)
from graphkit.resolve.overlap import possible_rename, word_stats

if TYPE_CHECKING:
    from graphkit.resolve.registry_people import Population

AUTO = 0.90  # at or above: SAME_AS, judgement "auto"
REVIEW = 0.75  # at or above (and below AUTO): a candidate for review
NEVER = -1.0  # a hard rule says these are different


@dataclass
class Record:
    """What resolution knows of one node."""

    id: str
    label: str
    names: list[str]
    country: str | None = None
    birth_date: str | None = None
    registry_ids: list[str] = field(default_factory=list)
    legal_form: str | None = None
    context: set[str] = field(default_factory=set)  # firms (for people) / people, addresses (for firms)
    datasets: list[str] = field(default_factory=list)  # where the record comes from
    listed: bool = False  # on a sanctions list
    nationality: str | None = None  # a person's, where the source gives it (PSC)
    addresses: set[str] = field(default_factory=set)  # a person's service addresses (Address node ids)
    #: counts over the run's month-dated people, for the namesake estimate (``registry_people``)
    population: Population | None = field(default=None, compare=False, repr=False)


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


@lru_cache(maxsize=500_000)
def _words_match(x: str, y: str) -> bool:
    """Two name words that may be one spelled two ways; short words (initialisms such as "AT"
    and "EKD") only when equal."""
    if min(len(x), len(y)) <= 3:
        return x == y
    return _word_sim(x, y) >= 0.8


def _difference(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """'2 vs none': what each side has that the other lacks."""
    return (f"{' '.join(m for m in a if m not in b) or 'none'} vs "
            f"{' '.join(m for m in b if m not in a) or 'none'}")


_PERSON_LIKE = re.compile(r"^\s*[^\W\d_]+(?:[-'][^\W\d_]+)?,\s*[^\W\d_]+(?:\s+[^\W\d_.]+\.?)*\s*$")


def _unshared(na: str, only_a: list[str], nb: str, only_b: list[str]) -> str:
    """The words only one name has, as each name writes them (the folded forms match, they are
    never shown): 'EURO, LINE, PANAMA / CORPORACION'."""
    return " / ".join(", ".join(sorted(as_written(n, sorted(set(only))), key=str.lower)) for n, only in ((na, only_a), (nb, only_b)) if only)


def _share_number(a: Record, b: Record) -> bool:
    """Whether two records carry one number alike (``identifiers.shared``, without regrouping
    each list of numbers for every pair)."""
    if not a.registry_ids or not b.registry_ids:
        return False
    ia, ib = _schemes(tuple(a.registry_ids)), _schemes(tuple(b.registry_ids))
    return any(ia[s] & ib[s] for s in ia.keys() & ib.keys())


def _firm_pair(na: str, nb: str, a: Record, b: Record,
               common: frozenset[str] = frozenset()) -> tuple[float, list[str], bool]:
    """(score, reasons, identical) for two firm names; see ``score_companies``. A PSC snapshot
    compares one pair of names many times (thousands of firms named alike), so the outcome is
    kept per names, legal forms and whether a number is shared: all it depends on."""
    value, reasons, identical = _firm_names(na, nb, a.legal_form, b.legal_form, _share_number(a, b), common)
    return value, list(reasons), identical


@lru_cache(maxsize=200_000)
def _firm_names(na: str, nb: str, legal_a: str | None, legal_b: str | None, numbered: bool,
                common: frozenset[str]) -> tuple[float, tuple[str, ...], bool]:
    value, reasons, identical = _firm_names_scored(na, nb, legal_a, legal_b, numbered, common)
    return value, tuple(reasons), identical


def _firm_names_scored(na: str, nb: str, legal_a: str | None, legal_b: str | None, numbered: bool,
                       common: frozenset[str]) -> tuple[float, list[str], bool]:
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
    if "sole trader" in (form_a, form_b) and identical and not numbered:
        # ИП Воробьёв Александр Анатольевич is a person trading under his name: namesakes in two
        # registries are two people unless a number joins them
        identical = False
        reasons.append("a sole trader is a person: names alone do not join two")
    if not same_order:
        if sorted(fa.words) == sorted(fb.words):
            value = REVIEW + 0.05
            reasons.append("same words in another order")
        elif _word_sim("".join(fa.words), "".join(fb.words)) >= 0.92:
            value = max(value, _word_sim("".join(fa.words), "".join(fb.words)))
            reasons.append("the same letters, spaced or spelled a little apart")
        else:
            only_a = [w for w in fa.words if not any(_words_match(w, u) for u in fb.words)]
            only_b = [u for u in fb.words if not any(_words_match(u, w) for w in fa.words)]
            shared_words = min(len(fa.words) - len(only_a), len(fb.words) - len(only_b))
            # the words both share must tell the firm apart: "Verlagsgesellschaft mbH & Co."
            # is in a thousand German names (``common``: the data's most frequent name words)
            telling = [w for w in fa.words if w not in only_a and w not in common]
            if shared_words and not telling:
                value = min(value, 0.7)
                shared_w = as_written(na, sorted(set(fa.words) - set(only_a)))
                reasons.append(f"they share only common words ({', '.join(shared_w)})")
            elif not shared_words and not numbered:
                # "CNOOC Limited" / "KNOKKE HEIST SUPPORT ...": letters alike, no word in common
                value = min(value, REVIEW - 0.05)
                reasons.append("the names share no word")
            elif only_a and only_b and shared_words * 2 >= min(len(fa.words), len(fb.words)) and value >= 0.6:
                # most words agree and the names are close, a few words do not: a translated or
                # prefixed word ("FIRMA Kale Seramik", "Inter Tobako" / "Inter Tabak"), or two
                # firms; a person decides
                value = max(min(value, REVIEW + 0.02), REVIEW)
                reasons.append(f"words only one name has: {_unshared(na, only_a, nb, only_b)}")
            elif only_a and only_b:
                value = min(value, 0.7)
                reasons.append(f"words only one name has: {_unshared(na, only_a, nb, only_b)}")
            elif only_a or only_b:  # "Восток" / "Восток Сервис", "NPO Izhmash" / "Izhmash": a person decides
                value = REVIEW + 0.05
                reasons.append(f"one name has more words: {_unshared(na, only_a, nb, only_b)}")
    return value, reasons, identical


def score_companies(a: Record, b: Record, common: frozenset[str] = frozenset()) -> Score:
    """Firms: registry numbers decide; otherwise names alone join two firms automatically only
    when the whole normalised name is identical (words in order, numerals, legal-form family)
    and nothing contradicts it. A near-identical name is merged only with a shared officer or
    address to confirm it; otherwise it waits for a person, with the difference named."""
    hard = _id_rules(a, b)
    if hard:
        same = idents.shared(a.registry_ids, b.registry_ids)
        rename = possible_rename(a, b, same[0], common) if same else None
        if rename:  # one number, names that share almost nothing: asked, never merged on the number
            return Score(AUTO - 0.05, [rename])
        return hard
    best: tuple[float, list[str], bool] | None = None
    aliases = 0
    for i, na in enumerate(a.names):
        for j, nb in enumerate(b.names):
            pair = _firm_pair(na, nb, a, b, common)
            if best is None or (pair[2], pair[0]) > (best[2], best[0]):
                best, aliases = pair, (i > 0) + (j > 0)
    if best is None:
        return Score(0.0, ["no comparable names"])
    value, reasons, identical = best
    if aliases == 2 and value >= REVIEW:
        # two other names of two records (a.k.a.s) weigh less than a record's own name
        value, identical = min(value, AUTO - 0.05), False
        reasons = reasons + ["alike only in names each record gives as an alias or a former name"]
    elif aliases == 1 and value >= AUTO:
        value -= 0.05
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


def _gendered(w: str, u: str) -> bool:
    """Male and female forms of one name, in any script once folded: Valentin / Valentina,
    Gordeev / Gordeeva, Evgeniy / Evgeniya, Alexander / Alexandra, Ivan / Ivanna, Aidar / Aida."""
    for x, y in ((w, u), (u, w)):
        if not y.endswith("a") or x.endswith("a") or len(x) < 3:
            continue
        if x[-1] in "oeu":  # Soiko / Soika: surnames that end in -o are spelled -a too
            continue
        if y == x + "a" or (x.endswith("i") and y == x[:-1] + "ya") or (x.startswith(y[:-1]) and len(x) - len(y) <= 1):
            return True
        stem_y, stem_x = re.sub(r"(ya|ia|a)$", "", y), re.sub(r"[iy]$", "", x)
        if stem_x == stem_y or (len(stem_x) >= 4 and _word_sim(stem_x, stem_y) >= 0.85):
            return True
    return False


@lru_cache(maxsize=200_000)
def _name_symbols(word: str) -> frozenset[str]:
    """rigour's symbols for a given name or patronymic (Wikidata ids shared by its forms in
    every language: Володимир, Vladimir, Wladimir, Uladzimir)."""
    if len(word) < 3:
        return frozenset()
    try:
        names = analyze_names(NameTypeTag.PER, [word], phonetics=False, numerics=False, consolidate=False,
                              rewrite=False)
    except Exception:  # noqa: BLE001 - a name rigour cannot analyse has no symbols
        return frozenset()
    return frozenset(str(sym) for n in names for sym in n.symbols if sym.category == SymbolCategory.NAME)


@lru_cache(maxsize=500_000)
def _equivalent_forms(x: str, y: str) -> bool:
    """Whether two spellings are forms of one name in other languages (rigour's name symbols)."""
    sx, sy = _name_symbols(x), _name_symbols(y)
    return bool(sx and sy and sx & sy)


# initials that schemes write for one Cyrillic letter: Ю is Yu., Iu., Ju.; Я is Ya., Ia., Ja.
_INITIAL_SAME = {"i": "y", "j": "y"}


def _initial_of(initial: str, word: str, spelled: str) -> bool:
    """Whether ``initial`` (as written) may stand for ``word`` (folded; ``spelled`` as written)."""
    if word.startswith(initial) or spelled.startswith(initial):
        return True
    head = _INITIAL_SAME.get(initial[0], initial[0])
    return len(initial) == 1 and head == _INITIAL_SAME.get(spelled[0], spelled[0])


_TITLES = frozenset({"mr", "ms", "dr"})


def _spelling_sim(w: str, w_spelled: str, u: str, u_spelled: str) -> float:
    """The similarity of two name words, also read the way GOST 7.79 (system B) writes ц:
    "Czvetkov" is Цветков there, where Polish reads "cz" as ч."""
    best = _word_sim(w, u)
    if best < 0.9 and ("cz" in w_spelled or "cz" in u_spelled):
        best = max(best, _word_sim(fold(w_spelled.replace("cz", "c")), fold(u_spelled.replace("cz", "c"))))
    return best


def _align(a: Any, b: Any, pairs: list[tuple[str, str]] | None = None,
           equivalent: set[tuple[str, str]] | None = None,
           initials_only: list[str] | None = None, deep: bool = True) -> tuple[float, int, list[str], list[str]]:
    """Match the words (and initials) of two person names. Returns the mean similarity of the
    matched parts, how many parts matched, and the unmatched words of each side; ``pairs``, if
    given, receives the matched full words, and ``equivalent`` those matched as forms of one
    name in two languages (Володимир / Vladimir) rather than by spelling."""
    sims: list[float] = []
    left, right = list(a.words), list(b.words)
    # the closest words first, whatever their order: "PUTIN, Vladimir Vladimirovich" pairs
    # Vladimir with Vladimir, not the patronymic with the given name
    spelled_a = dict(zip(a.words, a.spelled, strict=False))
    spelled_b = dict(zip(b.words, b.spelled, strict=False))
    ranked = sorted(((_spelling_sim(w, spelled_a.get(w, w), u, spelled_b.get(u, u)), -len(w), i, j, w, u)
                     for i, w in enumerate(a.words) for j, u in enumerate(b.words)), reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for s, _, i, j, w, u in ranked:
        if s < 0.7:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        sims.append(s)
        left.remove(w)
        right.remove(u)
        if pairs is not None:
            pairs.append((w, u))
    if deep and left and right:  # forms of one name in other languages (rigour's name symbols)
        forms_a = {w: {o, sp} for w, sp, o in zip(a.words, a.spelled, a.original, strict=False)}
        forms_b = {w: {o, sp} for w, sp, o in zip(b.words, b.spelled, b.original, strict=False)}
        for w in list(left):
            hit = next((u for u in right if any(_equivalent_forms(x, y) for x in forms_a.get(w, {w})
                                                for y in forms_b.get(u, {u}))), None)
            if hit:
                sims.append(0.85)
                left.remove(w)
                right.remove(hit)
                if pairs is not None:
                    pairs.append((w, hit))
                if equivalent is not None:
                    equivalent.add((w, hit))
    for ini, words_other, other in ((a.initials, right, b), (b.initials, left, a)):
        spelled = dict(zip(other.words, other.spelled, strict=False))
        for k, i in enumerate(ini):
            # initials are as written ("Yu.", "K." for Kseniya, folded Xeniya); the first is never
            # the patronymic's: "Akhmetuk Y." is not Ilyich
            hit = next((w for w in words_other if _initial_of(i, w, spelled.get(w, w))
                        and not (k == 0 and w == other.patronymic)), None)
            if hit:
                sims.append(0.9)
                words_other.remove(hit)
    if initials_only is not None:  # "McHugh C. J." / "McHugh Mr C. J.": initials that agree
        rest_a = [i for i in a.initials if i not in _TITLES]
        rest_b = [i for i in b.initials if i not in _TITLES]
        for i in rest_a:
            hit = next((j for j in rest_b if j[0] == i[0]), None)
            if hit:
                rest_b.remove(hit)
                sims.append(0.9)
                initials_only.append(i)
    return (sum(sims) / len(sims) if sims else 0.0), len(sims), left, right


def _original(pn: Any, word: str) -> str:
    return next((o for w, o in zip(pn.words, pn.original, strict=False) if w == word), word)


def _both(pa: Any, pb: Any, pair: tuple[str, str]) -> str:
    """Two matched words of two names, each as its name writes it: 'Путина, Putin'."""
    return f"{_original(pa, pair[0])}, {_original(pb, pair[1])}"


def _spelled_apart(pa: Any, pb: Any, w: str, u: str) -> bool:
    """Whether two matched words other than patronymics differ beyond a slip (a vowel, one letter
    in ten): Marina / Mariya, but not Golberg / Goldberg."""
    if w in (pa.patronymic, pb.patronymic) or u in (pa.patronymic, pb.patronymic):
        return False
    return re.sub(r"[aeiouy]", "", w) != re.sub(r"[aeiouy]", "", u) and _word_sim(w, u) < 0.9


def _other_given_name(pa: Any, pb: Any, w: str, u: str) -> bool:
    """Whether two matched words are two different given names: both known to rigour's name
    symbols, none in common, and not merely spelled apart (Maria / Mariya share a symbol;
    Soiko / Soika differ only in a vowel). Patronymics are the father's and are compared apart."""
    if w in (pa.patronymic, pb.patronymic) or u in (pa.patronymic, pb.patronymic):
        return False
    if re.sub(r"[aeiouy]", "", w) == re.sub(r"[aeiouy]", "", u) or _word_sim(w, u) >= 0.9:
        return False  # Golberg / Goldberg: one name spelled two ways
    ow = {o for x, o in zip(pa.words, pa.original, strict=False) if x == w}
    ou = {o for x, o in zip(pb.words, pb.original, strict=False) if x == u}
    sw = frozenset().union(*(_name_symbols(o) for o in ow | {w}))
    su = frozenset().union(*(_name_symbols(o) for o in ou | {u}))
    return bool(sw and su and not sw & su)


def same_father(x: str, y: str) -> bool:
    """Whether two patronymics, as written, may name one father: close spellings (Ilich /
    Ilyich) or one name's forms in two languages (Олександрович / Александрович)."""
    fx, fy = fold(nz.latin(x)), fold(nz.latin(y))
    if fx == fy or _word_sim(fx, fy) >= 0.8 or _word_sim(father_stem(fx), father_stem(fy)) >= 0.85:
        return True
    # Ігорьович / Igorevich, Volodymyrivna / Vladimirovna: the fathers' names in two languages
    if _equivalent_forms(x, y):
        return True
    return any(len(p) > 2 and len(q) > 2 and _equivalent_forms(p.capitalize(), q.capitalize())
               for p in fathers_as_written(x) for q in fathers_as_written(y))


def score_people(a: Record, b: Record) -> Score:
    hard = _id_rules(a, b)
    if hard:
        return hard
    if a.birth_date and b.birth_date and not dates_agree(a.birth_date, b.birth_date):
        return Score(NEVER, [f"different birth dates ({a.birth_date}, {b.birth_date}): never the same"])
    ga, gb = person_gender(a.names), person_gender(b.names)
    if ga and gb and ga != gb:  # Mr / Mrs, Vladimirovich / Vladimirovna
        return Score(0.0, [f"male and female forms ({a.names[0]!r} is {ga}, {b.names[0]!r} {gb})"])
    best: tuple[float, int, list[str], list[str], Any, Any, list[tuple[str, str]], set[tuple[str, str]],
               list[str]] | None = None
    # forms of a name in other languages are looked for only where a birth date or a firm
    # confirms the person: without them names alone decide nothing, and the look-up costs
    # (a birth day, not PSC's month: the look-up is costly and a month confirms less)
    confirmed = bool((a.birth_date and b.birth_date and len(a.birth_date) == len(b.birth_date) == 10)
                     or a.context & b.context)
    for na in a.names:
        pa = person_name(na)
        for nb in b.names:
            pb = person_name(nb)
            words: list[tuple[str, str]] = []
            equivalent: set[tuple[str, str]] = set()
            initials: list[str] = []
            sim, n, la, lb = _align(pa, pb, words, equivalent, initials, deep=confirmed)
            if best is None or (sim * min(n, 3)) > (best[0] * min(best[1], 3)):
                best = (sim, n, la, lb, pa, pb, words, equivalent, initials)
                written = (na, nb)
    if best is None or best[1] == 0:
        return Score(0.0, ["names share no part"])
    sim, matched, left_a, left_b, pa, pb, words, equivalent, initials_agree = best
    reasons = [f"name parts {written[0]!r} ~ {written[1]!r} "
               f"{sim:.2f} ({matched} part(s))"]
    if (pa.patronymic and pb.patronymic and (pa.patronymic, pb.patronymic) not in equivalent
            and not same_father(_original(pa, pa.patronymic), _original(pb, pb.patronymic))):
        return Score(NEVER, reasons + [f"different patronymics ({_original(pa, pa.patronymic)}, {_original(pb, pb.patronymic)}): never the same"])
    gendered = next(((w, u) for w, u in words if _gendered(w, u)), None)
    if gendered:
        return Score(min(sim, 0.5), reasons + [f"male and female forms ({_both(pa, pb, gendered)})"])
    if not confirmed:
        # without a birth day or a firm to confirm, rigour's name symbols are not consulted (they
        # cost): two given names spelled apart beyond a slip are a question for a person
        loose = next(((w, u) for w, u in words if w != u and _spelled_apart(pa, pb, w, u)), None)
        if loose and matched < 2:  # one loosely matched part is no question: 'Herr Dr. Cornelius Boersch' / 'BOURAS'
            return Score(min(sim, 0.7), reasons + [f"only one name part to compare, spelled apart ({_both(pa, pb, loose)})"])
        if loose:
            return Score(min(sim, REVIEW + 0.02), reasons + [
                f"given names spelled apart ({_both(pa, pb, loose)}): a person decides"])
    other_name = next(((w, u) for w, u in words if w != u and confirmed and _other_given_name(pa, pb, w, u)), None)
    if other_name:  # Marina / Mariya: close in letters, two names in every language
        cap = REVIEW + 0.02 if a.birth_date and b.birth_date else 0.5
        return Score(min(sim, cap), reasons + [f"different given names ({_both(pa, pb, other_name)})"])
    value = sim
    spelled_a, spelled_b = dict(zip(pa.words, pa.spelled, strict=False)), dict(zip(pb.words, pb.spelled, strict=False))

    def close(w: str, u: str) -> float:
        return _spelling_sim(w, spelled_a.get(w, w), u, spelled_b.get(u, u))

    weak = next(((w, u) for w, u in words if close(w, u) < 0.8 and (w, u) not in equivalent), None)
    if equivalent:
        reasons.append("forms of one name in two languages: "
                       + ", ".join(f"{_original(pa, w)} ~ {_original(pb, u)}" for w, u in sorted(equivalent)))
    lone = [ws for ws in (pa.words, pb.words) if len(ws) == 1]
    if lone and not any(w in lone[0] or u in lone[0] for w, u in words if close(w, u) >= 0.9):
        # "Daurensky E." is not "Lobai Dauren Evgenevich": a name of one word must find that word
        return Score(min(value, 0.5), reasons + [f"the one full word of a name ({_original(pa if lone[0] is pa.words else pb, lone[0][0])}) has no close match"])
    # an unmatched given name on both sides means two different people who share a surname
    real_left = [w for w in left_a if w != pa.patronymic]
    real_right = [w for w in left_b if w != pb.patronymic]
    if real_left and real_right:
        if (len(real_left) == len(real_right) == 1 and matched >= 2 and a.birth_date and b.birth_date
                and pa.patronymic and pb.patronymic):
            # given name, father's name and birth day agree, the surnames do not: a maiden or
            # married name, or two people; a person decides
            return Score(min(value, REVIEW + 0.05), reasons + [
                f"surnames differ ({_both(pa, pb, (real_left[0], real_right[0]))}): a maiden or married name? a person decides"])
        return Score(min(value, 0.5), reasons + [f"different given names ({_both(pa, pb, (real_left[0], real_right[0]))})"])
    if matched < 2:
        value = min(value, 0.7)
        reasons.append("only one name part to compare")
    elif initials_agree and matched - len(initials_agree) < 2:
        value = min(value, AUTO - 0.05)
        reasons.append(f"only initials besides one name ({' '.join(initials_agree)}): a person decides")
    same_birth = bool(a.birth_date and b.birth_date and a.birth_date == b.birth_date and len(a.birth_date) >= 7)
    if same_birth:
        value += 0.1
        reasons.append(f"same birth {'date' if len(a.birth_date or '') == 10 else 'month'} {a.birth_date}")
    elif a.birth_date and b.birth_date:
        reasons.append(f"birth dates agree only at the precision both give ({a.birth_date}, {b.birth_date})")
    shared = a.context & b.context
    if shared:
        value += 0.1
        reasons.append(f"both linked to {len(shared)} same firm(s)")
    if weak:
        # Belenko / Tolenko with Igorevich / Grigorevich: parts this loose are for a person to
        # judge, whatever evidence comes with them
        value = min(value, AUTO - 0.05)
        reasons.append(f"loosely matched parts ({_both(pa, pb, weak)})")
    if a.country and b.country and a.country != b.country and not shared and not same_birth:
        return Score(min(value, REVIEW), reasons + [f"different countries ({a.country}, {b.country})"])
    if not same_birth and not shared:
        # names alone may merge (if no namesake could be meant), but only if patronymics, which
        # name the father, agree exactly: Maratovich and Muratovich are two fathers
        exact_father = not (pa.patronymic and pb.patronymic) or pa.patronymic == pb.patronymic
        return Score(min(value, AUTO - 0.05), reasons + ["no birth date or shared firm to confirm"],
                     names_only=min(value, 1.0) if exact_father else None)
    return Score(min(value, 1.0), reasons)


def score(a: Record, b: Record, common: frozenset[str] = frozenset()) -> Score:
    """The score of a candidate pair with its reasons. ``common``: firm-name words too frequent
    in the data to tell firms apart (see ``common_words``)."""
    s = _score(a, b, common)
    apart = _listed_apart(a, b)
    if apart and s.value >= REVIEW:
        # a curated list gives them as two entries, whatever they share: a person decides
        s.value, s.names_only = min(s.value, AUTO - 0.05), None
        s.reasons.append(f"{apart} lists them as two entries: a person decides")
    return s


def _score(a: Record, b: Record, common: frozenset[str]) -> Score:
    if a.label == "Person" and b.label == "Person":
        from graphkit.resolve.registry_people import score_month_people  # imports this module

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
    return score_companies(a, b, common)


def _written_as_person(r: Record) -> bool:
    return bool(r.names) and not r.legal_form and all(
        _PERSON_LIKE.match(n) and not firm_name(n).form for n in r.names)


def common_words(records: list[Record], share: float = 0.005, floor: int = 10) -> frozenset[str]:
    """Firm-name words found in more than ``share`` of the records (and more than ``floor``):
    "gesellschaft", "trading", "stroi". Sharing only such words is no reason to ask a person.
    The set also carries every word's count, for the rarity weights of ``overlap``."""
    return word_stats(records, share, floor)
