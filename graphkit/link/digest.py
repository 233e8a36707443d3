"""The text of a linked pair as an editor reads it: one line per resolved person, firm or address,
shipments summed per direction, HS-6 code, year and customs dataset.

``find-links`` prints this by default; ``--detail`` prints every record-level fact with its source
(``output._link_lines``), and JSON always keeps every fact. Nothing here decides anything: the
evidence is the link engine's (``links.Evidence`` with its typed ``evidence`` fact); this module
only groups it.

- **Roles**: the record-level facts of one holder are grouped when their records are one entity
  (a SAME_AS that joins them, or the same record). The line names every spelling once, then each
  distinct role in A and in B once (as ``Role.predicate`` words it), the resolution basis once,
  and the sources as a count per dataset.
- **Shipments**: customs lines (and monthly totals) of one direction, HS-6 code, year and customs
  dataset are one line: count, total quantity per unit, total USD value, first and last date (a
  monthly total's month), how the lines describe the goods, and the records cited. An
  export declared at one end and the import declared at the other are kept in their own datasets,
  never summed together (the same goods would count twice).
- Every other fact (control, shared address, the sources' own links, family, payment) is one line
  as ``evidence.render`` words it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphkit.link import evidence as ev
from graphkit.resolve.clusters import UnionFind

if TYPE_CHECKING:
    from graphkit.link.links import Evidence, Link


def _datasets(sources: list[dict[str, str]], most: int = 4) -> str:
    """``demo-registry-kz:registry_kz.csv#KZ-0001, #KZ-0002; demo-press-notes:press.jsonl#p1``: the
    records per file, in first-seen order; past ``most`` records in a file, their count."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for s in sources:
        by_file[f"{s.get('dataset', '?')}:{s.get('file', '?')}"].append(s.get("record", "?"))
    out = []
    for where, records in by_file.items():
        records = list(dict.fromkeys(records))
        shown = ", ".join(f"#{r}" for r in records[:most])
        more = f" (+{len(records) - most} more; --detail lists them)" if len(records) > most else ""
        out.append(f"{where}{shown}{more}")
    return "; ".join(out)


@dataclass
class _Holder:
    kinds: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    a_roles: list[str] = field(default_factory=list)
    b_roles: list[str] = field(default_factory=list)
    resolutions: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)


def _add(items: list[Any], value: Any) -> None:
    if value and value not in items:
        items.append(value)


def _holders(evidence: list[Evidence]) -> list[_Holder]:
    groups = UnionFind()  # the records the link's evidence says are one entity
    for e in evidence:
        via = e.via or {}
        if via.get("resolved_with") and e.confirmed:  # a pending pair joins nothing
            ra, rb = groups.find(via["id"]), groups.find(via["resolved_with"]["id"])
            if ra != rb:
                groups.join(ra, rb)
    by_root: dict[str, _Holder] = {}
    for e in evidence:
        fact = e.fact
        assert isinstance(fact, ev.SharedRole)
        via = e.via or {}
        h = by_root.setdefault(groups.find(via["id"]), _Holder())
        _add(h.kinds, e.kind)
        _add(h.names, fact.a.holder)
        _add(h.names, fact.b.holder)
        _add(h.a_roles, fact.a.predicate())
        _add(h.b_roles, fact.b.predicate())
        res = via.get("resolution")
        if res and e.confirmed:
            _add(h.resolutions, f"{res['explanation']} ({res['judgement']}, score {res['score']})")
        for s in e.sources:
            _add(h.sources, s)
        for p in e.pending:
            _add(h.pending, p)
    return list(by_root.values())


def _shipment_key(f: ev.Shipment) -> tuple[str, str, str]:
    hs6 = (f.hs_code or "")[:6] or "HS not given"
    year = (f.period or f.date or "")[:4] or "undated"
    return f.direction, hs6, year


def _values_text(facts: list[ev.Shipment]) -> str:
    """The values of ``facts``: in USD where the source gives it, else in the currency it names,
    summed for each; values in a currency the source does not name (a vendor's "value in foreign
    currency") are listed, never added up, since lines may be in different currencies."""
    def of_them(n: int) -> str:
        return "" if n == len(facts) else f" for {n} of them"

    usd = [f.value_usd for f in facts if f.value_usd is not None]
    said = [f"USD {sum(usd):,.2f}{of_them(len(usd))}"] if usd else []
    others: dict[str | None, list[float]] = defaultdict(list)
    for f in facts:
        if f.value_usd is None and f.value is not None:
            others[f.currency].append(f.value)
    for currency, values in others.items():
        if currency:
            said.append(f"{currency} {sum(values):,.2f}{of_them(len(values))}")
            continue
        shown = ", ".join(f"{v:,.2f}" for v in values[:3]) + (f" and {len(values) - 3} more" if len(values) > 3 else "")
        said.append(f"{'value' if len(values) == 1 else 'values'} {shown} in a currency the source does not name")
    return ", ".join(said) or "value not given"


