"""Resolution when real sources meet in one graph: clusters stay consistent (every record of one
cluster checked against every record of the other before they join), short names and a curated
list's separate entries never merge on their own, a merge that changes a sanctions status waits
for a person, PSC's birth months and titles count, and a judgement re-applies only what it touches.

The names are real records: OFAC SDN, OpenSanctions, ICIJ intermediaries and the UK PSC samples
(``../shared/data/real``), as labelled in tests/data/real_pairs.csv where a label exists."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from graphkit.resolve import MAX_QUESTIONS, ResolveReport, decide, run
from graphkit.resolve.evaluation import decide_pair, real_records
from graphkit.resolve.judgements import Judgements, Partition
from graphkit.resolve.scoring import Record, score

DATA = Path(__file__).resolve().parent / "data"


def labelled(pair_id: str) -> tuple[Record, Record]:
    with (DATA / "real_pairs.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["pair_id"] == pair_id)
    return real_records(row)


def _states(*records: Record) -> tuple[dict[frozenset[str], str], Partition]:
    partition = Partition()
    out = decide(list(records), Judgements(), partition, ResolveReport())
    return {frozenset((c.a.id, c.b.id)): c.state for c in out}, partition


def test_an_acronym_alias_never_carries_a_match():
    # the German party NPD and Iran's NPPD (OFAC), which folds to "npd"
    state, value, why = decide_pair(*labelled("rp0394"))
    assert state == "apart" and "a short name or acronym" in why and value < 0.75


def test_two_entries_of_one_curated_list_are_shown_for_review_not_merged():
    # OFAC's two "NATIONAL LIBERATION ARMY" entries (Colombia's ELN, an Albanian group)
    state, _, why = decide_pair(*labelled("rp0362"))
    assert state == "pending" and "ofac-sdn lists them as two entries" in why
    # VEB and BANK BELVEB: OFAC gives both VEB's tax number; a shared number does not outweigh it
    state, _, why = decide_pair(*labelled("rp0354"))
    assert state == "pending" and "same registry id ru-inn:7750004150" in why


def test_a_womans_form_never_joins_a_mans_cluster_through_a_weak_pair():
    # OpenSanctions and OFAC spellings of one man born 1952-10-07, and a woman's name form
    # (genitive, female patronymic) with the same date that a loose spelling could bridge
    man = Record("ofac", "Person", ["PUTIN, Vladimir Vladimirovich"], "ru", "1952-10-07", datasets=["ofac-sdn"])
    press = Record("zala", "Person", ["Vladimir Poutine"], None, "1952-10-07", datasets=["opensanctions"])
    cyr = Record("ru", "Person", ["Путин Владимир Владимирович"], "ru", "1952-10-07", datasets=["opensanctions"])
    woman = Record("w", "Person", ["Путина Владимира Владимировна"], None, "1952-10-07", datasets=["opensanctions"])
    states, partition = _states(man, press, cyr, woman)
    assert partition.find("ofac") == partition.find("ru")
    assert partition.find("w") != partition.find("ofac")
    assert "male and female forms" in score(man, woman).explanation
    assert partition.conflict("w", "ofac") == "gender"
    assert partition.describe_conflict("w", "ofac", "gender") == "gender: female vs male"


def test_firms_of_two_countries_are_not_joined_through_a_third_record():
    # ICIJ intermediaries: Bermuda Trust of Hong Kong and of Jersey, and a record with no country
    hk = Record("hk", "Company", ["BERMUDA TRUST (FAR EAST) LIMITED"], "hk", datasets=["icij"])
    je = Record("je", "Company", ["Bermuda Trust (Far East) Limited"], "je", datasets=["icij"])
    bare = Record("x", "Company", ["Bermuda Trust (Far East) Limited"], None, datasets=["icij"])
    _, partition = _states(hk, je, bare)
    assert partition.find("hk") != partition.find("je")
    # a registry number both carry confirms it: one firm registered in two places
    hk.registry_ids, je.registry_ids = ["lei:5493001KJTIIGC8Y1R12"], ["lei:5493001KJTIIGC8Y1R12"]
    _, partition = _states(hk, je)
    assert partition.find("hk") == partition.find("je")


def test_a_merge_that_would_put_an_unlisted_record_on_a_sanctions_list_waits_for_a_person():
    listed = Record("sdn", "Company", ["MIDDLE EAST SAMAN CHEMICAL COMPANY"], "ir", listed=True, datasets=["ofac-sdn"])
    other = Record("icij", "Company", ["Middle East Saman Chemical Company"], "ir", datasets=["icij"])
    states, partition = _states(listed, other)
    assert states[frozenset(("sdn", "icij"))] == "pending" and partition.find("sdn") != partition.find("icij")
    other.registry_ids = listed.registry_ids = ["reg:ir:10340455609"]  # a number confirms it
    states, _ = _states(listed, other)
    assert states[frozenset(("sdn", "icij"))] == "auto"


def test_psc_birth_months_and_titles_decide_at_their_precision():
    # the PSC sample writes "Mr Marc Anthony Feldman", born 1961-12 (no day)
    psc = Record("psc", "Person", ["Mr Marc Anthony Feldman", "Marc Anthony Feldman"], "gb", "1961-12")
    later = Record("other", "Person", ["Mr Marc Anthony Feldman"], "gb", "1961-11")
    assert score(psc, later).value == -1.0  # another month: another man
    full = Record("full", "Person", ["Marc Anthony FELDMAN"], "gb", "1961-12-03")
    s = score(psc, full)
    assert s.value > 0 and "birth dates agree only at the precision both give" in s.explanation
    mrs = Record("mrs", "Person", ["Mrs Marc Anthony Feldman"], "gb", "1961-12")
    assert "male and female forms" in score(psc, mrs).explanation
    same_month = Record("again", "Person", ["Marc Anthony Feldman"], "gb", "1961-12")
    s = score(Record("psc", "Person", ["Mr Marc Anthony Feldman"], "gb", "1961-12"), same_month)
    assert "name elements agree, born 1961-12" in s.explanation  # "Mr" is no missing name part
    # a name and a month alone join two filings only where namesakes are not to be expected
    # (test_resolution_psc); a firm both control confirms it
    assert s.value < 0.75 and "nothing shared to confirm" in s.explanation
    same_month.context = {"gb-coh:08209948"}
    s = score(Record("psc", "Person", ["Mr Marc Anthony Feldman"], "gb", "1961-12", context={"gb-coh:08209948"}),
              same_month)
    assert s.value >= 0.9 and "both control the same firm" in s.explanation


def test_inverted_names_and_gost_initials_are_compared_and_matched_with_a_birth_date():
    from graphkit.resolve.blocking import candidates

    ofac = Record("ofac", "Person", ["PUTIN, Vladimir Vladimirovich"], "ru", "1952-10-07")
    press = Record("press", "Person", ["Vladimir Putin"], None, "1952-10-07")
    s = score(ofac, press)
    assert s.value >= 0.9 and "'PUTIN, Vladimir Vladimirovich' ~ 'Vladimir Putin'" in s.explanation
    # GOST 7.79 (system B) writes ц as "cz"; the Latin record gives only initials
    gost = Record("gost", "Person", ["Czvetkov K. Y."], None, "1983-05-14")
    cyr = Record("cyr", "Person", ["Цветков Кирилл Юрьевич"], "ru", "1983-05-14")
    # born that day too, but only K. begins alike: no pair (one part alike paired most of a day's births)
    other = Record("other", "Person", ["Морозов Константин Петрович"], "ru", "1983-05-14")
    assert [(a.id, b.id) for a, b in candidates([gost, cyr, other])] == [("cyr", "gost")]
    assert score(gost, cyr).value >= 0.9


def _kek_graph(cli, real: Path, tmp_path: Path) -> Path:
    db = tmp_path / "g"
    cli("load", real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl", "--mapping", "ftm",
        "--dataset", "kek", "--db", db, "--rejects-dir", tmp_path / "rejects")
    return db


def _decisions(store) -> set[tuple[str, str, str]]:
    return {(r["a_id"], r["b_id"], r["judgement"]) for r in store.run("same_as_all")}


def test_a_judgement_reapplies_only_what_it_touches_and_decides_as_a_full_resolve(cli, real, tmp_path):
    from graphkit.resolve import resolve
    from graphkit.store.embedded import EmbeddedStore

    db, book = _kek_graph(cli, real, tmp_path), tmp_path / "j.jsonl"
    cli("resolve", "--db", db, "--judgements", book)
    group = json.loads(cli("review", "--db", db, "--judgements", book, "--format", "json").out.splitlines()[0])
    pair = group["pairs"][0]
    r = cli("review", "--db", db, "--judgements", book, "--reject", pair["a_id"], pair["b_id"])
    assert r.code == 0, r.out
    with EmbeddedStore(db) as store:
        after_judgement = _decisions(store)
        assert (pair["a_id"], pair["b_id"], "rejected") in after_judgement
        resolve(store, Judgements.load(book))  # the whole graph again, from scratch
        full = _decisions(store)
    # the same entities, the same rejection; the review questions may differ only where a record
    # of the neighbourhood has its MAX_QUESTIONS strongest questions (which three, a full resolve
    # settles over the whole graph)
    assert {d for d in full if d[2] != "pending"} == {d for d in after_judgement if d[2] != "pending"}
    asked = Counter(x for d in full | after_judgement if d[2] == "pending" for x in d[:2])
    assert all(max(asked[d[0]], asked[d[1]]) >= MAX_QUESTIONS for d in full ^ after_judgement), full ^ after_judgement
    explained = cli("resolve", "--db", db, "--judgements", book, "--explain", pair["a_id"], pair["b_id"]).out
    assert "decision: rejected" in explained


def test_run_keeps_what_one_curated_list_gives_apart_even_through_a_third_record():
    a = Record("a", "Company", ["MINISTRY OF STATE SECURITY"], None, datasets=["ofac-sdn"])
    b = Record("b", "Company", ["MINISTRY OF STATE SECURITY", "MGB"], None, datasets=["ofac-sdn"])
    c = Record("c", "Company", ["Ministry of State Security"], None, datasets=["opensanctions"])
    result = run({"Company": [a, b, c], "Person": []})
    firms = result.partitions["Company"]
    assert firms.find("a") != firms.find("b")


def test_the_review_queue_puts_what_changes_a_sanctions_status_first_and_counts_n_of_m(cli, real, tmp_path):
    # one real OFAC entry beside a registry firm of that name, and two registry namesakes
    sdn = tmp_path / "sdn.csv"
    with (real / "ofac_sdn" / "sdn.csv").open(encoding="utf-8", errors="replace") as fh:
        sdn.write_text(next(line for line in fh if line.startswith("28687,")), encoding="utf-8")
    reg = tmp_path / "reg.csv"
    reg.write_text("record_id,company_name,jurisdiction,holder_kind,holder_name,holder_nationality,role\n"
                   "1,Middle East Saman Chemical Company,ir,person,Сидоров Олег Петрович,ru,director\n"
                   "2,ООО Бета,ru,person,SIDOROV OLEG PETROVICH,kz,director\n", encoding="utf-8")
    db, book = tmp_path / "g", tmp_path / "j.jsonl"
    cli("load", sdn, "--mapping", "ofac-sdn", "--db", db)
    cli("load", reg, "--mapping", "registry", "--db", db)
    cli("resolve", "--db", db, "--judgements", book)
    out = cli("review", "--db", db, "--judgements", book).out
    first, second = (ln for ln in out.splitlines() if " of 2. " in ln)
    assert first.startswith("1 of 2. ") and first.endswith("changes a sanctions status:")
    assert second.startswith("2 of 2. ")
    assert "merging would change a sanctions status" in out
