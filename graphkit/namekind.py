"""Whether a name is a firm's or a person's, for sources that hold both in one list and do not
say which (ICIJ officers and intermediaries): the decision and the rule that made it.

Rules, in order (the first that fires decides; the rule is kept on the node as
``label_basis``, so a reader can see why a name became a firm):

1. ``legal form``: the name carries a legal form, at its end or where forms stand by custom
   (``normalize.split_legal_form``), or one that rigour's org-type table knows anywhere in the
   name (``rigour.names.extract_org_types``: LTD, SA, LP, PT, GmbH ... in many languages);
2. ``firm word``: a word only organisations use, from rigour's name symbols (``DOMAIN``: bank,
   banque, shipping, advisers, real estate ..., words of four letters or more) or graphkit's list
   of firm words (trust, nominees, bearer, anstalt, & Co, law firm ...). rigour's ``SYMBOL`` and
   ``ORG_CLASS`` tags are not used: they also fire on people's names ("deV", "Yu", "Ong");
3. otherwise ``person``: a name with neither.

A name rule cannot be certain: "Smith & Partners" is a firm, "John Trust" could be a man. The
rules lean to Company only where the name itself says so, and the basis is always stored.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rigour.names import NameTypeTag, SymbolCategory, analyze_names, extract_org_types

from graphkit import normalize as nz

# Words that mark a name as a firm's where rigour's tables do not (graphkit's own list)
FIRM_WORDS = re.compile(
    r"\b(limited|ltd|inc|incorporated|corp|corporation|company|gmbh|plc|llc|llp|trust|trustees?|"
    r"foundation|fund|bank|holdings?|group|nominees?|services|management|investments?|enterprises?|"
    r"international|partners|associates|bearer|anstalt|stiftung|establishment|sdn|bhd|pte|pty|ltda|"
    r"lawyers|consultants?|consulting|capital|ventures|securities|trading|société|societe|sociedad|"
    r"s\.a|s\.l|s\.r\.l|b\.v|n\.v|a\.g|co\.|& co|law firm|brothers|advisors|accountants?)(?=\W|$)", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)?")
_LEADING = {"pt", "cv", "pt.", "cv."}  # Indonesian forms written before the name


@lru_cache(maxsize=65536)
def name_kind(name: str) -> tuple[str, str]:
    """``("company" | "person", basis)`` for ``name`` by the rules of the module docstring.

    >>> name_kind("CREDIT SUISSE PRIVATE BANKING (LONDON)")
    ('company', 'firm word: banking (rigour domain BANK)')
    >>> name_kind("Andrew Chandler")
    ('person', 'person: no legal form or firm word in the name')
    """
    form = nz.split_legal_form(name)[0]
    if form:
        return "company", f"legal form: {form.upper()}"
    core = _PARENS.sub(" ", name).strip(" .,-").casefold()  # "UBS AG (NYON)": the form before a branch
    for found, _norm in extract_org_types(name):
        text = found.casefold().strip(" .")
        # only at the end of the name, or at its start where forms stand there by custom (PT, CV):
        # inside a name, "Yu", "Ong", "Sau" are given names that rigour's table also lists
        if core.endswith(" " + text) or (text in _LEADING and core.startswith((text + " ", text + "."))):
            return "company", f"legal form: {found.strip()} (rigour org type)"
    for analysed in analyze_names(NameTypeTag.ORG, [core]):  # not a branch's or a note's words
        for span in analysed.spans:
            text = " ".join(p.form for p in span.parts)
            # a domain word of four letters or more: "pla", "eng" are also parts of people's names
            if span.symbol.category == SymbolCategory.DOMAIN and len(text) >= 4:
                return "company", f"firm word: {text} (rigour domain {str(span.symbol).strip('[]').split(':', 1)[-1]})"
    m = FIRM_WORDS.search(name)
    if m:
        return "company", f"firm word: {m.group(1).upper()}"
    return "person", "person: no legal form or firm word in the name"
