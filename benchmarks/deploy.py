"""Time `notes-site deploy` after one edit, at 1,000 notes, pushing to a bare repository on disk.

    python benchmarks/deploy.py                       # 1,000 notes, 3 runs
    python benchmarks/deploy.py --notes 1000 --runs 5 --gen-corpus ../shared/bench/gen_corpus.py

Two scenarios, each after a first build and deploy (untimed):

- **edit, same folder**: a paragraph is appended to one note (below `<!-- more -->`), then
  `notes-site deploy` runs: an incremental build, then one commit pushed.
- **edit, cache restored**: what the GitHub Pages workflow does. Every file of the site is
  copied away and back, so the notes have new inodes and modification times as after a fresh
  checkout, while `public/` and `.public.notes-site-cache/` come back as `actions/cache`
  restores them; then the same edit and `notes-site deploy`.

Each timed run is a fresh `python -m notes_site deploy` process (start-up included) from the
repository root, timed by measure.py. After each run the note is put back and deployed
again, untimed, so every run starts from the same state. The remote is a bare repository on
the same disk, so the figure has no network in it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import measure

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
SETTINGS = "title: Paper Notes\ntimezone: Asia/Shanghai\nper_page: 10\npermalink: ':year/:month/:day/:slug/'\n"
EDIT = "\n\n补充：重读了实验部分，这一段是一次编辑 {n}。\n"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def notes_site(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "notes_site", *map(str, args)]


def run(command: list[str]) -> str:
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"`{' '.join(command)}` failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def make_site(root: Path, notes: int, gen_corpus: Path) -> tuple[Path, Path]:
    site, remote = root / "site", root / "pages.git"
    subprocess.run(
        [sys.executable, str(gen_corpus), str(site / "content"), "--notes", str(notes), "--flavor", "plain"],
        check=True,
        capture_output=True,
    )
    (site / "notes-site.yaml").write_text(SETTINGS, encoding="utf-8")
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    return site, remote


def fresh_checkout(site: Path, scratch: Path) -> None:
    """Copy every file away and back (no metadata kept): new inodes and times, as after a checkout."""
    away = scratch / "away"
    shutil.copytree(site, away, copy_function=shutil.copyfile)
    shutil.rmtree(site)
    shutil.copytree(away, site, copy_function=shutil.copyfile)
    shutil.rmtree(away)


def timed_deploy(site: Path, remote: Path, note: Path, n: int) -> tuple[float, str]:
    original = note.read_text(encoding="utf-8")
    note.write_text(original + EDIT.format(n=n), encoding="utf-8")
    os.sync()
    command = notes_site("deploy", "--site", site, "--repo", remote)
    wall = measure(command, REPO).wall
    summary = subprocess.run(
        ["git", "log", "-1", "--format=%h", "--shortstat", "gh-pages"], cwd=remote, text=True, capture_output=True
    ).stdout.split("\n")
    note.write_text(original, encoding="utf-8")
    run(notes_site("deploy", "--site", site, "--repo", remote))  # back to the start, untimed
    return wall, " ".join(line.strip() for line in summary if line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gen-corpus", type=Path, default=DEFAULT_GEN_CORPUS)
    args = parser.parse_args()
    if not args.gen_corpus.is_file():
        raise SystemExit(f"{args.gen_corpus} does not exist; pass --gen-corpus PATH/TO/gen_corpus.py")
    with tempfile.TemporaryDirectory(prefix="notes-site-deploy-bench-") as scratch:
        site, remote = make_site(Path(scratch), args.notes, args.gen_corpus)
        log(f"first build and deploy of {args.notes} notes …")
        run(notes_site("deploy", "--site", site, "--repo", remote))
        files = sum(1 for p in (site / "public").rglob("*") if p.is_file())
        note = sorted((site / "content").glob("*.md"))[args.notes // 2]
        results: dict[str, list[float]] = {"edit, same folder": [], "edit, cache restored": []}
        commits = []
        for n in range(args.runs):
            log(f"run {n + 1}/{args.runs}")
            wall, commit = timed_deploy(site, remote, note, n)
            results["edit, same folder"].append(wall)
            commits.append(commit)
            fresh_checkout(site, Path(scratch))
            wall, commit = timed_deploy(site, remote, note, n)
            results["edit, cache restored"].append(wall)
            commits.append(commit)
    print(
        f"`{' '.join(['python', 'benchmarks/deploy.py', *sys.argv[1:]])}`: {args.notes} notes, {files} files "
        f"in public/, median of {args.runs} run(s), notes-site deploy to a bare repository on disk\n"
    )
    print("| scenario | median | runs |")
    print("| --- | ---: | --- |")
    for name, walls in results.items():
        shown = ", ".join(f"{w:.2f}" for w in walls)
        print(f"| {name} | {statistics.median(walls):.2f} s | {shown} |")
    print(f"\nEach timed deploy pushed one commit: {commits[0]}")


if __name__ == "__main__":
    main()
