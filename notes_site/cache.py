"""What the last build knew, so the next one redoes only what changed.

One pickle file in a hidden folder beside the output (`.public.notes-site-cache/`
for `public/`). It is disposable: a missing, corrupt or older-version cache means a
full, correct build (with a warning when it was unreadable), and `--clean` ignores it.

It remembers:
- each note file's stamp (size, mtime, inode) and its parse result, keyed by the
  settings that change parsing, so an untouched note is neither read nor parsed;
- for the output folder, every file written with the signature of what it showed
  (pages) or of where it came from (copied files), so a page whose inputs did not
  change is not rendered, a file that did not change is not written, and a file no
  longer produced is deleted — only files notes-site itself recorded, never others.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from notes_site.notes import ParsedNote

CACHE_VERSION = 1  # bump whenever parsing, views or page signatures change meaning
CACHE_FILE = "build.pickle"


@dataclass
class BuildCache:
    parse_key: str = ""
    notes: dict[str, tuple[tuple[int, int, int], ParsedNote]] = field(default_factory=dict)  # (size, mtime, inode)
    outputs: dict[str, str] = field(default_factory=dict)  # output file -> signature
    output_folder: str = ""  # the output these records describe


def cache_dir_for(output: Path) -> Path:
    output = output.resolve()
    return output.parent / f".{output.name}.notes-site-cache"


def load_cache(folder: Path, version: int = CACHE_VERSION) -> tuple[BuildCache, str]:
    """The cache, or an empty one and why it could not be used ("" when there was none)."""
    path = folder / CACHE_FILE
    if not path.exists():
        return BuildCache(), ""
    try:
        with path.open("rb") as handle:
            stored_version, cache = pickle.load(handle)
    except Exception as exc:  # any damage at all: a full build is always correct
        return BuildCache(), f"the build cache {path} could not be read ({type(exc).__name__}); building everything"
    if stored_version != version or not isinstance(cache, BuildCache):
        return BuildCache(), ""
    return cache, ""


def save_cache(folder: Path, cache: BuildCache, version: int = CACHE_VERSION) -> None:
    """Write the cache atomically (a crash leaves the previous one, or none)."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
    with temporary.open("wb") as handle:
        pickle.dump((version, cache), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, folder / CACHE_FILE)
