"""Evidence as typed data: one class per link kind, one sentence per class.

Every fact behind a link (``graphkit.link.links``) is one of the classes below, built from the rows
of the one-hop queries in ``cypher/`` and nothing else, so the printed sentence, the JSON and a
report all say the same thing:

- ``Role``: one person or firm holding a role in, or shares of, one firm: who, the relation
  (``OWNS`` or ``OFFICER_OF``, from the record's structure: owner -> asset, director ->
  organisation), the role as the source words it, share or share band, start, end, status and
  its basis, source. Not a link kind itself: ``SharedRole`` and ``Control`` hold Roles.
- ``SharedRole`` (kinds ``shared_officer``, ``common_owner``): one holder, its Role in A and in B.
- ``Control`` (kind ``direct_control``): one firm's Role in the other.
- ``SharedAddress`` (kind ``shared_address``): both firms at one address.
- ``Shipment`` (kind ``shipment``): one customs line, or one monthly total, between A and B.
- ``SourceLink`` (kind ``source_link``): the source links them itself (OFAC "Linked To:").
- ``Family`` (kind ``family``): a person of A and a person of B are family (FtM Family).
- ``Payment`` (kind ``payment``): one paid the other (FtM Payment).

API (small on purpose; reports and new link kinds build on it):

- ``render(fact)``: the one sentence for a fact, the same whatever ``--kind`` selects.
- ``fact.as_dict()``: the fact as JSON (the ``detail`` of ``links.Evidence``).
- ``status_of(start, end, as_of, ...)``: a role's ``Status`` (word and basis).
- ``row_status(row, as_of)``: the same, of a query row (find-links' roles, exposure's holdings).
- ``Role.of_step(step, holder, firm, as_of)``: the same sentence for a step of an exposure path.
- ``share_text``, ``quantity_text``, ``plural``: the wording helpers the sentences use.

Status rules (``status_of``): "current" only where the source says so (a status such as GLEIF
ACTIVE with no end) or a start date has no end (or an end after ``as_of``); "former" where the
end is before ``as_of`` or the source calls the role ended ("former director", INACTIVE);
"future" where the start is after ``as_of``; a GLEIF relationship whose *registration* is
LAPSED, RETIRED or ANNULLED is read as such (not confirmed current); anything else is
"undated (record of DATE)", DATE being the date the source gives the record, else the day it
was loaded.

Sentence templates (``A`` and ``B`` are the linked firms, printed above the evidence):

- Role, owner: ``{who} owns {share} of {firm}[ (the source's role: "{role}")] — {status}``
- Role, officer: ``{who} is {role} of {firm} — {status}``
- SharedRole: ``{holder}[ = {resolved record}]: {role in A}; {role in B}`` (roles without the
  holder's name), each followed by ``, {timing}`` when shipments are searched
- Control: the Role sentence with ``A``/``B`` as who and firm
- SharedAddress: ``both registered at {address}[ (A: {role}; B: {role})]``
- Shipment: ``{A -> B|B -> A} declaration {n}: {date}, HS {code}, {quantity}, USD {value}, {desc}``
  or ``{A -> B|B -> A} monthly total, {YYYY-MM}: HS {code}, {quantity}, {value}, {desc}``
- SourceLink: ``linked by the source: {A's entry reads Linked To B | B's entry reads Linked To A}
  (entry {ent_num})`` - only pairs the source states, never two firms through a third entry
- Family: ``{person} ({role in A, as a shared role says it: owns 1 % of A — former, ...}) and
  {person} ({role in B}) are family: the source's relation from {person} to {relative} reads
  "{relation}"``
- Payment: ``{A|B} paid {B|A} {currency} {amount} on {date}[ for {purpose}]`` (``(undated)``,
  ``an amount the source does not give``, ``(currency not named by the source)`` where missing)
- Status: ``current, since {start}[ (no end given in the record of {date} | no end given; record
  loaded {date})]`` (current as the record has it, on its day) | ``current, {start} to {end}`` | ``current (source status
  {S})`` | ``former, {start} to {end}`` | ``former, to {end}`` | ``former (the source says so;
  no end date)`` | ``future, from {start}`` | ``GLEIF registration {S}: not confirmed current[
  (from {start}, no end given)]`` | ``undated (record of {date})`` | ``undated (record loaded {date})``
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from graphkit import dates

# roles that only say "owns": the sentence's verb already says it
_DEFAULT_ROLE = {"directorship": "director", "ownership": "owner"}  # FtM schema names, when the record gives no role
_OWNER_WORDS = {"ownership", "owner", "owners", "shareholder", "shareholding", "shares", "owns", "owner of",
                "shareholder of", "beneficial owner"}
_PLAIN_ADDRESS = {"address", "registered", "registered address", "registered office"}  # "registered at" says it
_ENDED_STATUS = ("inactive", "former", "ended", "resigned", "retired", "ceased", "dissolved")
_CURRENT_STATUS = ("active", "current")
REGISTRATION_NOT_CURRENT = ("LAPSED", "RETIRED", "ANNULLED", "DUPLICATE", "MERGED", "TRANSFERRED", "PENDING_ARCHIVAL")
# units a source writes in the plural ("PIECES"), and their singular
_SINGULAR = {"pieces": "piece", "units": "unit", "items": "item", "pairs": "pair", "sets": "set",
             "kilograms": "kilogram", "tonnes": "tonne", "tons": "ton", "litres": "litre", "liters": "liter",
             "metres": "metre", "meters": "meter", "packages": "package", "boxes": "box"}


@dataclass(frozen=True)
class Status:
    """A role's status on ``as_of`` and why: ``word`` is current, former, future, undated or
    not confirmed; ``basis`` says what in the source decided it."""

    word: str
    basis: str
    text: str  # the clause printed in parentheses after a role


def status_of(start: Any, end: Any, as_of: dt.date, *, role: str | None = None, source_status: str | None = None,
              registration_status: str | None = None, record_date: Any = None,
              loaded_at: Any = None) -> Status:
    """The status of a role that ran from ``start`` to ``end`` (either may be None), on
    ``as_of``, by the rules of the module docstring. ``source_status`` is the status the source
    gives the role (GLEIF ACTIVE/INACTIVE, FtM status), ``registration_status`` the status of the
    record's registration (GLEIF: PUBLISHED, LAPSED...), ``record_date`` the record's own date
    (FtM last_seen, GLEIF LastUpdateDate), ``loaded_at`` when it was loaded (said as such)."""
    s, e = (dates.as_date(start) if start is not None else None), (dates.as_date(end) if end is not None else None)
    span = _span(s, e)
    reg = (registration_status or "").upper()
    if reg in REGISTRATION_NOT_CURRENT:
        dated = (f"{s.isoformat()} to {e.isoformat()}" if s and e else f"from {s.isoformat()}, no end given" if s
                 else f"to {e.isoformat()}" if e else "")
        return Status("not confirmed", f"GLEIF registration status {reg}",
                      f"GLEIF registration {reg}: not confirmed current" + (f" ({dated})" if dated else ""))
    said = (source_status or "").lower()
    if (role and role.lower().startswith(dates.FORMER_WORDS)) or any(w in said for w in _ENDED_STATUS):
        basis = f"the source's status {source_status}" if source_status and any(w in said for w in _ENDED_STATUS) \
            else "the source calls the role former"
        if e is not None:
            return Status("former", basis, f"former, {span}")
        return Status("former", basis, "former (the source says so; no end date)")
    if e is not None and e < as_of:
        return Status("former", f"ended {e.isoformat()}", f"former, {span}")
    if s is not None and s > as_of:
        return Status("future", f"starts {s.isoformat()}", f"future, from {s.isoformat()}")
    if s is not None and e is None:
        # "current" is what the record says on its day, not today: a snapshot of 2023 gives no end
        # for a role that may have ended since; the record's date (or the load's) says which day
        seen = (f" (no end given in the record of {dates.iso(record_date)})" if record_date is not None
                else f" (no end given; record loaded {str(loaded_at)[:10]})" if loaded_at is not None else "")
        return Status("current", f"started {s.isoformat()}, no end given", f"current, since {s.isoformat()}{seen}")
    if e is not None:
        return Status("current", f"ends {e.isoformat()}", f"current, {span}")
    if said and any(said.startswith(w) for w in _CURRENT_STATUS):
        return Status("current", f"the source's status {source_status}", f"current (source status {source_status})")
    if record_date is not None:
        day = dates.iso(record_date)
        return Status("undated", f"no dates in the source; record of {day}", f"undated (record of {day})")
    if loaded_at is not None:
        day = str(loaded_at)[:10]
        return Status("undated", f"no dates in the source; loaded {day}", f"undated (record loaded {day})")
    return Status("undated", "no dates in the source", "undated")


def row_status(row: dict[str, Any], as_of: dt.date, prefix: str = "") -> Status:
    """``status_of`` a role or holding as a query row gives it (``firm_holders``, ``holdings``,
    ``firm_direct_control``: ``start``, ``end_date``, ``role``, ``status``,
    ``registration_status``, ``record_date``, ``loaded_at``, each name optionally behind ``prefix``)."""
    def get(k: str) -> Any:
        return row.get(prefix + k)
    return status_of(get("start"), get("end_date"), as_of, role=get("role"), source_status=get("status"),
                     registration_status=get("registration_status"), record_date=get("record_date"),
                     loaded_at=get("loaded_at"))


def _span(s: dt.date | None, e: dt.date | None) -> str:
    if s is None and e is None:
        return ""
    if s is None:
        return f"to {e.isoformat()}" if e else ""
    return f"{s.isoformat()} to {e.isoformat() if e else 'present'}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 piece``, ``2 pieces``: ``n`` and the word in the number it takes."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def _num(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) and abs(x) >= 1000 else f"{x:,.10g}" if abs(x) >= 1000 else f"{x:g}"


def share_text(share: float | None, share_min: float | None = None, share_max: float | None = None) -> str | None:
    """``49 %``, ``75-100 %``, ``more than 25 %``, or None when the source gives no share."""
    if share is not None:
        return f"{share:g} %"
    if share_min is not None and share_max is not None:
        return f"{share_min:g}-{share_max:g} %"
    if share_min is not None:
        return f"more than {share_min:g} %"
    if share_max is not None:
        return f"up to {share_max:g} %"
    return None


def quantity_text(quantity: float | None, unit: str | None) -> str | None:
    """``1 piece``, ``80 pieces``, ``quantity 3,476.16 (unit not given)``; None without a quantity."""
    if quantity is None:
        return None
    if not unit:
        return f"quantity {_num(quantity)} (unit not given)"
    u = unit.strip()
    if quantity == 1 and u.lower() in _SINGULAR:
        u = _SINGULAR[u.lower()] if u.islower() else _SINGULAR[u.lower()].upper() if u.isupper() else _SINGULAR[u.lower()]
    return f"{_num(quantity)} {u}"


def _role_words(role: str | None, relation: str, status: Status) -> str:
    """The role as the source words it, without a trailing "of" (the sentence adds it) nor the
    "former" the status already says."""
    words = (role or "").strip()
    if status.word == "former" and words.lower().startswith(dates.FORMER_WORDS):
        words = re.sub(r"^(former|ex-|previous)\s*", "", words, flags=re.IGNORECASE)
    words = re.sub(r"\s+of$", "", words, flags=re.IGNORECASE).strip()
    words = _DEFAULT_ROLE.get(words.lower(), words)
    return words or ("officer" if relation == "OFFICER_OF" else "owner")


def _as_written(role: str | None, status: Status) -> str:
    """The role as the source writes it, less a "former" the status already says."""
    words = (role or "").strip()
    if status.word == "former" and words.lower().startswith(dates.FORMER_WORDS):
        words = re.sub(r"^(former|ex-|previous)\s*", "", words, flags=re.IGNORECASE)
    return words


@dataclass
class Role:
    """One holder's role in, or shares of, one firm, as one source record states it."""

    holder: str  # who holds it, as printed: a name, or "A"/"B" for a linked firm
    firm: str  # the firm held, as printed ("A" or "B")
    relation: str  # OWNS (owner -> asset) or OFFICER_OF (officer -> organisation)
    role: str | None  # as the source words it
    share: float | None
    share_min: float | None
    share_max: float | None
    start_date: str | None
    end_date: str | None
    status: str
    status_basis: str
    status_text: str
    source_status: str | None = None
    registration_status: str | None = None
    control: list[str] = field(default_factory=list)
    at_shipments: str | None = None  # where the role stood when goods moved between the pair
    source: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any], holder: str, firm: str, as_of: dt.date, prefix: str = "") -> Role:
        """A Role from a row of ``firm_holders``, ``holdings`` or ``firm_direct_control``
        (columns ``type``, ``role``, ``share``, ``share_min``, ``share_max``, ``start``,
        ``end_date``, ``status``, ``registration_status``, ``record_date``, ``loaded_at``,
        ``control``, and the source columns), each name optionally behind ``prefix``."""
        def get(k: str) -> Any:
            return row.get(prefix + k)
        start, end = get("start"), get("end_date")
        st = row_status(row, as_of, prefix)
        control = get("control")
        return cls(holder, firm, get("type"), get("role"), get("share"), get("share_min"), get("share_max"),
                   dates.iso(start), dates.iso(end), st.word, st.basis, st.text, get("status"),
                   get("registration_status"), list(control) if isinstance(control, list) else
                   ([control] if control else []),
                   source={"dataset": get("dataset") or "", "file": get("file") or get("source_file") or "",
                           "record": get("record") or ""})

    @classmethod
    def of_step(cls, step: dict[str, Any], holder: str, firm: str, as_of: dt.date) -> Role:
        """A Role from one step of an exposure or ownership path (``type``, ``role``, ``share``,
        ``share_min``, ``share_max``, ``start_date``, ``end_date``, ``status``,
        ``registration_status``, ``record_date``, ``loaded_at``)."""
        return cls.from_row({"type": step.get("type") or "OWNS", "start": step.get("start_date"),
                             **{k: step.get(k) for k in ("role", "share", "share_min", "share_max", "end_date", "status",
                                                         "registration_status", "record_date", "loaded_at")}},
                            holder, firm, as_of)

    def predicate(self) -> str:
        """What the holder does, without the holder: ``owns 49 % of B (the source's role:
        "subsidiary of")`` or ``is director of A``, then `` — `` and the status clause."""
        st = Status(self.status, self.status_basis, self.status_text)
        if self.relation == "OWNS":
            share = share_text(self.share, self.share_min, self.share_max)
            words = _role_words(self.role, self.relation, st)
            as_role = "" if words.lower() in _OWNER_WORDS else f' (the source\'s role: "{_as_written(self.role, st)}")'
            text = f"owns {share} of {self.firm}{as_role}" if share else f"owns {self.firm}{as_role}"
        else:
            text = f"is {_role_words(self.role, self.relation, st)} of {self.firm}"
        return f"{text} — {self.status_text}" + (f", {self.at_shipments}" if self.at_shipments else "")

    def sentence(self) -> str:
        return f"{self.holder} {self.predicate()}"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["type"] = out.pop("relation")  # the name JSON readers have used
        out["share_text"] = share_text(self.share, self.share_min, self.share_max)
        return out


