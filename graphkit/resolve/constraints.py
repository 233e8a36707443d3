"""What two records of one entity cannot disagree on: the cannot-link facts of a cluster.

Resolution joins clusters, not just pairs: A = B and B = C make A = C, so a contradiction
between A and C must stop the second join however well B matched each. Each record's facts are
noted on its cluster (``Partition.note``) and every join compares the facts of both clusters,
which is comparing every record of one with every record of the other (nomenklatura and Splink
cluster under the same kind of constraint). The facts:

- registry numbers, per scheme (two INNs, two ``reg:gb`` numbers);
- the birth date at the precision each record gives it (``1961-12`` and ``1961-12-03`` agree,
  ``1961-12`` and ``1961-11`` do not);
- a person's gender where a title or a patronymic says it (Mr / Mrs, Vladimirovich /
  Vladimirovna), and the father's name (``patronymic``);
- the middle names a register's filing gives with its name elements (PSC), where it gives any:
  "Mr Ian Wesigden" may be Ian Paul or Ian Paul Samuel Wesigden, not both;
- a firm's numerals (Zehnte / Vierzehnte, Metall-1 / Metall-2), its legal-form family
  (related families agree) and its country, all three overruled by a registry number the joining
  pair shares (a renamed fund keeps its LEI);
- ``entry:<dataset>``: a curated list (``CURATED``) names each entity once, so two of its entries
  stay two unless a person joins them; that source lists OFAC's two "NATIONAL LIBERATION ARMY"
  entries under different programmes.
"""

from __future__ import annotations

from graphkit import normalize as nz
from graphkit.identifiers import by_scheme
from graphkit.resolve import registry_people
from graphkit.resolve.judgements import Partition
from graphkit.resolve.names import firm_name, person_gender, person_name, word_forms
from graphkit.resolve.people import same_father
from graphkit.resolve.scoring import CURATED, Record, dates_agree


def _forms_agree(x: str, y: str) -> bool:
    return x == y or nz.related_forms(x, y)


def configure(p: Partition) -> Partition:
    """Teach ``p`` how each fact's values agree; returns it."""
    p.agree.setdefault("patronymic", same_father)  # Ilich / Ilyich / Ільїч name one father
    p.agree.setdefault("legal_form", _forms_agree)
    p.compatible.setdefault("birth_date", dates_agree)
    p.waivable.update({"country", "numerals", "legal_form"})  # a shared registry number outweighs these
    return p


def curated_entry(r: Record) -> str | None:
    """The curated list that gives ``r`` as one of its entries, if any."""
    if CURATED.isdisjoint(r.datasets):
        return None
    return next((d for d in sorted(r.datasets) if d in CURATED), None)


def note(p: Partition, r: Record) -> None:
    """Note on ``r``'s cluster every fact that another record of its entity must not contradict."""
    p.note_all(r.id, facts(r))


def facts(r: Record) -> list[tuple[str, str]]:
    """The facts of ``note`` as (key, value) pairs: gathered first and noted at once (one look-up
    of the record's cluster, not one a fact, for 180k records at 200k PSC lines)."""
    out: list[tuple[str, str]] = []
    if r.birth_date:
        out.append(("birth_date", r.birth_date))
    if r.registry_ids:  # most people carry none: no grouping to do
        out += [(scheme, value) for scheme, values in by_scheme(r.registry_ids).items() for value in values]
    curated = curated_entry(r)
    if curated:
        out.append((f"entry:{curated}", r.id))
    if r.label == "Person":
        # a PSC filing's titles, read once for its name elements; else every name's title or patronymic
        dated = registry_people.elements(r) if registry_people.month_dated(r) else None
        gender = dated.gender if dated is not None else person_gender(r.names)
        if dated is not None and dated.middles:  # "Ian Wesigden" joins Ian Paul or Ian Paul Samuel, not both
            out.append(("middle_names", " ".join(dated.middles)))
        if gender:
            out.append(("gender", gender))
        for name in word_forms(r.names):  # the father's name as written; ``same_father`` says which agree
            pn = person_name(name)
            if pn.patronymic:
                out.append(("patronymic", pn.original[pn.words.index(pn.patronymic)]))
        return out
    if r.names:
        fn = firm_name(r.names[0])
        if fn.marks:
            out.append(("numerals", " ".join(fn.marks)))
        form = nz.form_family(r.legal_form) or fn.form
        if form:
            out.append(("legal_form", form))
    if r.country:
        out.append(("country", r.country))
    return out
