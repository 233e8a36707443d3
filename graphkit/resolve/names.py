"""Names for comparison: transliteration schemes folded together, legal forms and glued
registry numbers taken off, people's names split into parts with initials.

``fold`` maps the spellings that different transliteration schemes (ICU/GOST, BGN/PCGN, ICAO,
French-style) and the press give one Cyrillic name onto one string: ``Mekhanika``,
``Mehanika`` and ``Mekhanica`` fold alike, as do ``Yuliya``, ``Iuliia`` and ``Ioulia``. It is a
comparison form, never shown to users.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from graphkit import normalize as nz

T = TypeVar("T")


class _NotYet:
    """A value of a resolution ``Record`` not worked out yet (``per_names``): one object,
    also once pickled."""

    def __repr__(self) -> str:
        return "NOT_YET"

    def __reduce__(self) -> str:
        return "NOT_YET"


NOT_YET: Any = _NotYet()


def per_names(r: Any, slot: str, work: Callable[[list[str]], T]) -> T:
    """``work(r.names)`` for a resolution ``Record``, worked out once per record and list of
    names and kept in its ``slot`` (``derived_words``, ``derived_gender``, ``derived_elements``):
    what blocking, constraints and every pair of a record ask again. A record given other names
    works them out again."""
    _from_names_now(r)
    known = getattr(r, slot)
    if known is NOT_YET:
        known = work(r.names)
        setattr(r, slot, known)
    out: T = known
    return out


def keep_derived(r: Any, slot: str, value: Any) -> None:
    """Keep ``value`` in ``r``'s ``slot`` as what ``per_names`` would work out from its names
    now: for a caller that has read the names anyway (the gate of scoring, each distinct name
    once, before scoring forks)."""
    _from_names_now(r)
    setattr(r, slot, value)


def _from_names_now(r: Any) -> None:
    """Forget what ``r`` worked out from other names than those it has now."""
    if r.derived_from is not r.names:
        r.derived_from = r.names
        r.derived_words = r.derived_gender = r.derived_elements = NOT_YET


# Ordered rewrites on transliterated, casefolded text. Multi-letter groups first.
_FOLDS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in [
    (r"tsch", "ch"),  # German ч: Tschernyschow, Alexandrowitsch
    (r"tj", "ch"),  # Swedish ч: Nikolajevitj
    (r"wicz\b", "vich"), (r"cz", "ch"), (r"(?<=\w)sz|\bsz", "sh"), (r"rz", "zh"),  # Polish
    (r"oe", "u"),  # Dutch у: Poetin
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
    original: tuple[str, ...] = ()  # the words as written, in their script (for rigour's name symbols)
    gender: str | None = None  # "male" / "female" where a title (Mr, Mrs) or a patronymic says so


    @property
    def tokens(self) -> set[str]:
        return set(self.words)


_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ich|ych|ovna|evna|ivna|ichna)$")  # Russian: always a patronymic
_TURKIC_PATRONYMIC = re.compile(r"(ogly|ogli|kyzy|kyzi|kizi|qyzy|qyzi|uly|uli|ulu)$")  # also ends surnames: Karasuly


# Latin letters with a caron or acute that Slavic Latin alphabets use for one Cyrillic letter
# (Czech and Croatian č, š, ž; Polish ć, ś, ż, ź): the two letters the other schemes write.
# rigour would drop the mark (č -> c), which makes "Vjačeslavovič" another name.
_SLAVIC_LATIN = str.maketrans({"č": "ch", "Č": "Ch", "ć": "ch", "Ć": "Ch", "š": "sh", "Š": "Sh", "ś": "sh",
                               "Ś": "Sh", "ž": "zh", "Ž": "Zh", "ż": "zh", "Ż": "Zh", "ź": "zh", "Ź": "Zh"})


def father_stem(patronymic: str) -> str:
    """The father's name inside a folded patronymic: Bolatovich, Bolatuly and Bolat-uly all
    name Bolat."""
    return _PATRONYMIC.sub("", _TURKIC_PATRONYMIC.sub("", patronymic)) or patronymic


# the same endings as the patronymic's script and scheme write them, for the father's name as
# written (rigour's name symbols know "Володимир" and "Volodymyr", not "volodimir")
_CYR_FATHER_SUFFIX = re.compile(r"(ович|евич|ьович|йович|івна|ївна|овна|евна|ична|ич|ұлы|улы|қызы|кызы)$")
_FATHER_SUFFIX = re.compile(r"(ovych|evych|ovich|evich|ovitj|evitj|owitsch|ewitsch|ovna|evna|ivna|ich|ych|"
                            r"ogly|ogli|kyzy|kyzi|kizi|qyzy|uly|uli|ulu)$")


def fathers_as_written(patronymic: str) -> set[str]:
    """The father's name inside a patronymic as written, transliterated and in its own script:
    "Володимирівна" gives "volodymyr" and "володимир"."""
    return {_FATHER_SUFFIX.sub("", nz.latin(patronymic)),
            _CYR_FATHER_SUFFIX.sub("", patronymic.lower())} - {"", patronymic.lower()}


# Titles and honorifics are no part of a name (UK PSC writes "Mr John Smith"); Mr and Mrs say a
# gender, which two forms of one person's name cannot disagree on. Matched on the word as
# transliterated, so "г-н" and "г-жа" count too.
_TITLES: dict[str, str | None] = {
    "mr": "male", "mister": "male", "sir": "male", "lord": "male", "herr": "male", "g-n": "male",
    "gospodin": "male", "mrs": "female", "ms": "female", "miss": "female", "madam": "female", "dame": "female",
    "lady": "female", "frau": "female", "g-zha": "female", "gospozha": "female",
    "dr": None, "prof": None, "professor": None, "rev": None, "hon": None, "mx": None,
}
_CYRILLIC_TITLES = {"г-н": "male", "г-жа": "female", "господин": "male", "госпожа": "female"}
_FEMALE_PATRONYMIC = re.compile(r"(ovna|evna|ivna|ichna|kyzy|kyzi|kizi|qyzy|qyzi)$")
_MALE_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ich|ych|uly|uli|ulu|ogly|ogli)$")


@lru_cache(maxsize=200_000)
def _person_token(raw: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...],
                                     tuple[str, ...]]:
    """One written word of a person's name: the titles it is (as genders, "" for none), its
    initials and its words: comparison forms, as spelled in Latin letters, as written (three
    tuples of one length). Names share their words (a register repeats John and Smith), so
    each is read once."""
    if raw.lower().strip(".,") in _CYRILLIC_TITLES:
        return (_CYRILLIC_TITLES[raw.lower().strip(".,")],), (), (), (), ()
    titled, initials, words, spelled, original = [], [], [], [], []
    for token in nz.latin(raw.translate(_SLAVIC_LATIN)).split():
        if token.strip(".") in _TITLES:
            titled.append(_TITLES[token.strip(".")] or "")
            continue
        if len(token) <= 2:  # "M." and digraph initials such as "Yu." or "Zh.", as written
            initials.append(token)
        else:
            for w in fold(token).split():
                words.append(w)
                spelled.append(token)
                original.append(raw.strip(".,;:'\"()"))
    return tuple(titled), tuple(initials), tuple(words), tuple(spelled), tuple(original)


def person_tokens(name: str) -> list[str]:
    """The written words of a person's name (numbers glued in front taken off): ``person_name``'s
    words are those ``token_words`` gives for each."""
    return nz.split_glued_ids(name)[1].split()


def token_words(raw: str) -> tuple[str, ...]:
    """The comparison words of one written word of a person's name (none for a title or an
    initial), as ``person_name`` reads them."""
    return _person_token(raw)[2]


def person_words(names: list[str]) -> tuple[str, ...]:
    """The words of all of a person's names, as ``person_name`` gives them, each once, in the
    order first written, without parsing a name whole: each written word is read once however
    many names carry it (a register repeats its forenames and surnames). Word counts read every
    person's names; parsed whole, 1M synthetic names took about 12 s of each scoring process.
    A tuple, not a set: kept for every person (a third of the memory of a frozenset)."""
    return tuple(dict.fromkeys(w for name in names for raw in person_tokens(name) for w in token_words(raw)))


def person_parts(name: str) -> tuple[list[str], list[str], list[str]]:
    """The words (comparison forms), the same words as spelled in Latin letters, and the
    initials of a person's name, in order, as ``person_name`` gives them, read a written word at
    a time (each read once, ``_person_token``), not parsed whole."""
    words: list[str] = []
    spelled: list[str] = []
    initials: list[str] = []
    for raw in person_tokens(name):
        token = _person_token(raw)
        initials += token[1]
        words += token[2]
        spelled += token[3]
    return words, spelled, initials


@lru_cache(maxsize=500_000)
def person_name(name: str) -> PersonName:
    words: list[str] = []
    initials: list[str] = []
    spelled: list[str] = []
    original: list[str] = []
    titled: set[str] = set()
    for raw in person_tokens(name):
        titles, its_initials, its_words, its_spelled, its_original = _person_token(raw)
        if titles:
            titled.update(titles)
        initials += its_initials
        words += its_words
        spelled += its_spelled
        original += its_original
    patronymic = None
    if len(words) > 2:
        # a Turkic -uly / -kyzy ends surnames too (Karasuly), so only the last word counts as one
        patronymic = next((w for w in words if _PATRONYMIC.search(w)), None) or (
            words[-1] if _TURKIC_PATRONYMIC.search(words[-1]) else None)
    genders = titled - {""}
    if patronymic:
        genders.add("female" if _FEMALE_PATRONYMIC.search(patronymic) else
                    "male" if _MALE_PATRONYMIC.search(patronymic) else "")
        genders.discard("")
    gender = genders.pop() if len(genders) == 1 else None
    return PersonName(tuple(words), tuple(initials), patronymic, tuple(spelled), tuple(original), gender)


def word_forms(names: list[str]) -> list[str]:
    """``names`` less each one that is the name before it without its leading title ("John
    Smith" after "Mr John Smith", as a UK PSC record gives both): its words, initials and
    patronymic (``person_name``) are those of that name, so whatever reads only those need not
    parse it again. Its gender may differ (no title): ``person_gender`` reads every name."""
    if len(names) < 2:
        return names
    out = [names[0]]
    for name in names[1:]:
        if not titled_form(out[-1], name):
            out.append(name)
    return out


def titled_form(titled: str, name: str, token: Callable[[str], tuple[tuple[Any, ...], ...]] = _person_token) -> bool:
    """Whether ``titled`` is ``name`` with one word in front that is a title and nothing else
    ("Mr John Smith", "John Smith"), as ``token`` reads a written word (its titles first, then
    what else it is). Such names split into the same words, the title aside; a name that
    begins with a digit is never one (``normalize.split_glued_ids`` reads numbers glued in front
    of a name). Checked on the strings, far cheaper than reading the name."""
    n = len(name)
    if not n or len(titled) <= n + 1 or titled[-n - 1] != " " or not titled.endswith(name) \
            or name.lstrip()[:1].isdigit():
        return False
    return _title_only(titled[:-n - 1], token)


@lru_cache(maxsize=1024)
def _title_only(word: str, token: Callable[[str], tuple[tuple[Any, ...], ...]]) -> bool:
    """Whether ``word`` (no space in or around it) is a title and nothing else, as ``token`` reads it."""
    if not word or word != "".join(word.split()):
        return False
    titles, *other = token(word)
    return bool(titles) and not any(other)


def person_gender(names: list[str]) -> str | None:
    """"male" or "female" when a person's names say so (a title, a patronymic) and agree; else None."""
    return agreed_gender(person_name(n).gender for n in names)


def agreed_gender(genders: Iterable[str | None]) -> str | None:
    """The gender the names' own genders agree on (those that give one), else None."""
    found = {g for g in genders if g}
    return found.pop() if len(found) == 1 else None


# Words that tell firms apart although a fuzzy comparison barely sees them: numbers, Roman
# numerals and ordinal words, in the languages of our sources (German registries are full of
# "Zehnte ... Verwaltungsgesellschaft"). They are compared as numbers, never folded.
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18,
          "xix": 19, "xx": 20}
