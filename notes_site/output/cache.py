"""What the last build knew, so the next one redoes only what changed.

Two pickle files in a hidden folder of the site (`.public.notes-site-cache/` beside
`public/`; for an output outside the site folder, `.notes-site-cache/<name>-<hash>/`
in the site folder, never beside that output: `/tmp` is writable by everyone). They
are disposable: missing, corrupt or older-version files mean a full, correct build
(with a warning when they were unreadable), and `--clean` ignores them.

A cache file is never trusted to run code: it is read by `DataUnpickler`, which
rebuilds only plain data (notes-site's own dataclasses, dates, paths, time zones) and
refuses every other callable a pickle could name, and a cache folder that belongs to
another user is refused outright (docs/security.md).

- `state.pickle` (small, read first): a fingerprint of every input of the last build
  (note and asset stamps, theme files, settings, options, git HEAD), the problems it
  reported, and every output file with the signature of what it showed (pages) or of
  where it came from (copied files). When the inputs are unchanged and the output
  folder still holds exactly those files, there is nothing to do.
- `notes.pickle` (large, read only when something changed): each note file's stamp
  (size, mtime, inode) and its parse result, so an untouched note is neither read nor
  parsed again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from notes_site.content.notes import ParsedNote
from notes_site.errors import OutputError, Problem

CACHE_VERSION = 10  # bump whenever parsing, views or page signatures change meaning
STATE_FILE = "state.pickle"
NOTES_FILE = "notes.pickle"

NoteEntry = tuple[tuple[int, int, int], ParsedNote]  # (size, mtime_ns, inode), result


@dataclass
class BuildCache:
    folder: Path | None = None
    parse_key: str = ""
    inputs: str = ""  # fingerprint of everything the last published build read
    problems: list[Problem] = field(default_factory=list)  # what it reported, to report again
    outputs: dict[str, str] = field(default_factory=dict)  # output file -> signature
    output_folder: str = ""  # the output these records describe
    notes_loaded: bool = False
    _notes: dict[str, NoteEntry] = field(default_factory=dict)
    problem_loading: str = ""

    @property
    def notes(self) -> dict[str, NoteEntry]:
        """The parse results, read from disk on first use."""
        if not self.notes_loaded:
            self.notes_loaded = True
            if self.folder is not None:
                data, self.problem_loading = read_pickle(self.folder / NOTES_FILE)
                if isinstance(data, dict) and data.get("parse_key") == self.parse_key:
                    self._notes = data.get("notes", {})
        return self._notes

    @notes.setter
    def notes(self, value: dict[str, NoteEntry]) -> None:
        self._notes = value
        self.notes_loaded = True


def cache_dir_for(site_root: Path, output: Path) -> Path:
    """The cache folder of a build of `site_root` into `output`: always inside the site folder."""
    site_root, output = site_root.resolve(), output.resolve()
    if output.parent.is_relative_to(site_root):
        return output.parent / f".{output.name}.notes-site-cache"
    digest = hashlib.blake2b(str(output).encode("utf-8"), digest_size=6).hexdigest()
    return site_root / ".notes-site-cache" / f"{output.name}-{digest}"


def check_cache_folder(folder: Path) -> None:
    """Refuse a cache folder (or one above it, up to the site) that someone else owns or may write into."""
    getuid = getattr(os, "geteuid", None)
    if getuid is None or not folder.exists():  # Windows: no owners to compare
        return
    info = folder.stat(follow_symlinks=False)
    if folder.is_symlink() or info.st_uid != getuid() or info.st_mode & 0o022:
        who = (
            "is a link"
            if folder.is_symlink()
            else (
                f"belongs to another user (uid {info.st_uid})" if info.st_uid != getuid() else "is writable by others"
            )
        )
        raise OutputError(
            f"the build cache folder {folder} {who}, so notes-site neither reads it nor writes into it "
            "(a planted cache must never run code as you). Delete that folder, or build with another --output."
        )


def read_pickle(path: Path) -> tuple[object, str]:
    """(data, "") or (None, why it could not be used); a missing file is not a problem."""
    if not path.exists():
        return None, ""
    try:
        with path.open("rb") as handle:
            version, data = DataUnpickler(handle).load()
    except Exception as exc:  # any damage at all: a full build is always correct
        return None, f"the build cache {path} could not be read ({type(exc).__name__}); building everything"
    return (data, "") if version == CACHE_VERSION else (None, "")


def load_cache(folder: Path) -> tuple[BuildCache, str]:
    """The cache (parse results are read later, if needed) and why it was unusable, if it was."""
    data, problem = read_pickle(folder / STATE_FILE)
    if not isinstance(data, dict):
        return BuildCache(folder=folder), problem
    cache = BuildCache(folder=folder)
    for name in ("parse_key", "inputs", "problems", "outputs", "output_folder"):
        setattr(cache, name, data.get(name, getattr(cache, name)))
    return cache, ""


def save_cache(folder: Path, cache: BuildCache, notes_changed: bool) -> None:
    """Write the state, and the parse results when they changed; each file atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    if notes_changed or not (folder / NOTES_FILE).exists():
        write_pickle(folder / NOTES_FILE, {"parse_key": cache.parse_key, "notes": cache.notes})
    state = {name: getattr(cache, name) for name in ("parse_key", "inputs", "problems", "outputs", "output_folder")}
    write_pickle(folder / STATE_FILE, state)


def write_pickle(path: Path, data: object) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        pickle.dump((CACHE_VERSION, data), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


PLAIN_TYPES = {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("pathlib", "Path"),
    ("pathlib", "PosixPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PureWindowsPath"),
    ("zoneinfo", "ZoneInfo"),
}
LOOKUPS = {(zoneinfo.ZoneInfo, "_unpickle")}  # what `getattr` may fetch: how a ZoneInfo pickles itself


class DataUnpickler(pickle.Unpickler):
    """Unpickles plain data only: notes-site's dataclasses, dates, paths and time zones.

    A pickle runs code by naming a callable (`os.system`) for the loader to call;
    here every name must be one of the types above, or a dataclass defined by
    notes-site, which the loader only creates and fills (it never calls `__init__`).
    """

    def find_class(self, module: str, name: str):
        if (module, name) == ("builtins", "getattr"):
            return safe_getattr
        if (module, name) in PLAIN_TYPES:
            return super().find_class(module, name)
        if module.split(".")[0] == "notes_site":
            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found) and not hasattr(found, "__setstate__"):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def safe_getattr(owner: object, name: str) -> object:
    if (owner, name) not in LOOKUPS:
        raise pickle.UnpicklingError(f"getattr({owner!r}, {name!r}) is not allowed in a build cache")
    return getattr(owner, name)
