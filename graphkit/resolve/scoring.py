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
from typing import Any

from rapidfuzz import fuzz
from rigour.names import NameTypeTag, SymbolCategory, analyze_names

from graphkit import identifiers as idents
from graphkit import normalize as nz
from graphkit.resolve.names import firm_name, person_name

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


def _id_rules(a: Record, b: Record) -> Score | None:
    same = idents.shared(a.registry_ids, b.registry_ids)
    if same:
        return Score(1.0, [f"same registry id {same[0]}"])
    clash = idents.conflicts(a.registry_ids, b.registry_ids)
    if clash:
        return Score(NEVER, [idents.describe_conflict(*clash[0]) + ": never the same"])
    return None


def _word_sim(x: str, y: str) -> float:
    return fuzz.ratio(x, y) / 100.0


def _words_match(x: str, y: str) -> bool:
    """Two name words that may be one spelled two ways; short words (initialisms such as "AT"
    and "EKD") only when equal."""
    if min(len(x), len(y)) <= 3:
        return x == y
    return _word_sim(x, y) >= 0.8


def _unmatched(wa: tuple[str, ...], wb: tuple[str, ...]) -> list[str]:
    """Words of either name with no counterpart in the other."""
    return ([w for w in wa if not any(_words_match(w, u) for u in wb)]
            + [u for u in wb if not any(_words_match(u, w) for w in wa)])


_PERSON_LIKE = re.compile(r"^\s*[^\W\d_]+(?:[-'][^\W\d_]+)?,\s*[^\W\d_]+(?:\s+[^\W\d_.]+\.?)*\s*$")


def _firm_pair(na: str, nb: str, a: Record, b: Record) -> tuple[float, list[str], bool]:
    """(score, reasons, identical) for two firm names; see ``score_companies``."""
    fa, fb = firm_name(na), firm_name(nb)
    if not fa.words or not fb.words:
        return 0.0, ["no comparable names"], False
    form_a = nz.form_family(a.legal_form) or fa.form
    form_b = nz.form_family(b.legal_form) or fb.form
    sim = _word_sim(fa.text, fb.text)
    same_order = fa.words == fb.words
    reasons = [f"same words {fa.text!r}" if same_order else f"names {fa.text!r} ~ {fb.text!r} {sim:.2f}"]
    value, identical = (1.0 if same_order else sim), same_order
    if fa.marks != fb.marks:
        only_a = " ".join(m for m in fa.marks if m not in fb.marks) or "none"
        only_b = " ".join(m for m in fb.marks if m not in fa.marks) or "none"
        return min(value, 0.5), reasons + [f"numerals differ: {only_a} vs {only_b}"], False
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
    if not same_order:
        if sorted(fa.words) == sorted(fb.words):
            value = REVIEW + 0.05
            reasons.append("same words in another order")
        else:
            extra = _unmatched(fa.words, fb.words)
            if extra:
                value = min(value, 0.7)
                reasons.append(f"words only one name has: {', '.join(sorted(set(extra)))}")
    return value, reasons, identical


def score_companies(a: Record, b: Record) -> Score:
    """Firms: registry numbers decide; otherwise names alone join two firms automatically only
    when the whole normalised name is identical (words in order, numerals, legal-form family)
    and nothing contradicts it. A near-identical name is merged only with a shared officer or
    address to confirm it; otherwise it waits for a person, with the difference named."""
    hard = _id_rules(a, b)
    if hard:
        return hard
    best: tuple[float, list[str], bool] | None = None
    for na in a.names:
        for nb in b.names:
            pair = _firm_pair(na, nb, a, b)
            if best is None or (pair[2], pair[0]) > (best[2], best[0]):
                best = pair
    if best is None:
        return Score(0.0, ["no comparable names"])
    value, reasons, identical = best
    if a.country and b.country and a.country != b.country:
        return Score(min(value, 0.6), reasons + [f"different countries ({a.country}, {b.country})"])
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
        if y == x + "a" or (x.endswith("i") and y == x[:-1] + "ya") or (x.startswith(y[:-1]) and len(x) - len(y) <= 1):
            return True
        stem_y, stem_x = re.sub(r"(ya|ia|a)$", "", y), re.sub(r"[iyeo]$", "", x)
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
        names = analyze_names(NameTypeTag.PER, [word])
    except Exception:  # noqa: BLE001 - a name rigour cannot analyse has no symbols
        return frozenset()
    return frozenset(str(sym) for n in names for sym in n.symbols if sym.category == SymbolCategory.NAME)


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


