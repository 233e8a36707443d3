"""A deterministic synthetic company registry, in the layout of ``loaders/registry.yml``.

    python -m graphkit.synth.registry --companies 100000 --out /tmp/graphkit-bench

writes ``DIR/registry-100000.csv``: one row per fact, a company with at most one holder in one
role, the company repeated on each of its rows, as real registry extracts are.

What it holds (all drawn from word lists with one seeded ``random.Random``, so the same
arguments always give the same file, byte for byte):

- companies: about 60 % Russian (``ООО «...»``, ``АО «...»``, some Latin names; 10-digit INN
  with a valid check digit and a 13-digit OGRN), about 40 % Kazakh (``ТОО «...»``, Latin
  ``... LLP``; 12-digit BIN); an English name for about half, aliases and previous names for a
  few, dissolved firms, a LEI for about 1 %;
- holders: 0-3 per company (about 1.5 distinct people per company, 1.9 rows), people with surname, first name and
  patronymic in Cyrillic or Latin, birth dates, a personal INN for most Russians; about 8 % of
  people hold roles in 2 or 3 companies (so firms are linked through shared officers and
  owners), and about 3 % of holdings are held by another (Russian) company;
- roles: director (an officer), founder / participant / shareholder (owners, with shares), with
  start dates and, for about a fifth, end dates;
- addresses: one per company, unique, except for about 2 % of firms that share an address with
  1-4 others.

Generation is streamed: rows are written as they are made, and the only state kept is a few
bounded pools (people who will hold another role, shared addresses, recent firms), so memory
stays constant whatever the size.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

COLUMNS = ["record_id", "company_name", "company_name_en", "company_aliases", "previous_names",
           "legal_form", "jurisdiction", "inn", "ogrn", "bin", "lei", "company_number",
           "incorporation_date", "dissolution_date", "address", "address_country", "holder_kind",
           "holder_name", "holder_name_en", "holder_inn", "holder_birth_date", "holder_nationality",
           "role", "share_pct", "role_start", "role_end"]

# ---- word lists ----------------------------------------------------------------------------

RU_ADJ = ["Северный", "Южный", "Восточный", "Западный", "Центральный", "Новый", "Первый",
          "Единый", "Сибирский", "Уральский", "Волжский", "Балтийский", "Каспийский", "Донской",
          "Приморский", "Невский", "Камский", "Окский", "Таёжный", "Полярный", "Торговый",
          "Промышленный", "Технический", "Городской", "Речной", "Морской", "Горный", "Лесной"]
RU_NOUN = ["Ветер", "Берег", "Транс", "Строй", "Ресурс", "Альянс", "Капитал", "Логистик",
           "Трейд", "Снаб", "Инвест", "Энерго", "Агро", "Металл", "Групп", "Сервис", "Проект",
           "Импорт", "Экспорт", "Холдинг", "Партнёр", "Вектор", "Горизонт", "Меридиан",
           "Континент", "Маяк", "Терминал", "Пром", "Монтаж", "Комплект", "Химия", "Лес",
           "Нефтегаз", "Электро", "Авто", "Софт", "Фарм", "Текстиль", "Бетон", "Порт"]
KZ_WORD = ["Дала", "Аспан", "Жер", "Алтын", "Кокше", "Сарыарка", "Жетысу", "Тулпар", "Арман",
           "Береке", "Нур", "Самрук", "Кайрат", "Асыл", "Бирлик", "Жулдыз", "Шанырак", "Ак Жол",
           "Тенгри", "Атамекен", "Байтерек", "Есиль", "Каспий", "Алатау", "Иртыш", "Кендала",
           "Батыс", "Шыгыс", "Онтустик", "Сункар"]
LATIN_WORD = ["Aspan", "Nord", "Steppe", "Silk Road", "Eurasia", "Caspian", "Altyn", "Baltic",
              "Global", "Trans", "Logistics", "Trade", "Invest", "Energy", "Agro", "Metal",
              "Group", "Service", "Systems", "Partners", "Capital", "Holding", "Tech", "Resource",
              "Arba", "Tulpar", "Orion", "Vector", "Horizon", "Meridian", "Atlas", "Polar",
              "Kazakh", "Volga", "Ural", "Siberia", "Alatau", "Irtysh", "Terminal", "Supply"]

RU_SURNAME = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов",
              "Новиков", "Морозов", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов",
              "Семёнов", "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов",
              "Беляев", "Тарасов", "Белов", "Комаров", "Орлов", "Киселёв", "Макаров", "Андреев",
              "Ветров", "Громов", "Крылов", "Медведев", "Никитин", "Захаров", "Степанов",
              "Яковлев", "Сорокин", "Ершов"]
RU_MALE = ["Александр", "Сергей", "Андрей", "Алексей", "Дмитрий", "Максим", "Иван", "Михаил",
           "Николай", "Владимир", "Антон", "Павел", "Олег", "Игорь", "Евгений", "Юрий", "Роман",
           "Виктор", "Денис", "Артём"]
RU_FEMALE = ["Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Мария", "Светлана",
             "Екатерина", "Юлия", "Марина", "Людмила", "Галина", "Вера", "Ксения"]
# (father's name -> son's, daughter's patronymic)
RU_PATRONYMIC = [("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"),
                 ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"),
                 ("Дмитриевич", "Дмитриевна"), ("Иванович", "Ивановна"),
                 ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"),
                 ("Владимирович", "Владимировна"), ("Павлович", "Павловна"),
                 ("Олегович", "Олеговна"), ("Игоревич", "Игоревна"), ("Евгеньевич", "Евгеньевна"),
                 ("Юрьевич", "Юрьевна"), ("Викторович", "Викторовна"), ("Петрович", "Петровна"),
                 ("Борисович", "Борисовна"), ("Анатольевич", "Анатольевна")]
KZ_SURNAME = ["Ахметов", "Нурланов", "Жумабаев", "Касымов", "Сейткалиев", "Омаров", "Абенов",
              "Исмаилов", "Султанов", "Токаев", "Сагинтаев", "Бекмуратов", "Есенов", "Кенжебаев",
              "Мукашев", "Оспанов", "Тулеубаев", "Байжанов", "Иманбаев", "Джаксыбеков"]
KZ_MALE = ["Асхат", "Ерлан", "Нурлан", "Данияр", "Айдос", "Арман", "Бауыржан", "Серик", "Марат",
           "Ержан", "Кайрат", "Тимур", "Руслан", "Жандос", "Азамат"]
KZ_FEMALE = ["Айгерим", "Динара", "Гульнара", "Жанар", "Асель", "Алия", "Сауле", "Камила",
             "Мадина", "Айжан"]
KZ_FATHER = ["Серик", "Болат", "Марат", "Нурлан", "Ерлан", "Кайрат", "Бахыт", "Амангельды",
             "Жумабек", "Талгат", "Аскар", "Мурат"]

RU_CITIES = [("101000", "г. Москва"), ("190000", "г. Санкт-Петербург"),
             ("630000", "г. Новосибирск"), ("620000", "г. Екатеринбург"), ("420000", "г. Казань"),
             ("603000", "г. Нижний Новгород"), ("443000", "г. Самара"), ("344000", "г. Ростов-на-Дону"),
             ("450000", "г. Уфа"), ("690000", "г. Владивосток"), ("236000", "г. Калининград"),
             ("644000", "г. Омск")]
KZ_CITIES = [("050000", "г. Алматы"), ("010000", "г. Астана"), ("160000", "г. Шымкент"),
             ("100000", "г. Караганда"), ("030000", "г. Актобе"), ("060000", "г. Атырау"),
             ("070000", "г. Усть-Каменогорск"), ("140000", "г. Павлодар")]
RU_STREETS = ["ул. Ленина", "ул. Тверская", "пр-т Мира", "ул. Гагарина", "ул. Советская",
              "ул. Садовая", "наб. Обводного канала", "ул. Лесная", "ш. Энтузиастов",
              "ул. Промышленная", "пер. Кривоколенный", "ул. Заводская", "ул. Пушкина",
              "ул. Кирова", "пр-т Ленинградский", "ул. Новая"]
KZ_STREETS = ["пр. Абая", "ул. Кенесары", "пр. Достык", "ул. Толе би", "пр. Назарбаева",
              "ул. Жибек Жолы", "ул. Сейфуллина", "пр. Республики", "ул. Кунаева",
              "ул. Сатпаева", "пр. Аль-Фараби", "ул. Богенбай батыра"]

_TRANSLIT = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
             "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
             "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
             "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
             "я": "ya", "қ": "k", "ұ": "u", "ү": "u", "ә": "a", "ө": "o", "ң": "n", "ғ": "g",
             "і": "i", "һ": "h", "«": '"', "»": '"'}


def translit(text: str) -> str:
    """A plain passport-style transliteration (only for the synthetic English names)."""
    out = []
    for ch in text:
        low = ch.lower()
        lat = _TRANSLIT.get(low)
        if lat is None:
            out.append(ch)
        elif ch != low and lat:
            out.append(lat[0].upper() + lat[1:])
        else:
            out.append(lat)
    return "".join(out)


# ---- identifiers ---------------------------------------------------------------------------

_INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def inn10(region: int, seq: int) -> str:
    """A firm's INN: region, 7-digit number, check digit (the real algorithm)."""
    body = f"{region:02d}{seq % 10_000_000:07d}"
    return body + _check(body, _INN10_W)


