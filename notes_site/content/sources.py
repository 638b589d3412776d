"""Find the files under `content/`: Markdown notes and the assets beside them.

Also answers "when was this file first added, and last edited?" for notes without
`date` or `updated`: from git when the site is in a repository (two git calls for the
whole tree, not one per note), otherwise from the file's modification time.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from notes_site.errors import Problem, warning
from notes_site.markup.tokens import NOTE_SUFFIXES


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
    problems: tuple[Problem, ...] = ()  # links not followed, folders that cannot be read


EDITOR_LITTER_SUFFIXES = (
    "~",
    ".swp",
    ".swx",
    ".swo",
    ".swn",
    ".tmp",
    ".bak",
    ".kate-swp",
    "___jb_tmp___",
    "___jb_old___",
)


def is_ignored(name: str) -> bool:
    """Hidden files, editor swap and backup files, and OS litter are never content.

    `#note.md#` is an Emacs auto-save file; `#1 idea.md` is a note.
    """
    return (
        name.startswith((".", "~$"))
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith(EDITOR_LITTER_SUFFIXES)
        or name in ("4913", "Thumbs.db", "desktop.ini")
    )


def scan_content(content_dir: Path, site_root: Path | None = None) -> ContentTree:
    """Every note and asset under `content_dir`, in a stable order (files are not read here).

    Symbolic links are followed while they point inside the site folder (or the content
    folder, which may itself be a link); links that leave it, loop or dangle are left
    out with a warning naming the link.
    """
    if not content_dir.is_dir():
        return ContentTree((), ())
    scan = ContentScan(content_dir, site_root if site_root is not None else content_dir.parent)
    scan.folder(str(content_dir), "", (os.path.realpath(content_dir),))
    return ContentTree(tuple(scan.notes), tuple(scan.assets), tuple(scan.problems))


class ContentScan:
    """One walk of the content folder (os.walk neither follows links safely nor reports errors)."""

    def __init__(self, content_dir: Path, site_root: Path) -> None:
        self.allowed = (Path(os.path.realpath(site_root)), Path(os.path.realpath(content_dir)))
        self.notes: list[NoteFile] = []
        self.assets: list[AssetFile] = []
        self.problems: list[Problem] = []

    def folder(self, location: str, prefix: str, ancestors: tuple[str, ...]) -> None:
        """Scan one folder: its files first, then its sub-folders, each in name order (like os.walk).

        `ancestors` are the real paths of the folders walked down to here, to notice loops.
        """
        try:
            with os.scandir(location) as listing:
                entries = sorted((e for e in listing if not is_ignored(e.name)), key=lambda e: e.name)
        except OSError as exc:
            self.problems.append(
                warning(
                    f"the folder cannot be read ({exc.strerror or exc}), so the notes in it were left out.",
                    Path(location),
                    None,
                    "Check that you may read it.",
                )
            )
            return
        folders = []
        for entry in entries:
            try:
                if entry.is_symlink():
                    real = self.follow(entry, ancestors)
                    if real is None:
                        continue
                    is_dir, is_file = os.path.isdir(entry.path), os.path.isfile(entry.path)
                else:
                    real = os.path.join(ancestors[-1], entry.name)
                    is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False)
                if is_dir:
                    folders.append((entry, real))
                elif not is_file:
                    self.left_out(
                        entry, "the file is a pipe, a socket or a device, not a regular file", "Move it away."
                    )
                elif entry.name.lower().endswith(NOTE_SUFFIXES):
                    info = os.stat(entry.path)
                    self.notes.append(
                        NoteFile(entry.path, prefix + entry.name, info.st_size, info.st_mtime_ns, info.st_ino)
                    )
                else:
                    self.assets.append(AssetFile(Path(entry.path), prefix + entry.name))
            except OSError as exc:  # gone or locked since the folder was listed
                self.left_out(entry, f"it cannot be read ({exc.strerror or exc})", "Check that you may read it.")
        for entry, real in folders:
            self.folder(entry.path, prefix + entry.name + "/", (*ancestors, real))

    def follow(self, entry: os.DirEntry, ancestors: tuple[str, ...]) -> str | None:
        """The real path of a link that may be followed; None (and a warning) for one that may not."""
        written = os.readlink(entry.path)
        try:
            is_dir = stat.S_ISDIR(os.stat(entry.path).st_mode)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.left_out(entry, f"the link to {written} leads round in a loop", "Point it at a real file.")
            else:
                self.left_out(entry, f"the link points to {written}, which does not exist", "Fix or delete the link.")
            return None
        real = os.path.realpath(entry.path)
        if not any(Path(real).is_relative_to(folder) for folder in self.allowed):
            self.left_out(
                entry,
                f"the link points to {real}, outside the site folder",
                "Move what it points to into the site folder, or replace the link with a copy.",
            )
            return None
        if is_dir and any(Path(ancestor).is_relative_to(real) for ancestor in ancestors):
            self.left_out(
                entry,
                f"the link points to {real}, a folder that holds the link itself, so following it would never end",
                "Delete the link, or point it at another folder.",
            )
            return None
        return real

    def left_out(self, entry: os.DirEntry, why: str, hint: str) -> None:
        self.problems.append(warning(f"{why}; it was left out of the site.", Path(entry.path), None, hint))


@dataclass(frozen=True)
class FileTimes:
    """A file's dates for a note that does not state them."""

    first: datetime  # the commit that first added it, else its file time: a fresh clone does not move it
    last: datetime  # its last commit if committed and unmodified, else its file time
    first_from: str  # "git" or "file", for messages


def file_times(site_root: Path, files: list[Path]) -> dict[Path, FileTimes]:
    """First and last edit times of `files`: from git when they are committed, else their mtime."""
    history = git_file_history(site_root) if files else {}
    times = {}
    for path in files:
        first, last = history.get(path, (None, None))
        mtime = None
        if first is None or last is None:
            # whole seconds: HTML's datetime takes at most three digits of a second, and no one reads more
            mtime = datetime.fromtimestamp(int(path.stat().st_mtime), UTC)
        times[path] = FileTimes(first or mtime, last or mtime, "git" if first else "file")  # type: ignore[arg-type]
    return times


def git_file_history(root: Path) -> dict[Path, tuple[datetime, datetime | None]]:
    """(first added, last committed) of every committed file under `root` (empty outside git).

    One `git log` for the whole tree, however many files. The first date is the author's
    (a rebase does not move it); the last is None for a file with changes not yet committed.
    """
    top = run_git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    top_dir = Path(top.strip())
    log = run_git(root, "log", "--format=\x01%ct %at", "--name-only", "--no-renames", "-z", "--", ".")
    # --no-optional-locks: `git status` would otherwise refresh .git/index, which is not ours to write
    status = run_git(root, "--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=no", "--", ".")
    if log is None:
        return {}
    changed = {top_dir / entry[3:] for entry in (status or "").split("\0") if len(entry) > 3}
    history: dict[Path, tuple[datetime, datetime | None]] = {}
    committed = authored = None
    for chunk in log.split("\0"):  # newest commit first
        for line in chunk.split("\n"):
            if line.startswith("\x01"):
                stamps = line[1:].split()
                committed = datetime.fromtimestamp(int(stamps[0]), UTC)
                authored = datetime.fromtimestamp(int(stamps[1]), UTC)
            elif line and committed is not None and authored is not None:
                path = top_dir / line
                last = history[path][1] if path in history else None if path in changed else committed
                history[path] = (authored, last)
    return history


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
