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
from typing import Any

from rapidfuzz import fuzz

from graphkit.resolve.names import company_name, person_name

AUTO = 0.90  # at or above: SAME_AS, judgement "auto"
REVIEW = 0.75  # at or above (and below AUTO): a candidate for review
NEVER = -1.0  # a hard rule says these are different

_NUMBER = re.compile(r"\d+")


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


def ids_by_scheme(ids: list[str]) -> dict[str, set[str]]:
    """Registry ids (``scheme:value``) grouped by scheme."""
    out: dict[str, set[str]] = {}
    for x in ids:
        scheme, _, value = x.partition(":")
        out.setdefault(scheme, set()).add(value)
    return out


def _id_rules(a: Record, b: Record) -> Score | None:
    ia, ib = ids_by_scheme(a.registry_ids), ids_by_scheme(b.registry_ids)
    shared = sorted(f"{s}:{v}" for s in ia.keys() & ib.keys() for v in ia[s] & ib[s])
    if shared:
        return Score(1.0, [f"same registry id {shared[0]}"])
    for scheme in sorted(ia.keys() & ib.keys()):
        return Score(NEVER, [f"different {scheme} ({min(ia[scheme])} vs {min(ib[scheme])}): never the same"])
    return None


def _word_sim(x: str, y: str) -> float:
    return fuzz.ratio(x, y) / 100.0


def score_companies(a: Record, b: Record) -> Score:
    hard = _id_rules(a, b)
    if hard:
        return hard
    best, best_pair = 0.0, ("", "")
    for na in a.names:
        fa = company_name(na)[1]
        for nb in b.names:
            fb = company_name(nb)[1]
            if not fa or not fb:
                continue
            s = fuzz.token_sort_ratio(fa, fb) / 100.0
            if s > best:
                best, best_pair = s, (fa, fb)
    if best == 0.0:
        return Score(0.0, ["no comparable names"])
    fa, fb = best_pair
    reasons = [f"names {fa!r} ~ {fb!r} {best:.2f}" if best < 1 else f"same folded name {fa!r}"]
    value = best
    if _NUMBER.findall(fa) != _NUMBER.findall(fb):
        return Score(min(value, 0.5), reasons + ["different numbers in the names"])
    ta, tb = set(fa.split()), set(fb.split())
    extra = {t for t in ta ^ tb if not any(_word_sim(t, u) >= 0.8 for u in (tb if t in ta else ta))}
    if extra:
        value = min(value, 0.7)
        reasons.append(f"words only one name has: {', '.join(sorted(extra))}")
    if a.country and b.country and a.country != b.country:
        return Score(min(value, 0.6), reasons + [f"different countries ({a.country}, {b.country})"])
    if a.country and b.country:
        reasons.append(f"same country {a.country}")
    if a.legal_form and b.legal_form and a.legal_form != b.legal_form:
        value -= 0.1
        reasons.append(f"different legal forms ({a.legal_form}, {b.legal_form})")
    shared = a.context & b.context
    if shared:
        value += 0.05
        reasons.append(f"{len(shared)} shared officer(s) or address(es)")
    return Score(min(value, 1.0), reasons)


def _gendered(w: str, u: str) -> bool:
    """Male and female forms of one name: Valentin / Valentina, Gordeev / Gordeeva, Evgeniy / Evgeniya."""
    for x, y in ((w, u), (u, w)):
        if y == x + "a" or (x.endswith("i") and y == x[:-1] + "ya"):
            return True
    return False


# initials that schemes write for one Cyrillic letter: Ю is Yu., Iu., Ju.; Я is Ya., Ia., Ja.
_INITIAL_SAME = {"i": "y", "j": "y"}


def _initial_of(initial: str, word: str, spelled: str) -> bool:
    """Whether ``initial`` (as written) may stand for ``word`` (folded; ``spelled`` as written)."""
    if word.startswith(initial) or spelled.startswith(initial):
        return True
    head = _INITIAL_SAME.get(initial[0], initial[0])
    return len(initial) == 1 and head == _INITIAL_SAME.get(spelled[0], spelled[0])


def _align(a: Any, b: Any, pairs: list[tuple[str, str]] | None = None) -> tuple[float, int, list[str], list[str]]:
    """Match the words (and initials) of two person names. Returns the mean similarity of the
    matched parts, how many parts matched, and the unmatched words of each side; ``pairs``, if
    given, receives the matched full words."""
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
    best: tuple[float, int, list[str], list[str], Any, Any, list[tuple[str, str]]] | None = None
    for na in a.names:
        pa = person_name(na)
        for nb in b.names:
            pb = person_name(nb)
            words: list[tuple[str, str]] = []
            sim, n, la, lb = _align(pa, pb, words)
            if best is None or (sim * min(n, 3)) > (best[0] * min(best[1], 3)):
                best = (sim, n, la, lb, pa, pb, words)
    if best is None or best[1] == 0:
        return Score(0.0, ["names share no part"])
    sim, matched, left_a, left_b, pa, pb, words = best
    reasons = [f"name parts {' '.join(pa.words + pa.initials)!r} ~ {' '.join(pb.words + pb.initials)!r} "
               f"{sim:.2f} ({matched} part(s))"]
    if pa.patronymic and pb.patronymic and _word_sim(pa.patronymic, pb.patronymic) < 0.8:
        return Score(NEVER, reasons + [f"different patronymics ({pa.patronymic}, {pb.patronymic}): never the same"])
    gendered = next(((w, u) for w, u in words if _gendered(w, u)), None)
    if gendered:
        return Score(min(sim, 0.5), reasons + [f"male and female forms ({gendered[0]}, {gendered[1]})"])
    value = sim
    weak = next(((w, u) for w, u in words if _word_sim(w, u) < 0.8), None)
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