def inn12(region: int, seq: int) -> str:
    """A person's INN: region, 8-digit number, two check digits."""
    body = f"{region:02d}{seq % 100_000_000:08d}"
    body += _check(body, _INN12_W1)
    return body + _check(body, _INN12_W2)


def ogrn(year: int, region: int, seq: int) -> str:
    body = f"1{year % 100:02d}{region:02d}{seq % 10_000_000:07d}"
    return body + str(int(body) % 11 % 10)


def bin12(date: dt.date, seq: int) -> str:
    """A Kazakh BIN: year and month of registration, 4 (a resident legal entity), 7 digits."""
    return f"{date.year % 100:02d}{date.month:02d}4{seq % 10_000_000:07d}"


def _perm(i: int, modulus: int, mult: int) -> int:
    """A bijection of 0..modulus-1 (mult coprime with modulus), so numbers look unordered but
    never repeat."""
    return (i * mult + 12_345) % modulus


# ---- the generator -------------------------------------------------------------------------


class _Pool:
    """A bounded pool of items that will be used again; random pick, swap-remove."""

    def __init__(self, cap: int):
        self.items: list[dict[str, Any]] = []
        self.cap = cap

    def add(self, item: dict[str, Any]) -> None:
        if len(self.items) >= self.cap:
            self.items[0] = item  # the oldest one gives way
        else:
            self.items.append(item)

    def take(self, rng: random.Random) -> dict[str, Any] | None:
        if not self.items:
            return None
        k = rng.randrange(len(self.items))
        item = self.items[k]
        item["left"] -= 1
        if item["left"] <= 0:
            self.items[k] = self.items[-1]
            self.items.pop()
        return item


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


