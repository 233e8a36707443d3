"""Explanations quote the words of names as the records write them: the folded forms that
matching uses ("korporakion" for CORPORACION, "pohodova" for POKHODOVA) are never shown.

Checked on the real records labelled in tests/data/real_pairs.csv (every explanation the
resolver gives them) and end to end with ``graphkit resolve --explain`` on an OFAC entry and an
ICIJ intermediary read from ``../shared/data/real``."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from graphkit.resolve.evaluation import evaluate_real, real_records
from graphkit.store.embedded import EmbeddedStore

DATA = Path(__file__).resolve().parent / "data"

# the reasons that list words of the names: the list follows the colon, or sits in brackets
LISTS = [re.compile(p) for p in (
    r"words only one name has: ([^;]+)", r"one name has more words: ([^;]+)",
    r"they share only common words \(([^)]+)\)", r"male and female forms \(([^)]+)\)",
    r"given names spelled apart \(([^)]+)\)", r"different given names \(([^)]+)\)",
    r"surnames differ \(([^)]+)\)", r"a name part differs \(([^)]+)\)", r"loosely matched parts \(([^)]+)\)", r"different patronymics \(([^)]+)\)",
    r"spelled apart \(([^)]+)\)", r"forms of one name in two languages: ([^;]+)",
    r"the one full word of a name \(([^)]+)\)")]


def listed_words(explanation: str) -> list[str]:
    """The words an explanation lists (split on the separators the reasons use)."""
    out = []
    for pattern in LISTS:
        for m in pattern.finditer(explanation):
            # a reason that quotes whole names ('Frau Johanna Quandt' is female) quotes them as written
            out += [w for w in re.split(r", | / | ~ ", m.group(1).split(": ")[0]) if w and "'" not in w]
    return out


def _written(word: str, names: list[str]) -> bool:
    return any(word.casefold() in n.casefold() for n in names)


@pytest.fixture(scope="module")
def labelled():
    with (DATA / "real_pairs.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["pair_id"]: r for r in csv.DictReader(fh)}
    return rows, evaluate_real(DATA / "real_pairs.csv")


def test_every_word_an_explanation_lists_is_written_in_one_of_the_names(labelled):
    rows, outcomes = labelled
    checked, folded = 0, []
    for o in outcomes:
        a, b = real_records(rows[o.pair_id])
        names = a.names + b.names
        for word in listed_words(o.explanation):
            checked += 1
            if not _written(word, names):
                folded.append((o.pair_id, word, o.explanation))
    assert checked >= 50  # the labels hold many pairs whose reasons list words
    assert folded == []


def test_the_words_only_one_name_has_are_shown_as_written():
    from graphkit.resolve.scoring import Record, score

    # an ICIJ intermediary and an OFAC entry (real names, as in the issue)
    s = score(Record("icij", "Company", ["EURO-LINE PANAMERICANA (PANAMA), S.A."]),
              Record("ofac", "Company", ["CORPORACION PANAMERICANA S.A."]))
    assert "words only one name has: EURO, LINE, PANAMA / CORPORACION" in s.explanation
    assert "korporakion" not in s.explanation


def test_resolve_explain_quotes_the_names_as_written(cli, real, tmp_path):
    sdn, icij = tmp_path / "sdn.csv", tmp_path / "nodes-intermediaries.csv"
    with (real / "ofac_sdn" / "sdn.csv").open(encoding="utf-8", errors="replace") as fh:
        sdn.write_text(next(line for line in fh if line.startswith("27993,")), encoding="utf-8")
    with (real / "icij_offshoreleaks" / "nodes-intermediaries.csv").open(encoding="utf-8", newline="") as fh:
        lines = fh.readlines()
    icij.write_text(lines[0] + next(ln for ln in lines if ln.startswith("11002615,")), encoding="utf-8")
    db, book = tmp_path / "g", tmp_path / "j.jsonl"
    cli("load", sdn, "--mapping", "ofac-sdn", "--db", db)
    cli("load", icij, "--mapping", "icij", "--db", db)
    cli("resolve", "--db", db, "--judgements", book)
    with EmbeddedStore(db, read_only=True) as store:
        ids = {r["name"]: r["id"] for r in store._execute("MATCH (n:Company) RETURN n.id AS id, n.name AS name",
                                                         name="test_ids")}
    out = cli("resolve", "--db", db, "--judgements", book, "--explain",
              ids["CORPORACION PANAMERICANA S.A."], ids["EURO-LINE PANAMERICANA (PANAMA), S.A."]).out
    assert "words only one name has: CORPORACION / EURO, LINE, PANAMA" in out
    assert not re.search(r"korporakion|\beuro\b|\bline\b|\bpanama\b", out)
