"""Sanctions exposure and the OFAC 50 % rule, on both stores: direct, indirect (through a firm
itself blocked), aggregated, below the threshold, ended and unknown shares."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from graphkit.link.exposure import exposure
from graphkit.load.entities import complete_entity
from graphkit.model import Node, Provenance, Rel

SRC = Provenance("own", "owners.csv", "line 1")
AS_OF = dt.date(2023, 6, 1)


def node(label: str, node_id: str, name: str, **props) -> Node:
    props = {"name": name, "datasets": ["own"], "records": [SRC.ref], **props}
    complete_entity(label, props, {})  # names and look-up keys, as a loader derives them
    return Node(label, node_id, props, SRC)


def owns(owner: tuple[str, str], firm: str, share: float | None, record: str, *, start: str | None = "2019-01-01",
         end: str | None = None, **more) -> Rel:
    props = {"role": "shareholder", "share": share, "dataset": "own", "source_file": "owners.csv", "record": record,
             "start_date": dt.date.fromisoformat(start) if start else None,
             "end_date": dt.date.fromisoformat(end) if end else None, **more}
    return Rel("OWNS", owner[0], owner[1], "Company", firm, props, SRC)


X = ("Person", "p:x")  # listed (Sanction + SANCTIONED)
Y = ("Company", "c:y")  # listed (sanctioned = true, as FtM topics set it)


def build(store) -> None:
    nodes = [node("Person", "p:x", "Blocked Person X"), node("Company", "c:y", "Blocked Firm Y", sanctioned=True),
             Node("Sanction", "s:x", {"authority": "US Treasury OFAC", "list": "SDN", "program": "RUSSIA-EO14024",
                                      "datasets": ["own"], "records": ["own|sdn.csv|1"]}, SRC)]
    firms = {"c:direct": "Direct Ltd", "c:agg": "Aggregate Ltd", "c:below": "Below Ltd", "c:mid": "Middle Ltd",
             "c:indirect": "Indirect Ltd", "c:ended": "Ended Ltd", "c:unknown": "Unknown Ltd",
             "c:enough": "Enough Ltd", "c:clean": "Clean Ltd"}
    nodes += [node("Company", i, n) for i, n in firms.items()]
    rels = [Rel("SANCTIONED", "Person", "p:x", "Sanction", "s:x",
                {"role": "listed", "dataset": "own", "source_file": "sdn.csv", "record": "1"}, SRC),
            owns(X, "c:direct", 50.0, "r1"),
            owns(X, "c:agg", 25.0, "r2"), owns(Y, "c:agg", 30.0, "r3"),
            owns(X, "c:below", 25.0, "r4"), owns(Y, "c:below", 20.0, "r5"),
            owns(X, "c:mid", 60.0, "r6"), owns(("Company", "c:mid"), "c:indirect", 60.0, "r7"),
            owns(X, "c:ended", 60.0, "r8", end="2021-01-01"),
            owns(X, "c:unknown", 30.0, "r9"), owns(Y, "c:unknown", None, "r10"),
            owns(X, "c:enough", 50.0, "r11"), owns(Y, "c:enough", None, "r12"),
            owns(("Company", "c:clean"), "c:direct", 50.0, "r13")]
    with store.transaction():
        store.write(nodes, rels)


def answer(store, firm: str, **kw) -> dict:
    (result,) = exposure(store, firm, as_of=kw.pop("as_of", AS_OF), hops=kw.pop("hops", 3))
    return result


@pytest.mark.neo4j
def test_the_50_percent_rule_gives_the_same_answer_on_every_store(any_store):
    build(any_store)
    got = {firm: (r["blocked_by_ownership"], r["aggregate_share"]) for firm in
           ("c:direct", "c:agg", "c:below", "c:indirect", "c:ended", "c:unknown", "c:enough", "c:clean")
           for r in [answer(any_store, firm)]}
    assert got == {"c:direct": (True, 50.0), "c:agg": (True, 55.0), "c:below": (False, 45.0),
                   "c:indirect": (True, 60.0), "c:ended": (False, 0.0), "c:unknown": ("unknown", None),
                   "c:enough": (True, 50.0), "c:clean": (False, 0.0)}


def test_each_path_shows_the_shares_and_dates_that_make_the_total(store):
    build(store)
    agg = answer(store, "c:agg")
    assert [(p[0]["from"]["id"], p[0]["share"], p[0]["start_date"]) for p in agg["ownership_paths"]] == [
        ("c:y", 30.0, "2019-01-01"), ("p:x", 25.0, "2019-01-01")]
    assert agg["ownership_paths"][1][0]["from"]["listings"][0]["list"] == "SDN"
    assert agg["ownership_paths"][1][0]["source"] == {"dataset": "own", "file": "owners.csv", "record": "r2"}
    indirect = answer(store, "c:indirect")
    (path,) = indirect["ownership_paths"]
    assert [(s["from"]["id"], s["to"]["id"], s["share"]) for s in path] == [("p:x", "c:mid", 60.0),
                                                                          ("c:mid", "c:indirect", 60.0)]
    assert path[-1]["from"]["blocked_by_ownership"] is True and path[-1]["chain_share"] == 36.0
    assert answer(store, "c:indirect", hops=1)["blocked_by_ownership"] is False  # the chain is 2 levels


def test_ended_holdings_count_only_while_held(store):
    build(store)
    assert answer(store, "c:ended")["blocked_by_ownership"] is False
    held = answer(store, "c:ended", as_of=dt.date(2020, 6, 1))
    assert held["blocked_by_ownership"] is True and held["ownership_paths"][0][0]["end_date"] == "2021-01-01"
    assert answer(store, "c:direct", as_of=dt.date(2018, 1, 1))["blocked_by_ownership"] is False  # not begun


def test_a_missing_share_is_unknown_never_guessed(store):
    build(store)
    r = answer(store, "c:unknown")
    assert (r["blocked_by_ownership"], r["aggregate_share"], r["known_share"], r["unknown_stakes"]) == (
        "unknown", None, 30.0, 1)
    assert [s[0]["counted"] for s in r["ownership_paths"]] == ["unknown", 30.0]


def test_exposure_lists_paths_to_sanctioned_parties(store):
    build(store)
    r = answer(store, "Clean Ltd", hops=2)
    assert r["blocked_by_ownership"] is False
    (reached,) = r["exposures"]
    assert reached["party"]["id"] == "p:x" and reached["hops"] == 2
    (path,) = reached["paths"]
    assert [(s["kind"], s["to"]["id"]) for s in path] == [("holding", "c:direct"), ("holder", "p:x")]
    assert answer(store, "Clean Ltd", hops=1)["exposures"] == []


def test_exposure_command_prints_json_and_a_table(cli, tmp_path):
    from graphkit.store.embedded import EmbeddedStore

    db = tmp_path / "g"
    with EmbeddedStore(db) as s:
        build(s)
    r = cli("exposure", "Aggregate Ltd", "--db", db, "--as-of", "2023-06-01", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["blocked_by_ownership"] is True and data["aggregate_share"] == 55.0
    table = cli("exposure", "Aggregate Ltd", "--db", db, "--as-of", "2023-06-01")
    assert "blocked by ownership: yes (55% held by blocked parties" in table.out
    assert "Blocked Firm Y owns 30 % of Aggregate Ltd — current, since 2019-01-01" in table.out
    bad = cli("exposure", "Aggregate Ltd", "--db", db, "--as-of", "June")
    assert bad.code == 2 and "--as-of" in bad.err


def test_a_stake_the_source_calls_ended_or_no_longer_confirms_is_not_counted_as_held(store):
    """The status find-links prints decides: GLEIF's INACTIVE relationship and a former role
    count for nothing, a relationship whose registration has LAPSED is of unknown standing."""
    firms = {"c:inactive": "Inactive Ltd", "c:former": "Former Ltd", "c:lapsed": "Lapsed Ltd",
             "c:lapsed-small": "Lapsed Small Ltd"}
    with store.transaction():
        store.write([node("Person", "p:x", "Blocked Person X"), node("Company", "c:y", "Blocked Firm Y", sanctioned=True),
                     *(node("Company", i, n) for i, n in firms.items())],
                    [owns(Y, "c:inactive", 60.0, "r1", status="INACTIVE"),
                     owns(Y, "c:former", 60.0, "r2", role="former shareholder"),
                     owns(Y, "c:lapsed", 60.0, "r3", registration_status="LAPSED"),
                     owns(Y, "c:lapsed-small", 30.0, "r4", registration_status="LAPSED")])
    assert answer(store, "c:inactive")["blocked_by_ownership"] is False
    assert answer(store, "c:former")["blocked_by_ownership"] is False
    lapsed = answer(store, "c:lapsed")
    assert (lapsed["blocked_by_ownership"], lapsed["known_share"], lapsed["unknown_stakes"]) == ("unknown", 0.0, 1)
    assert lapsed["ownership_paths"][0][0]["why"].startswith("GLEIF registration LAPSED: not confirmed current")
    assert answer(store, "c:lapsed-small")["blocked_by_ownership"] == "unknown"  # 30 % or 100 %: not known


def test_a_share_given_as_a_range_counts_its_bounds(store):
    """UK PSC gives a holder's share as a range: more than 50 % blocks; more than 25 and not more
    than 50 % may reach 50 % (unknown), or does with another 30 %; 10 to 25 % and 20 % do not."""
    firms = {"c:over-half": "Over Half Ltd", "c:up-to-half": "Up To Half Ltd", "c:with-more": "With More Ltd",
             "c:small": "Small Ltd"}
    with store.transaction():
        store.write([node("Company", "c:y", "Blocked Firm Y", sanctioned=True),
                     node("Company", "c:z", "Blocked Firm Z", sanctioned=True),
                     *(node("Company", i, n) for i, n in firms.items())],
                    [owns(Y, "c:over-half", None, "r1", share_min=50.0, share_max=75.0),
                     owns(Y, "c:up-to-half", None, "r2", share_min=25.0, share_max=50.0),
                     owns(Y, "c:with-more", None, "r3", share_min=25.0, share_max=50.0),
                     owns(("Company", "c:z"), "c:with-more", 30.0, "r4"),
                     owns(Y, "c:small", None, "r5", share_min=10.0, share_max=25.0)])
    over = answer(store, "c:over-half")
    assert (over["blocked_by_ownership"], over["aggregate_share"], over["unknown_stakes"]) == (True, 50.0, 1)
    assert over["ownership_paths"][0][0]["why"] == "a share of 50-75 %: 50 % counted as known"
    half = answer(store, "c:up-to-half")
    assert (half["blocked_by_ownership"], half["known_share"], half["share_at_most"]) == ("unknown", 25.0, 50.0)
    assert answer(store, "c:with-more")["blocked_by_ownership"] is True  # more than 25 % and 30 %
    small = answer(store, "c:small")
    assert (small["blocked_by_ownership"], small["aggregate_share"]) == (False, 25.0)  # at most 25 %


def test_exposure_steps_say_what_find_links_says_of_a_holding(store):
    """A holding without an end date is current as the record had it on the day it was loaded,
    and a step names the share range the source gives."""
    with store.transaction():
        store.write([node("Company", "c:y", "Blocked Firm Y", sanctioned=True), node("Company", "c:r", "Ranged Ltd")],
                    [owns(Y, "c:r", None, "r1", share_min=50.0, share_max=75.0, loaded_at="2026-12-01T10:00:00")])
    from graphkit.output import exposure as text

    out = text([answer(store, "c:r")], "table")
    assert "Blocked Firm Y owns 50-75 % of Ranged Ltd — current, since 2019-01-01 (no end given; record loaded " \
           "2026-12-01)" in out
    assert "blocked by ownership: yes (at least 50% held by blocked parties; 1 stake given as a range" in out


def test_the_card_and_the_answer_agree_on_a_firm_its_source_marks_sanctioned(cli, tmp_path):
    """A firm the source marks sanctioned (FtM topics) with no listing record is listed in the
    answer; its card must say the same, not "sanctions listings: no"."""
    from graphkit.store.embedded import EmbeddedStore

    db = tmp_path / "g"
    with EmbeddedStore(db) as s:
        build(s)
    out = cli("exposure", "Blocked Firm Y", "--db", db, "--as-of", "2023-06-01").out
    card = next(line for line in out.splitlines() if line.strip().startswith("sanctions listings:"))
    assert card.strip() == "sanctions listings: marked sanctioned by the source (no listing record) " \
                           "(listing date unknown)"
    assert "listed on 2023-06-01: yes (listing date unknown)" in out
    clean = cli("exposure", "Clean Ltd", "--db", db, "--as-of", "2023-06-01").out
    assert "  sanctions listings: no\n" in clean


def test_a_firm_without_a_name_is_printed_as_such_not_as_none(cli, tmp_path):
    """A PSC firm known only by its company number (no BasicCompanyData record loaded) has no
    name: the exposure table says so beside its id, as find-links does, rather than "None"."""
    from graphkit.output import NO_NAME
    from graphkit.store.embedded import EmbeddedStore

    db = tmp_path / "g"
    nameless = Node("Company", "gb-coh:07731393", {"registry_ids": ["gb-coh:07731393"], "datasets": ["own"],
                                                   "records": [SRC.ref]}, SRC)
    with EmbeddedStore(db) as s:
        build(s)
        with s.transaction():
            s.write([nameless], [owns(X, "gb-coh:07731393", 60.0, "r20")])
    table = cli("exposure", "gb-coh:07731393", "--db", db, "--as-of", "2023-06-01")
    assert table.code == 0, table.err
    assert f"{NO_NAME} (gb-coh:07731393) as of 2023-06-01" in table.out
    assert "None" not in table.out
    assert "blocked by ownership: yes (60% held by blocked parties" in table.out
