"""One exception root for graphkit.

Every failure a user can cause (bad input, a bad mapping, an unreachable store) is raised as a
subclass of :class:`GraphkitError`. The CLI turns these into one readable line and a non-zero exit
code at a single boundary (``graphkit.cli.main``); anything else reaching the user is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class GraphkitError(Exception):
    """Root of every error graphkit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in one place of an input file.

    ``line`` is the 1-based line of the file where the record starts (a CSV header is line 1),
    as a text editor shows it; ``column`` is the column or field name, or ``None`` when the
    problem concerns the whole line or file.
    """

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class InvalidData(GraphkitError):
    """Input data that cannot be loaded. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], rows_read: int | None = None):
        self.problems = problems
        self.rows_read = rows_read
        first = str(problems[0]) if problems else "invalid data"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(first + more)

    def __reduce__(self) -> tuple[Any, ...]:  # rebuilt from its problems (graphkit/load/apart.py)
        return (type(self), (self.problems, self.rows_read), self.__dict__)

    @classmethod
    def single(cls, file: str, line: int | None, column: str | None, message: str) -> InvalidData:
        return cls([Problem(file, line, column, message)])


class MappingError(GraphkitError):
    """A loader mapping that is malformed or does not fit the file it is applied to."""


class StoreError(GraphkitError):
    """A store that cannot be opened, reached or written; carries the query name if any."""


class QueryError(StoreError):
    """A named query from ``cypher/`` failed, or cannot run on this store; ``query`` is its name."""

    def __init__(self, message: str, query: str | None = None):
        super().__init__(message)
        self.query = query

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.query), self.__dict__)


class ResolutionError(GraphkitError):
    """Entity resolution could not run or a judgement is inconsistent."""


class NotFound(GraphkitError):
    """A query (name, registry id or internal id) that matches no entity."""


class ModelError(GraphkitError):
    """``model.yml`` contradicts itself: an unknown type, label, property, kind or judgement."""
