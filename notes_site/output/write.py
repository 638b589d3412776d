"""The only module that touches the output folder.

A build writes into a staging folder beside the output and swaps it in at the end,
so a failed or interrupted build leaves the previous site as it was. notes-site only
ever replaces a folder it made itself (it leaves a marker file in each output).
"""

from __future__ import annotations

import contextlib
import json
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
SWAPPING_PREFIX = ".notes-site-swapping-"  # the previous output, for the moment of a full build's swap
UNDO_PREFIX = ".notes-site-undo-"  # the journal of an incremental commit, with the files it replaced
JOURNAL = "journal.json"


THEME_REASON = " (a theme's files are published, so the build cache would be too)"
SYSTEM_FOLDERS = ("/proc", "/sys")  # filled in by the kernel: nothing can be written there


def check_output_folder(site_root: Path, output: Path, themes_folder: Path | None = None) -> None:
    """Refuse outputs that would destroy something that is not ours, or that cannot be written."""
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
        folder = (site_root / protected).resolve()
        if output == folder or output.is_relative_to(folder):
            reasons.append(f"it is inside the site's {protected} folder" + THEME_REASON * (protected == "themes"))
    if themes_folder is not None and output.is_relative_to(themes_folder.resolve()):
        reasons.append("it is inside the themes shipped with notes-site" + THEME_REASON)
    reasons.extend(unwritable_place(output))
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


def unwritable_place(output: Path) -> list[str]:
    """Why the output cannot be made where it is asked for: under a file, in /proc, read-only, locked."""
    existing = output
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    system = next((f for f in SYSTEM_FOLDERS if existing.is_relative_to(f)), None) if os.name == "posix" else None
    if system:
        return [f"it is inside {system}, which the system fills in and no one can write to"]
    if existing != output and not existing.is_dir():
        return [f"{existing} is a file, so there can be no folder inside it"]
    if existing == output and os.path.ismount(output):
        return [
            "it is a mount point, which a build cannot replace as a whole (it swaps in a new folder); "
            f"build into a folder inside it, like --output {output / 'site'}"
        ]
    # a build makes its staging folder beside the output, and changes files inside it
    for folder in dict.fromkeys([existing.parent if existing == output else existing, existing]):
        read_only = getattr(os, "ST_RDONLY", 0)
        with contextlib.suppress(OSError):
            if read_only and os.statvfs(folder).f_flag & read_only:
                return [f"{folder} is on a read-only file system"]
        if not os.access(folder, os.W_OK | os.X_OK):
            return [f"you may not create files in {folder}"]
    return []


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
    """Put right what an interrupted build left beside the output, before anything else.

    A killed incremental commit is undone from its journal; a full build killed between
    its two renames gets its previous output back; staging and retired folders go.
    """
    output = output.resolve()
    if not output.parent.is_dir():
        return
    for leftover in abandoned(output, UNDO_PREFIX):
        journal = Journal.load(leftover)
        try:
            if journal is not None and journal.output == output:
                journal.roll_back()
            else:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError as exc:
            raise half_written(output, leftover, exc) from exc
    for leftover in abandoned(output, SWAPPING_PREFIX):
        if os.path.lexists(output):
            delete_in_background(leftover)
            continue
        try:
            os.rename(leftover, output)  # killed between the two renames of a full build's swap
        except OSError as exc:
            raise OutputError(
                f"a build was interrupted while replacing {output}, and putting the previous site back "
                f"failed ({exc}). It is in {leftover}: rename it to {output.name}, then build again."
            ) from exc
    for leftover in abandoned(output, RETIRED_PREFIX):
        delete_in_background(leftover)
    for leftover in abandoned(output, STAGING_PREFIX):
        shutil.rmtree(leftover, ignore_errors=True)


