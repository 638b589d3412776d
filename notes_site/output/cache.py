"""What the last build knew, so the next one redoes only what changed.

Two pickle files in a hidden folder beside the output (`.public.notes-site-cache/`
for `public/`). They are disposable: missing, corrupt or older-version files mean a
full, correct build (with a warning when they were unreadable), and `--clean` ignores
them.

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

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from notes_site.content.notes import ParsedNote
from notes_site.errors import Problem

CACHE_VERSION = 6  # bump whenever parsing, views or page signatures change meaning
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


def cache_dir_for(output: Path) -> Path:
    output = output.resolve()
    return output.parent / f".{output.name}.notes-site-cache"


def read_pickle(path: Path) -> tuple[object, str]:
    """(data, "") or (None, why it could not be used); a missing file is not a problem."""
    if not path.exists():
        return None, ""
    try:
        with path.open("rb") as handle:
            version, data = pickle.load(handle)
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
