"""Pages that list notes: the paginated index and term pages, the term clouds, the archive."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from notes_site.fingerprint import fingerprint
from notes_site.pages.cards import NoteCards
from notes_site.pages.page import Dependents, FixedPage, Page
from notes_site.pages.views import PageInfo, PageLink, Pagination, TermLink, TermView, YearGroup
from notes_site.site.model import PlacedNote, Term
from notes_site.urls import listing_path


@dataclass(frozen=True)
class ListingPage:
    """One page of a paginated listing: the notes at `positions` in the site's notes, with excerpts."""

    kind: str
    path: str
    title: str
    positions: tuple[int, ...]
    pagination: Pagination
    term: TermView | None

    def sign(self, cards: NoteCards) -> str:
        shown = [cards.card(cards.site.notes[i]) for i in self.positions]
        term_fp = fingerprint(self.term) if self.term is not None else ""
        page = self.pagination
        return fingerprint(
            self.kind,
            self.path,
            self.title,
            page.current,
            page.total,
            term_fp,
            [(c.meta_fp, c.excerpt_fp) for c in shown],
        )

    def context(self, cards: NoteCards) -> dict[str, Any]:
        notes = [cards.listed(cards.site.notes[i], self.path) for i in self.positions]
        data: dict[str, Any] = {"notes": notes, "pagination": self.pagination}
        if self.term is not None:
            data["term"] = self.term
        return data


def listing_pages(
    cards: NoteCards,
    dependents: Dependents,
    kind: str,
    base: str,
    template: str,
    notes: list[PlacedNote],
    term: TermView | None,
    title: str = "",
) -> list[Page]:
    per_page = cards.config.per_page
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
            pages=page_window(paths, number),
        )
        data = ListingPage(
            kind, path, title, tuple(cards.position[item.note.source] for item in chunk), pagination, term
        )
        info = PageInfo(kind, path, title, cards.config.description)
        pages.append(dependents.shows(Page(info, template, data), chunk, "excerpt"))
    return pages


def index_pages(cards: NoteCards, dependents: Dependents) -> list[Page]:
    return listing_pages(cards, dependents, "index", "", "index.html", cards.site.notes, None)


def term_pages(cards: NoteCards, dependents: Dependents, term: Term) -> list[Page]:
    name = " › ".join(t.name for t in term.trail())
    title = cards.strings.get(f"{term.kind}_title", "{name}").format(name=name)
    return listing_pages(cards, dependents, term.kind, term.path, "term.html", term.notes, term_view(term), title)


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


def term_view(term: Term, depth: int = 0) -> TermView:
    return TermView(
        name=term.name,
        path=term.path,
        kind=term.kind,
        count=len(term.notes),
        trail=tuple(TermLink(t.name, t.path) for t in term.trail()),
        children=tuple(term_view(child, depth + 1) for child in sorted(term.children, key=term_order)),
        depth=depth,
    )


def terms_page(cards: NoteCards, kind: str, path: str) -> Page:
    """/categories/ (as a tree) or /tags/ (as a cloud)."""
    site = cards.site
    if kind == "category":
        top = sorted((t for t in site.categories.values() if t.parent is None), key=term_order)
        terms = [view for term in top for view in flatten(term_view(term))]
    else:
        terms = [term_view(term) for term in sorted(site.tags.values(), key=term_order)]
    max_count = max((t.count for t in terms), default=0)
    kind_name = "categories" if kind == "category" else "tags"
    title = cards.strings.get(kind_name, kind_name)
    data = FixedPage(kind_name, (("kind", kind), ("terms", terms), ("max_count", max_count)))
    return Page(PageInfo(kind_name, path, title, cards.config.description), "terms.html", data)


def term_order(term: Term) -> tuple:
    return (term.name.lower(), term.path)


def flatten(view: TermView) -> list[TermView]:
    result = [view]
    for child in view.children:
        result.extend(flatten(child))
    return result


@dataclass(frozen=True)
class ArchivePage:
    """/archives/: every note by year, titles and dates only."""

    years: tuple[tuple[int, tuple[int, ...]], ...]  # (year, positions of its notes)

    def sign(self, cards: NoteCards) -> str:
        notes = cards.site.notes
        return fingerprint(
            "archive", [(year, [cards.card(notes[i]).meta_fp for i in positions]) for year, positions in self.years]
        )

    def context(self, cards: NoteCards) -> dict[str, Any]:
        notes = cards.site.notes
        years = [
            YearGroup(
                year, len(positions), tuple(replace(cards.card(notes[i]).view, excerpt=Markup("")) for i in positions)
            )
            for year, positions in self.years
        ]
        return {"years": years}


def archive_page(cards: NoteCards, dependents: Dependents) -> Page:
    years = tuple((year, tuple(cards.position[item.note.source] for item in items)) for year, items in cards.site.years)
    title = cards.strings.get("archives", "Archives")
    page = Page(PageInfo("archive", "archives/", title, cards.config.description), "archive.html", ArchivePage(years))
    return dependents.shows(page, [item for _year, items in cards.site.years for item in items], "meta")
