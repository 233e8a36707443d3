"""Every evidence sentence template with one real example, written to docs/sentences.md.

    python bench/sentences.py [--real ../shared/data/real] [--db /tmp/sentences] [--readme]

Loads the real samples that give links (OFAC SDN; OpenSanctions zala, t1 and parteispenden;
KEK; UK PSC; GLEIF; the customs declarations and monthly totals) into a fresh embedded graph,
resolves it (``graphkit resolve``), runs batch screening (``find-links --all``) over it, and sorts every piece of evidence by the
template its sentence follows: per class of ``graphkit/link/evidence.py`` (and per ``Role`` and
``Status`` variant inside them: share, share band, the source's role quoted, dated, undated,
current, lapsed...). For each variant the doc shows the template and the first real sentence
(in sorted order, so a rerun gives the same doc) with its pair and source. A variant no sample
gives is listed as such, never invented. ``--readme`` also rewrites the example output of the README
(the demo's find-links) and of docs/commands.md (the sample lines under "Link kinds") from the
same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_real import DEFAULT_REAL, SOURCES, _files  # noqa: E402
from graphkit.link import evidence as ev  # noqa: E402
from graphkit.link.links import Evidence, Link, screen  # noqa: E402
from graphkit.load import load_files  # noqa: E402
from graphkit.store.base import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "sentences.md"
README = ROOT / "README.md"
COMMANDS = ROOT / "docs" / "commands.md"  # the link kinds, with sample lines
# the samples that give links; ICIJ intermediaries alone give none
LINKING = [s for s in SOURCES if s[0] != "icij"]

# every variant the code can print, per class, in the doc's order: (class, variant, what decides it)
VARIANTS: list[tuple[str, str, str]] = [
    ("Role", "owner with a share", "the source gives a percentage"),
    ("Role", "owner with a share band", "the source gives a range (PSC 75-100 %)"),
    ("Role", "owner with a lower bound", "the source gives only a minimum (more than 25 %)"),
    ("Role", "owner without a share", "the source gives no share"),
    ("Role", "owner, the source's role quoted", "the source words the ownership otherwise (subsidiary of, founder)"),
    ("Role", "officer", "director, leader or official, member... as the source words it"),
    ("Status", "current, since", "a start date and no end"),
    ("Status", "current, start to end", "an end date after today"),
    ("Status", "current (source status)", "the source says active, no dates"),
    ("Status", "former, start to end", "an end date before today"),
    ("Status", "former, to end", "only an end date"),
    ("Status", "former (the source says so)", "the source calls the role former or ended, without a date"),
    ("Status", "future", "a start date after today"),
    ("Status", "GLEIF registration not current", "the registration is LAPSED, RETIRED or ANNULLED"),
    ("Status", "undated (record of DATE)", "no dates; the record's own date"),
    ("Status", "undated (record loaded DATE)", "no dates; the day it was loaded"),
    ("SharedRole", "shared_officer", "one holder, an officer in at least one firm"),
    ("SharedRole", "common_owner", "one holder owning shares in both"),
    ("SharedRole", "through records resolved as one", "the holder's records joined by SAME_AS"),
    ("Control", "direct_control", "one firm holds a role in the other"),
    ("SharedAddress", "plain", "both registered at one address"),
    ("SharedAddress", "with the roles of the address", "the source says what the address is to each firm"),
    ("Shipment", "declaration", "one customs line, dated"),
    ("Shipment", "monthly total", "an aggregated row: the month, unit and every value the source gives"),
    ("SourceLink", "A's entry names B", "the firm's own entry states the link"),
    ("SourceLink", "B's entry names A", "the other entry states it"),
    ("Family", "family", "FtM Family between people holding roles in A and B"),
    ("Payment", "dated", "FtM Payment with a date"),
    ("Payment", "undated", "no date"),
    ("Payment", "with a purpose", "the source gives purpose or summary"),
]

_STATUS = [("GLEIF registration not current", r"GLEIF registration [A-Z_]+: not confirmed current"),
           ("current, since", r"current, since "),
           ("current (source status)", r"current \(source status "),
           ("current, start to end", r"current, \d{4}-\d\d-\d\d to \d"),
           ("former (the source says so)", r"former \(the source says so"),
           ("former, start to end", r"former, \d{4}-\d\d-\d\d to "),
           ("former, to end", r"former, to "),
           ("future", r"future, from "),
           ("undated (record of DATE)", r"undated \(record of "),
           ("undated (record loaded DATE)", r"undated \(record loaded ")]


def load(store: Store, real: Path, rejects_dir: Path) -> None:
    """The linking samples, then ``graphkit resolve`` (as an investigator would run it)."""
    from graphkit.resolve import resolve

    for mapping, dataset, patterns in LINKING:
        load_files(store, _files(real, patterns), mapping, dataset=dataset, on_error="skip",
                   rejects_dir=rejects_dir)
    resolve(store)


def _role_variants(role: ev.Role) -> Iterator[tuple[str, str]]:
    if role.relation == "OWNS":
        if role.share is not None:
            yield "Role", "owner with a share"
        elif role.share_min is not None and role.share_max is not None:
            yield "Role", "owner with a share band"
        elif role.share_min is not None:
            yield "Role", "owner with a lower bound"
        else:
            yield "Role", "owner without a share"
        if "(the source's role:" in role.predicate():
            yield "Role", "owner, the source's role quoted"
    else:
        yield "Role", "officer"
    for name, pattern in _STATUS:
        if re.match(pattern, role.status_text):
            yield "Status", name
            break


def variants(e: Evidence) -> Iterator[tuple[str, str, str]]:
    """(class, variant, the sentence that shows it) for one piece of evidence."""
    f = e.fact
    whole = e.summary
    if isinstance(f, ev.SharedRole):
        yield "SharedRole", e.kind, whole
        if f.holder.get("resolved_with"):
            yield "SharedRole", "through records resolved as one", whole
        for role in (f.a, f.b):
            for cls, name in _role_variants(role):
                yield cls, name, whole
    elif isinstance(f, ev.Control):
        yield "Control", "direct_control", whole
        for cls, name in _role_variants(f.role):
            yield cls, name, whole
    elif isinstance(f, ev.SharedAddress):
        yield "SharedAddress", "with the roles of the address" if "(A: " in whole else "plain", whole
    elif isinstance(f, ev.Shipment):
        yield "Shipment", "monthly total" if f.aggregated else "declaration", whole
    elif isinstance(f, ev.SourceLink):
        yield "SourceLink", "A's entry names B" if f.a_names else "B's entry names A", whole
    elif isinstance(f, ev.Family):
        yield "Family", "family", whole
    elif isinstance(f, ev.Payment):
        yield "Payment", "dated" if f.date else "undated", whole
        if f.purpose:
            yield "Payment", "with a purpose", whole


def examples(links: list[Link]) -> dict[tuple[str, str], tuple[str, Link, Evidence]]:
    """The first example (in sorted order) of every variant the links show."""
    found: dict[tuple[str, str], tuple[str, Link, Evidence]] = {}
    ordered = sorted(((link, e) for link in links for e in link.evidence),
                     key=lambda le: (le[1].summary, le[0].a.id, le[0].b.id))
    for link, e in ordered:
        for cls, name, sentence in variants(e):
            found.setdefault((cls, name), (sentence, link, e))
    return found


def templates() -> dict[str, str]:
    """The templates the module docstring of graphkit/link/evidence.py lists, by class name."""
    doc = ev.__doc__ or ""
    block = doc.split("Sentence templates", 1)[1]
    out: dict[str, str] = {}
    for item in re.split(r"\n- ", block)[1:]:
        name, _, text = item.partition(":")
        out.setdefault(name.split(",")[0].strip(), "")
        out[name.split(",")[0].strip()] += (" | " if out[name.split(",")[0].strip()] else "") + \
            " ".join(text.split()).strip()
    return out


def _source(e: Evidence) -> str:
    return "; ".join(f"{s['dataset']}:{s['file']}#{s['record']}" for s in e.sources)


BAD = {"of of": re.compile(r"\bof of\b", re.I),
       "1 pieces": re.compile(r"(?<![\d.,])1 (pieces|units|items|records|facts|lines|people)\b", re.I)}


def bad_sentences(links: list[Link]) -> dict[str, int]:
    """How many sentences of the run read a doubled "of of", or a plural after 1."""
    summaries = [e.summary for link in links for e in link.evidence]
    return {name: sum(1 for t in summaries if rx.search(t)) for name, rx in BAD.items()}


def document(found: dict[tuple[str, str], tuple[str, Link, Evidence]], command: str,
             total: int, bad: dict[str, int]) -> str:
    tpl = templates()
    lines = ["# Evidence sentences: every template, one real example each", "",
             f"Written by `{command}` on {dt.date.today().isoformat()} from the shared real samples "
             "(" + ", ".join(sorted({d or m for m, d, _ in LINKING})) + "), "
             "through `find-links --all`. A and B are the two linked firms (or, for `source_link`, "
             "the firm and the entry the list links it to); each example names them, then its source. "
             "The classes are those of `graphkit/link/evidence.py`; `tests/test_sentences.py` checks that "
             "each appears here.", "",
             f"Sentences in that run: {total:,}; reading a doubled word: {bad['of of']}; "
             f"a plural after 1: {bad['1 pieces']}.", ""]
    for cls in dict.fromkeys(c for c, _, _ in VARIANTS):
        lines += [f"## {cls}", "", f"Template: {tpl.get(cls, '(see graphkit/link/evidence.py)')}", ""]
        for c, name, when in VARIANTS:
            if c != cls:
                continue
            hit = found.get((c, name))
            if hit is None:
                lines.append(f"- **{name}** ({when}): no example in the samples")
                continue
            sentence, link, e = hit
            lines.append(f"- **{name}** ({when}):")
            lines.append(f"  `[{e.kind}] {sentence}`")
            lines.append(f"  A = {link.a.name or link.a.id}, B = {link.b.name or link.b.id}; source: {_source(e)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def readme_samples(found: dict[tuple[str, str], tuple[str, Link, Evidence]]) -> str:
    picks = [("SourceLink", "A's entry names B"), ("Family", "family"), ("Payment", "dated")]
    return "\n".join(f"- [{found[p][2].kind}] {found[p][0]}" for p in picks if p in found)


def demo_output() -> str:
    """``graphkit demo`` then ``graphkit find-links "Aspan Arba"``, abridged as the README shows
    it: the card's first and last lines and the first linked pair."""
    import tempfile

    from click.testing import CliRunner

    from graphkit.cli import cli

    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo")
        built = runner.invoke(cli, ["demo", "--db", db])
        assert built.exit_code == 0, built.output
        run = runner.invoke(cli, ["find-links", "Aspan Arba", "--db", db])
        assert run.exit_code == 0, run.output
    card, first = run.output.split("\n\n")[:2]
    lines = card.splitlines()
    return "\n".join([lines[0], "  …", lines[-1], "", *first.splitlines(), "…"])


