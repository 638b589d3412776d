"""`notes-site import`: turn an existing blog into a notes-site site, keeping its URLs.

The original is only read. The new site gets settings that reproduce the old URL
scheme, the notes (with their asset folders) under content/, and a report of what was
converted, what was guessed and what could not be, each with the file and line it
comes from. One module per source (hexo, hugo, jekyll, obsidian); this one holds
what they share: the report, the copying and the settings file's lines.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from notes_site.errors import UsageError


@dataclass(frozen=True)
class Finding:
    """One line of the import report."""

    kind: str  # "converted", "guessed" or "not converted"
    message: str
    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else f"{self.path}: " if self.path else ""
        return f"{self.kind}: {where}{self.message}"


@dataclass
class ImportReport:
    site: Path
    notes: int = 0
    files: int = 0
    findings: list[Finding] = field(default_factory=list)

    def add(self, kind: str, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.findings.append(Finding(kind, message, path, line))


def check_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} is not empty; import into a new folder, e.g. --to my-notes.")


def yaml_setting(key: str, value: Any, comment: str = "") -> str:
    """One setting of notes-site.yaml as YAML text (mappings keep their order), with an optional comment."""
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, sort_keys=False, width=1000)
    return dumped.rstrip() + (f"  # {comment}" if comment else "")


def copy_tree(source: Path, target: Path, skip: tuple[str, ...] = ()) -> tuple[int, int]:
    """Copy a folder (notes and their asset folders); (notes, other files) copied."""
    notes = others = 0
    for path in sorted(source.rglob("*")):
        if path.is_dir() or path.name in skip or any(part.startswith(".") for part in path.relative_to(source).parts):
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        if path.suffix.lower() in (".md", ".markdown"):
            notes += 1
        else:
            others += 1
    return notes, others
