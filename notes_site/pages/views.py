"""What templates see: read-only views of the site and its notes, and the `Page` itself.

Templates never receive the live model (Zola's `ser.rs`): these frozen views are
plain data, which also keeps each page's inputs easy to fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup

from notes_site.pages.feeds import (
    MetaTag,
)
from notes_site.site.model import Site


@dataclass(frozen=True)
class MenuItem:
    title: str
    path: str
    external: bool


@dataclass(frozen=True)
class SiteView:
    title: str
    subtitle: str
    author: str
    description: str
    language: str
    note_count: int
    category_count: int
    tag_count: int
    menu: tuple[MenuItem, ...]
    year: str  # the span of the notes' years for the footer: "2023–2024"
    reading_time: bool = False  # show word counts and reading times
    math: str = "mathml"  # "katex": pages load KaTeX to typeset formulas
    feed: bool = False  # /atom.xml exists (pages link to it in their head)
    search: bool = False  # /search/ exists (the header has a search box)


@dataclass(frozen=True)
class TermLink:
    name: str
    path: str


@dataclass(frozen=True)
class NoteLink:
    title: str
    path: str


@dataclass(frozen=True)
class PaperView:
    """What a note says about its paper, with the links a reader wants."""

    title: str
    authors: tuple[str, ...]
    authors_short: str  # "A, B, C et al." past the `papers.authors_shown` setting
    year: int | None
    venue: str
    arxiv: str
    arxiv_abs: str
    arxiv_pdf: str
    doi: str
    doi_url: str
    url: str
    code: str
    aliases: tuple[str, ...]
    status: str  # "", "to-read", "reading" or "read"
    rating: int | None
    citation_key: str
    bib_path: str  # site path of the note's cite.bib


@dataclass(frozen=True)
class TocEntry:
    id: str
    text: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class NoteView:
    title: str
    path: str
    posted: datetime
    edited: datetime
    edited_shown: bool
    category: TermLink | None
    category_trail: tuple[TermLink, ...]
    tags: tuple[TermLink, ...]
    excerpt: Markup
    has_more: bool
    content: Markup
    description: str
    extra: dict[str, Any]  # front-matter keys notes-site does not know, for themes
    paper: PaperView | None = None
    words: int = 0  # CJK characters count as words
    reading_minutes: int = 0


@dataclass(frozen=True)
class StandaloneView:
    """A standalone page (`layout: page`) as page.html sees it: no terms, no neighbours, dates only if written."""

    title: str
    path: str
    content: Markup
    description: str
    posted: datetime | None
    edited: datetime | None
    extra: dict[str, Any]  # front-matter keys notes-site does not know, for themes


@dataclass(frozen=True)
class PageLink:
    number: int
    path: str
    is_current: bool
    gap: bool = False  # stands for the skipped pages between two links ("…")


@dataclass(frozen=True)
class Pagination:
    current: int
    total: int
    prev_path: str | None
    next_path: str | None
    pages: tuple[PageLink, ...]


@dataclass(frozen=True)
class TermView:
    name: str
    path: str
    kind: str
    count: int
    trail: tuple[TermLink, ...]
    children: tuple[TermView, ...]
    depth: int = 0


@dataclass(frozen=True)
class YearGroup:
    year: int
    count: int
    notes: tuple[NoteView, ...]


@dataclass(frozen=True)
class PageInfo:
    kind: str
    path: str
    title: str
    description: str
    url: str = ""  # the page's absolute URL, when base_url names a host (canonical link, og:url)
    meta: tuple[MetaTag, ...] = ()  # OpenGraph, Twitter and citation_* meta tags
    json_ld: str = ""  # schema.org JSON-LD, ready for a <script type="application/ld+json">


def site_view(site: Site, strings: dict[str, str]) -> SiteView:
    config = site.config
    menu = tuple(
        MenuItem(
            strings.get(entry.title, entry.title), entry.url, "://" in entry.url or entry.url.startswith("mailto:")
        )
        for entry in config.menu
    )
    years = [year for year, _notes in site.years]
    span = "" if not years else str(years[0]) if len(years) == 1 else f"{years[-1]}–{years[0]}"
    return SiteView(
        config.title,
        config.subtitle,
        config.author,
        config.description,
        config.language,
        len(site.notes),
        len(site.categories),
        len(site.tags),
        menu,
        span,
        config.reading_time.show,
        config.math,
        config.absolute_base is not None,
        config.search.enabled,
    )


@dataclass(frozen=True)
class PaperRow:
    """One line of the reading list."""

    title: str
    authors: str
    authors_short: str
    year: int | None
    venue: str
    status: str
    rating: int | None
    note: NoteLink
    arxiv_abs: str
    code: str
    posted: datetime


@dataclass(frozen=True)
class RowGroup:
    name: str  # a year or a venue; "" for papers without one
    rows: tuple[PaperRow, ...]
