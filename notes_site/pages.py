"""Plan every page of the site: which template, at which path, with which data.

Pure: no I/O. Templates receive the read-only views defined here, never the live
model (Zola's `ser.rs`), which also keeps each page's inputs easy to fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from notes_site.config import SiteConfig
from notes_site.dates import format_date
from notes_site.markdown import LINK_OPEN
from notes_site.site import PlacedNote, Site, Term
from notes_site.urls import listing_path, localize, resolve_links


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


@dataclass(eq=False)
class Page:
    """One output page: its template, a fingerprint of what it shows, and how to get its data.

    The data (`context()`) is built only for pages that must be rendered; `signature`
    says whether that is needed: it hashes exactly what the template will receive
    (apart from the site-wide parts, which the build adds), so an unchanged signature
    means an unchanged page (Lektor's recorded dependencies, as data hashes).
    `sign()` computes it again after a note the page shows was swapped (serve).
    """

    info: PageInfo
    template: str
    sign: Callable[[], str]
    make_context: Callable[[], dict[str, Any]]
    source: Path | None = None  # the note file a note page comes from, for messages
    signature: str = ""

    def __post_init__(self) -> None:
        self.signature = self.sign()

    @property
    def path(self) -> str:
        return self.info.path

    def context(self) -> dict[str, Any]:
        return self.make_context()


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
    )


def fingerprint(*parts: object) -> str:
    """A short, stable hash of plain data (reprs of strings, numbers, dates, frozen views)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def text_fingerprint(text: str) -> str:
    """The same for one long text, without the cost of repr's escaping."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class NoteCard:
    """A note's view with links made page-independent, and fingerprints of its parts."""

    view: NoteView  # excerpt links start with ROOT_MARK; content is empty
    meta_fp: str  # everything but the excerpt and the content
    excerpt_fp: str


class PagePlanner:
    """Decides the site's pages and builds the views of notes for them, each once."""

    def __init__(self, site: Site, strings: dict[str, str]) -> None:
        self.site = site
        self.strings = strings
        self.config: SiteConfig = site.config
        self.zone = self.config.tzinfo
        self.cards: dict[str, NoteCard] = {}  # by note source
        self.cards_by_root: dict[tuple[str, int], NoteView] = {}
        # note source -> the pages that show it, each with what they show of it: "body" (its own
        # page), "excerpt" (listings) or only "meta" (title, dates, terms: neighbours, archive)
        self.dependents: dict[str, list[tuple[Page, str]]] = {}

    def plan(self) -> list[Page]:
        pages: list[Page] = []
        pages += self.listing_pages("index", "", "index.html", self.site.notes, None)
        pages += self.note_pages()
        for term in self.site.categories.values():
            pages += self.term_pages(term)
        for term in self.site.tags.values():
            pages += self.term_pages(term)
        pages.append(self.terms_page("category", "categories/"))
        pages.append(self.terms_page("tag", "tags/"))
        pages.append(self.archive_page())
        not_found = self.strings.get("not_found_title", "Page not found")
        pages.append(Page(PageInfo("404", "404.html", not_found, ""), "404.html", lambda: fingerprint("404"), dict))
        return pages

    def shows(self, page: Page, items: list[PlacedNote], part: str) -> Page:
        for item in items:
            self.dependents.setdefault(item.note.source, []).append((page, part))
        return page

    def forget(self, item: PlacedNote) -> list[Page]:
        """Drop what was derived from a note that was parsed again; the pages it may change."""
        source = item.note.source
        old = self.cards.pop(source, None)
        for depth in range(0, 64):
            self.cards_by_root.pop((source, depth), None)
        new = self.card(item)
        changed = {"body"}
        if old is None or old.meta_fp != new.meta_fp:
            changed |= {"meta", "excerpt"}
        elif old.excerpt_fp != new.excerpt_fp:
            changed.add("excerpt")
        return [page for page, part in self.dependents.get(source, []) if part in changed]

    def card(self, item: PlacedNote) -> NoteCard:
        card = self.cards.get(item.note.source)
        if card is None:
            card = self.cards[item.note.source] = self.make_card(item)
        return card

    def make_card(self, item: PlacedNote) -> NoteCard:
        note = item.note
        posted = note.posted.astimezone(self.zone)
        edited = note.edited.astimezone(self.zone)
        category = self.site.category_of(note)
        trail = tuple(TermLink(t.name, t.path) for t in category.trail()) if category else ()
        tags = tuple(TermLink(t.name, t.path) for t in self.site.tag_terms(note))
        fmt = self.config.date_format
        excerpt = self.resolve(item, note.excerpt_html, None)
        view = NoteView(
            title=note.title,
            path=item.path,
            posted=posted,
            edited=edited,
            edited_shown=format_date(edited, fmt) != format_date(posted, fmt),
            category=trail[-1] if trail else None,
            category_trail=trail,
            tags=tags,
            excerpt=Markup(excerpt),
            has_more=note.has_more,
            content=Markup(""),
            description=note.description,
            extra=note.extra,
        )
        meta = (
            view.title,
            view.path,
            view.posted.isoformat(),
            view.edited.isoformat(),
            view.edited_shown,
            trail,
            tags,
            view.has_more,
            view.description,
            repr(view.extra),
        )
        return NoteCard(view, fingerprint(meta), text_fingerprint(excerpt))

    def listed(self, item: PlacedNote, page_path: str) -> NoteView:
        """The note's view on a listing page (shared by every page at the same depth)."""
        root_key = (item.note.source, page_path.count("/"))
        view = self.cards_by_root.get(root_key)
        if view is None:
            card = self.card(item).view
            view = replace(card, excerpt=Markup(localize(card.excerpt, page_path)))
            self.cards_by_root[root_key] = view
        return view

    def link_fingerprint(self, item: PlacedNote) -> str:
        """Where the note's relative links lead (they follow other notes' URLs)."""
        if LINK_OPEN not in item.note.body_html:
            return ""
        return text_fingerprint(self.resolve(item, item.note.body_html, item.path))

    def resolve(self, item: PlacedNote, html: str, page_path: str | None) -> str:
        if LINK_OPEN not in html:
            return html
        return resolve_links(
            html, note_source=item.note.source, note_path=item.path, page_path=page_path, targets=self.site.link_targets
        )

    def note_pages(self) -> list[Page]:
        pages = []
        notes = self.site.notes
        for index, item in enumerate(notes):
            newer = notes[index - 1] if index > 0 else None
            older = notes[index + 1] if index + 1 < len(notes) else None

            def sign(item=item, newer=newer, older=older) -> str:
                card = self.card(item)
                # The description (from the excerpt when the note has none) is derived at render time.
                return fingerprint(
                    "note",
                    card.meta_fp,
                    card.excerpt_fp,
                    text_fingerprint(item.note.body_html),
                    self.link_fingerprint(item),
                    neighbour(newer),
                    neighbour(older),
                )

            def context(item=item, newer=newer, older=older) -> dict[str, Any]:
                body = self.resolve(item, item.note.body_html, item.path)
                view = replace(self.card(item).view, excerpt=Markup(""), content=Markup(body))
                description = item.note.description or plain_excerpt(item.note.excerpt_html)
                info = PageInfo("note", item.path, item.note.title, description)
                return {"note": view, "newer": neighbour(newer), "older": neighbour(older), "page": info}

            info = PageInfo("note", item.path, item.note.title, "")
            page = Page(info, "note.html", sign, context, item.note.path)
            self.shows(page, [item], "body")
            pages.append(self.shows(page, [n for n in (newer, older) if n is not None], "meta"))
        return pages

    def listing_pages(
        self, kind: str, base: str, template: str, notes: list[PlacedNote], term: TermView | None, title: str = ""
    ) -> list[Page]:
        per_page = self.config.per_page
        total = max(1, -(-len(notes) // per_page))
        term_fp = fingerprint(term) if term is not None else ""
        paths = [listing_path(base, number) for number in range(1, total + 1)]
        pages = []
        for number, path in enumerate(paths, start=1):
            chunk = notes[(number - 1) * per_page : number * per_page]
            pagination = Pagination(
                current=number,
                total=total,
                prev_path=paths[number - 2] if number > 1 else None,
                next_path=paths[number] if number < total else None,
                pages=page_window(paths, number),
            )

            def sign(chunk=chunk, path=path, number=number) -> str:
                cards = [self.card(item) for item in chunk]
                return fingerprint(
                    kind, path, title, number, total, term_fp, [(c.meta_fp, c.excerpt_fp) for c in cards]
                )

            def context(chunk=chunk, path=path, pagination=pagination) -> dict[str, Any]:
                data: dict[str, Any] = {"notes": [self.listed(item, path) for item in chunk], "pagination": pagination}
                if term is not None:
                    data["term"] = term
                return data

            info = PageInfo(kind, path, title, self.config.description)
            pages.append(self.shows(Page(info, template, sign, context), chunk, "excerpt"))
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
        return self.listing_pages(term.kind, term.path, "term.html", term.notes, self.term_view(term), title)

    def terms_page(self, kind: str, path: str) -> Page:
        if kind == "category":
            top = sorted((t for t in self.site.categories.values() if t.parent is None), key=term_order)
            terms = [view for term in top for view in flatten(self.term_view(term))]
        else:
            terms = [self.term_view(term) for term in sorted(self.site.tags.values(), key=term_order)]
        max_count = max((t.count for t in terms), default=0)
        kind_name = "categories" if kind == "category" else "tags"
        title = self.strings.get(kind_name, kind_name)
        data = {"kind": kind, "terms": terms, "max_count": max_count}
        info = PageInfo(kind_name, path, title, self.config.description)
        signature = fingerprint(kind_name, data)
        return Page(info, "terms.html", lambda: signature, lambda: data)

    def archive_page(self) -> Page:
        path = "archives/"
        groups = [(year, items) for year, items in self.site.years]

        def sign() -> str:
            return fingerprint("archive", [(year, [self.card(i).meta_fp for i in items]) for year, items in groups])

        def context() -> dict[str, Any]:
            years = [
                YearGroup(year, len(items), tuple(replace(self.card(i).view, excerpt=Markup("")) for i in items))
                for year, items in groups
            ]
            return {"years": years}

        title = self.strings.get("archives", "Archives")
        page = Page(PageInfo("archive", path, title, self.config.description), "archive.html", sign, context)
        return self.shows(page, [item for _year, items in groups for item in items], "meta")


def neighbour(item: PlacedNote | None) -> NoteLink | None:
    return NoteLink(item.note.title, item.path) if item is not None else None


def page_window(paths: list[str], current: int, around: int = 2) -> tuple[PageLink, ...]:
    """Links to the first, the last and the pages near the current one, with gaps between.

    Listing all pages on every page would make pagination quadratic (1,000 index pages
    at 10,000 notes).
    """
    total = len(paths)
    numbers = sorted({1, total, *range(max(1, current - around), min(total, current + around) + 1)})
    links: list[PageLink] = []
    for number in numbers:
        if links and number - links[-1].number > 1:
            links.append(PageLink(links[-1].number + 1, "", False, gap=True))
        links.append(PageLink(number, paths[number - 1], number == current))
    return tuple(links)


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
