"""Scoring two people: whether their names, as aligned part by part across scripts,
spellings, initials and patronymics, may be one person's, and what confirms it (birth date, a
shared firm). ``scoring.score`` calls ``score_people`` for every pair of people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.fuzz import ratio
from rigour.names import NameTypeTag, SymbolCategory, analyze_names

from graphkit import normalize as nz
from graphkit.resolve.names import (
    father_stem,
    fathers_as_written,
    fold,
    per_names,
    person_gender,
    person_name,
)
from graphkit.resolve.scoring import (
    AUTO,
    NEVER,
    REVIEW,
    Record,
    Score,
    _id_rules,
    _word_sim,
    dates_agree,
)


@lru_cache(maxsize=100_000)
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


def load_name_tables() -> None:
    """Load rigour's name tables, which ``_name_symbols`` asks, in this process now: the first
    look-up builds them, about 6 s of one core that holds the interpreter throughout. Loaded
    before scoring forks (``decide._scored``), both scoring processes share them; otherwise each
    builds its own."""
    _name_symbols("Ivan")


@lru_cache(maxsize=200_000)
def _forms_symbols(original: str, spelled: str) -> frozenset[str]:
    """The name symbols of a word written ``original`` and ``spelled`` (either form's)."""
    return _name_symbols(original) | _name_symbols(spelled)


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
    # without a "cz" to read two ways (most names), ``_spelling_sim`` is rapidfuzz's ratio: called directly
    cz = any("cz" in spelled_a.get(w, w) for w in a.words) or any("cz" in spelled_b.get(u, u) for u in b.words)
    ranked = sorted(((_spelling_sim(w, spelled_a.get(w, w), u, spelled_b.get(u, u)) if cz else ratio(w, u) / 100.0,
                      -len(w), i, j, w, u) for i, w in enumerate(a.words) for j, u in enumerate(b.words)),
                    reverse=True)
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
        # a word's symbols are those of its forms together: two words share one if some form of
        # each does (the test of ``_equivalent_forms`` for every two forms, at once)
        forms_a = {w: (o, sp) for w, sp, o in zip(a.words, a.spelled, a.original, strict=False)}
        forms_b = {w: (o, sp) for w, sp, o in zip(b.words, b.spelled, b.original, strict=False)}

        def symbols(forms: dict[str, tuple[str, str]], w: str) -> frozenset[str]:
            return _forms_symbols(*forms[w]) if w in forms else _name_symbols(w)
        for w in list(left):
            sw = symbols(forms_a, w)
            hit = next((u for u in right if sw & symbols(forms_b, u)), None) if sw else None
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


@lru_cache(maxsize=100_000)
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
    apart = _people_apart(a, b)
    if apart is not None:
        return apart
    # forms of a name in other languages are looked for only where a birth date or a firm
    # confirms the person: without them names alone decide nothing, and the look-up costs
    # (a birth day, not PSC's month: the look-up is costly and a month confirms less)
    confirmed = bool((a.birth_date and b.birth_date and len(a.birth_date) == len(b.birth_date) == 10)
                     or a.context & b.context)
    best = _best_alignment(a, b, confirmed)
    if best is None or best.matched == 0:
        return Score(0.0, ["names share no part"])
    reasons = [f"name parts {best.written[0]!r} ~ {best.written[1]!r} "
               f"{best.sim:.2f} ({best.matched} part(s))"]
    vetoed = _name_vetoes(a, b, best, confirmed, reasons)
    if vetoed is not None:
        return vetoed
    return _weighed(a, b, best, reasons)


def _people_apart(a: Record, b: Record) -> Score | None:
    """What decides two people before their names are compared: numbers, birth dates, sex."""
    hard = _id_rules(a, b)
    if hard:
        return hard
    if a.birth_date and b.birth_date and not dates_agree(a.birth_date, b.birth_date):
        return Score(NEVER, [f"different birth dates ({a.birth_date}, {b.birth_date}): never the same"])
    if a.birth_dates or b.birth_dates:  # a source gives several: apart only if none fits the other's
        da, db = _birth_dates(a), _birth_dates(b)
        if da and db and not any(dates_agree(x, y) for x in da for y in db):
            return Score(NEVER, [f"different birth dates ({' or '.join(da)}; {' or '.join(db)}): never the same"])
    ga, gb = per_names(a, "derived_gender", person_gender), per_names(b, "derived_gender", person_gender)
    if ga and gb and ga != gb:  # Mr / Mrs, Vladimirovich / Vladimirovna
        return Score(0.0, [f"male and female forms ({a.names[0]!r} is {ga}, {b.names[0]!r} {gb})"])
    return None


def _birth_dates(r: Record) -> list[str]:
    """Every date of birth ``r`` carries: its one birth date, or the several a source gives."""
    return sorted({*r.birth_dates, *([r.birth_date] if r.birth_date else [])})


@dataclass
class _Aligned:
    """The best alignment of the names of two people (``_align``), and the names as written."""

    sim: float
    matched: int
    left_a: list[str]
    left_b: list[str]
    pa: Any
    pb: Any
    words: list[tuple[str, str]]
    equivalent: set[tuple[str, str]]
    initials: list[str]
    written: tuple[str, str]


def _best_alignment(a: Record, b: Record, confirmed: bool) -> _Aligned | None:
    best: _Aligned | None = None
    for na in a.names:
        pa = person_name(na)
        for nb in b.names:
            pb = person_name(nb)
            words: list[tuple[str, str]] = []
            equivalent: set[tuple[str, str]] = set()
            initials: list[str] = []
            sim, n, la, lb = _align(pa, pb, words, equivalent, initials, deep=confirmed)
            if best is None or (sim * min(n, 3)) > (best.sim * min(best.matched, 3)):
                best = _Aligned(sim, n, la, lb, pa, pb, words, equivalent, initials, (na, nb))
    return best


def _name_vetoes(a: Record, b: Record, best: _Aligned, confirmed: bool, reasons: list[str]) -> Score | None:
    """A capped score where the names themselves say two people: another father, male and
    female forms, name parts spelled apart or different."""
    sim, matched, pa, pb, words = best.sim, best.matched, best.pa, best.pb, best.words
    if (pa.patronymic and pb.patronymic and (pa.patronymic, pb.patronymic) not in best.equivalent
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
                f"name parts spelled apart ({_both(pa, pb, loose)}): a person decides"])
    other_name = next(((w, u) for w, u in words if w != u and confirmed and _other_given_name(pa, pb, w, u)), None)
    if other_name:  # Marina / Mariya: close in letters, two names in every language
        cap = REVIEW + 0.02 if a.birth_date and b.birth_date else 0.5
        return Score(min(sim, cap), reasons + [f"different given names ({_both(pa, pb, other_name)})"])
    return None


