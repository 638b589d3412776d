"""The reading list: /papers/ as one sortable table, and grouped by year and by venue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from notes_site.fingerprint import fingerprint
from notes_site.pages.cards import NoteCards
from notes_site.pages.page import Dependents, Page
from notes_site.pages.views import NoteLink, PageInfo, PaperRow, RowGroup
from notes_site.site.model import PlacedNote

VIEWS = (("table", "papers/"), ("year", "papers/by-year/"), ("venue", "papers/by-venue/"))


@dataclass(frozen=True)
class PapersPage:
    """One view of the reading list: "table", "year" or "venue"."""

    view: str

    def sign(self, cards: NoteCards) -> str:
        return fingerprint("papers", self.view, [cards.card(item).meta_fp for item in cards.site.papers])

    def context(self, cards: NoteCards) -> dict[str, Any]:
        table = [paper_row(cards, item) for item in cards.site.papers]
        if self.view == "year":
            groups = group_rows(table, lambda row: str(row.year or ""), newest_first=True)
        elif self.view == "venue":
            groups = group_rows(table, lambda row: row.venue, newest_first=False)
        else:
            groups = ()
        return {"view": self.view, "papers": table, "groups": groups}


def paper_pages(cards: NoteCards, dependents: Dependents) -> list[Page]:
    title = cards.strings.get("papers", "Papers")
    pages = []
    for view, path in VIEWS:
        page = Page(PageInfo("papers", path, title, cards.config.description), "papers.html", PapersPage(view))
        pages.append(dependents.shows(page, cards.site.papers, "meta"))
    return pages


def paper_row(cards: NoteCards, item: PlacedNote) -> PaperRow:
    view = cards.card(item).view
    paper = view.paper
    assert paper is not None
    return PaperRow(
        title=paper.title,
        authors=", ".join(paper.authors),
        authors_short=paper.authors_short,
        year=paper.year,
        venue=paper.venue,
        status=paper.status,
        rating=paper.rating,
        note=NoteLink(view.title, view.path),
        arxiv_abs=paper.arxiv_abs,
        code=paper.code,
        posted=view.posted,
    )


def group_rows(rows: list[PaperRow], key: Callable[[PaperRow], str], newest_first: bool) -> tuple[RowGroup, ...]:
    """Rows grouped by year or venue; papers without one come last."""
    groups: dict[str, list[PaperRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    named = sorted((name for name in groups if name), key=str.lower, reverse=newest_first)
    order = named + ([""] if "" in groups else [])
    return tuple(RowGroup(name, tuple(sorted(groups[name], key=lambda r: r.title.lower()))) for name in order)
