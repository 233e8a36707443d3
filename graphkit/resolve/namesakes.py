"""Synthetic people for the resolution benchmark and for the evaluation's background population.

Russian and Kazakh names (surname, given name, patronymic) in Cyrillic with birth dates;
surnames drawn with a Zipf-like frequency, so common ones are common and namesakes occur as they
do in a real registry. About 10% of people get a second record as another source would write
them: Latin under one of several transliteration schemes, surname first or last, an initial for
the given name, a press-style slip, sometimes without the birth date. Seeded: the same arguments
give the same people.
"""

from __future__ import annotations

import random

from rigour.text import ascii_text

from graphkit.resolve.scoring import Record

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
            "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков",
            "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков",
            "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов",
            "Сидоров", "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов",
            "Мельников", "Денисов", "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев",
            "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов", "Ефимов", "Федотов", "Щербаков",
            "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов", "Родионов", "Коновалов",
            "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров",
            "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков",
            "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов", "Гришин", "Ефремов",
            "Архипов", "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов",
            "Кондратьев", "Бирюков", "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов",
            "Нұрланов", "Сәрсенбаев", "Қасымов", "Жұмабаев", "Әбдірахманов", "Төлеуов", "Оспанов",
            "Бекмағамбетов", "Ахметов", "Исмаилов", "Сапожников", "Гольдберг", "Шевченко", "Коваленко"]
GIVEN = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил",
         "Артём", "Никита", "Илья", "Павел", "Роман", "Олег", "Игорь", "Владимир", "Юрий", "Николай",
         "Кирилл", "Денис", "Антон", "Виктор", "Константин", "Вадим", "Григорий", "Фёдор", "Тимур",
         "Нұрлан", "Қайрат", "Ерлан", "Асқар", "Дәурен", "Бауыржан", "Айдар", "Жанна", "Юлия", "Анна",
         "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Ксения", "Дарья", "Әлия"]
PATRONYMICS = ["Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Алексеевич", "Михайлович",
               "Иванович", "Николаевич", "Владимирович", "Юрьевич", "Игоревич", "Олегович", "Павлович",
               "Викторович", "Евгеньевич", "Петрович", "Борисович", "Фёдорович", "Григорьевич", "Ильич"]


def latin_variant(text: str, rng: random.Random) -> str:
    """The name as another source writes it in Latin (scheme chosen at random)."""
    out = ascii_text(text)
    scheme = rng.random()
    if scheme < 0.25:  # ICAO-style
        out = out.replace("ya", "ia").replace("yu", "iu").replace("Ya", "Ia").replace("Yu", "Iu")
    elif scheme < 0.5:  # kh / h
        out = out.replace("h", "kh").replace("Kkh", "Kh")
    elif scheme < 0.6:  # a press slip: one letter dropped
        i = rng.randrange(1, max(2, len(out) - 1))
        out = out[:i] + out[i + 1:]
    return out


ROOTS = ["Бел", "Чер", "Сед", "Рыж", "Крас", "Зел", "Сер", "Мал", "Вел", "Тол", "Худ", "Глад", "Жар",
         "Мороз", "Снег", "Лед", "Гор", "Лес", "Пол", "Бор", "Дуб", "Лип", "Клен", "Берез", "Сосн", "Ел",
         "Волк", "Лис", "Медвед", "Заяц", "Сок", "Орл", "Ворон", "Сорок", "Гал", "Лебед", "Журавл", "Соловь",
         "Кузнец", "Плотник", "Гончар", "Мельник", "Рыбак", "Пахар", "Ткач", "Портн", "Сапож", "Кожев",
         "Бондар", "Колес", "Стрель", "Пушкар", "Каш", "Хлеб", "Мед", "Пирог", "Блин", "Квас", "Сол",
         "Перец", "Лук", "Чеснок", "Репин", "Морков", "Горох", "Бобр", "Ерш", "Щук", "Карас", "Окун",
         "Жук", "Комар", "Мух", "Пчел", "Шмел", "Зуб", "Нос", "Глаз", "Голов", "Рук", "Ног", "Бород",
         "Ус", "Лоб", "Камен", "Желез", "Медн", "Серебр", "Золот", "Олов", "Свинц", "Дегт", "Смол",
         "Воск", "Ключ", "Замк", "Двер", "Окн", "Печ", "Изб", "Терем", "Двор", "Сад", "Огород", "Луг",
         "Степ", "Рек", "Озер", "Мор", "Берег", "Остров", "Мост", "Брод", "Ручь", "Ключар", "Сторож",
         "Ахмет", "Нұрлан", "Сәрсен", "Қасым", "Жұма", "Әбдір", "Төле", "Оспан", "Бекмағамбет", "Ерлан",
         "Асқар", "Дәурен", "Бауыржан", "Айдар", "Мұрат", "Серік", "Болат", "Ғалым", "Жандос", "Қанат"]
SUFFIXES = ["ов", "ев", "ин", "ский", "цкий", "енко", "ук", "ович", "ых", "аев", "ибеков", "бай", "ұлы"]


def surname_pool(rng: random.Random) -> tuple[list[str], list[float]]:
    """Surnames with a Zipf-like frequency: common ones are common, most are rare."""
    names = list(dict.fromkeys(SURNAMES + [r + s for r in ROOTS for s in SUFFIXES]))
    rng.shuffle(names)
    return names, [1.0 / (rank + 10) for rank in range(len(names))]


def make_records(n: int, seed: int = 7) -> tuple[list[Record], set[tuple[str, str]]]:
    """``n`` people in Cyrillic with birth dates, and for about 10% of them a second record as
    another source writes the same person; returns the records and those true pairs (ids sorted)."""
    rng = random.Random(seed)
    pool, weights = surname_pool(rng)
    surnames = rng.choices(pool, weights, k=n)
    records, truth = [], set()
    for i in range(n):
        sur, giv, pat = surnames[i], rng.choice(GIVEN), rng.choice(PATRONYMICS)
        born = f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        rid = f"p{i}"
        records.append(Record(rid, "Person", [f"{sur} {giv} {pat}"], "ru", born))
        if rng.random() < 0.10:
            form = rng.random()
            if form < 0.4:
                name = f"{latin_variant(giv, rng)} {latin_variant(sur, rng)}"
            elif form < 0.7:
                name = f"{latin_variant(sur, rng).upper()} {latin_variant(giv, rng).upper()} {latin_variant(pat, rng).upper()}"
            else:
                name = f"{latin_variant(sur, rng)} {latin_variant(giv, rng)[0]}."
            vid = f"v{i}"
            records.append(Record(vid, "Person", [name], None, born if rng.random() < 0.8 else None))
            truth.add((min(rid, vid), max(rid, vid)))
    return records, truth