_ORDINAL_STEMS = [  # (stem, value); an inflection may follow (Zehnte, Zehnter, Zehnten; первая)
    ("erst", 1), ("zweit", 2), ("dritt", 3), ("viert", 4), ("fuenft", 5), ("funft", 5), ("sechst", 6),
    ("siebent", 7), ("siebt", 7), ("acht", 8), ("neunt", 9), ("zehnt", 10), ("elft", 11), ("zwoelft", 12),
    ("zwolft", 12), ("dreizehnt", 13), ("vierzehnt", 14), ("fuenfzehnt", 15), ("funfzehnt", 15),
    ("sechzehnt", 16), ("siebzehnt", 17), ("achtzehnt", 18), ("neunzehnt", 19), ("zwanzigst", 20),
    ("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("fifth", 5), ("sixth", 6), ("seventh", 7),
    ("eighth", 8), ("ninth", 9), ("tenth", 10), ("eleventh", 11), ("twelfth", 12),
    ("perv", 1), ("vtor", 2), ("tret", 3), ("chetvert", 4), ("pyat", 5), ("shest", 6), ("sedm", 7),
    ("vosm", 8), ("devyat", 9), ("desyat", 10),
]
_ORDINAL = re.compile(r"^(" + "|".join(sorted((st for st, _ in _ORDINAL_STEMS), key=len, reverse=True))
                      + r")(e|er|es|en|em|ie|ii|iy|yi|yy|ij|aya|oe|ogo|omu|ym|om|a|o|y|i)?$")
_ORDINAL_VALUE = dict(_ORDINAL_STEMS)
_CONJUNCTION = re.compile(r"(?<!\w)(и|і|and|und|et|&)(?!\w)", re.IGNORECASE)
_NUMBER_SIGN = frozenset({"no", "nr", "n", "nomer"})  # "Depot No 5", "№ 5" (rigour writes № as "No")


def _mark(token: str) -> str | None:
    """The number a token stands for ("ii" -> "2", "zehnte" -> "10", "007" -> "7"), else None.
    A single letter is no number, even "i" or "v": initials ("IP Aliev I. I.") write those."""
    if token.isdigit():
        return str(int(token))
    if token in _ROMAN and len(token) > 1:
        return str(_ROMAN[token])
    m = _ORDINAL.match(token)
    if m:
        return str(_ORDINAL_VALUE[m.group(1)])
    return None


@dataclass(frozen=True)
class FirmName:
    """A firm's name for comparison: the legal form's family, the name words (folded, in
    written order), the numbers (digits, Roman numerals and ordinals, as numbers) and the single
    letters, both compared exactly."""

    form: str | None
    words: tuple[str, ...]
    marks: tuple[str, ...]  # numbers, sorted
    letters: tuple[str, ...] = ()  # single letters, sorted
    plain: tuple[str, ...] = ()  # the name words transliterated but not folded ("lsts" where words has "lsk")
    spelled_marks: tuple[str, ...] = ()  # the numbers written as words or Roman numerals ("first", "ii")

    @property
    def text(self) -> str:
        return " ".join(self.words)


@lru_cache(maxsize=500_000)
def firm_name(name: str) -> FirmName:
    form, rest = nz.split_legal_form(_CONJUNCTION.sub(" ", nz.split_glued_ids(name)[1]))
    words: list[str] = []
    plain: list[str] = []
    marks: list[str] = []
    spelled_marks: list[str] = []
    letters: list[str] = []
    tokens = rest.split()
    if tokens and tokens[-1] in ("i", "v", "x") and (len(tokens) == 1 or len(tokens[-2]) > 1):
        tokens[-1] = {"i": "1", "v": "5", "x": "10"}[tokens[-1]]  # "QVC Germany I": a numeral, not an initial
    for i, token in enumerate(tokens):
        if token in _NUMBER_SIGN and i + 1 < len(tokens) and tokens[i + 1][:1].isdigit():
            continue
        for piece in re.findall(r"\d+|[^\d]+", token):  # "metall1" -> "metall", "1"
            mark = _mark(piece)
            if mark is not None:
                marks.append(mark)
                if not piece.isdigit():
                    spelled_marks.append(piece)
            elif len(piece) == 1:
                letters.append(piece)
            else:
                words.extend(fold(piece).split())
                plain.extend(piece.split())
    return FirmName(form, tuple(words), tuple(sorted(marks)), tuple(sorted(letters)), tuple(plain),
                    tuple(spelled_marks))


def as_written(name: str, folded: list[str] | tuple[str, ...]) -> list[str]:
    """The words ``folded`` (comparison forms of words of ``name``, as ``firm_name`` gives them)
    as ``name`` writes them, for explanations: "korporakion" in 'CORPORACION PANAMERICANA S.A.'
    is 'CORPORACION'. Each written word once, in the order of ``folded``; a folded word no
    written word gives (none should) stays as it is."""
    return list(_as_written(name, tuple(folded)))


@lru_cache(maxsize=200_000)
def _as_written(name: str, folded: tuple[str, ...]) -> tuple[str, ...]:
    """``as_written``, once per name and words (a firm's name is explained against many others)."""
    written: dict[str, str] = {}
    for raw in re.findall(r"[^\W\d_]+", name):
        for w in fold(raw).split():
            written.setdefault(w, raw)
    for raw in name.split():  # dotted abbreviations: "m.b.H." is "mbh", "S.A.S." is "sas"
        raw = raw.strip(".,;:()[]'\"")
        for w in fold(raw.replace(".", "")).split():
            written.setdefault(w, raw)
    return tuple(dict.fromkeys(written.get(w, w) for w in folded))


def company_name(name: str) -> tuple[str | None, str]:
    """(legal form family, folded name without it, glued registry numbers or marks)."""
    fn = firm_name(name)
    return fn.form, fn.text