@dataclass
class SharedRole:
    """One holder (person or firm, or records resolved as one) with a role in both A and B."""

    kind: str  # shared_officer | common_owner
    holder: dict[str, Any]  # id, label, name; resolved_with and resolution where two records are one
    a: Role
    b: Role

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a.as_dict(), "b": self.b.as_dict()}  # the holder is the evidence's ``via``


@dataclass
class Control:
    """One of the pair holds a role in, or shares of, the other."""

    role: Role  # holder and firm are "A" and "B"

    def as_dict(self) -> dict[str, Any]:
        d = self.role.as_dict()
        return {**d, "holder": d["holder"].lower(), "held": d["firm"].lower()}


@dataclass
class SharedAddress:
    """Both firms registered at one address."""

    address: dict[str, Any]  # id, name
    a_roles: list[str]
    b_roles: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"address": self.address, "a_role": ", ".join(self.a_roles), "b_role": ", ".join(self.b_roles)}


@dataclass
class Shipment:
    """One customs line, or one monthly total (``aggregated``), between the pair."""

    a_exports: bool  # A is the exporter or supplier, B the importer or buyer (else the other way)
    shipment_id: str
    declaration_number: str | None
    date: str | None
    period: str | None  # YYYY-MM of a monthly total
    aggregated: bool
    hs_code: str | None
    hs6: str | None
    description: str
    quantity: float | None
    unit: str | None
    value_usd: float | None
    value: float | None  # in the source's currency (a vendor's "value in foreign currency")
    currency: str | None
    net_weight_kg: float | None
    exporter_role: str | None
    importer_role: str | None

    @property
    def direction(self) -> str:
        """How the sentence and the JSON print it: ``A -> B`` or ``B -> A``."""
        return "A -> B" if self.a_exports else "B -> A"

    @property
    def month(self) -> str | None:
        """A monthly total's month: its period, else that of its date (the first day the loader
        filled in, which the source never gave)."""
        return self.period or (self.date[:7] if self.date else None)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["a_exports"]
        return {"direction": self.direction, **out}