def _weighed(a: Record, b: Record, best: _Aligned, reasons: list[str]) -> Score:
    """The score of two people whose names may be one person's, weighed with what confirms it
    (birth date, a shared firm) and what does not (loose parts, other countries)."""
    sim, matched, pa, pb, words = best.sim, best.matched, best.pa, best.pb, best.words
    left_a, left_b, equivalent, initials_agree = best.left_a, best.left_b, best.equivalent, best.initials
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
            # father's name, birth day and one more part agree, one part does not: which part is the
            # surname the names do not say ('KUZNETSOV, Andrey Anatolyevich' / 'KUZNETSOV, Eduard
            # Anatolievich', both born 29 May 1972, differ in the given name). A maiden or married
            # name, one name in two languages, or two people; a person decides
            return Score(min(value, REVIEW + 0.05), reasons + [
                f"a name part differs ({_both(pa, pb, (real_left[0], real_right[0]))}): a changed surname, "
                "another name, or two people? a person decides"])
        return Score(min(value, 0.5), reasons + [f"different given names ({_both(pa, pb, (real_left[0], real_right[0]))})"])
    # a ceiling that what confirms the person below must not lift: initials stand for any name of
    # that letter ("Peng W" is Peng Wang, Peng Wu or Peng Wei), so a birth month or day and a
    # shared firm make the question worth asking, not the answer
    ceiling = 1.0
    if matched < 2:
        value = min(value, 0.7)
        reasons.append("only one name part to compare")
    elif initials_agree and matched - len(initials_agree) < 2:
        value = ceiling = min(value, AUTO - 0.05)
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
    value = min(value, ceiling)
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
        said = ("a birth date agrees only among several a source gives (it does not say which is right) and no "
                "shared firm confirms" if (a.birth_dates or b.birth_dates) and _birth_dates(a) and _birth_dates(b)
                else "no birth date in both records and no shared firm to confirm")
        return Score(min(value, AUTO - 0.05), reasons + [said], names_only=min(value, 1.0) if exact_father else None)
    return Score(min(value, 1.0), reasons)
