"""A planned page, and the record of which pages show which note.

A `Page` holds data, not closures: its `data` is a small frozen object of the page's
kind (`NotePage`, `ListingPage`, `TextFile`…) naming what it shows. Planning makes
every page and its signature before anything is rendered; rendering asks the data for
the template's context. Pages can therefore be pickled, and compared between builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from notes_site.fingerprint import fingerprint, text_fingerprint
from notes_site.pages.cards import NoteCards
from notes_site.pages.views import PageInfo
from notes_site.site.model import PlacedNote

DATA_FILE = ""  # the template of a page whose text notes-site writes itself (`context()["text"]`)


class PageData(Protocol):
    """What one page shows, as plain data, and how it becomes a signature and a context.

    `sign` hashes exactly what the template will receive (apart from the site-wide
    parts, which the renderer adds), so an unchanged signature means an unchanged page
    (Lektor's recorded dependencies, as data hashes); `context` builds the template's
    data, only for pages that must be rendered.
    """

    def sign(self, cards: NoteCards) -> str: ...

    def context(self, cards: NoteCards) -> dict[str, Any]: ...


@dataclass(eq=False)
class Page:
    """One output page: where it goes, its template, what it shows and that data's signature."""

    info: PageInfo
    template: str
    data: PageData
    source: Path | None = None  # the note file a note page comes from, for messages
    signature: str = ""

    @property
    def path(self) -> str:
        return self.info.path

    def sign(self, cards: NoteCards) -> None:
        self.signature = self.data.sign(cards)

    def context(self, cards: NoteCards) -> dict[str, Any]:
        return self.data.context(cards)


@dataclass(frozen=True)
class FixedPage:
    """A page whose template data is known when it is planned (the term clouds, 404, /search/)."""

    name: str
    values: tuple[tuple[str, Any], ...] = ()

    def sign(self, cards: NoteCards) -> str:
        return fingerprint(self.name, self.values)

    def context(self, cards: NoteCards) -> dict[str, Any]:
        return dict(self.values)


@dataclass(frozen=True)
class TextFile:
    """A file notes-site writes itself, whole: BibTeX, the sitemap, robots.txt, search shards."""

    text: str

    def sign(self, cards: NoteCards) -> str:
        return text_fingerprint(self.text)

    def context(self, cards: NoteCards) -> dict[str, Any]:
        return {"text": self.text}


@dataclass
class Dependents:
    """Note source -> the pages that show it, each with what they show of it.

    "body" (its own page), "excerpt" (listings) or only "meta" (title, dates, terms:
    neighbours, the archive). `serve` re-signs exactly these pages after an edit.
    """

    by_source: dict[str, list[tuple[Page, str]]] = field(default_factory=dict)

    def shows(self, page: Page, items: list[PlacedNote], part: str) -> Page:
        for item in items:
            self.by_source.setdefault(item.note.source, []).append((page, part))
        return page

    def showing(self, source: str, parts: set[str]) -> list[Page]:
        return [page for page, part in self.by_source.get(source, []) if part in parts]
