"""Benchmark entity resolution on synthetic names: time, peak memory, pairs scored, blocking
recall, and precision/recall of the automatic decisions.

    python bench/resolve_bench.py --sizes 100000,1000000 [--out docs/benchmarks-resolve.md]

Each size N makes N person records: Russian and Kazakh names (surname, given name, patronymic)
in Cyrillic with birth dates; 10% of them get a second record for the same person written as
another source would write it (Latin under one of several transliteration schemes, surname
first or last, an initial instead of the given name, a press-style spelling slip). Those are
the true pairs. Every size runs in a fresh process so peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

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
    from rigour.text import ascii_text

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


def make_records(n: int, seed: int = 7):
    from graphkit.resolve.scoring import Record

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


def measure(n: int) -> dict:
    from graphkit.resolve import ResolveReport, decide
    from graphkit.resolve.judgements import Judgements, Partition

    t0 = time.perf_counter()
    records, truth = make_records(n)
    t_gen = time.perf_counter() - t0
    blocked = 0

    def observe(a, b) -> None:
        nonlocal blocked
        if (min(a.id, b.id), max(a.id, b.id)) in truth:
            blocked += 1

    report = ResolveReport()
    t0 = time.perf_counter()
    decisions = decide(records, Judgements(), Partition(), report, observe)
    t_resolve = time.perf_counter() - t0
    recall_block = blocked / len(truth) if truth else 1.0
    auto = {(min(c.a.id, c.b.id), max(c.a.id, c.b.id)) for c in decisions if c.state == "auto"}
    tp = len(auto & truth)
    return {
        "records": len(records), "true_pairs": len(truth), "generate_s": round(t_gen, 1),
        "resolve_s": round(t_resolve, 1),
        "pairs_scored": report.pairs_scored, "blocking_recall": round(recall_block, 4),
        "auto": len(auto), "pending": report.pending,
        "auto_precision": round(tp / len(auto), 4) if auto else None,
        "auto_recall": round(tp / len(truth), 4) if truth else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", default="docs/benchmarks-resolve.md")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        res = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        rows.append({"size": n, **json.loads(res.stdout.strip().splitlines()[-1])})
        print(rows[-1], flush=True)
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    lines = [
        "# Entity resolution benchmark", "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {cpu}, {len([ln for ln in Path('/proc/cpuinfo').read_text().splitlines() if ln.startswith('processor')])} cores, "
        f"Python {platform.python_version()}, {platform.platform()}",
        f"- command: `python bench/resolve_bench.py --sizes {args.sizes}`", "",
        "Synthetic people (see the script's docstring): N Cyrillic records, 10% with a second record "
        "in another transliteration, order or with an initial. Blocking recall is the share of true "
        "pairs that reach scoring; precision and recall are those of the automatic decisions (the "
        "review band is not counted as found). Each size runs in its own process.", "",
        "| names | records | true pairs | pairs scored | blocking recall | resolve s (block+score+decide) | auto precision | auto recall | pending review | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['size']:,} | {r['records']:,} | {r['true_pairs']:,} | {r['pairs_scored']:,} | "
                     f"{r['blocking_recall']} | {r['resolve_s']} | {r['auto_precision']} | "
                     f"{r['auto_recall']} | {r['pending']:,} | {r['peak_rss_mb']:,} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
