"""Entity resolution measured on real records nobody on the team wrote, labelled by hand
(tests/data/real_pairs.csv, person_spellings.csv; see tests/data/README.md), and re-run end to
end on the real samples where the wrong merges were first seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.load import load_files
from graphkit.resolve import resolve
from graphkit.resolve.evaluation import evaluate_real, evaluate_spellings, real_metrics

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def real_outcomes():
    return evaluate_real(DATA / "real_pairs.csv")


def test_no_pair_labelled_different_is_merged(real_outcomes):
    assert sum(not o.same for o in real_outcomes) >= 100  # decided on the labelled pairs, not on none
    false = [(o.pair_id, o.category, o.explanation) for o in real_outcomes if o.merged and not o.same]
    assert false == []


def test_a_person_gets_to_see_nearly_every_true_pair(real_outcomes):
    m = real_metrics(real_outcomes)
    assert m["pairs"] >= 200 and m["same"] >= 100 and m["different"] >= 100
    assert m["found_recall"] >= 0.95, [o.pair_id for o in real_outcomes if o.same and not o.found]


@pytest.mark.parametrize("category", ["numeral", "ordinal", "legal_form_family", "person_vs_firm",
                                      "gendered_name", "initialism", "acronym", "short_alias", "curated_apart",
                                      "shared_number_one_source", "gender_form", "jurisdiction_differs",
                                      "spelled_apart"])
def test_the_hard_decoys_stay_apart(real_outcomes, category):
    cases = [o for o in real_outcomes if o.category == category]
    assert cases, f"no labelled pairs of category {category}"
    assert [o.pair_id for o in cases if o.merged and not o.same] == []


def test_a_person_under_many_spellings_with_one_birth_date_is_one_entity():
    out = evaluate_spellings(DATA / "person_spellings.csv")
    assert out.false_merges == 0
    # the spellings of each person born on a known day end as one entity; a maiden or married
    # surname (ps04 Osetrova/Zakharova, ps05 Zakharova/Moskvina) is for a person to accept
    one_surname_dated = ["ps01", "ps02", "ps03", "ps06", "ps07", "ps08", "ps10", "ps11"]
    assert {g: out.clusters_per_person[g] for g in one_surname_dated} == {g: 1 for g in one_surname_dated}
    assert out.clusters_per_person["ps04"] == out.clusters_per_person["ps05"] == 2
    # one question per would-be entity, never more questions than records
    assert out.review_items <= out.people < out.records


KEK_WRONG_MERGES = [  # auto merges seen before the rules were made safe (see the resolution issue)
    ("QVC Germany II LLC", "QVC Germany I LLC"),
    ("Universal Studios Holding I Corp.", "Universal Studios Holding III Corp."),
    ("MGM Holdings, Inc.", "MGM Holdings II, Inc."),
    ("ProSiebenSat.1 Zehnte Verwaltungsgesellschaft mbH", "ProSiebenSat.1 Vierzehnte Verwaltungsgesellschaft mbH"),
    ("EKD Media GmbH", "AT Media GmbH"),
    ("Bertelsmann Stiftung", "Bertelsmann AG"),
    ("Time Warner, Inc.", "Time Warner Ltd."),
    ("TM Investeringen N.V.", "TM Investeringen B.V."),
    ("Kanal 5 Ltd.", "Kanal 5 AB"),
    ("Verhulst, Gert", "Verhulst Gert BVBA"),
]


def _clusters_by_name(store) -> list[set[str]]:
    from graphkit.resolve import clusters

    return [{m["name"] for m in c["members"]} for c in clusters(store)]


def test_kek_sample_rerun_shows_none_of_the_wrong_merges(store, real, tmp_path):
    load_files(store, [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"], "ftm",
               dataset="kek", rejects_dir=tmp_path)
    report = resolve(store)
    names = {n for c in _clusters_by_name(store) for n in c}
    present = {r["name"] for r in store._execute("MATCH (c:Company) RETURN c.name AS name")}
    for a, b in KEK_WRONG_MERGES:
        assert a in present and b in present, (a, b)
        assert not any({a, b} <= c for c in _clusters_by_name(store)), (a, b)
    assert report.auto <= 5 and len(names) <= 10  # KEK names its firms once: little to merge
    assert report.pending <= report.records["Company"]


def test_customs_aggregates_rerun_merge_only_on_glued_numbers_or_identical_names(store, real, tmp_path):
    customs = real / "customs_trade"
    load_files(store, [customs / "ru_import_monthly_agg.csv"], "ru-import-agg", rejects_dir=tmp_path)
    load_files(store, [customs / "kz_import_monthly_agg.csv"], "kz-import-agg", rejects_dir=tmp_path)
    resolve(store)
    rows = store._execute("MATCH (a:Company)-[s:SAME_AS]->(b:Company) WHERE s.judgement = 'auto' "
                         "RETURN a.registry_ids AS ai, b.registry_ids AS bi, s.explanation AS why")
    assert rows  # the glued INNs of the RU aggregates do join their spellings
    for r in rows:  # every automatic merge says which evidence carried it
        assert "same registry id" in r["why"] or "same words" in r["why"] or "spaced" in r["why"], r["why"]
        assert "numerals differ" not in r["why"] and "different families" not in r["why"]


def test_nine_in_ten_spellings_of_a_person_with_a_birth_date_end_in_one_entity():
    # issue 14: >= 90 % of the Latin and Cyrillic spellings of one person (same birth date) in one
    # entity, with no woman's form or namesake joined
    import csv

    out = evaluate_spellings(DATA / "person_spellings.csv")
    with (DATA / "person_spellings.csv").open(encoding="utf-8", newline="") as fh:
        dated = {r["group_id"] for r in csv.DictReader(fh) if r["birth_date"]}
    kept, spelled = (sum(out.in_largest[g][i] for g in dated) for i in (0, 1))
    assert spelled >= 50 and out.false_merges == 0
    assert kept / spelled >= 0.90, out.in_largest


def test_two_latin_spellings_alike_only_as_they_sound_are_asked_not_merged(real_outcomes):
    """ICIJ's LSTS and LSC CONSULTANTS (ts = c), ACCTAX and ACTAX CONSULTANCY (cc = c) fold to the
    same sounds; written in one script they are two spellings, and the explanation says so
    rather than "same words". A name in Cyrillic and its Latin transliteration are still the
    same words."""
    from graphkit.resolve.scoring import Record, score

    for pair, shown in (("rp0582", "LSTS / LSC"), ("rp0583", "ACCTAX / ACTAX")):
        o = next(o for o in real_outcomes if o.pair_id == pair)
        assert o.state == "pending" and f"the same words as they sound, spelled apart ({shown})" in o.explanation
        assert "same words '" not in o.explanation
    across = score(Record("a", "Company", ["ООО «Небесная механика»"]), Record("b", "Company", ["Nebesnaya Mekhanika LLC"]))
    assert across.value == 1.0 and across.explanation.startswith("same words")


def test_a_firm_and_one_it_owns_are_never_asked_about_as_one(store, real, tmp_path):
    """KEK: United Internet AG owns 100 % of 1&1 Internet AG. Their names share 'Internet AG' and
    an officer, which had put the pair in the review queue, and every common-owner link through
    either into the possible links. A parent and its subsidiary are two firms."""
    from graphkit.resolve import explain

    load_files(store, [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"], "ftm",
               dataset="kek", rejects_dir=tmp_path)
    resolve(store)
    ids = {r["name"]: r["id"] for r in store._execute(
        "MATCH (c:Company) WHERE c.name IN ['United Internet AG', '1&1 Internet AG'] RETURN c.name AS name, c.id AS id")}
    owns = store._execute("MATCH (a:Company {id: $a})-[r:OWNS]->(b:Company {id: $b}) RETURN r.share AS share",
                          {"a": ids["United Internet AG"], "b": ids["1&1 Internet AG"]})
    assert [r["share"] for r in owns] == [100.0]
    asked = store._execute("MATCH (a:Company)-[r:SAME_AS]-(b:Company) WHERE a.id = $a AND b.id = $b RETURN r.judgement AS j",
                           {"a": ids["United Internet AG"], "b": ids["1&1 Internet AG"]})
    assert asked == []
    lines = explain(store, ids["United Internet AG"], ids["1&1 Internet AG"])
    assert any("one holds shares of or a role in the other, as a source states: two firms, never the same" in x
               for x in lines)
    assert lines[-1] == "decision: different entities (a hard rule)"