class Registry:
    """Rows of a synthetic registry. ``rows()`` is a generator; state is bounded."""

    END = dt.date(2025, 6, 30)

    def __init__(self, companies: int, seed: int = 42):
        self.n = companies
        self.rng = random.Random(seed)
        self.people = _Pool(5_000)  # people who will hold another role
        self.addresses = _Pool(2_000)  # addresses other firms will share
        self.recent_ru: list[tuple[str, str]] = []  # (name, inn) of recent Russian firms
        self.person_seq = 0
        self.ru_seq = 0
        self.kz_seq = 0
        self.stats = {"companies": 0, "rows": 0, "people": 0, "people_reused_roles": 0,
                      "company_holders": 0, "shared_address_firms": 0}

    # -- names

    def _company_name(self, kz: bool) -> tuple[str, str]:
        """(name, English name or '')."""
        r = self.rng
        style = r.random()
        if kz:
            words = f"{r.choice(KZ_WORD)} {r.choice(RU_NOUN)}" if r.random() < 0.6 else r.choice(KZ_WORD)
            if style < 0.62:
                return f"ТОО «{words}»", (f'{translit(words)} LLP' if r.random() < 0.5 else "")
            if style < 0.70:
                return f"АО «{words}»", (f'JSC "{translit(words)}"' if r.random() < 0.5 else "")
            latin = f"{r.choice(LATIN_WORD)} {r.choice(LATIN_WORD)}"
            return (f'TOO "{latin}"' if style < 0.85 else f"{latin} LLP"), ""
        words = (f"{r.choice(RU_ADJ)} {r.choice(RU_NOUN)}" if r.random() < 0.7
                 else f"{r.choice(RU_NOUN)}{r.choice(RU_NOUN).lower()}")
        if style < 0.68:
            return f"ООО «{words}»", (f'{translit(words)} LLC' if r.random() < 0.5 else "")
        if style < 0.80:
            prefix = r.choice(["АО", "ПАО", "ЗАО"])
            return f"{prefix} «{words}»", (f'{translit(prefix)} "{translit(words)}"'
                                           if r.random() < 0.5 else "")
        latin = f"{r.choice(LATIN_WORD)} {r.choice(LATIN_WORD)}"
        return (f'OOO "{latin}"' if style < 0.92 else f"{latin} LLC"), ""

    def _new_person(self, kz: bool) -> dict[str, Any]:
        r = self.rng
        self.person_seq += 1
        self.stats["people"] += 1
        female = r.random() < 0.35
        if kz:
            surname = r.choice(KZ_SURNAME) + ("а" if female else "")
            first = r.choice(KZ_FEMALE if female else KZ_MALE)
            father = r.choice(KZ_FATHER)
            if r.random() < 0.5:
                patronymic = father + ("қызы" if female else "ұлы")
            else:
                patronymic = father + ("овна" if female else "ович")
        else:
            surname = r.choice(RU_SURNAME) + ("а" if female else "")
            first = r.choice(RU_FEMALE if female else RU_MALE)
            patronymic = r.choice(RU_PATRONYMIC)[1 if female else 0]
        name = f"{surname} {first} {patronymic}"
        latin = translit(name)
        style = r.random()
        if style < 0.15:  # written only in Latin letters, as some extracts do
            name, name_en = latin, ""
        else:
            name_en = latin if style < 0.55 else ""
        birth = _date(r, dt.date(1950, 1, 1), dt.date(2001, 12, 31))
        region = r.choice([77, 78, 50, 54, 66, 16, 52, 63, 61, 2, 25, 39])
        inn = "" if kz or r.random() < 0.35 else inn12(region, _perm(self.person_seq, 100_000_000, 7_919_131))
        return {"kind": "person", "name": name, "name_en": name_en, "inn": inn,
                "birth": birth.isoformat(), "nationality": "kz" if kz else "ru", "left": 0}

    def _address(self, i: int, kz: bool) -> tuple[str, str]:
        """(address, country) - unique per firm, or shared with a few others (~2 % of firms)."""
        r = self.rng
        if r.random() < 0.02:
            self.stats["shared_address_firms"] += 1
            shared = self.addresses.take(r) if r.random() < 0.7 else None
            if shared is not None:
                return shared["full"], shared["country"]
            full, country = self._unique_address(i, kz, office=False)
            self.addresses.add({"full": full, "country": country, "left": r.randint(1, 4)})
            return full, country
        return self._unique_address(i, kz, office=True)

    def _unique_address(self, i: int, kz: bool, *, office: bool) -> tuple[str, str]:
        cities, streets = (KZ_CITIES, KZ_STREETS) if kz else (RU_CITIES, RU_STREETS)
        # mixed radix over the firm number: every firm gets its own address
        city = cities[i % len(cities)]
        rest = i // len(cities)
        street = streets[rest % len(streets)]
        rest //= len(streets)
        house = rest % 200 + 1
        unit = rest // 200 + 1
        country = ("KZ" if kz else "RU") if self.rng.random() < 0.9 else ("Казахстан" if kz else "Россия")
        where = f"{city[0]}, {city[1]}, {street}, д. {house}"
        if office:
            where += f", {'кв.' if kz and unit % 3 == 0 else 'оф.'} {unit}"
        else:  # a business centre many firms register at
            where += ", БЦ «" + self.rng.choice(LATIN_WORD) + "»"
        return where, country

    # -- rows

    def rows(self) -> Iterator[list[str]]:
        r = self.rng
        for i in range(self.n):
            kz = r.random() < 0.4
            name, name_en = self._company_name(kz)
            inc = _date(r, dt.date(1995, 1, 1), dt.date(2024, 12, 31))
            dissolved = _date(r, inc, self.END) if r.random() < 0.07 else None
            if kz:
                self.kz_seq += 1
                ids = {"bin": bin12(inc, _perm(self.kz_seq, 10_000_000, 3_141_593)), "inn": "", "ogrn": ""}
                jurisdiction = r.choice(["kz", "kz", "kz", "KZ", "Kazakhstan"])
            else:
                self.ru_seq += 1
                region = r.choice([77, 78, 50, 54, 66, 16, 52, 63, 61, 2, 25, 39])
                seq = _perm(self.ru_seq, 10_000_000, 2_718_281)
                ids = {"inn": inn10(region, seq), "ogrn": ogrn(inc.year, region, seq), "bin": ""}
                jurisdiction = r.choice(["ru", "ru", "ru", "RU", "Russia"])
            aliases = ""
            if r.random() < 0.03:
                aliases = translit(name).replace("«", "").replace("»", "")
            previous = ""
            if r.random() < 0.04:
                previous = self._company_name(kz)[0]
            lei = ""
            if r.random() < 0.01:
                lei = f"2534{r.randrange(10**14):014d}{r.randrange(100):02d}"
            address, country = self._address(i, kz)
            company = [name, name_en, aliases, previous, "", jurisdiction, ids["inn"], ids["ogrn"],
                       ids["bin"], lei, "", inc.isoformat(), dissolved.isoformat() if dissolved else "",
                       address, country]
            holders = self._holders(kz)
            self.stats["companies"] += 1
            if not holders:
                self.stats["rows"] += 1
                yield [f"R{i:08d}-0", *company, *([""] * 10)]
            shares = self._shares(sum(1 for _, role in holders if role != "director"))
            for k, (h, role) in enumerate(holders):
                start = _date(r, inc, min(self.END, inc + dt.timedelta(days=3650)))
                end = ""
                if dissolved is not None:
                    end = dissolved.isoformat() if dissolved > start else ""
                elif r.random() < 0.2:
                    end = _date(r, start, self.END).isoformat()
                share = f"{shares.pop():g}" if role != "director" else ""
                self.stats["rows"] += 1
                yield [f"R{i:08d}-{k + 1}", *company, h["kind"], h["name"], h["name_en"], h["inn"],
                       h.get("birth", ""), h.get("nationality", ""), role, share, start.isoformat(), end]
            if not kz:
                if len(self.recent_ru) >= 1_000:
                    self.recent_ru[r.randrange(1_000)] = (name, ids["inn"])
                else:
                    self.recent_ru.append((name, ids["inn"]))

    def _holders(self, kz: bool) -> list[tuple[dict[str, Any], str]]:
        r = self.rng
        x = r.random()
        count = 0 if x < 0.05 else 1 if x < 0.45 else 2 if x < 0.85 else 3
        out: list[tuple[dict[str, Any], str]] = []
        names: set[str] = set()
        owner_role = "participant" if kz else "founder"
        for k in range(count):
            role = "director" if k == 0 else (owner_role if r.random() < 0.7 else "shareholder")
            holder: dict[str, Any] | None = None
            if k > 0 and self.recent_ru and r.random() < 0.03:
                cname, cinn = r.choice(self.recent_ru)
                holder = {"kind": "company", "name": cname, "name_en": "", "inn": cinn}
                self.stats["company_holders"] += 1
            elif r.random() < 0.10 or len(self.people.items) >= self.people.cap:
                holder = self.people.take(r)
                if holder is not None:
                    self.stats["people_reused_roles"] += 1
            if holder is None or holder["name"] in names:
                holder = self._new_person(kz)
                if r.random() < 0.08:  # will hold a role in one or two more firms
                    holder["left"] = 1 if r.random() < 0.6 else 2
                    self.people.add(holder)
            names.add(holder["name"])
            out.append((holder, role))
        if count == 1 and r.random() < 0.5:
            # a one-person firm: the director is also its sole founder
            out.append((out[0][0], owner_role))
        return out

    def _shares(self, owners: int) -> list[float]:
        if owners == 0:
            return []
        if owners == 1:
            return [100.0]
        cuts = sorted(self.rng.sample(range(5, 96, 5), owners - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        return [float(p) for p in parts]


def generate(companies: int, out_dir: Path, seed: int = 42) -> tuple[Path, dict[str, int]]:
    """Write ``out_dir/registry-<companies>.csv``; returns its path and counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"registry-{companies}.csv"
    reg = Registry(companies, seed)
    tmp = path.with_suffix(".csv.part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in reg.rows():
            writer.writerow(row)
    tmp.replace(path)
    return path, reg.stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, required=True, help="number of companies")
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    path, stats = generate(args.companies, args.out, args.seed)
    took = time.perf_counter() - t0
    print(f"{path}: {stats['rows']} rows, {stats['companies']} companies, {stats['people']} people "
          f"({stats['people_reused_roles']} extra roles of people in several firms), "
          f"{stats['company_holders']} company holders, {stats['shared_address_firms']} firms at "
          f"shared addresses; {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