def _dataset_sum(dataset: str, facts: list[ev.Shipment]) -> str:
    """``6 lines in kz-export:kz.csv (524 PCE, USD 870,500.00, 2022-06-08 to 2022-12-06)``."""
    quantities: dict[str | None, float] = defaultdict(float)
    for f in facts:
        if f.quantity is not None:
            quantities[f.unit] += f.quantity
    # a sum of zeros is what the source wrote (a vendor's 2023 rows give 0 for every quantity), not
    # goods that weighed nothing
    qty = ", ".join(filter(None, (ev.quantity_text(q, u) if q else f"quantity given as 0{f' {u}' if u else ''}"
                                  for u, q in quantities.items())))
    value = _values_text(facts)
    # a monthly total is dated by its month: its "date" is the first day the loader filled in
    dates = sorted(_when(f) for f in facts if f.date or f.period)
    span = (dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}") if dates else "dates not given"
    what = ev.plural(len(facts), "monthly total") if all(f.aggregated for f in facts) else ev.plural(len(facts), "line")
    return f"{what} in {dataset} (" + ", ".join(filter(None, (qty, value, span))) + ")"


def _when(f: ev.Shipment) -> str:
    """A line's date; a monthly total's month (as ``evidence.render`` words it)."""
    return (f.month if f.aggregated else f.date) or ""


def _shipment_lines(evidence: list[Evidence]) -> list[str]:
    groups: dict[tuple[str, str, str], dict[str, list[ev.Shipment]]] = defaultdict(lambda: defaultdict(list))
    sources: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for e in evidence:
        assert isinstance(e.fact, ev.Shipment)
        src = e.sources[0] if e.sources else {}
        groups[_shipment_key(e.fact)][f"{src.get('dataset', '?')}:{src.get('file', '?')}"].append(e.fact)
        sources[_shipment_key(e.fact)].extend(e.sources)
    out = []
    for key, by_dataset in groups.items():
        direction, hs6, year = key
        facts = [f for fs in by_dataset.values() for f in fs]
        sums = "; ".join(_dataset_sum(d, fs) for d, fs in by_dataset.items())
        out.append(f"   - [shipment] {direction}, HS {hs6}, {year}: {sums}{_described(facts)}  "
                   f"(sources: {_datasets(sources[key])})")
    return out


def _described(facts: list[ev.Shipment]) -> str:
    """How the lines describe the goods, quoted: the one description they share, or how many
    they give with the first as an example (one line's words are not the group's)."""
    said = list(dict.fromkeys(f.description.strip() for f in facts if f.description and f.description.strip()))
    if not said:
        return ""
    first = _clip(said[0])
    return f'; described as "{first}"' if len(said) == 1 else f'; {len(said)} descriptions, e.g. "{first}"'


def _clip(text: str, most: int = 60) -> str:
    """``text`` cut at a word's end before ``most`` characters, with "…" where it was cut (never
    inside a word: "MM1000X1000M" read as metres)."""
    if len(text) <= most:
        return text
    cut = text[:most].rsplit(" ", 1)[0] if " " in text[:most] else text[:most]
    return cut.rstrip(" ,;") + "…"


def link_lines(link: Link) -> list[str]:
    """The lines of one linked pair, after its A/B header (which ``output`` writes); the first
    says what links them, and ``output`` puts it on B's line."""
    roles = [e for e in link.evidence if isinstance(e.fact, ev.SharedRole)]
    shipments = [e for e in link.evidence if isinstance(e.fact, ev.Shipment)]
    others = [e for e in link.evidence if e not in roles and e not in shipments]
    holders = _holders(roles)
    counts = [ev.plural(len(holders), "shared person or firm", "shared people or firms")] if holders else []
    if shipments:
        counts.append(ev.plural(len(shipments), "customs record"))
    if others:
        counts.append(ev.plural(len(others), "other fact" if counts else "fact"))
    out = [f"   linked by: {', '.join(link.kinds)} ({'; '.join(counts)})"]
    for h in holders:
        joiner = " ~ " if h.pending else " = "  # "~": records a pair waiting for review would join
        out.append(f"   - [{', '.join(h.kinds)}] {joiner.join(h.names)}: in A: {'; '.join(h.a_roles)}"
                   f" | in B: {'; '.join(h.b_roles)}")
        basis = f"resolved as one: {' / '.join(h.resolutions)}; " if h.resolutions else ""
        rests = "".join(f"; rests on {p['a_name']} ~ {p['b_name']}, waiting for review" for p in h.pending)
        out.append(f"       {basis}sources: {_datasets(h.sources)}{rests}")
        for decide in dict.fromkeys(p["decide"] for p in h.pending):
            out.append(f"       decide: {decide}")
    out += _shipment_lines(shipments)
    for e in others:
        out.append(f"   - [{e.kind}] {e.summary}  (sources: {_datasets(e.sources)})")
    return out
