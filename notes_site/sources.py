"""Find the files under `content/`: Markdown notes and the assets beside them.

Also answers "when was this file last edited?" for notes without an `updated` date:
from git when the site is in a repository (two git calls for the whole tree, not
one per note), otherwise from the file's modification time.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

NOTE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class SourceFile:
    """A note's file, read once: later stages never touch the disk for it again."""

    path: Path  # absolute
    rel: str  # POSIX path relative to the content folder, e.g. "posts/clip.md"
    data: bytes
    mtime: float


@dataclass(frozen=True)
class NoteFile:
    """A note found by the scan: where it is and its stamp, not yet read.

    The location is kept as text: making 10,000 Path objects costs more than the
    whole scan, and only the notes that must be parsed ever need one.
    """

    location: str
    rel: str
    size: int
    mtime_ns: int
    inode: int

    @property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def stamp(self) -> tuple[int, int, int]:
        return (self.size, self.mtime_ns, self.inode)

    def read(self) -> SourceFile:
        path = self.path
        return SourceFile(path, self.rel, path.read_bytes(), self.mtime_ns / 1e9)


@dataclass(frozen=True)
class AssetFile:
    path: Path
    rel: str


@dataclass(frozen=True)
class ContentTree:
    notes: tuple[NoteFile, ...]
    assets: tuple[AssetFile, ...]


def is_ignored(name: str) -> bool:
    """Hidden files, editor swap and backup files, and OS litter are never content."""
    return (
        name.startswith((".", "~$", "#"))
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".bak"))
        or name in ("4913", "Thumbs.db", "desktop.ini")
    )


def scan_content(content_dir: Path) -> ContentTree:
    """Every note and asset under `content_dir`, in a stable order (files are not read here)."""
    notes: list[NoteFile] = []
    assets: list[AssetFile] = []
    if not content_dir.is_dir():
        return ContentTree((), ())
    top = str(content_dir)
    for folder, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d))
        relative_folder = folder[len(top) + 1 :].replace(os.sep, "/")
        prefix = relative_folder + "/" if relative_folder else ""
        for name in sorted(filenames):
            if is_ignored(name):
                continue
            location = os.path.join(folder, name)
            if name.lower().endswith(NOTE_SUFFIXES):
                info = os.stat(location)
                notes.append(NoteFile(location, prefix + name, info.st_size, info.st_mtime_ns, info.st_ino))
            else:
                assets.append(AssetFile(Path(location), prefix + name))
    return ContentTree(tuple(notes), tuple(assets))


def last_edit_times(site_root: Path, files: list[Path]) -> dict[Path, datetime]:
    """When each file was last edited: its last commit if committed and unmodified, else its mtime."""
    committed = git_commit_times(site_root)
    times = {}
    for path in files:
        stamp = committed.get(path)
        times[path] = stamp if stamp is not None else datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return times


def git_commit_times(site_root: Path) -> dict[Path, datetime]:
    """Last commit time of every committed, unmodified file under `site_root` (empty outside git)."""
    top = run_git(site_root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    top_dir = Path(top.strip())
    log = run_git(site_root, "log", "--format=\x01%ct", "--name-only", "--no-renames", "-z", "--", ".")
    status = run_git(site_root, "status", "--porcelain", "-z", "--untracked-files=no", "--", ".")
    if log is None:
        return {}
    changed = {top_dir / entry[3:] for entry in (status or "").split("\0") if len(entry) > 3}
    times: dict[Path, datetime] = {}
    stamp: datetime | None = None
    for chunk in log.split("\0"):
        for line in chunk.split("\n"):
            if line.startswith("\x01"):
                stamp = datetime.fromtimestamp(int(line[1:]), UTC)
            elif line and stamp is not None:
                path = top_dir / line
                if path not in times and path not in changed:
                    times[path] = stamp
    return times


def run_git(cwd: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def git_head(site_root: Path) -> str:
    """The commit checked out in the site's repository, read from .git without running git.

    Part of a build's inputs: notes without `updated` take their dates from commits.
    """
    for folder in (site_root, *site_root.parents):
        git = folder / ".git"
        if git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = git.read_text(encoding="utf-8", errors="replace").strip()
            git = (folder / text.partition(":")[2].strip()).resolve()
        if not git.is_dir():
            continue
        try:
            head = (git / "HEAD").read_text(encoding="utf-8").strip()
            if head.startswith("ref:"):
                ref = head[4:].strip()
                ref_file = git / ref
                if ref_file.is_file():
                    return ref_file.read_text(encoding="utf-8").strip()
                packed = git / "packed-refs"
                if packed.is_file():
                    for line in packed.read_text(encoding="utf-8").splitlines():
                        if line.endswith(" " + ref):
                            return line.split(" ", 1)[0]
            return head
        except OSError:
            return ""
    return ""
