"""Render planned pages with the theme's Jinja templates, and sign them with what every page shows.

A page's final signature (`signature_of`) is its data's signature plus the templates
it uses and the site-wide parts (settings, the site view, UI strings): the build and
`serve` compare it with the last build's to decide which pages to render again.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass

import jinja2
from jinja2 import meta

from notes_site.config import SiteConfig
from notes_site.content.dates import format_date
from notes_site.errors import ThemeError
from notes_site.fingerprint import fingerprint, text_fingerprint
from notes_site.output.cache import CACHE_VERSION
from notes_site.output.themes import Theme
from notes_site.output.write import StagedOutput
from notes_site.pages.cards import NoteCards
from notes_site.pages.page import DATA_FILE, Page
from notes_site.pages.plurals import plural
from notes_site.pages.views import SiteView
from notes_site.urls import href, output_file, relative_root
from notes_site.workers import RENDER_CHUNK, RENDER_MIN, can_fork, map_forked, worker_count


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
        language = config.language
        self.env.globals.update(
            site=site,
            t=strings,
            plural=lambda key, count, **fields: plural(strings, language, key, count, **fields),
        )
        self.site = site
        self.strings = strings
        self.template_fingerprints: dict[str, str] = {}
        self.site_wide = fingerprint(CACHE_VERSION, config.fingerprint, self.globals_fingerprint())

    def signature_of(self, page: Page) -> str:
        """The page's whole signature: equal to the last build's means the file need not be written."""
        return fingerprint(self.site_wide, self.template_fingerprint(page.template), page.signature)

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

    def render(self, page: Page, cards: NoteCards) -> str:
        if page.template == DATA_FILE:  # BibTeX, feeds, the search index: made by notes-site, not the theme
            return page.context(cards)["text"]
        root = self.config.base_path if page.info.kind == "404" else relative_root(page.path)
        try:
            template = self.env.get_template(page.template)
            context = page.context(cards)
            info = context.pop("page", page.info)  # a note's page makes its head with its context
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


def render_pages(pages: list[Page], renderer: Renderer, cards: NoteCards, writer: StagedOutput, progress=None) -> None:
    """Render pages into the writer's staging folder, on all cores for big batches."""
    if len(pages) < RENDER_MIN or worker_count() < 2 or not can_fork():
        for done, page in enumerate(pages, start=1):
            writer.write_text(output_file(page.path), renderer.render(page, cards))
            if progress and done % 200 == 0:
                progress("render", done, len(pages))
        return
    done = 0
    job = RenderJob(pages, renderer, cards, writer)
    for written in map_forked(render_range, len(pages), RENDER_CHUNK, job):
        writer.adopt(written)
        done += len(written)
        if progress:
            progress("render", done, len(pages))


@dataclass(frozen=True)
class RenderJob:
    """What forked render workers inherit from the parent (never pickled)."""

    pages: list[Page]
    renderer: Renderer
    cards: NoteCards
    writer: StagedOutput


def render_range(job: RenderJob, indexes: range) -> list[str]:
    """In a forked worker: render job.pages[indexes] through the writer; the parent adopts the files."""
    written = []
    for index in indexes:
        page = job.pages[index]
        target = output_file(page.path)
        job.writer.write_text(target, job.renderer.render(page, job.cards))
        written.append(target)
    return written
