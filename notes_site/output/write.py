"""The only module that touches the output folder.

A build writes into a staging folder beside the output and swaps it in at the end,
so a failed or interrupted build leaves the previous site as it was. notes-site only
ever replaces a folder it made itself (it leaves a marker file in each output).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
import time
from pathlib import Path

from notes_site.errors import OutputError

MARKER = ".notes-site-output"
STAGING_PREFIX = ".notes-site-staging-"
RETIRED_PREFIX = ".notes-site-retired-"


def check_output_folder(site_root: Path, output: Path) -> None:
    """Refuse outputs that would destroy something that is not ours."""
    site_root, output = site_root.resolve(), output.resolve()
    home = Path.home().resolve()
    content = (site_root / "content").resolve()
    reasons = []
    if output == site_root:
        reasons.append("it is the site folder itself")
    elif output == content or output.is_relative_to(content):
        reasons.append("it is inside the content folder")
    elif site_root.is_relative_to(output):
        reasons.append("it contains the site folder")
    if output == home:
        reasons.append("it is your home folder")
    if output == Path(output.anchor):
        reasons.append("it is the root of the file system")
    for protected in ("themes", "scaffolds", ".git"):
        if output == (site_root / protected).resolve():
            reasons.append(f"it is the site's {protected} folder")
    if reasons:
        raise OutputError(
            f"refusing to write the site into {output}: {reasons[0]}. "
            "Choose another folder with --output (the default is public/ in the site folder)."
        )
    if output.exists():
        if not output.is_dir():
            raise OutputError(
                f"the output {output} exists and is not a folder. Move it away or choose another --output."
            )
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise OutputError(
                f"refusing to replace {output}: it is not empty and notes-site did not make it "
                f"(it has no {MARKER} file). Empty it yourself, or choose another folder with --output."
            )


def delete_in_background(folder: Path) -> None:
    """Delete a retired output without making the user wait (10,000 pages take seconds).

    A detached process does it; should it not finish, the next build removes the leftover.
    """
    try:
        subprocess.Popen(
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(output: Path) -> None:
    """Staging and retired folders that an interrupted build left beside the output."""
    output = output.resolve()
    if not output.parent.is_dir():
        return
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in output.parent.glob(f"{prefix}{output.name}-*"):
            pid = leftover.name.rsplit("-", 1)[-1]
            if pid.isdigit() and pid_alive(int(pid)) and int(pid) != os.getpid():
                continue  # another build is still working there
            delete_in_background(leftover) if prefix == RETIRED_PREFIX else shutil.rmtree(leftover, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class OutputLock:
    """Only one build writes an output at a time; a second one waits, then gives up clearly.

    An advisory lock on a file in the cache folder beside the output, held from reading
    the cache to saving it, so two builds never mix their files.
    """

    def __init__(self, output: Path, lock_file: Path, timeout: float = 120.0, on_wait=None) -> None:
        self.output = output
        self.path = lock_file
        self.timeout = timeout
        self.on_wait = on_wait
        self.handle = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+")
        deadline = time.monotonic() + self.timeout
        told = False
        while not try_lock(self.handle):
            if time.monotonic() > deadline:
                self.handle.close()
                raise OutputError(
                    f"another notes-site build is writing {self.output} and did not finish within "
                    f"{self.timeout:.0f} s. Wait for it (or stop it), then build again."
                )
            if not told and self.on_wait is not None:
                self.on_wait()
                told = True
            time.sleep(0.1)
        return self

    def __exit__(self, *exc_info) -> None:
        unlock(self.handle)
        self.handle.close()


def try_lock(handle) -> bool:
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    except OSError:
        return False


def unlock(handle) -> None:
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except ImportError:
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass


class StagedOutput:
    """Collects a whole site in a staging folder, then swaps it in atomically."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = self.output.parent / f"{STAGING_PREFIX}{self.output.name}-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()
        self.files_written = 0
        self.made_dirs: set[Path] = {self.staging}
        self.staged: list[str] = []

    def target(self, relative: str) -> Path:
        """Where `relative` goes in the staging folder; nothing may land outside it."""
        normal = posixpath.normpath(relative)
        if normal in (".", "..") or normal.startswith(("../", "/")) or "\\" in normal:
            raise OutputError(f"refusing to write {relative!r}: it would land outside the output folder.")
        path = self.staging / normal
        parent = path.parent
        if parent not in self.made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(parent)
        return path

    def write_text(self, relative: str, text: str) -> None:
        self.target(relative).write_bytes(text.encode("utf-8"))
        self.staged.append(relative)
        self.files_written += 1

    def adopt(self, written: list[str]) -> None:
        """Files that forked workers wrote into the staging folder through their copy of this object."""
        self.staged.extend(written)
        self.files_written += len(written)

    def copy_file(self, relative: str, source: Path) -> None:
        shutil.copyfile(source, self.target(relative))
        self.staged.append(relative)
        self.files_written += 1

    def commit(self) -> None:
        """Swap the staging folder in; the old output is renamed aside, then deleted."""
        (self.staging / MARKER).write_text("This folder was written by notes-site and is replaced on every build.\n")
        retired = None
        if self.output.exists():
            retired = self.output.parent / f"{RETIRED_PREFIX}{self.output.name}-{os.getpid()}"
            os.rename(self.output, retired)
        try:
            os.rename(self.staging, self.output)
        except OSError:
            if retired is not None:
                os.rename(retired, self.output)
            raise
        if retired is not None:
            delete_in_background(retired)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


class PatchedOutput(StagedOutput):
    """Updates an existing output in place: new and changed files, then deletions.

    Files are first written into a staging folder, so a failure while rendering leaves
    the output untouched; `commit` then renames each file into place (atomic per file)
    and deletes the files that are no longer produced. Nothing is written for a build
    that changed nothing.
    """

    def __init__(self, output: Path) -> None:
        super().__init__(output)
        self.removals: list[str] = []

    def remove(self, relative: str) -> None:
        self.removals.append(relative)

    def commit(self) -> None:
        made: set[Path] = set()
        for relative in self.staged:
            destination = self.output / relative
            if destination.parent not in made:
                destination.parent.mkdir(parents=True, exist_ok=True)
                made.add(destination.parent)
            os.replace(self.staging / relative, destination)
        for relative in self.removals:
            path = (self.output / relative).resolve()
            if path.is_relative_to(self.output) and path.is_file():
                path.unlink()
                prune_empty_folders(path.parent, self.output)
        shutil.rmtree(self.staging, ignore_errors=True)


def prune_empty_folders(folder: Path, stop: Path) -> None:
    """Remove folders emptied by deletions, up to (not including) the output folder."""
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
