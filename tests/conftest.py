"""Shared fixtures: small sites written into tmp_path, built like a user would."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from notes_site.build import BuildOptions, BuildReport, build_site

REPO = Path(__file__).resolve().parent.parent

# Property tests explore the same examples on every run, so the suite is deterministic;
# benchmarks/fuzz.py is where random exploration runs long.
settings.register_profile("notes-site", derandomize=True, deadline=None)
settings.load_profile("notes-site")


@dataclass
class SiteFolder:
    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def note(self, name: str, front: str, body: str = "Body.\n") -> Path:
        front = textwrap.dedent(front).strip("\n")
        return self.write(f"content/{name}", f"---\n{front}\n---\n\n{textwrap.dedent(body).lstrip(chr(10))}")

    def settings(self, text: str) -> None:
        self.write("notes-site.yaml", text)

    def build(self, **options) -> BuildReport:
        return build_site(BuildOptions(site_root=self.root, **options))

    @property
    def public(self) -> Path:
        return self.root / "public"

    def page(self, path: str) -> str:
        target = self.public / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        return target.read_text(encoding="utf-8")


def copy_example_site(root: Path) -> Path:
    """The repository's own site (settings and notes) in `root`, to build without touching the checkout."""
    shutil.copy(REPO / "notes-site.yaml", root)
    shutil.copytree(REPO / "content", root / "content")
    return root


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """No test reaches the internet: a connection to anything but this machine fails as offline would
    (`notes-site new --arxiv` then creates the note without metadata)."""
    import socket

    connect = socket.create_connection

    def local_only(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "localhost", "::1"):
            raise OSError(f"tests never reach the internet (asked for {address[0]})")
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", local_only)


@pytest.fixture(scope="session")
def example_public(tmp_path_factory) -> Path:
    """The example site built once for every test that only reads it; it builds without a warning."""
    root = copy_example_site(tmp_path_factory.mktemp("example"))
    report = build_site(BuildOptions(site_root=root))
    assert report.errors == [] and report.warnings == [], report.problems
    return root / "public"


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test (skipped with a reason where there is none, never in CI)."""
    from browser import chromium_browser

    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def site(tmp_path: Path) -> SiteFolder:
    root = tmp_path / "site"
    root.mkdir()
    (root / "content").mkdir()
    return SiteFolder(root)
