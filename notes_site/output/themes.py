"""Find the theme and its UI strings.

A theme is a chain of folders: the site's own `themes/<name>/` first, then the
theme shipped with notes-site, so a site overrides any template, string or static
file by putting a file at the same path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from notes_site.config import SiteConfig
from notes_site.errors import Problem, ThemeError, warning


def builtin_themes_dir() -> Path:
    """Themes ship inside the wheel (notes_site/themes); a source checkout has them at the top."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "themes"
    return packaged if packaged.is_dir() else package.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]  # most specific first
    problems: tuple[Problem, ...] = ()  # links to nothing, left out of the theme

    def files(self, folder: Path) -> list[Path]:
        """The files under `folder` a build may read: links that lead nowhere are left out."""
        return [
            Path(base) / name
            for base, _dirs, names in os.walk(folder)
            for name in names
            if os.path.exists(os.path.join(base, name))
        ]

    def find(self, relative: str) -> Path | None:
        for folder in self.folders:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
        return None

    def stamps(self) -> list[tuple[str, int, int]]:
        """(path, size, mtime) of every file of the theme, for the build's input fingerprint."""
        found = []
        for folder in self.folders:
            for base, _dirs, names in os.walk(folder):
                for name in names:
                    path = os.path.join(base, name)
                    try:
                        info = os.stat(path)
                    except OSError:  # a link to nothing (reported by find_theme), or just removed
                        found.append((path, -1, 0))
                        continue
                    found.append((path, info.st_size, info.st_mtime_ns))
        return sorted(found)

    def static_files(self) -> dict[str, Path]:
        """Output path -> file, the site's own files winning over the built-in theme's."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            for path in self.files(static):
                files[path.relative_to(static).as_posix()] = path
        return files


def find_theme(config: SiteConfig) -> Theme:
    candidates = [config.root / "themes" / config.theme, builtin_themes_dir() / config.theme]
    folders: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and all(folder.resolve() != f.resolve() for f in folders):
            folders.append(folder)
    if not folders:
        raise ThemeError(
            f"the theme `{config.theme}` was not found (looked in {candidates[0]} and {candidates[1]}). "
            "Set `theme: default` in notes-site.yaml, or create that folder."
        )
    return Theme(config.theme, tuple(folders), tuple(links_to_nothing(folders)))


def links_to_nothing(folders: list[Path]) -> list[Problem]:
    """A theme file that is a symbolic link to nothing: reported, and the theme is read without it."""
    found = []
    for folder in folders:
        for base, _dirs, names in os.walk(folder):
            for name in names:
                path = Path(base) / name
                if not path.exists():
                    found.append(
                        warning(
                            f"the theme file is a link to {os.readlink(path)}, which does not exist; "
                            "the theme is used without it.",
                            path,
                            hint="Restore what it points at, or delete the link.",
                        )
                    )
    return found


def load_strings(theme: Theme, language: str) -> dict[str, str]:
    """The UI strings for `language`: English as the base, the language's catalog on top."""
    strings: dict[str, str] = {}
    for lang in dict.fromkeys(("en", language)):
        for folder in reversed(theme.folders):
            path = folder / "i18n" / f"{lang}.yaml"
            if path.is_file():
                try:
                    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                except yaml.YAMLError as exc:
                    raise ThemeError(f"{path}: the UI strings are not valid YAML ({exc}).") from exc
                strings.update({str(k): str(v) for k, v in data.items()})
    return strings
