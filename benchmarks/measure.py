"""Time one build and find its peak memory, the same way for every engine.

Each build runs under a tiny fresh Python wrapper. The wrapper times the build with
`time.perf_counter` and reads `getrusage(RUSAGE_CHILDREN).ru_maxrss` when it ends. That
counter holds the maximum over every child a process has waited for, so a new wrapper
per build is the only way to get the figure for one build. Meanwhile a thread here adds
up the VmRSS of the wrapper's descendants every 50 ms. The largest of those sums is the
peak of the whole process tree, main process and pool workers together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05
PROC = Path("/proc")

# Runs in the wrapper: no site-packages, nothing imported after the clock starts.
WRAPPER = """\
import json, resource, subprocess, sys, time
result, cwd, *command = sys.argv[1:]
started = time.perf_counter()
code = subprocess.call(command, cwd=cwd)
wall = time.perf_counter() - started
maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(result, "w") as handle:
    json.dump({"code": code, "wall": wall, "maxrss": maxrss}, handle)
"""


@dataclass(frozen=True)
class Measurement:
    """One build: wall seconds and peak memory in MiB (tree_mib is None without /proc)."""

    wall: float
    process_mib: float
    tree_mib: float | None


class BuildFailed(RuntimeError):
    """A build exited with a non-zero code; the message carries the end of its output."""


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measurement:
    """Run `command` in `cwd` once and measure it; raise BuildFailed if it fails."""
    with tempfile.TemporaryDirectory(prefix="notes-site-measure-") as scratch:
        result_path = Path(scratch) / "result.json"
        wrapper = [sys.executable, "-I", "-S", "-c", WRAPPER, str(result_path), str(cwd), *command]
        child = subprocess.Popen(wrapper, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        sampler = TreeSampler(child.pid)
        sampler.start()
        try:
            stdout, stderr = child.communicate()
        finally:
            sampler.stop()
        if child.returncode != 0 or not result_path.exists():
            raise BuildFailed(failure_message(command, cwd, child.returncode, stdout, stderr))
        result = json.loads(result_path.read_text())
    if result["code"] != 0:
        raise BuildFailed(failure_message(command, cwd, result["code"], stdout, stderr))
    return Measurement(wall=result["wall"], process_mib=maxrss_mib(result["maxrss"]), tree_mib=sampler.peak_mib())


def failure_message(command: list[str], cwd: Path, code: int, stdout: bytes, stderr: bytes) -> str:
    tail = (stdout + stderr).decode("utf-8", "replace").strip().splitlines()[-15:]
    shown = "\n".join("    " + line for line in tail) or "    (no output)"
    return f"`{' '.join(command)}` in {cwd} exited with code {code}. Its last lines:\n{shown}"


def maxrss_mib(maxrss: int) -> float:
    """ru_maxrss is in KiB on Linux and in bytes on macOS."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


class TreeSampler:
    """Samples the summed VmRSS of every descendant of one process (not the process itself).

    Without psutil, and where /proc/PID/task/TID/children is not compiled in, the tree is
    found from the parent pid in /proc/PID/stat. Each pid's parent is read once and
    remembered, so a sample costs one directory listing plus one status file per process
    in the tree.
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self.available = (PROC / "self" / "status").exists()
        self.parents: dict[int, int] = {}
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        if self.available:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def peak_mib(self) -> float | None:
        return self.peak_kib / 1024 if self.available else None

    def _run(self) -> None:
        while True:
            self.peak_kib = max(self.peak_kib, sum(rss_kib(pid) for pid in self._descendants()))
            if self._stop.wait(SAMPLE_SECONDS):
                return

    def _descendants(self) -> list[int]:
        alive = {int(name) for name in os.listdir(PROC) if name.isdigit()}
        for pid in list(self.parents):
            if pid not in alive:
                del self.parents[pid]  # gone; the number may be reused by an unrelated process
        for pid in alive - self.parents.keys():
            parent = parent_pid(pid)
            if parent is not None:
                self.parents[pid] = parent
        children: dict[int, list[int]] = {}
        for pid, parent in self.parents.items():
            children.setdefault(parent, []).append(pid)
        found, todo = [], [self.root]
        while todo:
            for child in children.get(todo.pop(), ()):
                found.append(child)
                todo.append(child)
        return found


def parent_pid(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    # The command name in parentheses may hold spaces and parentheses: split after the last ")".
    return int(stat[stat.rindex(b")") + 2 :].split()[1])


def rss_kib(pid: int) -> int:
    try:
        status = (PROC / str(pid) / "status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # a zombie has no VmRSS line
