"""Watch lists of goods: HS codes an investigator wants flagged, as data.

graphkit ships one list, the Common High Priority List (``chpl``: 50 HS-6 codes in tiers 1 to
4.B, ``graphkit/data/chpl.csv``); users add their own in the same small format and pass them
with ``--watchlist FILE``::

    # drones and cameras: not on the CHPL (complete drones, 8806, are not; parts, 880730, are)
    code,list,tier,note
    8806,drones,,complete unmanned aircraft
    8525,cameras,,television and digital cameras

``code`` is an HS code of 2 to 10 digits (dots and spaces are ignored); it matches every
shipment whose declared code starts with it. Codes longer than six digits are cut to their
HS-6 first, because national subheadings (8 to 10 digits) differ between countries: the
Kazakh 8806221000 and a Russian 8806221009 are both HS-6 880622. ``list`` names the list
(required); ``tier`` and ``note`` are optional. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from graphkit.errors import InvalidData, Problem


@dataclass(frozen=True)
class Entry:
    code: str  # 2 to 6 digits
    list: str
    tier: str | None
    note: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"list": self.list, "tier": self.tier, "code": self.code, "note": self.note}


class Watchlists:
    """Entries of one or more watch lists, matched against declared HS codes by prefix."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._by_code: dict[str, list[Entry]] = {}
        for e in entries:
            self._by_code.setdefault(e.code, []).append(e)
        self._lengths = sorted({len(c) for c in self._by_code})

    @classmethod
    def load(cls, paths: list[Path] | tuple[Path, ...] = (), *, chpl: bool = True) -> Watchlists:
        """The built-in CHPL (unless ``chpl=False``) and every file in ``paths``.

        Raises InvalidData naming file, line and column for a bad line (every bad line)."""
        entries = list(_chpl()) if chpl else []
        for p in paths:
            entries += read_watchlist(Path(p))
        return cls(entries)

    def hits(self, hs_code: str | None) -> list[Entry]:
        """The entries ``hs_code`` (as declared, any length) falls under, most specific first."""
        if not hs_code:
            return []
        digits = "".join(ch for ch in str(hs_code) if ch.isdigit())[:6]
        out: list[Entry] = []
        for n in reversed(self._lengths):
            if len(digits) >= n:
                out += self._by_code.get(digits[:n], [])
        return out

    def names(self) -> list[str]:
        return sorted({e.list for e in self.entries})


def read_watchlist(path: Path) -> list[Entry]:
    """The entries of a watch-list file (format in the module docstring)."""
    if not path.is_file():
        raise InvalidData.single(path.name, None, None, "no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidData.single(path.name, None, None, "not UTF-8 text") from None
    return _parse(text, path.name)


def _parse(text: str, name: str) -> list[Entry]:
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise InvalidData.single(name, None, None, "no entries: a watch list needs a header "
                                 "(code,list,tier,note) and at least one code")
    header_line, header_text = rows[0]
    header = [h.strip().lower() for h in next(csv.reader([header_text]))]
    missing = [c for c in ("code", "list") if c not in header]
    if missing:
        raise InvalidData([Problem(name, header_line, c, "column missing from the header "
                                   "(a watch list has code,list and optionally tier,note)") for c in missing])
    problems: list[Problem] = []
    out: list[Entry] = []
    for line, raw in rows[1:]:
        cells = next(csv.reader(io.StringIO(raw)))
        row = dict(zip(header, [c.strip() for c in cells], strict=False))
        code = "".join(ch for ch in row.get("code", "") if ch not in ". ")
        if not code.isdigit() or not 2 <= len(code) <= 10:
            problems.append(Problem(name, line, "code", f"{row.get('code', '')!r} is not an HS code of 2 to 10 digits"))
            continue
        if not row.get("list"):
            problems.append(Problem(name, line, "list", "no list name"))
            continue
        out.append(Entry(code[:6], row["list"], row.get("tier") or None, row.get("note") or None))
    if problems:
        raise InvalidData(problems)
    return out


@cache
def _chpl() -> tuple[Entry, ...]:
    text = resources.files("graphkit").joinpath("data", "chpl.csv").read_text(encoding="utf-8")
    return tuple(_parse(text, "chpl.csv"))


def chpl_tiers() -> dict[str, str]:
    """HS-6 code -> CHPL tier (the built-in list)."""
    return {e.code: e.tier or "" for e in _chpl()}
