"""Process pools for cold builds: parsing and rendering on every core.

Work goes out in chunks (per-note tasks drown in pickling). Where the platform can
fork and the process has no other threads, workers inherit the parent's memory, so
pages to render are passed as index ranges instead of being pickled; elsewhere the
pool spawns fresh interpreters and everything it needs is sent along.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

PARSE_MIN = 400  # below this many notes, starting processes costs more than it saves
RENDER_MIN = 1500  # pages
PARSE_CHUNK = 250
RENDER_CHUNK = 400


def worker_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking is safe only without other threads (a lock held elsewhere would never be released)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def pool_context():
    return multiprocessing.get_context("fork" if can_fork() else "spawn")


def die_with_parent(parent: int) -> None:
    """In a forked child: end when `parent` ends, so a killed build leaves nothing behind.

    An orphan would go on holding what it inherited (the output's lock, a pipe) forever.
    Linux ends it at once (PR_SET_PDEATHSIG); elsewhere its writes to the dead parent fail.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent was gone before the line above
        os._exit(1)


def chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def map_chunks(function: Callable[..., list], work: Sequence, size: int, *extra: Any) -> Iterator[list]:
    """Run `function(chunk, *extra)` over chunks of `work` in a pool, yielding results in order."""
    pieces = chunks(work, size)
    with pool_context().Pool(min(worker_count(), len(pieces)), die_with_parent, (os.getpid(),)) as pool:
        yield from pool.imap(call_with, [(function, piece, extra) for piece in pieces])


def call_with(job: tuple) -> list:
    function, piece, extra = job
    return function(piece, *extra)


def map_forked(function: Callable[[Any, range], list], count: int, size: int, job: Any) -> Iterator[list]:
    """Run `function(job, range)` over index ranges in forked workers, which inherit `job` (never pickled)."""
    ranges = [range(start, min(start + size, count)) for start in range(0, count, size)]
    context = multiprocessing.get_context("fork")
    initargs = (function, job, os.getpid())
    with context.Pool(min(worker_count(), len(ranges)), initializer=adopt_job, initargs=initargs) as pool:
        yield from pool.imap_unordered(run_forked, ranges)


# In a forked worker only: the function and job it was started with (set once, by the pool's initializer).
_forked: tuple[Callable[[Any, range], list], Any] | None = None


def adopt_job(function: Callable[[Any, range], list], job: Any, parent: int) -> None:
    global _forked
    die_with_parent(parent)
    _forked = (function, job)


def run_forked(indexes: range) -> list:
    assert _forked is not None, "run_forked runs only in workers started by map_forked"
    function, job = _forked
    return function(job, indexes)


BACKGROUND_MIN = 1000  # notes: below this, a process costs more than the work it would overlap


def in_background(function: Callable[..., Any], *args: Any, size: int = 0) -> Callable[[], Any]:
    """Start `function(*args)` in a forked process while the caller goes on; call the result to wait for it.

    Runs inline, when waited for, if forking is not safe or the job is small (`size` below
    BACKGROUND_MIN). A failure in the process is retried inline, so its error reaches the
    caller as usual. Wait once.
    """
    if size < BACKGROUND_MIN or worker_count() < 2 or not can_fork():
        return lambda: function(*args)  # done when waited for, so errors surface at the same place
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    parent = os.getpid()

    def run() -> None:
        die_with_parent(parent)
        receiving.close()  # only the parent reads: a write to a dead parent must fail, not block forever
        try:
            sending.send(function(*args))
        finally:
            sending.close()

    process = context.Process(target=run, daemon=True)
    process.start()
    sending.close()  # the parent's copy: only the child writes

    def result() -> Any:
        try:
            value = receiving.recv()
        except EOFError:  # the process failed: do the work here, and let its error surface
            value = function(*args)
        finally:
            receiving.close()
            process.join()
        return value

    return result
