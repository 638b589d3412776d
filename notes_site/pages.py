"""Plan every page of the site: which template, at which path, with which data.

Pure: no I/O. Templates receive the read-only views defined here, never the live
model (Zola's `ser.rs`), which also keeps each page's inputs easy to fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from notes_site.config import SiteConfig
from notes_site.dates import format_date
from notes_site.site import PlacedNote, Site, Term
from notes_site.urls import listing_path, resolve_links


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


@dataclass(frozen=True)
class TermLink:
    name: str
    path: str


@dataclass(frozen=True)
class NoteLink:
    title: str
    path: str


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


@dataclass(frozen=True)
class PageLink:
    number: int
    path: str
    is_current: bool


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


@dataclass(frozen=True)
class Page:
    """One output page: the template to render and the data it gets."""

    info: PageInfo
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None  # the note file a note page comes from, for messages

    @property
    def path(self) -> str:
        return self.info.path


def site_view(site: Site, strings: dict[str, str]) -> SiteView:
    config = site.config
    menu = tuple(
        MenuItem(strings.get(entry.title, entry.title), entry.url, "://" in entry.url or entry.url.startswith("mailto:"))
        for entry in config.menu
    )
    years = [year for year, _notes in site.years]
    span = "" if not years else str(years[0]) if len(years) == 1 else f"{years[-1]}–{years[0]}"
    return SiteView(config.title, config.subtitle, config.author, config.description, config.language,
                    len(site.notes), len(site.categories), len(site.tags), menu, span)


class PagePlanner:
    """Builds the views of notes for each page they appear on."""

    def __init__(self, site: Site, strings: dict[str, str]) -> None:
        self.site = site
        self.strings = strings
        self.config: SiteConfig = site.config
        self.zone = self.config.tzinfo

    def plan(self) -> list[Page]:
        pages: list[Page] = []
        pages += self.listing_pages("index", "", "index.html", self.site.notes, {})
        pages += self.note_pages()
        for term in self.site.categories.values():
            pages += self.term_pages(term)
        for term in self.site.tags.values():
            pages += self.term_pages(term)
        pages.append(self.terms_page("category", "categories/"))
        pages.append(self.terms_page("tag", "tags/"))
        pages.append(self.archive_page())
        not_found = self.strings.get("not_found_title", "Page not found")
        pages.append(Page(PageInfo("404", "404.html", not_found, ""), "404.html"))
        return pages

    def note_view(self, item: PlacedNote, page_path: str, full: bool = False, excerpt: bool = True) -> NoteView:
        note = item.note
        posted = note.posted.astimezone(self.zone)
        edited = note.edited.astimezone(self.zone)
        category = self.site.category_of(note)
        trail = tuple(TermLink(t.name, t.path) for t in category.trail()) if category else ()
        tags = tuple(TermLink(t.name, t.path) for t in self.site.tag_terms(note))
        fmt = self.config.date_format
        return NoteView(
            title=note.title,
            path=item.path,
            posted=posted,
            edited=edited,
            edited_shown=format_date(edited, fmt) != format_date(posted, fmt),
            category=trail[-1] if trail else None,
            category_trail=trail,
            tags=tags,
            excerpt=Markup(self.resolve(item, note.excerpt_html, page_path)) if excerpt else Markup(""),
            has_more=note.has_more,
            content=Markup(self.resolve(item, note.body_html, page_path)) if full else Markup(""),
            description=note.description,
            extra=note.extra,
        )

    def resolve(self, item: PlacedNote, html: str, page_path: str) -> str:
        return resolve_links(html, note_source=item.note.source, note_path=item.path,
                             page_path=page_path, targets=self.site.link_targets)

    def note_pages(self) -> list[Page]:
        pages = []
        notes = self.site.notes
        for index, item in enumerate(notes):
            newer = notes[index - 1] if index > 0 else None
            older = notes[index + 1] if index + 1 < len(notes) else None
            view = self.note_view(item, item.path, full=True, excerpt=False)
            description = item.note.description or plain_excerpt(item.note.excerpt_html)
            pages.append(Page(
                PageInfo("note", item.path, item.note.title, description),
                "note.html",
                {"note": view,
                 "newer": NoteLink(newer.note.title, newer.path) if newer else None,
                 "older": NoteLink(older.note.title, older.path) if older else None},
                item.note.path,
            ))
        return pages

    def listing_pages(self, kind: str, base: str, template: str, notes: list[PlacedNote],
                      extra: dict[str, Any], title: str = "") -> list[Page]:
        per_page = self.config.per_page
        total = max(1, -(-len(notes) // per_page))
        paths = [listing_path(base, number) for number in range(1, total + 1)]
        pages = []
        for number, path in enumerate(paths, start=1):
            chunk = notes[(number - 1) * per_page : number * per_page]
            pagination = Pagination(
                current=number,
                total=total,
                prev_path=paths[number - 2] if number > 1 else None,
                next_path=paths[number] if number < total else None,
                pages=tuple(PageLink(n, p, n == number) for n, p in enumerate(paths, start=1)),
            )
            context = {"notes": [self.note_view(item, path) for item in chunk], "pagination": pagination, **extra}
            pages.append(Page(PageInfo(kind, path, title, self.config.description), template, context))
        return pages

    def term_view(self, term: Term, depth: int = 0) -> TermView:
        return TermView(
            name=term.name,
            path=term.path,
            kind=term.kind,
            count=len(term.notes),
            trail=tuple(TermLink(t.name, t.path) for t in term.trail()),
            children=tuple(self.term_view(child, depth + 1) for child in sorted(term.children, key=term_order)),
            depth=depth,
        )

    def term_pages(self, term: Term) -> list[Page]:
        name = " › ".join(t.name for t in term.trail())
        title = self.strings.get(f"{term.kind}_title", "{name}").format(name=name)
        return self.listing_pages(term.kind, term.path, "term.html", term.notes, {"term": self.term_view(term)}, title)

    def terms_page(self, kind: str, path: str) -> Page:
        if kind == "category":
            top = sorted((t for t in self.site.categories.values() if t.parent is None), key=term_order)
            terms = [view for term in top for view in flatten(self.term_view(term))]
        else:
            terms = [self.term_view(term) for term in sorted(self.site.tags.values(), key=term_order)]
        max_count = max((t.count for t in terms), default=0)
        kind_name = "categories" if kind == "category" else "tags"
        title = self.strings.get(kind_name, kind_name)
        return Page(PageInfo(kind_name, path, title, self.config.description), "terms.html",
                    {"kind": kind, "terms": terms, "max_count": max_count})

    def archive_page(self) -> Page:
        path = "archives/"
        years = [
            YearGroup(year, len(items), tuple(self.note_view(item, path, excerpt=False) for item in items))
            for year, items in self.site.years
        ]
        title = self.strings.get("archives", "Archives")
        return Page(PageInfo("archive", path, title, self.config.description), "archive.html", {"years": years})


def term_order(term: Term) -> tuple:
    return (term.name.lower(), term.path)


def flatten(view: TermView) -> list[TermView]:
    result = [view]
    for child in view.children:
        result.extend(flatten(child))
    return result


def plain_excerpt(html: str, limit: int = 160) -> str:
    """A short plain-text description from an excerpt's HTML, for <meta name=description>."""
    import re
    from html import unescape

    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    text = text.replace("\ue000", "").replace("\ue001", "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
