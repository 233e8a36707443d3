"""The source's own node ids, for relationship files that name nodes by them.

ICIJ's ``relationships.csv`` names its two ends by ``node_id``, an id local to the bundle that
means something only together with the node files loaded before it. While a load runs, every
node built from a row that has a ``source_id`` is recorded here (source id -> label and graph
id); a relationship row then finds its ends by those ids. The index lives in a SQLite file in a
temporary folder, not in memory, so a bundle of millions of nodes costs disk, not memory; the
most recent entries are kept in a dict until written in batches.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

FLUSH_EVERY = 50_000


class SourceIndex:
    """Source id -> (label, node id) for one load. Use as a context manager."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="graphkit-ids-")
        self._db = sqlite3.connect(Path(self._dir.name) / "ids.sqlite")
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE ids (source TEXT PRIMARY KEY, label TEXT, node TEXT) WITHOUT ROWID")
        self._pending: dict[str, tuple[str, str]] = {}
        self.size = 0

    def add(self, source_id: str, label: str, node_id: str) -> None:
        if source_id not in self._pending:
            self.size += 1
        self._pending[source_id] = (label, node_id)
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT OR REPLACE INTO ids VALUES (?, ?, ?)",
                                 ((k, lab, n) for k, (lab, n) in self._pending.items()))
            self._pending.clear()

    def get(self, source_id: str) -> tuple[str, str] | None:
        found = self._pending.get(source_id)
        if found is not None:
            return found
        row = self._db.execute("SELECT label, node FROM ids WHERE source = ?", (source_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()

    def __enter__(self) -> SourceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
