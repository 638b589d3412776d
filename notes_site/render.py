"""Render planned pages with the theme's Jinja templates.

A theme is a chain of folders: the site's own `themes/<name>/` first, then the
theme shipped with notes-site, so a site overrides any template, string or static
file by putting a file at the same path.
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml
from jinja2 import meta

from notes_site.config import SiteConfig
from notes_site.dates import format_date
from notes_site.errors import ThemeError
from notes_site.pages import DATA_FILE, Page, SiteView, fingerprint, text_fingerprint
from notes_site.urls import href, relative_root


def builtin_themes_dir() -> Path:
    """Themes ship inside the wheel (notes_site/themes); a source checkout has them at the top."""
    packaged = Path(__file__).parent / "themes"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]  # most specific first

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
                    info = os.stat(path)
                    found.append((path, info.st_size, info.st_mtime_ns))
        return sorted(found)

    def static_files(self) -> dict[str, Path]:
        """Output path -> file, the site's own files winning over the built-in theme's."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            for base, _dirs, names in os.walk(static):
                for name in names:
                    path = Path(base) / name
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
    return Theme(config.theme, tuple(folders))


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


class Renderer:
    """Renders pages; one Jinja environment, templates compiled once."""

    def __init__(self, config: SiteConfig, theme: Theme, strings: dict[str, str], site: SiteView) -> None:
        self.theme = theme
        self.config = config
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f / "templates") for f in theme.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # a theme change starts a new Renderer; no stat per page
        )
        date_format = config.date_format
        self.env.filters["date"] = lambda moment, fmt=None: format_date(moment, fmt or date_format)
        self.env.filters["href"] = href
        self.env.globals.update(site=site, t=strings)
        self.site = site
        self.strings = strings
        self.template_fingerprints: dict[str, str] = {}

    def globals_fingerprint(self) -> str:
        """What every page shows: the site view (counts, menu…) and the UI strings."""
        return fingerprint(self.site, sorted(self.strings.items()))

    def template_fingerprint(self, name: str) -> str:
        """A hash of the template and of every template it extends, includes or imports."""
        if name == DATA_FILE:
            return ""
        known = self.template_fingerprints.get(name)
        if known is None:
            known = self.template_fingerprints[name] = fingerprint(sorted(self.template_closure(name).items()))
        return known

    def template_closure(self, name: str) -> dict[str, str]:
        """Template name -> source hash, for `name` and everything it pulls in."""
        sources: dict[str, str] = {}
        pending = [name]
        while pending:
            current = pending.pop()
            if current in sources:
                continue
            try:
                source, _filename, _uptodate = self.env.loader.get_source(self.env, current)
            except jinja2.TemplateNotFound:
                sources[current] = "missing"
                continue
            sources[current] = text_fingerprint(source)
            try:
                references = list(meta.find_referenced_templates(self.env.parse(source)))
            except jinja2.TemplateSyntaxError:
                continue  # reported when the page renders
            if any(ref is None for ref in references):  # a computed name: depend on every template
                pending.extend(self.env.list_templates())
            pending.extend(ref for ref in references if ref is not None)
        return sources

    def render(self, page: Page) -> str:
        if page.template == DATA_FILE:  # BibTeX, feeds, the search index: made by notes-site, not the theme
            return page.context()["text"]
        root = self.config.base_path if page.info.kind == "404" else relative_root(page.path)
        try:
            template = self.env.get_template(page.template)
            context = page.context()
            info = context.pop("page", page.info)  # a page may refine its info when rendered
            return template.render(page=info, root=root, **context)
        except jinja2.TemplateSyntaxError as exc:
            raise ThemeError(
                f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {sentence(exc.message)} "
                "Fix the template, or delete your override to use the theme's own."
            ) from exc
        except jinja2.TemplateNotFound as exc:
            where = template_location(exc)
            included = f"{where}: " if where != "template" else ""
            raise ThemeError(
                f"{included}the template `{exc.name}` is missing from the theme `{self.theme.name}` "
                f"(looked in {', '.join(str(f / 'templates') for f in self.theme.folders)})."
            ) from exc
        except Exception as exc:  # an error raised while a template runs: name the template line
            where = template_location(exc)
            raise ThemeError(
                f"{where}: the template failed while rendering /{page.path}: {sentence(str(exc))}"
            ) from exc


def sentence(text: str | None) -> str:
    """A message that ends with exactly one full stop."""
    text = (text or "").rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def template_location(exc: BaseException) -> str:
    """The innermost template file and line in a traceback (Jinja maps frames to templates)."""
    location = "template"
    for frame, line in traceback.walk_tb(exc.__traceback__ or sys.exc_info()[2]):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            location = f"{filename}:{line}"
    return location


def render_pages(pages: list[Page], renderer: Renderer, writer, progress=None) -> None:
    """Render pages into the writer's staging folder, on all cores for big batches."""
    from notes_site.urls import output_file
    from notes_site.workers import RENDER_CHUNK, RENDER_MIN, can_fork, map_forked, worker_count

    if len(pages) < RENDER_MIN or worker_count() < 2 or not can_fork():
        for done, page in enumerate(pages, start=1):
            writer.write_text(output_file(page.path), renderer.render(page))
            if progress and done % 200 == 0:
                progress("render", done, len(pages))
        return
    targets = [output_file(page.path) for page in pages]
    done = 0
    shared = {"pages": pages, "renderer": renderer, "writer": writer, "targets": targets}
    for written in map_forked(render_range, len(pages), RENDER_CHUNK, shared):
        writer.staged.extend(written)
        writer.files_written += len(written)
        done += len(written)
        if progress:
            progress("render", done, len(pages))


def render_range(indexes: range) -> list[str]:
    """In a forked worker: render pages[indexes] straight into the staging folder."""
    from notes_site.workers import SHARED

    pages, renderer, writer, targets = SHARED["pages"], SHARED["renderer"], SHARED["writer"], SHARED["targets"]
    made = SHARED.setdefault("made_dirs", set())
    written = []
    for index in indexes:
        target = writer.staging / targets[index]
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(renderer.render(pages[index]).encode("utf-8"))
        written.append(targets[index])
    return written