@dataclass
class SourceLink:
    """The source links the pair itself (OFAC "Linked To:"), without saying how: one side's
    entry names the other. Only pairs the source states: two firms both linked to a third entry
    are not linked by that (the source's links are not made transitive)."""

    wording: str  # the source's words: "Linked To"
    a_names: bool  # A's own entry names B (else B's entry names A)
    entry: str | None = None  # the record (OFAC ent_num) whose remarks state the link

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Family:
    """A person holding a role in A and a person holding one in B are family, as a source
    states it (FtM Family: person, relative, the relation from the person's side)."""

    relation: str  # as the source words it: "Family member of", "Son", ...
    person: str  # the fact's person and relative, by name, as the source orders them
    relative: str
    a_person: str  # who holds the role in A, and what the role is: "owns 1 % of A — former, ..."
    a_role: str
    b_person: str
    b_role: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Payment:
    """One payment between the pair, as a source records it (FtM Payment: a donation, a contract)."""

    payer: str  # "A" or "B"
    beneficiary: str
    amount: float | None
    currency: str | None
    date: str | None
    purpose: str | None
    payment_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Fact = SharedRole | Control | SharedAddress | Shipment | SourceLink | Family | Payment


def render(fact: Fact) -> str:
    """The one sentence for ``fact`` (see the templates in the module docstring)."""
    if isinstance(fact, SharedRole):
        return _render_shared_role(fact)
    if isinstance(fact, Control):
        return fact.role.sentence()
    if isinstance(fact, SharedAddress):
        return _render_address(fact)
    if isinstance(fact, SourceLink):
        return _render_source_link(fact)
    if isinstance(fact, Family):
        return (f"{fact.a_person} ({fact.a_role}) and {fact.b_person} ({fact.b_role}) are family: the "
                f"source's relation from {fact.person} to {fact.relative} reads \"{fact.relation}\"")
    if isinstance(fact, Payment):
        return _render_payment(fact)
    return _render_shipment(fact)


