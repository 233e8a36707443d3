"""Names for comparison: transliteration schemes folded together, legal forms and glued
registry numbers taken off, people's names split into parts with initials.

``fold`` maps the spellings that different transliteration schemes (ICU/GOST, BGN/PCGN, ICAO,
French-style) and the press give one Cyrillic name onto one string: ``Mekhanika``,
``Mehanika`` and ``Mekhanica`` fold alike, as do ``Yuliya``, ``Iuliia`` and ``Ioulia``. It is a
comparison form, never shown to users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graphkit import normalize as nz

# Ordered rewrites on transliterated, casefolded text. Multi-letter groups first.
_FOLDS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in [
    (r"shch|sch|chtch|shtch", "sh"),  # щ
    (r"tch", "ch"),  # French ч
    (r"kh", "h"),  # х: kh / h
    (r"(?<=[^aeiou\W])j(?=[aeiou])", "y"),  # German-style я, ю after a consonant: Wjatscheslaw
    (r"\bj(?=[aeiou])", "zh"),  # French-style ж: Jukov / Zhukov
    (r"\bj(?=[bdgklmnrvz])", "zh"),  # French ж before a consonant: Jdanov / Zhdanov
    (r"gu(?=[ei])", "g"),  # French г before e and i: Gueorgui / Georgiy
    (r"(?<=[aeiou])i(?=[aeiou])", "y"),  # vowel-i-vowel: ia/ya between vowels
    (r"\b(y|i)(?=[aeiou])", "y"),  # word-initial Ya/Ia, Yu/Iu
    (r"(?<=[^aeiouy\W])(ya|ia)", "ya"),  # я after a consonant: Nebesnaya / Nebesnaia
    (r"(?<=[^aeiouy\W])(yu|iu)", "yu"),  # ю
    (r"yo", "e"),  # ё: Pyotr / Petr, Semyonov / Semenov
    (r"ou", "u"),  # French у
    (r"ts|tz", "c"),  # ц
    (r"ck|q", "k"),
    (r"c(?!h)", "k"),  # Mekhanica / Mekhanika
    (r"ks", "x"),  # Aleksandr / Alexandr
    (r"ph", "f"),
    (r"tre[iy]d|trade", "trad"),  # English trade words written back from Cyrillic
    (r"servi[ks]e?[sz]?", "servis"),
    (r"(?<=[aeiou])y(?![aeiou])", "i"),  # -oy- / -oi-: Stroykom / Stroikom
    (r"w", "v"),
    (r"iy\b|yi\b|ii\b|y\b", "i"),  # -ий / -ый endings
    (r"ie|ye", "e"),  # е / ё spellings
    (r"(.)\1+", r"\1"),  # double letters
    (r"[ʹʺ'`’]", ""),  # soft and hard signs
]]


@lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """The comparison form of a name: transliterated, casefolded, variant spellings folded."""
    out = nz.latin(text)
    for pattern, repl in _FOLDS:
        out = pattern.sub(repl, out)
    return " ".join(out.split())


@dataclass(frozen=True)
class PersonName:
    """A person's name as word parts; ``initials`` are single letters ("M." in "Saboshnikov M.")."""

    words: tuple[str, ...]  # folded full words, in written order
    initials: tuple[str, ...]
    patronymic: str | None  # a word ending like a Russian patronymic
    spelled: tuple[str, ...] = ()  # the words transliterated but not folded, for initials: Kseniya is K.

    @property
    def tokens(self) -> set[str]:
        return set(self.words)


_PATRONYMIC = re.compile(r"(ovich|evich|ich|ovna|evna|ichna)$")  # Russian: always a patronymic
_TURKIC_PATRONYMIC = re.compile(r"(ogly|ogli|kyzy|kyzi|kizi|qyzy|qyzi|uly|uli|ulu)$")  # also ends surnames: Karasuly


@lru_cache(maxsize=500_000)
def person_name(name: str) -> PersonName:
    words, initials, spelled = [], [], []
    for token in nz.latin(nz.split_glued_ids(name)[1]).split():
        if len(token) <= 2:  # "M." and digraph initials such as "Yu." or "Zh.", as written
            initials.append(token)
        else:
            for w in fold(token).split():
                words.append(w)
                spelled.append(token)
    patronymic = None
    if len(words) > 2:
        # a Turkic -uly / -kyzy ends surnames too (Karasuly), so only the last word counts as one
        patronymic = next((w for w in words if _PATRONYMIC.search(w)), None) or (
            words[-1] if _TURKIC_PATRONYMIC.search(words[-1]) else None)
    return PersonName(tuple(words), tuple(initials), patronymic, tuple(spelled))


@lru_cache(maxsize=500_000)
def company_name(name: str) -> tuple[str | None, str]:
    """(legal form, folded name without it or glued registry numbers)."""
    form, rest = nz.split_legal_form(nz.split_glued_ids(name)[1])
    return form, fold(rest)