def abandoned(output: Path, prefix: str) -> list[Path]:
    """Folders beside the output with `prefix` whose build is over (its process is gone)."""
    found = []
    for leftover in output.parent.glob(f"{prefix}{output.name}-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and pid_alive(int(pid)) and int(pid) != os.getpid():
            continue  # another build is still working there
        found.append(leftover)
    return found


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
    the cache to saving it, so two builds never mix their files. The file names the
    build that holds it: a lock whose build is gone, but which something it left behind
    still holds (a forked child on a system that cannot end it), is taken over.
    """

    def __init__(self, output: Path, lock_file: Path, timeout: float = 120.0, on_wait=None) -> None:
        self.output = output
        self.path = lock_file
        self.timeout = timeout
        self.on_wait = on_wait
        self.handle = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        told = False
        while True:
            handle = self.path.open("a+")
            if try_lock(handle):
                if same_file(handle, self.path):  # not taken over while we waited for it
                    handle.truncate(0)
                    handle.write(f"{os.getpid()}\n")
                    handle.flush()
                    self.handle = handle
                    return self
                unlock(handle)
            elif abandoned_lock(handle, self.path):
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()  # the next try locks a fresh file
                handle.close()
                continue
            handle.close()
            if time.monotonic() > deadline:
                raise OutputError(
                    f"another notes-site build is writing {self.output} and did not finish within "
                    f"{self.timeout:.0f} s. Wait for it (or stop it), then build again."
                )
            if not told and self.on_wait is not None:
                self.on_wait()
                told = True
            time.sleep(0.1)

    def __exit__(self, *exc_info) -> None:
        unlock(self.handle)
        self.handle.close()


def same_file(handle, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def abandoned_lock(handle, path: Path) -> bool:
    """The lock is held, but the build that took it has ended."""
    try:
        handle.seek(0)
        holder = handle.read().strip()
    except OSError:
        return False
    if not holder.isdigit() or int(holder) == os.getpid():
        return False
    return not pid_alive(int(holder)) and same_file(handle, path)


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
        self.write_bytes(relative, text.encode("utf-8"))

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.target(relative).write_bytes(data)
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
        """Swap the staging folder in; the old output is renamed aside, then deleted.

        Between the two renames there is no output: a build killed there leaves the old
        one under SWAPPING_PREFIX, and the next build puts it back (`remove_leftovers`).
        """
        (self.staging / MARKER).write_text("This folder was written by notes-site and is replaced on every build.\n")
        swapping = None
        if self.output.exists():
            swapping = self.output.parent / f"{SWAPPING_PREFIX}{self.output.name}-{os.getpid()}"
            os.rename(self.output, swapping)
        try:
            os.rename(self.staging, self.output)
        except BaseException:
            if swapping is not None:
                os.rename(swapping, self.output)
            raise
        if swapping is not None:
            retired = self.output.parent / f"{RETIRED_PREFIX}{self.output.name}-{os.getpid()}"
            os.rename(swapping, retired)
            delete_in_background(retired)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


class PatchedOutput(StagedOutput):
    """Updates an existing output in place: new and changed files, then deletions.

    Files are first written into a staging folder, so a failure while rendering leaves
    the output untouched. `commit` then moves them into place under a journal that keeps
    the old version of every file it replaces or deletes: a commit that fails halfway is
    undone at once, and one that was killed is undone by the next build before it does
    anything (`remove_leftovers`). Either the whole patch is in the output or none of it.
    Nothing is written for a build that changed nothing.
    """

    def __init__(self, output: Path) -> None:
        super().__init__(output)
        self.removals: list[str] = []

    def remove(self, relative: str) -> None:
        self.removals.append(relative)

    def commit(self) -> None:
        if self.staged or self.removals:
            journal = Journal.begin(self.output, self.staged, self.removals)
            try:
                journal.apply(self.staging)
            except BaseException as exc:
                try:
                    journal.roll_back()
                except OSError as undo_failure:
                    raise half_written(self.output, journal.folder, undo_failure) from exc
                raise
            journal.finish()
        shutil.rmtree(self.staging, ignore_errors=True)


def half_written(output: Path, folder: Path, exc: OSError) -> OutputError:
    failure = OutputError(
        f"writing the site into {output} failed, and so did putting the previous files back ({exc}). "
        f"The old versions are kept in {folder}; fix the cause (a full disk, a folder that is not writable), "
        "then build again: the next build puts them back before it does anything."
    )
    failure.output_changed = True
    return failure


class Journal:
    """What an incremental commit changes, with the old version of each file it touches.

    It lives in a folder beside the output (on the same file system, so moves are
    renames), and is written before the first change: while it exists the commit is not
    complete, and `roll_back` restores the output exactly as it was. Deleting it is the
    moment the commit is complete. Old files are kept as hard links, so the output never
    lacks a page while a commit runs, and keeping them costs no copying.
    """

    def __init__(self, output: Path, folder: Path, plan: dict[str, list[str]]) -> None:
        self.output = output
        self.folder = folder
        self.added = plan["added"]  # files that did not exist: undone by deleting them
        self.replaced = plan["replaced"]  # files overwritten: their old version is kept
        self.removed = plan["removed"]  # files deleted: kept too
        self.made = plan["made"]  # folders the commit creates, parents first

    @classmethod
    def begin(cls, output: Path, staged: list[str], removals: list[str]) -> Journal:
        folder = output.parent / f"{UNDO_PREFIX}{output.name}-{os.getpid()}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        plan: dict[str, list[str]] = {"added": [], "replaced": [], "removed": [], "made": []}
        seen_folders: set[str] = {""}
        for relative in dict.fromkeys(staged):
            plan["replaced" if os.path.lexists(output / relative) else "added"].append(relative)
            missing = []
            parent = posixpath.dirname(relative)
            while parent not in seen_folders:
                seen_folders.add(parent)
                if not (output / parent).is_dir():
                    missing.append(parent)
                parent = posixpath.dirname(parent)
            plan["made"].extend(reversed(missing))
        plan["made"].sort(key=lambda name: name.count("/"))
        staged_set = set(staged)
        for relative in removals:
            path = output / relative
            if relative not in staged_set and os.path.lexists(path) and not path.is_dir():
                plan["removed"].append(relative)
        partial = folder / (JOURNAL + ".partial")
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump({"output": str(output), **plan}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, folder / JOURNAL)
        return cls(output, folder, plan)

    @classmethod
    def load(cls, folder: Path) -> Journal | None:
        """The journal a killed commit left, or None when that commit was complete."""
        try:
            data = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(Path(data["output"]), folder, data)

    def apply(self, staging: Path) -> None:
        for number, relative in enumerate(self.removed):  # first: a file may stand where a new folder goes
            os.rename(self.output / relative, self.folder / f"d{number}")
        for name in self.made:
            (self.output / name).mkdir(exist_ok=True)
        for number, relative in enumerate(self.replaced):
            destination = self.output / relative
            try:
                os.link(destination, self.folder / f"r{number}", follow_symlinks=False)
            except OSError:  # no hard links here (some network and FAT file systems)
                os.rename(destination, self.folder / f"r{number}")
            os.replace(staging / relative, destination)
        for relative in self.added:
            os.replace(staging / relative, self.output / relative)
        for relative in self.removed:
            prune_empty_folders((self.output / relative).parent, self.output)

    def roll_back(self) -> None:
        """Put the output back as it was before the commit began (safe to repeat)."""
        for relative in self.added:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.output / relative)
        for number, relative in enumerate(self.replaced):
            self.restore(f"r{number}", relative)
        for name in reversed(self.made):
            with contextlib.suppress(OSError):
                (self.output / name).rmdir()
        for number, relative in enumerate(self.removed):
            self.restore(f"d{number}", relative)
        self.finish()

    def restore(self, kept_as: str, relative: str) -> None:
        kept = self.folder / kept_as
        if os.path.lexists(kept):
            (self.output / relative).parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, self.output / relative)

    def finish(self) -> None:
        """The commit is complete (or undone): forget the journal and the old files."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.folder / JOURNAL)
        shutil.rmtree(self.folder, ignore_errors=True)


def prune_empty_folders(folder: Path, stop: Path) -> None:
    """Remove folders emptied by deletions, up to (not including) the output folder."""
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
