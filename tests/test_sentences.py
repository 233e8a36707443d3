"""docs/sentences.md, written by bench/sentences.py from the real samples: every evidence class of
graphkit/link/evidence.py is there with its template and real examples, and no sentence reads "of of"
or "1 pieces"."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import get_args

from graphkit.link import evidence as ev

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import sentences  # noqa: E402

DOC = ROOT / "docs" / "sentences.md"


def classes() -> set[str]:
    """Every sentence class of graphkit/link/evidence.py: each Fact, the Role inside them and its Status."""
    return {cls.__name__ for cls in get_args(ev.Fact)} | {"Role", "Status"}


def test_every_evidence_class_has_its_section_with_a_real_example():
    text = DOC.read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (\w+)$", text, flags=re.M))
    assert classes() <= headings
    for name in classes():
        section = text.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert "Template: " in section and "(see graphkit/link/evidence.py)" not in section, name
        assert re.search(r"^  `\[\w+\] .+`$", section, flags=re.M), f"{name} has no real example"


def test_the_generator_knows_every_class_and_template():
    assert {c for c, _, _ in sentences.VARIANTS} == classes()
    assert classes() - {"Status"} <= set(sentences.templates()) | {"Status"}
    assert "Status" in sentences.templates()


def test_no_sentence_reads_of_of_or_1_pieces():
    text = DOC.read_text(encoding="utf-8")
    examples = re.findall(r"^  `\[\w+\] (.+)`$", text, flags=re.M)
    assert len(examples) > 15
    for rx in sentences.BAD.values():
        assert not [t for t in examples if rx.search(t)]
    # and over every sentence of the run that wrote the doc
    counts = re.search(r"Sentences in that run: ([\d,]+); reading a doubled word: (\d+); a plural after 1: (\d+)", text)
    assert counts and int(counts[1].replace(",", "")) > 10_000 and counts[2] == counts[3] == "0"


def test_the_bad_sentence_patterns_catch_what_they_should():
    assert sentences.BAD["of of"].search("current subsidiary of of B")
    assert sentences.BAD["1 pieces"].search("1 pieces of evidence")
    assert not sentences.BAD["1 pieces"].search("21 pieces, 1.1 pieces")
