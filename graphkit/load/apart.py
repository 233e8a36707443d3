"""Reading a large load in a process of its own, which ends before the store's writes begin.

Reading a load leaves the Python heap large and full of holes: the record builder's memories,
the counting pass's dict of numbers and millions of short-lived records free most of what they
took, but CPython hands its small-object arenas back to the system only when they are wholly
empty, and a few long-lived objects keep most of them (about 700 MB of heap after reading 500k
PSC lines, some 40 MB of it live: docs/benchmarks.md, "Loader: loads in chunks"). The store's
writes (LadybugDB's COPY) then add their own memory on top, and the load's peak is the sum.

A staged load (``store/staged.py``) writes nothing to the store while it reads: its batches go to
Parquet files in the load's folder. So on Linux a large load is read in a forked child, which
runs the counting pass, reads every file into the staging files and the rejects files, sends
back what the writing needs (the files' reports, the problems, the names of the staging and
rejects files) and ends: its whole heap goes with it. The parent waits, holding only what it
held before reading, and then writes. The graph, the report and the rejects files are the same
either way (tests/test_read_apart.py).

The child never touches the store and ends with ``os._exit``: no destructor, ``atexit`` handler
or buffered file of the parent's runs twice. It dies with the parent (``PR_SET_PDEATHSIG``), so
a killed load leaves no reader behind; the parent kills it if the parent is interrupted. An
error in the child is raised in the parent as it was raised there, and the parent undoes the
load as for any failed load. Progress is relayed as rows are read.

Inputs of at least ``GRAPHKIT_READ_APART_MB`` megabytes (default ``READ_APART_MB``; a negative
value: never) are read apart; smaller ones, where the heap is small, in the process itself.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from graphkit.errors import GraphkitError

if TYPE_CHECKING:
    from graphkit.store.staged import StagedLoad

READ_APART_MB = 16
PROGRESS_EVERY = 10_000  # rows read between two progress messages from the child

T = TypeVar("T")
Progress = Callable[[int], None]


def wanted(paths: list[Path], sink: StagedLoad) -> bool:
    """Whether to read a load of ``paths`` into ``sink`` in a process of its own: where the sink
    writes only once everything is read (not in chunks), on Linux, for a large input."""
    if sys.platform != "linux" or sink.chunk_records:
        return False
    try:
        limit = int(os.environ.get("GRAPHKIT_READ_APART_MB", READ_APART_MB))
    except ValueError:
        limit = READ_APART_MB
    if limit < 0:
        return False
    return sum(p.stat().st_size for p in paths if p.is_file()) >= limit * 1_000_000


def run(read: Callable[[Progress | None], T], progress: Progress | None) -> T:
    """``read(progress)`` in a forked child; its result (or its error, raised here)."""
    parent = os.getpid()
    for out in (sys.stdout, sys.stderr):  # so that the child does not write them out again
        out.flush()
    fd_in, fd_out = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(fd_in)
        _child(read, progress is not None, fd_out, parent)  # never returns
    os.close(fd_out)
    try:
        with os.fdopen(fd_in, "rb") as stream:
            kind, value = _relay(stream, progress)
    except BaseException:
        _stop(pid)
        raise
    _, status = os.waitpid(pid, 0)
    if kind == "error":
        raise value
    if kind != "done":
        how = (f"was killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"ended with exit status {os.waitstatus_to_exitcode(status)}")
        hint = " (out of memory?)" if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL else ""
        raise GraphkitError(f"the process reading the load {how}{hint} before it was done; nothing "
                            "was written (set GRAPHKIT_READ_APART_MB=-1 to read in this process)")
    result: T = value
    return result


def _relay(stream: IO[bytes], progress: Progress | None) -> tuple[str, Any]:
    """The child's messages until its last: ``("rows", n)`` as it reads, then ``("done",
    result)`` or ``("error", exception)``; ``("lost", None)`` if it ended without one."""
    while True:
        try:
            kind, value = pickle.load(stream)  # noqa: S301 - from the child this process forked
        except (EOFError, pickle.UnpicklingError):  # it ended, or was killed midway through a message
            return "lost", None
        if kind != "rows":
            return kind, value
        if progress is not None:
            progress(value)


def _child(read: Callable[[Progress | None], Any], relay_progress: bool, fd: int, parent: int) -> None:
    code = 1
    try:
        _die_with_parent(parent)
        with os.fdopen(fd, "wb") as stream:
            rows = _Rows(stream) if relay_progress else None
            try:
                message: tuple[str, Any] = ("done", read(rows))
                if rows is not None:
                    rows.send()
            except BaseException as exc:  # noqa: BLE001 - every error goes to the parent
                message = ("error", _portable(exc))
            pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        for out in (sys.stdout, sys.stderr):
            try:
                out.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


class _Rows:
    """The child's progress: rows read, sent to the parent every ``PROGRESS_EVERY``."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.pending = stream, 0

    def __call__(self, n: int) -> None:
        self.pending += n
        if self.pending >= PROGRESS_EVERY:
            self.send()

    def send(self) -> None:
        if self.pending:
            pickle.dump(("rows", self.pending), self.stream, protocol=pickle.HIGHEST_PROTOCOL)
            self.stream.flush()
            self.pending = 0


def _portable(exc: BaseException) -> BaseException:
    """``exc`` as it can cross to the parent: itself where it pickles whole; an unexpected error
    (a bug) carries the child's traceback as a note."""
    if not isinstance(exc, GraphkitError | KeyboardInterrupt):
        exc.add_note("in the process reading the load:\n" + "".join(traceback.format_exception(exc)))
    try:
        copy = pickle.loads(pickle.dumps(exc))
        if type(copy) is type(exc) and str(copy) == str(exc):
            return exc
    except Exception:  # noqa: BLE001, S110 - not picklable: sent as text below
        pass
    out = RuntimeError(f"{type(exc).__name__}: {exc}")
    for note in getattr(exc, "__notes__", []):
        out.add_note(note)
    return out


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this child when the parent dies (Linux ``prctl``)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
