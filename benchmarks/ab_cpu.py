"""Compare two checkouts' cold builds by CPU time, alternating them, on the standard corpus.

CPU time (user + system, of the build and its worker processes) moves far less than wall
time when other work shares the machine, so it can tell a slowdown from a busy neighbour:

    python benchmarks/ab_cpu.py OLD_CHECKOUT NEW_CHECKOUT --notes 1000 --runs 5

Each checkout builds the same generated site (`../shared/bench/gen_corpus.py`) from
scratch in turns; the report gives each run and the medians. It never asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GEN_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "gen_corpus.py"
SETTINGS = "title: Paper Notes\ntimezone: Asia/Shanghai\nper_page: 10\npermalink: ':year/:month/:day/:slug/'\n"


def cold_build(checkout: Path, site: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one build with no output and no cache."""
    for leftover in site.iterdir():
        if leftover.name == "public" or "notes-site" in leftover.name:
            shutil.rmtree(leftover, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "notes_site", "build", "--site", str(site)],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)},
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs=2, type=Path, help="two notes-site working trees")
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        subprocess.run([sys.executable, str(GEN_CORPUS), str(site / "content"), "--notes", str(args.notes),
                        "--flavor", "plain"], check=True, capture_output=True)  # fmt: skip
        (site / "notes-site.yaml").write_text(SETTINGS, encoding="utf-8")
        figures: dict[Path, list[tuple[float, float]]] = {checkout: [] for checkout in args.checkouts}
        for run in range(1, args.runs + 1):
            for checkout in args.checkouts:
                cpu, wall = cold_build(checkout.resolve(), site)
                figures[checkout].append((cpu, wall))
                print(f"{checkout} run {run}: cpu {cpu:.2f} s, wall {wall:.2f} s", flush=True)
    for checkout, values in figures.items():
        cpu = statistics.median(v[0] for v in values)
        wall = statistics.median(v[1] for v in values)
        print(f"{checkout}: median cpu {cpu:.2f} s, median wall {wall:.2f} s over {len(values)} cold builds")


if __name__ == "__main__":
    main()
