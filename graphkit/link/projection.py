"""What a piece of evidence draws: each link kind's graph projection, read from its typed fact.

A report (``graphkit.report.graph.links_to_graph``) asks the evidence's kind for its
``Projection`` and adds what it names; it never rebuilds a kind's edges itself nor reads a
sentence back as data. A projection names:

- ``nodes``: (id, attributes) of the people, addresses and customs lines between the pair (a
  customs line's attributes are its facts, label ``Shipment``);
- ``same_as``: (id, id, decision) for two records of a holder resolved as one;
- ``edges``: (from, to, attributes, with ``type`` one of the model's relationship types), each
  citing the source records of the fact it draws; ``to_representative`` marks an edge drawn on
  a resolved firm's representative rather than on the record it comes from.

The kinds ``source_link``, ``family`` and ``payment`` draw nothing yet (``NOTHING``): their
evidence is listed beside the picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from graphkit.link import evidence as ev

if TYPE_CHECKING:
    from graphkit.link.engine import Evidence, Link


@dataclass
class Projection:
    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    same_as: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    edges: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


def _role_edge(role: ev.Role) -> dict[str, Any]:
    d = role.as_dict()
    return {"type": d["type"], "role": d["role"], "share": d["share"], "start_date": d["start_date"],
            "end_date": d["end_date"], "status": d["status"]}


def shared_role(link: Link, e: Evidence) -> Projection:
    """The holder (and the record resolved with it), its role in A and its role in B."""
    out, fact, via = Projection(), cast(ev.SharedRole, e.fact), e.via
    if not via:
        return out
    p1 = via["id"]
    p2 = (via.get("resolved_with") or {}).get("id", p1)
    out.nodes.append((p1, {"label": via["label"], "name": via["name"]}))
    if p2 != p1:
        out.nodes.append((p2, {"label": via["label"], "name": via["resolved_with"].get("name")}))
        out.same_as.append((p1, p2, {**(via.get("resolution") or {}), "dataset": "", "source_file": "",
                                     "record": ""}))
    for holder, firm, role, src in ((p1, link.a, fact.a, 0), (p2, link.b, fact.b, 1)):
        out.edges.append((holder, firm.id, {**_role_edge(role), "at_shipments": role.at_shipments,
                                            "sources": [e.sources[src]], "to_representative": bool(firm.members)}))
    return out


def shared_address(link: Link, e: Evidence) -> Projection:
    """The address, and both firms registered at it."""
    out, fact = Projection(), cast(ev.SharedAddress, e.fact)  # the kind's fact, as its function builds it
    addr = fact.address["id"]
    out.nodes.append((addr, {"label": "Address", "name": fact.address["name"]}))
    for firm, roles, src in ((link.a, fact.a_roles, 0), (link.b, fact.b_roles, 1)):
        out.edges.append((firm.id, addr, {"type": "REGISTERED_AT", "role": ", ".join(roles),
                                          "sources": [e.sources[src]], "to_representative": bool(firm.members)}))
    return out


def shipment(link: Link, e: Evidence) -> Projection:
    """The customs line, from its exporter or supplier to its importer or buyer."""
    out, fact = Projection(), cast(ev.Shipment, e.fact)  # the kind's fact, as its function builds it
    exporter, importer = (link.a, link.b) if fact.a_exports else (link.b, link.a)
    ship = fact.shipment_id
    out.nodes.append((ship, {
        "label": "Shipment", "declaration_number": fact.declaration_number, "date": fact.date,
        "hs_code": fact.hs_code, "hs6": fact.hs6, "description": fact.description, "quantity": fact.quantity,
        "unit": fact.unit, "value_usd": fact.value_usd, "aggregated": fact.aggregated, "sources": e.sources}))
    out.edges.append((exporter.id, ship, {"type": "SHIPPED", "role": fact.exporter_role, "sources": e.sources,
                                          "to_representative": bool(exporter.members)}))
    out.edges.append((ship, importer.id, {"type": "SHIPPED_TO", "role": fact.importer_role, "sources": e.sources,
                                          "to_representative": bool(importer.members)}))
    return out


def direct_control(link: Link, e: Evidence) -> Projection:
    """One firm's role in the other, from holder to held."""
    out, fact = Projection(), cast(ev.Control, e.fact)  # the kind's fact, as its function builds it
    holder, held = (link.a, link.b) if fact.role.holder == "A" else (link.b, link.a)
    out.edges.append((holder.id, held.id, {**_role_edge(fact.role), "sources": e.sources,
                                           "to_representative": bool(holder.members or held.members)}))
    return out


def nothing(link: Link, e: Evidence) -> Projection:
    """No drawing: the evidence is listed, not drawn."""
    return Projection()