def _align(a: Any, b: Any, pairs: list[tuple[str, str]] | None = None,
           equivalent: set[tuple[str, str]] | None = None) -> tuple[float, int, list[str], list[str]]:
    """Match the words (and initials) of two person names. Returns the mean similarity of the
    matched parts, how many parts matched, and the unmatched words of each side; ``pairs``, if
    given, receives the matched full words, and ``equivalent`` those matched as forms of one
    name in two languages (Володимир / Vladimir) rather than by spelling."""
    sims: list[float] = []
    left, right = list(a.words), list(b.words)
    for w in sorted(a.words, key=len, reverse=True):
        if not right:
            break
        cand = max(right, key=lambda u: _word_sim(w, u))
        s = _word_sim(w, cand)
        if s >= 0.7:
            sims.append(s)
            left.remove(w)
            right.remove(cand)
            if pairs is not None:
                pairs.append((w, cand))
    if left and right:  # forms of one name in other languages (rigour's name symbols)
        spelled_a = dict(zip(a.words, a.spelled, strict=False))
        spelled_b = dict(zip(b.words, b.spelled, strict=False))
        for w in list(left):
            hit = next((u for u in right if _equivalent_forms(spelled_a.get(w, w), spelled_b.get(u, u))), None)
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
    return (sum(sims) / len(sims) if sims else 0.0), len(sims), left, right


def score_people(a: Record, b: Record) -> Score:
    hard = _id_rules(a, b)
    if hard:
        return hard
    if a.birth_date and b.birth_date and a.birth_date != b.birth_date:
        return Score(NEVER, [f"different birth dates ({a.birth_date}, {b.birth_date}): never the same"])
    best: tuple[float, int, list[str], list[str], Any, Any, list[tuple[str, str]], set[tuple[str, str]]] | None = None
    for na in a.names:
        pa = person_name(na)
        for nb in b.names:
            pb = person_name(nb)
            words: list[tuple[str, str]] = []
            equivalent: set[tuple[str, str]] = set()
            sim, n, la, lb = _align(pa, pb, words, equivalent)
            if best is None or (sim * min(n, 3)) > (best[0] * min(best[1], 3)):
                best = (sim, n, la, lb, pa, pb, words, equivalent)
    if best is None or best[1] == 0:
        return Score(0.0, ["names share no part"])
    sim, matched, left_a, left_b, pa, pb, words, equivalent = best
    reasons = [f"name parts {' '.join(pa.words + pa.initials)!r} ~ {' '.join(pb.words + pb.initials)!r} "
               f"{sim:.2f} ({matched} part(s))"]
    if (pa.patronymic and pb.patronymic and _word_sim(pa.patronymic, pb.patronymic) < 0.8
            and (pa.patronymic, pb.patronymic) not in equivalent):
        return Score(NEVER, reasons + [f"different patronymics ({pa.patronymic}, {pb.patronymic}): never the same"])
    gendered = next(((w, u) for w, u in words if _gendered(w, u)), None)
    if gendered:
        return Score(min(sim, 0.5), reasons + [f"male and female forms ({gendered[0]}, {gendered[1]})"])
    value = sim
    weak = next(((w, u) for w, u in words if _word_sim(w, u) < 0.8 and (w, u) not in equivalent), None)
    if equivalent:
        reasons.append("forms of one name in two languages: "
                       + ", ".join(f"{w} ~ {u}" for w, u in sorted(equivalent)))
    lone = [ws for ws in (pa.words, pb.words) if len(ws) == 1]
    if lone and not any(w in lone[0] or u in lone[0] for w, u in words if _word_sim(w, u) >= 0.9):
        # "Daurensky E." is not "Lobai Dauren Evgenevich": a name of one word must find that word
        return Score(min(value, 0.5), reasons + [f"the one full word of a name ({lone[0][0]}) has no close match"])
    # an unmatched given name on both sides means two different people who share a surname
    real_left = [w for w in left_a if w != pa.patronymic]
    real_right = [w for w in left_b if w != pb.patronymic]
    if real_left and real_right:
        return Score(min(value, 0.5), reasons + [f"different given names ({real_left[0]}, {real_right[0]})"])
    if matched < 2:
        value = min(value, 0.7)
        reasons.append("only one name part to compare")
    if a.birth_date and b.birth_date:
        value += 0.1
        reasons.append(f"same birth date {a.birth_date}")
    shared = a.context & b.context
    if shared:
        value += 0.1
        reasons.append(f"both linked to {len(shared)} same firm(s)")
    if weak:
        # Belenko / Tolenko with Igorevich / Grigorevich: parts this loose are for a person to
        # judge, whatever evidence comes with them
        value = min(value, AUTO - 0.05)
        reasons.append(f"loosely matched parts ({weak[0]}, {weak[1]})")
    same_birth = bool(a.birth_date and b.birth_date)
    if a.country and b.country and a.country != b.country and not shared and not same_birth:
        return Score(min(value, REVIEW), reasons + [f"different countries ({a.country}, {b.country})"])
    if not same_birth and not shared:
        # names alone may merge (if no namesake could be meant), but only if patronymics, which
        # name the father, agree exactly: Maratovich and Muratovich are two fathers
        exact_father = not (pa.patronymic and pb.patronymic) or pa.patronymic == pb.patronymic
        return Score(min(value, AUTO - 0.05), reasons + ["no birth date or shared firm to confirm"],
                     names_only=min(value, 1.0) if exact_father else None)
    return Score(min(value, 1.0), reasons)


def score(a: Record, b: Record) -> Score:
    return score_people(a, b) if a.label == "Person" else score_companies(a, b)
