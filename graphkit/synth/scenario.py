"""A synthetic registry scenario shaped like the registries graphkit targets, with its truth.

    python graphkit/synth/scenario.py --firms 5000 --seed 1 --out /tmp/scenario

``make_scenario(n_firms, seed, out_dir)`` writes three FollowTheMoney JSON-lines files, as
OpenSanctions publishes them (``graphkit load FILE --mapping ftm --dataset NAME``):

- ``ru_registry.ftm.json`` (dataset ``ru-registry``): Russian firms as in OpenSanctions'
  ``ext_ru_egrul`` records (see ``../shared/data/real/ftm_opensanctions/yente_zala_entities.ftm.json``):
  the name in the registry's full upper-case form (``ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ
  "..."``) or the short form, ``legalForm`` in the register's plural wording, ``innCode``,
  ``ogrnCode``, ``kppCode``, ``jurisdiction: ru``; people keyed by their personal INN (one entity
  per person, as EGRUL keys them) with ``firstName``/``fatherName``/``lastName``; Directorship
  (``ГЕНЕРАЛЬНЫЙ ДИРЕКТОР``, ...) and Ownership (``percentage``) with start and end dates.
- ``kz_registry.ftm.json`` (dataset ``kz-registry``): Kazakh firms with the BIN in
  ``registrationNumber`` and ``jurisdiction: kz`` (how OpenSanctions writes BINs); sole traders
  (ИП) carry their IIN there. The register lists the head by name for each firm, so a person who
  heads three firms is three Person entities here.
- ``press.ftm.json`` (dataset ``press-leak``): a leak or press compilation in Latin script: some
  of the firms (those in cross-border stories more often), each with its registry number only
  sometimes, the name transliterated with its legal form (OOO/LLC, TOO/LLP, AO/JSC), and their
  heads' names in one of five transliteration schemes and several orders.

and ``truth.json`` (see ``Truth``): the true firm or person behind every FtM entity id, and the
true KZ-RU officer links (pairs of a Kazakh and a Russian firm where one true person holds a
role in both, an officer role in at least one), with the roles and their dates.

Everything is drawn from one ``random.Random(seed)``: the same arguments give the same files,
byte for byte. The generator is written from what the registries look like, not from
graphkit's resolution rules.

Statistics and sources the scenario follows
-------------------------------------------
- Legal forms. Russia: among commercial firms limited liability companies (ООО) dominate, with
  non-public and public joint-stock companies a few per cent (SPARK-Interfax per-town register
  statistics, e.g. https://spark-interfax.ru/statistics/city/61410000000: 151 ООО, 4 non-public
  АО and 4 ПАО among 165 commercial organisations in 2024; /city/05210000000: 137 ООО, 2 АО,
  1 ПАО of 141). We use ООО 86 %, АО 5 %, ПАО 1 %, sole traders (ИП, with a 12-digit personal
  INN and a 15-digit OGRNIP) 8 %. Kazakhstan: limited liability partnerships (ТОО) dominate the
  legal-entity register (stat.gov.kz counts; the same shape as Russia's), joint-stock companies
  (АО) are rare; sole traders register under their IIN. We use ТОО 88 %, АО 3 %, ИП 9 %.
- Firm names are built from a small vocabulary (Строй-, Торг-, Транс-, Пром-, Техно-, Агро-,
  Инвест, Сервис, Альфа, Восток, Меридиан, Сокол, Групп, Плюс, ...) whose words are drawn with
  Zipf weights (rank r has weight 1/r), as word frequencies in names are (Zipf's law; the
  same stems dominate any sample of EGRUL names, e.g. the real records above: "ЦСТ",
  "ТрансКомплектХолдинг", "Беспилотные системы"). So different firms share words, use the same
  words in another order, or differ by a number (12 %), a year (4 %) or a Roman numeral (4 %).
  Russian law does not require a firm's name to be unique, so identical names recur among
  Russian firms (each with its own INN); Kazakh names are drawn until unique in the register.
  About a fifth of Kazakh firms use a Latin-script name in the register itself.
- Identifiers with their real check digits: RU INN (10 digits for a firm, 12 for a person: the
  FNS weights 2,4,10,3,5,9,4,6,8 and 7,2,4,10,3,5,9,4,6,8 / 3,7,2,4,10,3,5,9,4,6,8), OGRN
  (13 digits, mod 11), OGRNIP (15 digits, mod 13), KZ BIN and IIN (12 digits; weights 1..11, or
  3..11,1,2 when the first sum gives 10; Kazakh government decree P070000406, as implemented in
  github.com/valery1707/kaz-person-id and github.com/ZhymabekRoman/kz-iin-validator).
- People. Surnames follow Zipf-like frequencies (rank lists after A. Zhuravlev's frequency list
  of Russian surnames, the most common Kazakh patronymic-derived surnames, and common Ukrainian
  surnames in -енко/-чук) for 55 % of people; the rest come from the long tail (made-up roots
  with each nationality's endings: -ов/-ин/-ский, Kazakh forebears' names with -ов/-баев,
  -енко/-чук), since frequency lists hold only the head of the distribution. Given names are
  far more concentrated than surnames (a few names
  cover most men of a generation: Александр, Сергей, Дмитрий, Андрей, Алексей, ...), and
  patronymics follow the fathers' names. Female forms (-ова, -ина, -ская) for about 30 % of
  heads (the share of women among Russian company heads is about a third). So the same full
  name recurs for different people (namesakes), as it does in any national register; in
  addition 3 % of people are deliberate namesakes of another person (same name, another birth
  date, or no birth date recorded).
- Directorships per person are heavy-tailed (most people head one firm, a few head dozens: the
  FNS flags "mass heads" of five or more firms). Roles are assigned by a Yule-Simon process
  (each role goes to a new person with probability 0.78, otherwise to an existing person with
  probability proportional to the roles they hold), which gives a power-law tail. 7 % of the
  roles given to existing people cross the border, so a minority of people hold roles in both a
  Kazakh and a Russian firm: those make the true officer links.
- Roles: a current head for every firm (not for sole traders), a former head with an end date
  for 35 % of firms, 1-3 owners (Ownership with percentages; the head owns the firm in about
  half of small firms), start dates after incorporation, end dates for about a fifth of owners.
- Birth dates are per source: the Russian records carry one for 90 % of people (OpenSanctions'
  EGRUL-derived people usually come with a birth date from the lists they were matched to), the
  Kazakh register for 85 % (the IIN encodes it), the press file for half. These shares are
  parameters of the scenario (``BIRTH_DATE_SHARE``), not measured statistics.
- Spellings. The Russian register writes every name in Russian Cyrillic (Kazakh letters Ә Ғ Қ Ң
  Ө Ұ Ү Һ І folded to Russian ones); the Kazakh register keeps Kazakh letters for half of the
  Kazakh names and the -ұлы/-қызы patronymic for 15 %; the press file writes Latin in one of
  five schemes implemented below from their published letter tables: GOST 7.79-2000 system A
  (= ISO 9:1995, ICU's Russian-Latin with diacritics), BGN/PCGN 1947, ICAO Doc 9303 (2013;
  Russian passports since 2014), French usage (ou, tch, ch, j, -ine) and German Duden usage
  (w, sch, tsch, z, j). Ukrainians appear in the press in the Ukrainian forms of their names
  (Олександр, Володимир) transliterated by the Ukrainian national table (KMU 2010). Orders
  "Given Patronymic SURNAME", "SURNAME Given Patronymic", "Surname, Given", initials
  ("Ivanov I. I.") and upper case are mixed.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import json
import random
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graphkit.synth.registry import inn10, inn12, ogrn

DATASETS = {"ru": "ru-registry", "kz": "kz-registry", "press": "press-leak"}
FILES = {"ru": "ru_registry.ftm.json", "kz": "kz_registry.ftm.json", "press": "press.ftm.json"}
BIRTH_DATE_SHARE = {"ru": 0.90, "kz": 0.85, "press": 0.5}

# ---- identifiers ---------------------------------------------------------------------------


def ogrnip(year: int, region: int, seq: int) -> str:
    """A sole trader's OGRNIP: 3, year, region, 9 digits, check digit (the remainder mod 13; the
    FNS takes its last digit when it is 10-12, stricter validators such as python-stdnum reject
    those, so such serials are skipped)."""
    while True:
        body = f"3{year % 100:02d}{region:02d}{seq % 1_000_000_000:09d}"
        if int(body) % 13 < 10:
            return body + str(int(body) % 13)
        seq += 1


_KZ_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_KZ_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def kz_check(body: str) -> int | None:
    """The check digit of an 11-digit BIN/IIN body, or None when the number cannot be issued."""
    s = sum(int(d) * w for d, w in zip(body, _KZ_W1, strict=True)) % 11
    if s == 10:
        s = sum(int(d) * w for d, w in zip(body, _KZ_W2, strict=True)) % 11
    return None if s == 10 else s


def kz_bin(registered: dt.date, seq: int) -> str:
    """A BIN: year and month of registration, 4 (resident legal entity), 0 (head office), a
    5-digit serial, check digit. ``seq`` is bumped until a check digit exists."""
    while True:
        body = f"{registered.year % 100:02d}{registered.month:02d}40{seq % 100_000:05d}"
        c = kz_check(body)
        if c is not None:
            return body + str(c)
        seq += 1


def kz_iin(born: dt.date, female: bool, seq: int) -> str:
    """An IIN: birth date YYMMDD, century and sex (3/4 for the 1900s, 5/6 for the 2000s), serial,
    check digit."""
    century = (3 if born.year < 2000 else 5) + (1 if female else 0)
    while True:
        body = f"{born:%y%m%d}{century}{seq % 10_000:04d}"
        c = kz_check(body)
        if c is not None:
            return body + str(c)
        seq += 1


# ---- transliteration: five schemes for Russian, one for Ukrainian ----------------------------

_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _table(*latin: str) -> dict[str, str]:
    assert len(latin) == len(_RU), len(latin)
    return dict(zip(_RU, latin, strict=True))


# GOST 7.79-2000 system A = ISO 9:1995 (one Latin letter, with diacritics, per Cyrillic letter)
GOST_A = _table("a", "b", "v", "g", "d", "e", "ë", "ž", "z", "i", "j", "k", "l", "m", "n", "o", "p",
                "r", "s", "t", "u", "f", "h", "c", "č", "š", "ŝ", "ʺ", "y", "ʹ", "è", "û", "â")
# BGN/PCGN 1947 (е and ё as ye/yë at the start of a word and after a vowel, й, ъ, ь)
BGN = _table("a", "b", "v", "g", "d", "e", "ë", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
             "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ʺ", "y", "'", "e", "yu", "ya")
# ICAO Doc 9303, 7th edition (2015; Russian passports from 2014), the "2013" table
ICAO = _table("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
              "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia")
# French usage (e.g. Le Monde, AFP): ou, j, ch, tch, chtch; ы y; ь, ъ dropped
FRENCH = _table("a", "b", "v", "g", "d", "e", "io", "j", "z", "i", "ï", "k", "l", "m", "n", "o", "p",
                "r", "s", "t", "ou", "f", "kh", "ts", "tch", "ch", "chtch", "", "y", "", "e", "iou", "ia")
# German usage (Duden): w, s, sch, tsch, schtsch, z, ch, j
GERMAN = _table("a", "b", "w", "g", "d", "e", "jo", "sch", "s", "i", "i", "k", "l", "m", "n", "o", "p",
                "r", "s", "t", "u", "f", "ch", "z", "tsch", "sch", "schtsch", "", "y", "", "e", "ju", "ja")
SCHEMES = {"gost-7.79-a": GOST_A, "bgn-pcgn": BGN, "icao-9303": ICAO, "french": FRENCH, "german": GERMAN}
# Ukrainian national transliteration (Cabinet of Ministers resolution 55, 2010)
UKR = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
       "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
       "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
       "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "ʼ": ""}
UKR_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# Kazakh letters: to Russian Cyrillic (how the Russian register writes Kazakh names) and to Latin
KZ_TO_RU = {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
KZ_LATIN = {"german": {"ә": "ä", "ө": "ö", "ү": "ü"}, "gost-7.79-a": {"ә": "ä", "ө": "ö", "ү": "ü", "ғ": "ġ", "қ": "ķ", "ң": "ņ", "ұ": "ū", "і": "ì"}}
VOWELS = set("аеёиоуыэюяәөұүі")


def transliterate(text: str, scheme: str) -> str:
    """``text`` (Russian or Kazakh Cyrillic) in Latin script by ``scheme`` (a key of SCHEMES or
    "ukrainian"), keeping case: the first letter of a capitalised word stays capitalised, an
    upper-case word stays upper case."""
    out = []
    for word in text.split(" "):
        out.append(_word(word, scheme))
    return " ".join(out)


def _word(word: str, scheme: str) -> str:
    upper = word.isupper() and len(word) > 1
    low = word.lower()
    res: list[str] = []
    for i, ch in enumerate(low):
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < len(low) else ""
        start = i == 0 or not prev.isalpha()
        if scheme == "ukrainian":
            lat = UKR_INITIAL[ch] if start and ch in UKR_INITIAL else UKR.get(ch, ch)
            if ch == "г" and prev == "з":
                lat = "gh"
        else:
            table = SCHEMES[scheme]
            if ch in KZ_TO_RU:
                lat = KZ_LATIN.get(scheme, {}).get(ch) or table[KZ_TO_RU[ch]]
            else:
                lat = table.get(ch, ch)
            after_vowel = start or prev in VOWELS or prev in "йъь"
            if scheme == "bgn-pcgn" and ch in "её" and after_vowel:
                lat = "y" + lat
            elif scheme == "french":
                if ch == "е" and after_vowel and not start and prev != "и":
                    lat = "ie"  # Nikolaïevitch, Vassiliev
                elif ch == "г" and nxt in "еиы":
                    lat = "gu"  # Sergueï, Guennadi
                elif ch == "с" and prev in VOWELS and nxt in VOWELS:
                    lat = "ss"
                elif ch == "й":
                    # -ий -> -i, -ый -> -y (Iouri, Dmitri); after another vowel ï (Sergueï, Nikolaï)
                    lat = "" if prev in "иы" and not nxt else ("ï" if prev in VOWELS else "i")
                elif ch == "н" and nxt == "" and prev == "и":
                    lat = "ne"  # -ин -> -ine (Poutine, Lénine)
                elif ch == "ё" and prev in "жшчщ":
                    lat = "o"  # Gorbatchov
            elif scheme == "german":
                if ch == "е" and after_vowel:
                    lat = "je"
                elif ch == "с" and prev in VOWELS and nxt in VOWELS:
                    lat = "ss"
                elif ch == "ё" and prev in "жшчщ":
                    lat = "o"
                elif ch == "й" and nxt in VOWELS:
                    lat = "j"
                if ch == "й" and nxt == "" and prev in "иы":
                    lat = ""  # -ий -> -i, -ый -> -y
            elif scheme == "icao-9303" and ch == "ь":
                lat = ""
        res.append(lat)
    word_out = "".join(res)
    if upper:
        return word_out.upper()
    if word[:1].isupper():
        return word_out[:1].upper() + word_out[1:]
    return word_out


# ---- vocabularies (rank order = frequency order) ------------------------------------------

STEMS = ["Строй", "Торг", "Транс", "Пром", "Техно", "Агро", "Энерго", "Инвест", "Авто", "Мет",
         "Снаб", "Газ", "Нефте", "Мед", "Евро", "Хим", "Электро", "Лес", "Телеком", "Фарм"]
TAILS = ["сервис", "инвест", "торг", "строй", "трейд", "групп", "холдинг", "комплект", "снаб",
         "ресурс", "логистик", "пром", "монтаж", "систем", "маш", "проект", "импорт", "капитал"]
WORDS = ["Альфа", "Восток", "Меридиан", "Сокол", "Вектор", "Гарант", "Лидер", "Стандарт", "Регион",
         "Капитал", "Партнер", "Альянс", "Прогресс", "Континент", "Орион", "Атлант", "Феникс",
         "Дельта", "Каскад", "Гранит", "Сибирь", "Урал", "Север", "Форум", "Омега", "Развитие",
         "Горизонт", "Маяк", "Импульс", "Эталон", "Вега", "Титан", "Аврора", "Сириус", "Спектр"]
KZ_WORDS = ["Нұр", "Береке", "Жол", "Дала", "Алатау", "Сұңқар", "Тұлпар", "Байтерек", "Астана",
            "Қазақ", "Алтын", "Шаңырақ", "Жетісу", "Сарыарқа", "Тәуелсіздік", "Атамекен", "Арман",
            "Кең дала", "Есіл", "Ақ жол"]
SUFFIXES = ["Групп", "Плюс", "Холдинг", "Трейд", "Сервис", "Логистик", "Инвест", "Центр",
            "Проект", "Консалт"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

LEGAL = {
    "ru": [("ООО", "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ", "Общества с ограниченной ответственностью", 0.86),
           ("АО", "АКЦИОНЕРНОЕ ОБЩЕСТВО", "Непубличные акционерные общества", 0.05),
           ("ПАО", "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "Публичные акционерные общества", 0.01),
           ("ИП", "ИНДИВИДУАЛЬНЫЙ ПРЕДПРИНИМАТЕЛЬ", "Индивидуальные предприниматели", 0.08)],
    "kz": [("ТОО", "ТОВАРИЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ", "Товарищество с ограниченной ответственностью", 0.88),
           ("АО", "АКЦИОНЕРНОЕ ОБЩЕСТВО", "Акционерное общество", 0.03),
           ("ИП", "ИНДИВИДУАЛЬНЫЙ ПРЕДПРИНИМАТЕЛЬ", "Индивидуальный предприниматель", 0.09)],
}
# Latin renderings of the forms in the press: prefix or suffix, as English-language reporting writes them
PRESS_FORMS = {"ООО": [("OOO {}", 0.4), ("{} LLC", 0.45), ("LLC {}", 0.15)],
               "АО": [("AO {}", 0.4), ("{} JSC", 0.6)], "ПАО": [("PAO {}", 0.4), ("{} PJSC", 0.6)],
               "ТОО": [("TOO {}", 0.4), ("{} LLP", 0.6)], "ИП": [("IP {}", 1.0)]}

RU_SURNAMES = ["Смирнов", "Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков",
               "Морозов", "Петров", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов",
               "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов", "Беляев",
               "Тарасов", "Белов", "Комаров", "Орлов", "Киселёв", "Макаров", "Андреев", "Ковалёв",
               "Ильин", "Гусев", "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Алексеев",
               "Степанов", "Яковлев", "Сорокин", "Сергеев", "Романов", "Захаров", "Борисов",
               "Королёв", "Герасимов", "Пономарёв", "Григорьев", "Лазарев", "Медведев", "Ершов",
               "Никитин", "Соболев", "Рябов", "Поляков", "Цветков", "Данилов", "Жуков", "Фролов",
               "Журавлёв", "Николаев", "Крылов", "Максимов", "Сидоров", "Осипов", "Белоусов",
               "Федотов", "Дорофеев", "Егоров", "Матвеев", "Бобров", "Дмитриев", "Калинин",
               "Анисимов", "Петухов", "Антонов", "Тимофеев", "Никифоров", "Веселов", "Филиппов",
               "Марков", "Большаков", "Суханов", "Миронов", "Ширяев", "Александров", "Коновалов",
               "Шестаков", "Казаков", "Ефимов", "Денисов", "Громов", "Фомин", "Давыдов", "Мельников",
               "Щербаков", "Блинов", "Колесников", "Карпов", "Афанасьев", "Власов", "Маслов",
               "Исаков", "Тихонов", "Аксёнов", "Гаврилов", "Родионов", "Котов", "Горбунов",
               "Кудряшов", "Быков", "Зуев", "Третьяков", "Савельев", "Панов", "Рыбаков", "Суворов",
               "Абрамов", "Воронов", "Мухин", "Архипов", "Трофимов", "Мартынов", "Емельянов",
               "Горшков", "Чернов", "Овчинников", "Селезнёв", "Панфилов", "Копылов", "Михеев",
               "Галкин", "Назаров", "Лобанов", "Лукин", "Беляков", "Потапов", "Некрасов", "Хохлов",
               "Жданов", "Наумов", "Шилов", "Воронцов", "Ермаков", "Дроздов", "Игнатьев", "Савин",
               "Логинов", "Сафонов", "Капустин", "Кириллов", "Моисеев", "Елисеев", "Кошелев",
               "Костин", "Горбачёв", "Орехов", "Ефремов", "Исаев", "Евдокимов", "Калашников",
               "Кабанов", "Носков", "Юдин", "Кулагин", "Лапин", "Прохоров", "Нестеров", "Харитонов",
               "Агафонов", "Муравьёв", "Ларионов", "Федосеев", "Зимин", "Пахомов", "Шубин",
               "Игнатов", "Филатов", "Крюков", "Рогов", "Кулаков", "Терентьев", "Молчанов",
               "Владимиров", "Артемьев", "Гурьев", "Зиновьев", "Гришин", "Кононов", "Дементьев",
               "Ситников", "Симонов", "Мишин", "Фадеев", "Комиссаров", "Мамонтов", "Носов",
               "Гуляев", "Шаров", "Устинов", "Вишняков", "Евсеев", "Лаврентьев", "Брагин",
               "Константинов", "Корнилов", "Авдеев", "Зыков", "Бирюков", "Шарапов", "Никонов",
               "Щукин", "Дьячков", "Одинцов", "Сазонов", "Якушев", "Красильников", "Гордеев",
               "Самойлов", "Князев", "Беспалов", "Уваров", "Шашков", "Бобылёв", "Доронин",
               "Белозёров", "Рожков", "Самсонов", "Мясников", "Лихачёв", "Буров", "Сысоев",
               "Фомичёв", "Русаков", "Стрелков", "Гущин", "Тетерин", "Колобов", "Субботин",
               "Фокин", "Блохин", "Селиверстов", "Пестов", "Кондратьев", "Силин", "Меркушев",
               "Лыткин", "Туров", "Гольдберг", "Сапожников", "Вяземский", "Островский", "Толстой"]
KZ_SURNAMES = ["Ахметов", "Омаров", "Әбдірахманов", "Сүлейменов", "Ысқақов", "Жұмабаев", "Қалиев",
               "Қасымов", "Нұрғалиев", "Төлегенов", "Сейітқазиев", "Байжанов", "Ермеков",
               "Мұхамедиев", "Есенов", "Сәрсенбаев", "Смағұлов", "Беков", "Исмаилов", "Кенжебаев",
               "Өтепов", "Бекмұхамбетов", "Жақсылықов", "Оспанов", "Нұрпейісов", "Тоқтаров",
               "Мұқанов", "Әлиев", "Серікбаев", "Ибраев", "Шәкенов", "Дүйсенбаев", "Жанғалиев",
               "Қожахметов", "Рахимов", "Сағынтаев", "Әубәкіров", "Мамыров", "Тұрсынов", "Бейсенов"]
UA_SURNAMES = ["Шевченко", "Бондаренко", "Коваленко", "Бойко", "Ткаченко", "Кравченко", "Коваль",
               "Олейник", "Шевчук", "Полищук", "Мельник", "Лысенко", "Марченко", "Руденко",
               "Савченко", "Петренко", "Мороз", "Клименко", "Павленко", "Кравчук", "Гончаренко",
               "Литвиненко", "Козак", "Пономаренко", "Ярошенко"]
# given names: (male, female) lists, most frequent first
RU_GIVEN = (["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Владимир", "Евгений",
             "Михаил", "Игорь", "Николай", "Юрий", "Олег", "Виктор", "Максим", "Иван", "Денис",
             "Павел", "Константин", "Вячеслав", "Роман", "Артём", "Валерий", "Анатолий",
             "Геннадий", "Илья", "Василий", "Виталий", "Станислав", "Борис", "Григорий"],
            ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Екатерина", "Анна",
             "Юлия", "Марина", "Мария", "Евгения", "Галина", "Людмила", "Оксана", "Александра",
             "Валентина", "Надежда", "Виктория", "Ксения"])
KZ_GIVEN = (["Нұрлан", "Ерлан", "Серік", "Болат", "Ержан", "Данияр", "Асхат", "Бауыржан", "Марат",
             "Қанат", "Талғат", "Арман", "Айдар", "Дархан", "Мұрат", "Нұрсұлтан", "Жандос",
             "Ерболат", "Азамат", "Руслан", "Қайрат", "Бақыт", "Жомарт", "Ғалым"],
            ["Айгүл", "Гүлнара", "Динара", "Жанар", "Сәуле", "Әсел", "Гүлмира", "Айжан",
             "Бибігүл", "Қарлығаш", "Меруерт", "Жанна", "Ләззат", "Алия"])
# Ukrainian people: Russian form (as a Russian or Kazakh register writes it) and Ukrainian form
UA_GIVEN = ([("Александр", "Олександр"), ("Сергей", "Сергій"), ("Владимир", "Володимир"),
             ("Андрей", "Андрій"), ("Алексей", "Олексій"), ("Дмитрий", "Дмитро"), ("Николай", "Микола"),
             ("Юрий", "Юрій"), ("Виктор", "Віктор"), ("Игорь", "Ігор"), ("Евгений", "Євген"),
             ("Михаил", "Михайло"), ("Василий", "Василь"), ("Олег", "Олег")],
            [("Елена", "Олена"), ("Ольга", "Ольга"), ("Наталья", "Наталія"), ("Татьяна", "Тетяна"),
             ("Ирина", "Ірина"), ("Светлана", "Світлана"), ("Юлия", "Юлія"), ("Оксана", "Оксана"),
             ("Евгения", "Євгенія"), ("Александра", "Олександра")])
# patronymics of the fathers' names: (son, daughter); Ukrainian forms for the Ukrainian given names
PATRONYMIC = {
    "Александр": ("Александрович", "Александровна"), "Сергей": ("Сергеевич", "Сергеевна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"), "Андрей": ("Андреевич", "Андреевна"),
    "Алексей": ("Алексеевич", "Алексеевна"), "Владимир": ("Владимирович", "Владимировна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"), "Михаил": ("Михайлович", "Михайловна"),
    "Игорь": ("Игоревич", "Игоревна"), "Николай": ("Николаевич", "Николаевна"),
    "Юрий": ("Юрьевич", "Юрьевна"), "Олег": ("Олегович", "Олеговна"),
    "Виктор": ("Викторович", "Викторовна"), "Иван": ("Иванович", "Ивановна"),
    "Павел": ("Павлович", "Павловна"), "Анатолий": ("Анатольевич", "Анатольевна"),
    "Валерий": ("Валерьевич", "Валерьевна"), "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Василий": ("Васильевич", "Васильевна"), "Борис": ("Борисович", "Борисовна"),
    "Григорий": ("Григорьевич", "Григорьевна"), "Константин": ("Константинович", "Константиновна"),
    "Вячеслав": ("Вячеславович", "Вячеславовна"), "Виталий": ("Витальевич", "Витальевна"),
    "Илья": ("Ильич", "Ильинична"), "Пётр": ("Петрович", "Петровна"), "Леонид": ("Леонидович", "Леонидовна"),
}
FATHERS_RU = ["Александр", "Сергей", "Владимир", "Николай", "Виктор", "Юрий", "Анатолий", "Михаил",
              "Иван", "Василий", "Валерий", "Евгений", "Игорь", "Геннадий", "Алексей", "Андрей",
              "Борис", "Пётр", "Леонид", "Григорий", "Олег", "Вячеслав", "Павел", "Дмитрий", "Илья"]
FATHERS_KZ = ["Серік", "Болат", "Марат", "Нұрлан", "Ерлан", "Қайрат", "Бақыт", "Амангелді",
              "Жұмабек", "Талғат", "Асқар", "Мұрат", "Қанат", "Бауыржан", "Ермек", "Төлеген"]
UA_PATRONYMIC = {"Александр": "Олександр", "Сергей": "Сергій", "Владимир": "Володимир",
                 "Николай": "Миколай", "Виктор": "Віктор", "Юрий": "Юрій", "Анатолий": "Анатолій",
                 "Михаил": "Михайл", "Иван": "Іван", "Василий": "Василь", "Валерий": "Валерій",
                 "Евгений": "Євген", "Игорь": "Ігор", "Геннадий": "Геннадій", "Алексей": "Олексій",
                 "Андрей": "Андрій", "Борис": "Борис", "Пётр": "Петр", "Леонид": "Леонід",
                 "Григорий": "Григорій", "Олег": "Олег", "Вячеслав": "В'ячеслав", "Павел": "Павл",
                 "Дмитрий": "Дмитр", "Илья": "Ілл"}

# the long tail of surnames: made-up roots with each nationality's endings
COMMON_SURNAME_SHARE = 0.55
ONSETS = ["б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "х", "ч", "ш", "бр", "гр",
          "кр", "пр", "тр", "ст", "сл", "шв", "дв", "зв", "кл", "пл", "бл"]
KZ_ROOTS = ["Абай", "Әбіл", "Айтбай", "Ақан", "Алтынбек", "Аман", "Әлібек", "Бақытжан", "Бекет", "Дәулет",
            "Есен", "Жақып", "Жаныс", "Жексен", "Ізбасар", "Қасым", "Қожа", "Мырзахмет", "Нұржан", "Омар",
            "Оспан", "Рахым", "Сағын", "Сейіт", "Сұлтан", "Тоқтар", "Төле", "Тұрсын", "Үсен", "Шәкен"]
NUCLEI = ["а", "о", "е", "и", "у", "я", "ы"]
CODAS = ["", "", "н", "р", "л", "к", "т", "м", "с", "д", "ш", "рк", "нт", "ст"]
RARE_ENDINGS = {"ru": [("ов", 0.5), ("ев", 0.12), ("ин", 0.2), ("ский", 0.1), ("ых", 0.03), ("енко", 0.05)],
                "kz": [("ов", 0.6), ("ев", 0.1), ("баев", 0.15), ("ин", 0.1), ("ұлы", 0.05)],
                "ua": [("енко", 0.45), ("чук", 0.25), ("ук", 0.1), ("ський", 0.1), ("ко", 0.1)]}

RU_CITIES = ["г. Москва", "г. Санкт-Петербург", "г. Новосибирск", "г. Екатеринбург", "г. Казань",
             "г. Нижний Новгород", "г. Челябинск", "г. Самара", "г. Омск", "г. Ростов-на-Дону",
             "г. Уфа", "г. Красноярск", "г. Пермь", "г. Воронеж", "г. Волгоград", "г. Оренбург",
             "г. Астрахань", "г. Омск", "г. Барнаул", "г. Тюмень"]
KZ_CITIES = ["г. Алматы", "г. Астана", "г. Шымкент", "г. Караганда", "г. Актобе", "г. Атырау",
             "г. Павлодар", "г. Усть-Каменогорск", "г. Костанай", "г. Уральск", "г. Актау"]
STREETS = ["ул. Ленина", "ул. Советская", "пр-т Мира", "ул. Гагарина", "ул. Садовая", "ул. Лесная",
           "ул. Промышленная", "ул. Заводская", "ул. Пушкина", "ул. Кирова", "пр. Абая", "ул. Толе би",
           "пр. Достык", "ул. Жибек Жолы", "ул. Сейфуллина", "пр. Республики", "ул. Кунаева"]
ROLES = {"ru": ["ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", "ДИРЕКТОР", "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", "ПРЕЗИДЕНТ"],
         "kz": ["Директор", "Первый руководитель", "Генеральный директор"],
         "press": ["director", "general director", "head"]}


# ---- the truth -------------------------------------------------------------------------------

@dataclass
class Truth:
    """What the scenario really holds.

    - ``entity_of``: every FtM entity id of a firm or person (in any file) -> the true entity
      (``firm:N`` or ``person:N``);
    - ``firms``: true firm -> country, legal form, name, registry ids (``{"ru-inn": ...}``);
    - ``people``: true person -> name (Russian Cyrillic), birth date, nationality, roles held;
    - ``officer_links``: true KZ-RU officer links, one per (Kazakh firm, Russian firm) pair:
      the people behind it with their roles and dates, and ``corroborated`` (true when, for at
      least one such person, the records of the two roles both carry the birth date, so the
      records themselves can show it is one person; otherwise only the names do).
    - ``files``: dataset name -> file name (in the scenario folder).
    """

    entity_of: dict[str, str] = field(default_factory=dict)
    firms: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    officer_links: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Truth:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def link_pairs(self) -> set[tuple[str, str]]:
        """The true officer links as (Kazakh firm, Russian firm) pairs."""
        return {(link["kz_firm"], link["ru_firm"]) for link in self.officer_links}


# ---- the generator ---------------------------------------------------------------------------


class _Zipf:
    """Draws from ``items`` with weight 1/rank**s."""

    def __init__(self, items: list[Any], s: float = 1.0):
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (r ** s) for r in range(1, len(items) + 1)))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    x = rng.random() * sum(w for _, w in weighted)
    for item, w in weighted:
        x -= w
        if x < 0:
            return item
    return weighted[-1][0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _hid(*parts: Any) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:24]


def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    return surname  # -енко, -чук, -ник, -берг: the same for women


def _ru_letters(text: str) -> str:
    """Kazakh letters folded to Russian ones, as a Russian register writes Kazakh names."""
    return "".join((KZ_TO_RU.get(c.lower(), c.lower()).upper() if c.isupper() else KZ_TO_RU.get(c, c))
                   for c in text)


class _Gen:
    def __init__(self, n_firms: int, seed: int):
        self.n = n_firms
        self.rng = random.Random(seed)
        self.truth = Truth(files={DATASETS[k]: FILES[k] for k in FILES},
                           params={"n_firms": n_firms, "seed": seed, "birth_date_share": BIRTH_DATE_SHARE})
        self.stem = _Zipf(STEMS)
        self.tail = _Zipf(TAILS)
        self.word = _Zipf(WORDS)
        self.kz_word = _Zipf(KZ_WORDS)
        self.suffix = _Zipf(SUFFIXES)
        self.surname = {"ru": _Zipf(RU_SURNAMES), "kz": _Zipf(KZ_SURNAMES), "ua": _Zipf(UA_SURNAMES)}
        self.given = {"ru": (_Zipf(RU_GIVEN[0], 1.1), _Zipf(RU_GIVEN[1], 1.1)),
                      "kz": (_Zipf(KZ_GIVEN[0], 1.1), _Zipf(KZ_GIVEN[1], 1.1)),
                      "ua": (_Zipf(UA_GIVEN[0], 1.1), _Zipf(UA_GIVEN[1], 1.1))}
        self.father = {"ru": _Zipf(FATHERS_RU, 0.9), "kz": _Zipf(FATHERS_KZ, 0.9), "ua": _Zipf(FATHERS_RU, 0.9)}
        self.people: list[dict[str, Any]] = []
        self.firms: list[dict[str, Any]] = []
        self.role_weight: dict[str, list[int]] = {"ru": [], "kz": []}  # person index per role held
        self.seq = itertools.count(1)
        self.firms_by_id: dict[str, dict[str, Any]] = {}
        self.dated: set[str] = set()  # person records that carry a birth date

    # -- names --------------------------------------------------------------------------------

    def firm_name(self, country: str) -> str:
        r = self.rng
        x = r.random()
        if country == "kz" and r.random() < 0.35:
            words = [self.kz_word(r)] + ([self.word(r)] if r.random() < 0.3 else [])
        elif x < 0.35:
            words = [self.stem(r) + self.tail(r)]
            if r.random() < 0.25:
                words.append(self.word(r))
        elif x < 0.75:
            words = [self.word(r)]
            if r.random() < 0.55:
                w2 = self.word(r)
                if w2 != words[0]:
                    words.append(w2)
        else:
            words = [self.stem(r) + self.tail(r) if r.random() < 0.5 else self.word(r), self.suffix(r)]
        y = r.random()
        if y < 0.12:
            words.append(str(_pick(r, [(r.randint(1, 9), 0.5), (r.randint(10, 99), 0.5)])))
        elif y < 0.16:
            words.append(str(r.randint(1995, 2024)))
        elif y < 0.20:
            words.append(ROMAN[min(int(r.expovariate(0.6)), 9)])
        name = " ".join(words)
        if country == "kz" and r.random() < 0.2:
            name = transliterate(name, "bgn-pcgn").replace("'", "")
        return name

    def rare_surname(self, nationality: str) -> str:
        """A surname from the long tail: a made-up root with the nationality's endings (the
        frequency lists above hold only the head of the distribution)."""
        r = self.rng
        if nationality == "kz":  # Kazakh surnames are built on forebears' names: Ерболатов, Жомартбеков
            root = r.choice(KZ_GIVEN[0] + FATHERS_KZ + KZ_ROOTS).lower() + r.choice(["", "", "", "бек", "жан", "бай"])
        else:
            root = "".join(r.choice(ONSETS) + r.choice(NUCLEI) for _ in range(r.choice((1, 2, 2)))) + r.choice(CODAS)
        ending = _pick(r, RARE_ENDINGS[nationality])
        if root[-1] in VOWELS and ending[0] in VOWELS:
            root = root[:-1]
        word = root + ending
        return word[:1].upper() + word[1:]

    def new_person(self, nationality: str) -> int:
        r = self.rng
        female = r.random() < 0.3
        g = 1 if female else 0
        surname = self.surname[nationality](r) if r.random() < COMMON_SURNAME_SHARE else self.rare_surname(nationality)
        if female:
            surname = _feminine(surname)
        given_ua = None
        if nationality == "ua":
            given, given_ua = self.given["ua"][g](r)
        else:
            given = self.given[nationality][g](r)
        father = self.father[nationality](r)
        if nationality == "kz":
            stem = _ru_letters(father)
            stem = stem[:-1] + "и" if stem.endswith(("и", "ы")) else stem  # Амангелді -> Амангелдиевич
            patronymic = stem + (("евна" if female else "евич") if stem.endswith("и") else ("овна" if female else "ович"))
            patronymic_kz = father + ("қызы" if female else "ұлы")
        else:
            patronymic = PATRONYMIC[father][g]
            patronymic_kz = None
        born = _day(r, dt.date(1945, 1, 1), dt.date(1976, 12, 31))  # of age by the first firm (1995)
        idx = len(self.people)
        person = {"id": f"person:{idx}", "nationality": nationality, "female": female,
                  "surname": surname, "given": given, "patronymic": patronymic,
                  "patronymic_kz": patronymic_kz, "given_ua": given_ua,
                  "patronymic_ua": (UA_PATRONYMIC[father] + ("івна" if female else "ович")) if nationality == "ua" else None,
                  "birth_date": born.isoformat(), "inn": None, "roles": []}
        if r.random() < 0.03 and self.people:  # a deliberate namesake of someone already known
            other = self.people[r.randrange(len(self.people))]
            if other["female"] == female and other["nationality"] == nationality:
                for k in ("surname", "given", "patronymic", "patronymic_kz", "given_ua", "patronymic_ua"):
                    person[k] = other[k]
                person["namesake_of"] = other["id"]
        self.people.append(person)
        return idx

    # -- firms and roles ----------------------------------------------------------------------

    def make_firms(self) -> None:
        r = self.rng
        kz_names: set[tuple[str, str]] = set()
        sole_traders: set[tuple[str, int]] = set()
        for i in range(self.n):
            country = "ru" if r.random() < 0.6 else "kz"
            form, full, plural, _ = _pick(r, [(f, f[3]) for f in LEGAL[country]])
            inc = _day(r, dt.date(1995, 1, 1), dt.date(2023, 6, 30))
            region = r.choice([77, 78, 50, 54, 66, 16, 52, 74, 63, 55, 61, 2, 24, 59, 36])
            seq = next(self.seq) * 7919 + r.randrange(7919)
            firm: dict[str, Any] = {"id": f"firm:{i}", "country": country, "form": form, "form_full": full,
                                    "legal_form": plural, "incorporated": inc.isoformat(), "ids": {}}
            if form == "ИП":
                owner = self.new_person("kz" if country == "kz" and r.random() < 0.8 else "ru")
                if r.random() < 0.3 and len(self.people) > 10:  # someone who also heads firms
                    known = r.randrange(len(self.people) - 1)
                    if (country, known) not in sole_traders:  # one registration per person
                        owner = known
                sole_traders.add((country, owner))
                p = self.people[owner]
                firm["name"] = " ".join(filter(None, [p["surname"], p["given"], p["patronymic"]]))
                firm["owner"] = p["id"]
                if country == "ru":
                    firm["ids"] = {"ru-inn": p["inn"] or inn12(region, seq), "ru-ogrnip": ogrnip(inc.year, region, seq)}
                    p["inn"] = firm["ids"]["ru-inn"]
                else:
                    firm["ids"] = {"kz-iin": kz_iin(dt.date.fromisoformat(p["birth_date"]), p["female"], seq)}
            else:
                name = self.firm_name(country)
                while country == "kz" and (form, name) in kz_names:
                    name = self.firm_name(country)
                kz_names.add((form, name))
                firm["name"] = name
                if country == "ru":
                    firm["ids"] = {"ru-inn": inn10(region, seq), "ru-ogrn": ogrn(inc.year, region, seq),
                                   "ru-kpp": f"{region:02d}{r.randint(1, 99):02d}01001"}
                else:
                    firm["ids"] = {"kz-bin": kz_bin(inc, seq)}
            city = r.choice(RU_CITIES if country == "ru" else KZ_CITIES)
            firm["address"] = f"{city}, {r.choice(STREETS)}, д. {r.randint(1, 150)}, оф. {r.randint(1, 400)}"
            firm["roles"] = []
            self.firms.append(firm)
            self.firms_by_id[firm["id"]] = firm
        # mass-registration addresses: about 3 % of firms share one with a few others
        for moved in r.sample(self.firms, k=max(2, int(self.n * 0.03))):
            other = r.choice(self.firms)
            if other["country"] == moved["country"]:
                moved["address"] = other["address"]

    def holder(self, country: str) -> int:
        """A person for a role in a firm of ``country`` (Yule-Simon: new, or someone holding roles,
        chosen in proportion to the roles they hold; sometimes across the border)."""
        r = self.rng
        if r.random() < 0.78 or not any(self.role_weight.values()):
            if country == "kz":
                nat = _pick(r, [("kz", 0.75), ("ru", 0.2), ("ua", 0.05)])
            else:
                nat = _pick(r, [("ru", 0.85), ("ua", 0.1), ("kz", 0.05)])
            return self.new_person(nat)
        side = country
        if r.random() < 0.07 or not self.role_weight[side]:
            side = "kz" if country == "ru" else "ru"
        pool = self.role_weight[side] or self.role_weight[country]
        return pool[r.randrange(len(pool))]

    def make_roles(self) -> None:
        r = self.rng
        for firm in self.firms:
            if firm["form"] == "ИП":
                continue
            c = firm["country"]
            inc = dt.date.fromisoformat(firm["incorporated"])
            roles: list[dict[str, Any]] = []
            head_start = inc
            if r.random() < 0.35:  # a former head
                end = _day(r, inc + dt.timedelta(days=60), dt.date(2024, 6, 30))
                roles.append({"type": "Directorship", "person": self.holder(c), "role": r.choice(ROLES[c]),
                              "start": inc.isoformat(), "end": end.isoformat()})
                head_start = end
            head = self.holder(c)
            roles.append({"type": "Directorship", "person": head, "role": r.choice(ROLES[c]),
                          "start": head_start.isoformat(), "end": None})
            n_owners = _pick(r, [(1, 0.6), (2, 0.3), (3, 0.1)])
            shares = [100.0] if n_owners == 1 else _split(r, n_owners)
            for k in range(n_owners):
                who = head if k == 0 and r.random() < 0.5 else self.holder(c)
                start = _day(r, inc, inc + dt.timedelta(days=400))
                until = _day(r, start + dt.timedelta(days=90), dt.date(2024, 6, 30)) if r.random() < 0.2 else None
                roles.append({"type": "Ownership", "person": who, "share": shares[k],
                              "start": start.isoformat(), "end": until.isoformat() if until else None})
            for role in roles:
                self.people[role["person"]]["roles"].append(firm["id"])
                self.role_weight[c].append(role["person"])
                if c == "ru" and self.people[role["person"]]["nationality"] != "kz" and not self.people[role["person"]]["inn"]:
                    if r.random() < 0.95:  # Russians and Ukrainians in Russia have a personal INN
                        self.people[role["person"]]["inn"] = inn12(r.choice([77, 78, 50, 54, 66]), next(self.seq) * 104_729)
            firm["roles"] = roles

    # -- records -------------------------------------------------------------------------------

    def person_names(self, p: dict[str, Any], source: str) -> dict[str, Any]:
        """How ``source`` writes person ``p``: name, name parts, and the scheme used."""
        r = self.rng
        surname, given, patr = p["surname"], p["given"], p["patronymic"]
        if source == "ru":
            surname, given, patr = _ru_letters(surname), _ru_letters(given), _ru_letters(patr)
            name = _pick(r, [(f"{surname} {given} {patr}", 0.6), (f"{given} {patr} {surname}".upper(), 0.25),
                             (f"{surname} {given} {patr}".upper(), 0.15)])
            return {"name": name, "lastName": surname, "firstName": given, "fatherName": patr}
        if source == "kz":
            if p["nationality"] == "kz":
                if r.random() < 0.5:
                    surname, given, patr = _ru_letters(surname), _ru_letters(given), _ru_letters(patr)
                if p["patronymic_kz"] and r.random() < 0.15:
                    patr = p["patronymic_kz"]
            else:
                surname, given, patr = _ru_letters(surname), _ru_letters(given), _ru_letters(patr)
            name = f"{surname} {given} {patr}"
            name = name.upper() if r.random() < 0.6 else name
            return {"name": name, "lastName": surname, "firstName": given, "fatherName": patr}
        # press: Latin, one scheme, one order
        scheme = r.choice(list(SCHEMES))
        if p["nationality"] == "ua" and r.random() < 0.6:
            scheme = "ukrainian"
            given, patr = p["given_ua"], p["patronymic_ua"]
        lat = {k: transliterate(v, scheme) for k, v in (("s", surname), ("g", given), ("p", patr))}
        s, g, pa = lat["s"], lat["g"], lat["p"]
        name = _pick(r, [(f"{g} {pa} {s.upper()}", 0.25), (f"{s.upper()} {g} {pa}", 0.15), (f"{s}, {g} {pa}", 0.1),
                         (f"{g} {s}", 0.2), (f"{g} {pa} {s}", 0.15), (f"{s} {g[0]}. {pa[0]}.", 0.1),
                         (f"{g} {pa} {s}".upper(), 0.05)])
        return {"name": name, "lastName": s, "firstName": g, "scheme": scheme}

    def press_firm_name(self, firm: dict[str, Any]) -> str:
        r = self.rng
        scheme = _pick(r, [("bgn-pcgn", 0.4), ("icao-9303", 0.25), ("gost-7.79-a", 0.1), ("french", 0.1), ("german", 0.15)])
        base = firm["name"] if firm["form"] != "ИП" else firm["name"]
        lat = base if base.isascii() else transliterate(base, scheme)
        if r.random() < 0.3:
            lat = lat.upper()
        return _pick(r, PRESS_FORMS[firm["form"]]).format(lat)

    def records(self, out_dir: Path) -> None:
        r = self.rng
        t = self.truth
        out = {k: (out_dir / FILES[k]).open("w", encoding="utf-8") for k in FILES}

        def emit(source: str, entity: dict[str, Any], true_id: str | None = None) -> None:
            entity["properties"] = {k: v for k, v in entity["properties"].items() if v}
            entity["datasets"] = [DATASETS[source]]
            out[source].write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            if true_id:
                t.entity_of[entity["id"]] = true_id

        # which firms the press covers: those with a cross-border head more often
        cross = {f["id"] for f in self.firms if any(
            {self.firms_by_id[x]["country"] for x in self.people[ro["person"]]["roles"]} >= {"ru", "kz"}
            for ro in f["roles"])}
        press_firms = [f for f in self.firms if r.random() < (0.45 if f["id"] in cross else 0.08)]
        ru_person_ids: dict[int, str] = {}
        for src in ("ru", "kz"):
            for firm in (f for f in self.firms if f["country"] == src):
                fid = firm["ids"]
                if src == "ru":
                    eid = f"ru-inn-{fid['ru-inn']}" if "ru-ogrn" in fid else f"ru-ogrnip-{fid['ru-ogrnip']}"
                    props = {"name": [_registry_name(firm, r.random() < 0.7)],
                             "legalForm": [firm["legal_form"]], "innCode": [fid["ru-inn"]],
                             "ogrnCode": [fid.get("ru-ogrn") or fid["ru-ogrnip"]],
                             "kppCode": [fid.get("ru-kpp", "")], "jurisdiction": ["ru"],
                             "incorporationDate": [firm["incorporated"]], "address": [firm["address"]]}
                else:
                    number = fid.get("kz-bin") or fid["kz-iin"]
                    eid = f"kz-{number}"
                    title = firm["name"] if firm["name"].isascii() else firm["name"].upper()
                    props = {"name": [_registry_name({**firm, "name": title}, r.random() < 0.5)],
                             "legalForm": [firm["legal_form"]], "registrationNumber": [number],
                             "jurisdiction": ["kz"], "incorporationDate": [firm["incorporated"]],
                             "address": [firm["address"]]}
                emit(src, {"id": eid, "schema": "Company", "properties": props}, firm["id"])
                firm["records"] = {src: eid}
                for ro in firm["roles"]:
                    p = self.people[ro["person"]]
                    if src == "ru" and p["inn"] and ro["person"] in ru_person_ids:
                        pid = ru_person_ids[ro["person"]]
                    else:
                        pid = (f"ru-inn-{p['inn']}" if src == "ru" and p["inn"]
                               else f"{src}-person-{_hid(firm['id'], ro['person'], ro['type'], ro['start'])}")
                        names = self.person_names(p, src)
                        pprops: dict[str, Any] = {k: [v] for k, v in names.items() if k != "scheme"}
                        if r.random() < BIRTH_DATE_SHARE[src]:
                            pprops["birthDate"] = [p["birth_date"]]
                            self.dated.add(pid)
                        pprops["gender"] = ["female" if p["female"] else "male"]
                        if src == "ru" and p["inn"]:
                            pprops["innCode"] = [p["inn"]]
                            ru_person_ids[ro["person"]] = pid
                        emit(src, {"id": pid, "schema": "Person", "properties": pprops}, p["id"])
                    ro.setdefault("records", {})[src] = pid
                    rel = _rel(src, ro, pid, eid)
                    emit(src, rel)
        self._press_records(press_firms, emit)
        for f in out.values():
            f.close()

    def _press_records(self, press_firms: list[dict[str, Any]],
                       emit: Callable[..., None]) -> None:
        """The press file: the firms it covers, named in Latin, a number now and then, and some of
        their directors."""
        r = self.rng
        for firm in press_firms:
            eid = f"press-firm-{_hid(firm['id'])}"
            props = {"name": [self.press_firm_name(firm)]}
            if r.random() < 0.5:
                if firm["country"] == "ru":
                    props["innCode"] = [firm["ids"]["ru-inn"]]
                else:
                    props["registrationNumber"] = [firm["ids"].get("kz-bin") or firm["ids"]["kz-iin"]]
            if r.random() < 0.8 or "registrationNumber" in props:
                props["jurisdiction" if "registrationNumber" in props else "country"] = [firm["country"]]
            emit("press", {"id": eid, "schema": "Company", "properties": props}, firm["id"])
            firm["records"]["press"] = eid
            for ro in firm["roles"]:
                if ro["type"] != "Directorship" or r.random() < 0.3:
                    continue
                p = self.people[ro["person"]]
                names = self.person_names(p, "press")
                pid = f"press-person-{_hid(firm['id'], ro['person'], ro['start'])}"
                pprops = {k: [v] for k, v in names.items() if k != "scheme"}
                if r.random() < BIRTH_DATE_SHARE["press"]:
                    pprops["birthDate"] = [p["birth_date"]]
                    self.dated.add(pid)
                pprops["nationality"] = [{"ua": "ua", "kz": "kz"}.get(p["nationality"], "ru")]
                emit("press", {"id": pid, "schema": "Person", "properties": pprops}, p["id"])
                ro.setdefault("records", {})["press"] = pid
                emit("press", _rel("press", {**ro, "role": r.choice(ROLES["press"])}, pid, eid))

    def make_truth(self) -> None:
        t = self.truth
        for firm in self.firms:
            t.firms[firm["id"]] = {k: firm[k] for k in ("country", "form", "name", "ids", "incorporated")}
            t.firms[firm["id"]]["records"] = firm["records"]
        for p in self.people:
            t.people[p["id"]] = {"name": f"{p['surname']} {p['given']} {p['patronymic']}",
                                 "birth_date": p["birth_date"], "nationality": p["nationality"],
                                 "firms": sorted(set(p["roles"]), key=lambda x: int(x.split(":")[1])),
                                 **({"namesake_of": p["namesake_of"]} if "namesake_of" in p else {})}
        # roles of each person per firm
        held: dict[int, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        for firm in self.firms:
            for ro in firm["roles"]:
                held.setdefault(ro["person"], []).append((firm, ro))
        links: dict[tuple[str, str], dict[str, Any]] = {}
        for person, roles in held.items():
            for (fa, ra), (fb, rb) in itertools.product(roles, roles):
                if fa["country"] != "kz" or fb["country"] != "ru":
                    continue
                if "Directorship" not in (ra["type"], rb["type"]):
                    continue
                key = (fa["id"], fb["id"])
                link = links.setdefault(key, {"kz_firm": fa["id"], "ru_firm": fb["id"], "people": [],
                                              "corroborated": False})
                p = self.people[person]
                rec_kz, rec_ru = ra["records"]["kz"], rb["records"]["ru"]
                both_dates = rec_kz in self.dated and rec_ru in self.dated
                link["corroborated"] = link["corroborated"] or both_dates
                link["people"].append({
                    "person": p["id"], "name": t.people[p["id"]]["name"], "birth_date": p["birth_date"],
                    "kz_role": _role_view(ra), "ru_role": _role_view(rb),
                    "kz_record": rec_kz, "ru_record": rec_ru, "birth_date_in_both": both_dates})
        t.officer_links = [links[k] for k in sorted(links)]


def _registry_name(firm: dict[str, Any], full: bool) -> str:
    """A register's name for a firm: ``ОБЩЕСТВО С ... "НАЗВАНИЕ"`` or ``ООО «Название»``; a sole
    trader's name is the person's, without quotes."""
    if firm["form"] == "ИП":
        return f"{firm['form_full']} {firm['name'].upper()}" if full else f"ИП {firm['name']}"
    return f'{firm["form_full"]} "{firm["name"].upper()}"' if full else f"{firm['form']} «{firm['name']}»"


def _role_view(ro: dict[str, Any]) -> dict[str, Any]:
    return {"type": ro["type"], "role": ro.get("role"), "share": ro.get("share"),
            "start_date": ro["start"], "end_date": ro["end"]}


def _split(rng: random.Random, n: int) -> list[float]:
    cuts = sorted(rng.sample(range(5, 96, 5), n - 1))
    return [float(b - a) for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]


def _rel(source: str, ro: dict[str, Any], person_id: str, firm_id: str) -> dict[str, Any]:
    rid = f"{source}-{ro['type'].lower()}-{_hid(person_id, firm_id, ro['type'], ro['start'])}"
    props: dict[str, Any] = {"startDate": [ro["start"]], "endDate": [ro["end"]] if ro["end"] else []}
    if ro["type"] == "Directorship":
        props.update({"director": [person_id], "organization": [firm_id], "role": [ro["role"]]})
    else:
        props.update({"owner": [person_id], "asset": [firm_id], "percentage": [f"{ro['share']:g}"]})
    return {"id": rid, "schema": ro["type"], "properties": props}


def make_scenario(n_firms: int, seed: int, out_dir: Path) -> Truth:
    """Write the scenario's three FtM files and ``truth.json`` into ``out_dir``; return the truth.

    Deterministic: the same ``n_firms`` and ``seed`` give the same files. Takes about a second
    per thousand firms.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    g = _Gen(n_firms, seed)
    g.make_firms()
    g.make_roles()
    g.records(out_dir)
    g.make_truth()
    g.truth.save(out_dir / "truth.json")
    return g.truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--firms", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    truth = make_scenario(args.firms, args.seed, args.out)
    print(f"{len(truth.firms):,} firms, {len(truth.people):,} people, {len(truth.entity_of):,} firm and "
          f"person records, {len(truth.officer_links):,} true KZ-RU officer links in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