def _render_source_link(f: SourceLink) -> str:
    said = f"A's entry reads {f.wording} B" if f.a_names else f"B's entry reads {f.wording} A"
    entry = f" (entry {f.entry})" if f.entry else ""
    return f"linked by the source: {said}{entry}"


def _render_payment(f: Payment) -> str:
    amount = (f"{f.currency} {f.amount:,.2f}" if f.currency else f"{f.amount:,.2f} (currency not named by the source)"
              ) if f.amount is not None else "an amount the source does not give"
    when = f"on {f.date}" if f.date else "(undated)"
    purpose = f" for {f.purpose}" if f.purpose else ""
    return f"{f.payer} paid {f.beneficiary} {amount} {when}{purpose}"


def _render_shared_role(f: SharedRole) -> str:
    name = f.holder.get("name") or f.holder["id"]
    other = f.holder.get("resolved_with")
    if other:  # "=" resolved as one; "~" a pair waiting for review (a possible link)
        pending = (f.holder.get("resolution") or {}).get("judgement") == "pending"
        name = f"{name} {'~' if pending else '='} {other.get('name') or other['id']}"
    return f"{name}: {f.a.predicate()}; {f.b.predicate()}"


def _render_address(f: SharedAddress) -> str:
    roles = [", ".join(x for x in side if x and x.lower() not in _PLAIN_ADDRESS) for side in (f.a_roles, f.b_roles)]
    said = f" (A: {roles[0] or 'address'}; B: {roles[1] or 'address'})" if any(roles) else ""
    return f"both registered at {f.address.get('name')}{said}"


def _render_shipment(f: Shipment) -> str:
    qty = quantity_text(f.quantity, f.unit)
    usd = f"USD {f.value_usd:,.2f}" if f.value_usd is not None else None
    if f.value is not None and f.value != f.value_usd:
        value = f"value {f.value:,.2f} {f.currency}" if f.currency else \
            f"value {f.value:,.2f} (currency not named by the source)"
    else:
        value = None
    weight = f"net {_num(f.net_weight_kg)} kg" if f.net_weight_kg is not None and f.unit != "kg" else None
    tail = [b for b in (f"HS {f.hs_code}" if f.hs_code else None, qty, weight, usd, value,
                        f.description[:60] if f.description else None) if b]
    if f.aggregated:
        return f"{f.direction} monthly total, {f.month or 'month not given'}: " + ", ".join(tail)
    decl = f" declaration {f.declaration_number}:" if f.declaration_number else ""
    return f"{f.direction}{decl} " + ", ".join([f.date] + tail if f.date else tail)