def put_block(doc: str, marker: str, body: str) -> str:
    """Replace what stands between ``<!-- marker -->`` and ``<!-- /marker -->`` (a fenced block)."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n```\n{body.rstrip()}\n```\n{end}{tail}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL, help="the shared real samples")
    parser.add_argument("--db", type=Path, default=Path("/tmp/graphkit-sentences"), help="graph to build (replaced)")
    parser.add_argument("--readme", action="store_true", help="also rewrite the example output in README.md and docs/commands.md")
    args = parser.parse_args()
    from graphkit.store.embedded import EmbeddedStore

    shutil.rmtree(args.db, ignore_errors=True)
    with EmbeddedStore(args.db) as store:
        load(store, args.real, args.db.parent / (args.db.name + "-rejects"))
        links = screen(store)
    found = examples(links)
    command = "python bench/sentences.py" + (" --readme" if args.readme else "")
    total = sum(len(link.evidence) for link in links)
    DOC.write_text(document(found, command, total, bad_sentences(links)), encoding="utf-8")
    print(f"{DOC}: {len(found)} of {len(VARIANTS)} variants with a real example, from {len(links):,} links")
    if args.readme:
        for doc, marker, body in ((COMMANDS, "sentences:samples", readme_samples(found)),
                                  (README, "sentences:demo", demo_output())):
            doc.write_text(put_block(doc.read_text(encoding="utf-8"), marker, body), encoding="utf-8")
            print(f"{doc}: example lines rewritten")


if __name__ == "__main__":
    main()
