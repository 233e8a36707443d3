"""Dates as find-links and reports use them: one conversion and one rule for a role's status.

Stores hand back ``datetime.date`` (Neo4j's own temporal types are converted inside
``store/neo4j.py``); loaders and JSON may carry ISO text. Everything here accepts either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

FORMER_WORDS = ("former", "ex-", "previous")  # a role the source calls ended, without a date


def as_date(v: Any) -> dt.date:
    """A date from a ``date``, a ``datetime`` or ISO text (its first ten characters)."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def iso(v: Any) -> str | None:
    """A date as ISO text; text as its first ten characters (a partial date such as "1979"
    stays as it is); None stays None."""
    if v is None:
        return None
    return as_date(v).isoformat() if isinstance(v, dt.date) else str(v)[:10]


def status(start: Any, end: Any, as_of: dt.date, role: str | None = None) -> str:
    """``former``, ``future`` or ``current`` on ``as_of``: former when the role ended before
    it, or the source calls the role former ("former director", "ex-CEO") even without an end
    date; future when it starts after; current otherwise (no dates known included)."""
    if role and role.lower().startswith(FORMER_WORDS):
        return "former"
    if end is not None and as_date(end) < as_of:
        return "former"
    if start is not None and as_date(start) > as_of:
        return "future"
    return "current"


def span(start: Any, end: Any) -> str:
    """`` (2019-05-01 to present)``, or nothing when neither date is known."""
    if start is None and end is None:
        return ""
    return f" ({iso(start) or '?'} to {iso(end) or 'present'})"


def iso_if_date(v: Any) -> Any:
    """``v`` as ISO text when it is a date or datetime; any other value unchanged."""
    return iso(v) if isinstance(v, dt.date) else v
