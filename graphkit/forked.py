"""Work done in a forked child process, its result (or its error) handed back to the parent.

Two parts of graphkit use it: a large load is read apart from the store's writes
(``graphkit/load/apart.py``: the reading heap ends with its process), and a large resolution
resolves its firms in a child while the parent prepares the people (``graphkit/resolve``: both
cores busy). ``start`` forks and returns at once; ``Job.result`` waits for the child's answer.
(A large COPY of an embedded load runs in a process of its own too, but a fresh interpreter, not
a fork: ``graphkit/store/embedded.py``, ``_copy_apart``.)

The child never touches the store and ends with ``os._exit``: no destructor, ``atexit`` handler
or buffered file of the parent's runs twice. It dies with the parent (``PR_SET_PDEATHSIG``), and
the parent kills it if the parent is interrupted while waiting. An error in the child is raised
in the parent as it was raised there (an unexpected one carries the child's traceback as a
note); a child that dies without an answer (killed out of memory) is one clear ``GraphkitError``.
The child may report progress (``("rows", n)`` messages), relayed to the parent's callback.

Linux only (``fork`` after threads are running is safe there for a child that only runs Python
and ends with ``os._exit``); callers decide with ``available``.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import struct
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from typing import IO, Any, Generic, TypeVar

from graphkit.errors import GraphkitError

T = TypeVar("T")
Progress = Callable[[int], None]
PROGRESS_EVERY = 10_000  # rows between two progress messages from the child


def available() -> bool:
    return sys.platform == "linux"


_in_child = False  # True in a child ``start`` forked


def threshold(variable: str, default: int) -> int | None:
    """The size from which work is done in a child, as the environment ``variable`` sets it
    (``default`` if unset or not a whole number); None where it is never so (a negative value,
    ``fork`` not available, or this process a child already on a machine of two cores or fewer:
    its parent works on the other, as when a resolution's firms are decided apart)."""
    try:
        limit = int(os.environ.get(variable, default))
    except ValueError:
        limit = default
    if _in_child and len(os.sched_getaffinity(0)) <= 2:
        return None
    return limit if limit >= 0 and available() else None


def start(work: Callable[[Progress | None], T], doing: str, fallback: str,
          relay_progress: bool = False) -> Job[T]:
    """Fork a child that runs ``work(progress)`` and sends back its result. ``doing`` names the
    child in messages ("reading the load"); ``fallback`` says how to do without it."""
    parent = os.getpid()
    for out in (sys.stdout, sys.stderr):  # so that the child does not write them out again
        out.flush()
    fd_in, fd_out = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(fd_in)
        _child(work, relay_progress, fd_out, parent, doing)  # never returns
    os.close(fd_out)
    return Job(pid, os.fdopen(fd_in, "rb"), doing, fallback)


class Job(Generic[T]):
    """A forked child at work."""

    def __init__(self, pid: int, stream: IO[bytes], doing: str, fallback: str):
        self.pid, self.stream, self.doing, self.fallback = pid, stream, doing, fallback
        self.reaped = False  # once it is, its pid may be another process's: never signalled again
        #: the child's peak RSS in MB once ``result`` reaped it (pages it shares with the parent
        #: included, as for any forked process)
        self.peak_rss_mb: float | None = None

    def result(self, progress: Progress | None = None) -> T:
        """Wait for the child: its result, or its error raised here."""
        try:
            with self.stream:
                kind, value = _relay(self.stream, progress)
        except BaseException:
            self.stop()
            raise
        _, status, usage = os.wait4(self.pid, 0)
        self.reaped, self.peak_rss_mb = True, usage.ru_maxrss / 1024
        if kind == "error":
            raise value
        if kind != "done":
            how = (f"was killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                   else f"ended with exit status {os.waitstatus_to_exitcode(status)}")
            hint = " (out of memory?)" if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL else ""
            raise GraphkitError(f"the process {self.doing} {how}{hint} before it was done; nothing was written "
                                f"({self.fallback})")
        out: T = value
        return out

    def __enter__(self) -> Job[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: Any) -> None:
        """Stop the child if the block failed or was interrupted while it worked."""
        if kind is not None:
            self.stop()

    def stop(self) -> None:
        """Kill the child and reap it (the parent was interrupted, or failed meanwhile); nothing
        once it has been reaped, so that a caller may stop a job whatever became of it."""
        self.stream.close()
        if self.reaped:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.reaped = True


def _relay(stream: IO[bytes], progress: Progress | None) -> tuple[str, Any]:
    """The child's messages until its last: ``("rows", n)`` as it works, then ``("done",
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


def _child(work: Callable[[Progress | None], Any], relay_progress: bool, fd: int, parent: int,
           doing: str) -> None:
    global _in_child
    _in_child = True
    code = 1
    try:
        _die_with_parent(parent)
        with os.fdopen(fd, "wb") as stream:
            rows = _Rows(stream) if relay_progress else None
            try:
                message: tuple[str, Any] = ("done", work(rows))
                if rows is not None:
                    rows.send()
            except BaseException as exc:  # noqa: BLE001 - every error goes to the parent
                message = ("error", _portable(exc, doing))
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
    """The child's progress: rows done, sent to the parent every ``PROGRESS_EVERY``."""

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


def _portable(exc: BaseException, doing: str) -> BaseException:
    """``exc`` as it can cross to the parent: itself where it pickles whole; an unexpected error
    (a bug) carries the child's traceback as a note."""
    if not isinstance(exc, GraphkitError | KeyboardInterrupt):
        exc.add_note(f"in the process {doing}:\n" + "".join(traceback.format_exception(exc)))
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


class TwoEnds:
    """Pieces of work numbered 0 to n - 1, shared out between a process and a child it forks as
    each is free: one takes them from the front (``take(front=True)``), the other from the back,
    until the two meet. Sharing by estimate left one core idle for as long as the estimate was
    wrong. The counts live in a temporary file under a POSIX record lock (``lockf``): the two
    are processes, and a lock of a process that dies is released with it."""

    def __init__(self, n: int):
        self._file = tempfile.TemporaryFile()
        self._fd = self._file.fileno()
        os.pwrite(self._fd, struct.pack("qq", 0, n), 0)

    def take(self, front: bool) -> int | None:
        """The number of the next piece from this end, or None once none is left."""
        import fcntl  # POSIX only, as ``start``

        fcntl.lockf(self._fd, fcntl.LOCK_EX)
        try:
            first, stop = struct.unpack("qq", os.pread(self._fd, 16, 0))
            if first >= stop:
                return None
            taken = first if front else stop - 1
            os.pwrite(self._fd, struct.pack("qq", first + 1, stop) if front else struct.pack("qq", first, stop - 1), 0)
            return taken
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def taken(self, front: bool) -> Iterator[int]:
        """The numbers of the pieces this process takes from its end, as each is taken."""
        while (k := self.take(front)) is not None:
            yield k

    def slices(self, front: bool, size: int, total: int) -> Iterator[tuple[int, int]]:
        """(start, stop) of each slice of ``size`` items of ``total`` (the pieces, numbered in
        order) this process takes from its end, as each is taken."""
        for k in self.taken(front):
            yield k * size, min((k + 1) * size, total)

    def close(self) -> None:
        self._file.close()
