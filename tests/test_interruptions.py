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
