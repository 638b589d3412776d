"""Killing a build never costs the previous site; two builds at once never mix."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from notes_site.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent


def make_site(root: Path, notes: int) -> None:
    content = root / "content"
    content.mkdir(parents=True)
    for index in range(notes):
        body = "\n\n".join(f"## 第{k}节\n\n一段关于 attention 的笔记 {index}-{k}，$x_{k}^2$。" for k in range(12))
        (content / f"n{index:04d}.md").write_text(
            f"---\ntitle: Note {index}\ndate: 2024-01-01 {index % 24:02d}:{index % 60:02d}\n"
            f"updated: 2024-02-01\ntags: [t{index % 40}]\n---\n\nIntro.\n\n<!-- more -->\n\n{body}\n",
            encoding="utf-8",
        )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def start_build(root: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "notes_site", "build", "--site", str(root), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".notes-site-"))


def wait_for_staging(root: Path, process: subprocess.Popen, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        staging = [p for p in root.iterdir() if p.name.startswith(".notes-site-staging-")]
        if staging and sum(1 for _ in staging[0].rglob("*.html")) > 20:
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_killing_a_build_mid_write_leaves_the_previous_site_whole(tmp_path, how):
    root = tmp_path / "site"
    make_site(root, 300)
    build_site(BuildOptions(site_root=root))
    before = snapshot(root / "public")
    (root / "content/n0001.md").write_text("---\ntitle: Changed\ndate: 2024-01-01\n---\nNew.\n", encoding="utf-8")
    process = start_build(root, "--clean")  # a full build: the new site is staged, then swapped in
    assert wait_for_staging(root, process), "the build finished before it could be interrupted"
    process.send_signal(how)
    process.wait(timeout=30)
    assert snapshot(root / "public") == before
    if how == signal.SIGINT:
        assert leftovers(root) == []  # Ctrl-C cleans up after itself
    report = build_site(BuildOptions(site_root=root))
    assert report.errors == [] and "New." in (root / "public/2024/01/01/n0001/index.html").read_text(encoding="utf-8")
    deadline = time.monotonic() + 10
    while leftovers(root) and time.monotonic() < deadline:  # retired folders go in the background
        time.sleep(0.05)
    assert leftovers(root) == []


def test_two_builds_at_once_wait_for_each_other(tmp_path):
    root = tmp_path / "site"
    make_site(root, 300)
    first = start_build(root, "--clean")
    second = None
    try:
        deadline = time.monotonic() + 30
        while not list(root.glob(".notes-site-staging-*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        second = start_build(root, "--clean")
        assert first.wait(timeout=120) == 0
        assert second.wait(timeout=120) == 0
    finally:
        first.kill()
        if second is not None:
            second.kill()
    clean = tmp_path / "clean"
    build_site(BuildOptions(site_root=root, output=clean, clean=True))
    assert snapshot(root / "public") == snapshot(clean)


def test_a_waiting_build_says_so(tmp_path):
    from notes_site.output.cache import cache_dir_for
    from notes_site.output.write import OutputLock

    root = tmp_path / "site"
    make_site(root, 3)
    output = (root / "public").resolve()
    messages = []
    with OutputLock(output, cache_dir_for(root, output) / "lock"):
        thread = threading.Thread(
            target=lambda: build_site(
                BuildOptions(site_root=root, progress=lambda stage, done, total: messages.append(stage))
            )
        )
        thread.start()
        time.sleep(0.5)
        assert not (root / "public").exists()  # it waits
    thread.join(timeout=30)
    assert messages[0].startswith("waiting for another build") and (root / "public/index.html").is_file()


def test_a_build_that_cannot_get_the_lock_refuses_clearly(tmp_path):
    from notes_site.errors import OutputError
    from notes_site.output.cache import cache_dir_for
    from notes_site.output.write import OutputLock

    output = tmp_path / "public"
    lock_file = cache_dir_for(tmp_path, output) / "lock"
    with OutputLock(output, lock_file):
        with pytest.raises(OutputError, match="another notes-site build is writing"):
            with OutputLock(output, lock_file, timeout=0.3):
                pass


def test_no_temporary_folders_after_a_normal_build(tmp_path):
    root = tmp_path / "site"
    make_site(root, 5)
    build_site(BuildOptions(site_root=root))
    build_site(BuildOptions(site_root=root, clean=True))
    deadline = time.monotonic() + 10
    while leftovers(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(root) == [] and os.path.isdir(root / "public")


# ---------------------------------------------------------------- an incremental commit is all-or-nothing


def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    """The same site built before and after an edit that changes every page, adds and removes some."""
    root = tmp_path / "site"
    make_site(root, 30)
    old = tmp_path / "old"
    build_site(BuildOptions(site_root=root, output=old))
    (root / "notes-site.yaml").write_text("title: Renamed site\n", encoding="utf-8")  # every page changes
    (root / "content/n0003.md").rename(root / "content/moved.md")  # a page goes, another comes
    (root / "content/fresh.md").write_text("---\ntitle: Fresh\ndate: 2024-03-01\ntags: [new-tag]\n---\nNew.\n")
    new = tmp_path / "new"
    build_site(BuildOptions(site_root=root, output=new))
    return old, new


def commit_in_child(output: Path, old: dict[str, bytes], new: Path) -> tuple[int, int]:
    """Fork a process that stages old → new and commits it; returns (pid, fd that says it is committing)."""
    from notes_site.output.write import PatchedOutput

    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: stage, say so, commit, vanish
        try:
            os.close(ready_read)
            writer = PatchedOutput(output)
            fresh = snapshot(new)
            for relative, data in fresh.items():
                if old.get(relative) != data:
                    writer.copy_file(relative, new / relative)
            for relative in old.keys() - fresh.keys():
                writer.remove(relative)
            os.write(ready_write, b"x")
            writer.commit()
        finally:
            os._exit(0)
    os.close(ready_write)
    return pid, ready_read


def test_an_incremental_commit_killed_anywhere_leaves_the_old_or_the_new_site(tmp_path):
    import random
    import shutil

    from notes_site.output.write import remove_leftovers

    old_site, new_site = two_versions(tmp_path)
    old, new = snapshot(old_site), snapshot(new_site)
    assert old != new and old.keys() != new.keys()
    output = tmp_path / "public"
    shutil.copytree(old_site, output)
    pid, ready = commit_in_child(output, old, new_site)  # once whole, to time a commit
    os.read(ready, 1)
    started = time.monotonic()
    os.waitpid(pid, 0)
    span = time.monotonic() - started
    os.close(ready)
    assert snapshot(output) == new
    rng = random.Random(15)
    outcomes = {"old": 0, "new": 0}
    interrupted = 0
    window = span
    deadline = time.monotonic() + 15
    for attempt in range(30):
        if time.monotonic() > deadline:
            break
        output = tmp_path / f"public{attempt}"
        shutil.copytree(old_site, output, copy_function=os.link)  # a commit renames files, never edits them
        pid, ready = commit_in_child(output, old, new_site)
        os.read(ready, 1)
        time.sleep(rng.uniform(0, window))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready)
        midway = (tmp_path / f".notes-site-undo-{output.name}-{pid}").exists()
        interrupted += midway
        remove_leftovers(output)  # what the next build does first
        now = snapshot(output)
        assert now in (old, new), "a killed commit left a mix of the two sites"
        outcomes["old" if now == old else "new"] += 1
        if not midway:  # aim at the commit itself: later after a kill too early, earlier after one too late
            window *= 1.3 if now == old else 0.7
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".notes-site-") and output.name in p.name]
    assert sum(outcomes.values()) >= 10 and interrupted >= 3, (outcomes, interrupted)


def unwritable(folder: Path):
    """Make `folder` refuse new entries (chmod, or `chattr +i` for root); returns how to undo it."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root without `chattr +i`: no folder here refuses a write")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_commit_that_fails_halfway_puts_everything_back_and_says_so(tmp_path):
    from click.testing import CliRunner

    from notes_site.cli import main

    root = tmp_path / "site"
    make_site(root, 30)
    build_site(BuildOptions(site_root=root))
    before = snapshot(root / "public")
    (root / "notes-site.yaml").write_text("title: Renamed site\n", encoding="utf-8")  # every page changes
    restore = unwritable(root / "public/2024/01/01/n0029")  # one sub-folder, late in the commit
    try:
        result = CliRunner().invoke(main, ["build", "--site", str(root)])
        assert result.exit_code == 1
        assert "writing the site into" in result.output and "Nothing was written" in result.output
        assert snapshot(root / "public") == before  # true: the home page still has the old title
        assert not [p for p in root.iterdir() if p.name.startswith(".notes-site-")]
    finally:
        restore()
    report = build_site(BuildOptions(site_root=root))  # once the cause is gone, the next build works
    assert report.errors == [] and "Renamed site" in (root / "public/index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- nothing outlives a killed build

HOLD_THE_LOCK_AND_FORK = """
import os, sys, time
from pathlib import Path
from notes_site.output.write import OutputLock
from notes_site.workers import BACKGROUND_MIN, in_background

def search_index(pid_file):
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(1.0)
    return "x" * 1_000_000  # more than a pipe holds: the child blocks if nobody reads

with OutputLock(Path(sys.argv[1]), Path(sys.argv[2])):
    wait = in_background(search_index, sys.argv[3], size=BACKGROUND_MIN)
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_killed_build_leaves_no_child_holding_its_lock(tmp_path):
    from notes_site.output.write import OutputLock, pid_alive
    from notes_site.workers import worker_count

    if worker_count() < 2:
        pytest.skip("one core: the search index is built inline, nothing is forked")
    lock_file, pid_file = tmp_path / "cache/lock", tmp_path / "child.pid"
    build = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK_AND_FORK, str(tmp_path / "public"), str(lock_file), str(pid_file)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert build.stdout.readline().strip() == "locked"
        deadline = time.monotonic() + 10
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.01)
        child = int(pid_file.read_text())
    finally:
        build.kill()
        build.wait()
    started = time.monotonic()
    with OutputLock(tmp_path / "public", lock_file, timeout=5):  # not 120 s, not an error
        pass
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while pid_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(child), "the forked child outlived the build that started it"


def test_a_lock_whose_build_is_gone_is_taken_over(tmp_path):
    from notes_site.output.write import OutputLock

    lock_file = tmp_path / "cache/lock"
    lock_file.parent.mkdir()
    # A process that holds the lock file but is not the build named in it: what an orphan is.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
            "f.write('999999999\\n'); f.flush(); print('held', flush=True); time.sleep(60)",
            str(lock_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with OutputLock(tmp_path / "public", lock_file, timeout=5):
            assert lock_file.read_text().strip() == str(os.getpid())
    finally:
        holder.kill()
        holder.wait()
