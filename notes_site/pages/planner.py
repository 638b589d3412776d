"""Plan every page of the site: which kind, at which path, showing what, with which signature.

Pure: no I/O, nothing rendered. Each page kind lives in its own module (notes.py,
standalone.py, listings.py, papers.py, machine.py); this one puts them in order, gives every page
that is not a note its head, and signs them all, so the plan is complete before the
first page is rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from notes_site.errors import Problem
from notes_site.pages.cards import NoteCards
from notes_site.pages.listings import archive_page, index_pages, term_pages, terms_page
from notes_site.pages.machine import bibtex_pages, feed_pages, search_pages
from notes_site.pages.notes import graph_page, note_pages, redirect_pages
from notes_site.pages.page import DATA_FILE, Dependents, FixedPage, Page
from notes_site.pages.papers import paper_pages
from notes_site.pages.standalone import standalone_pages
from notes_site.pages.views import PageInfo
from notes_site.site.model import PlacedNote, Site
from notes_site.urls import output_file

SearchIndex = Callable[[], dict[str, str]]  # waits for the search index's files (path -> text)


@dataclass
class Plan:
    """The site's pages, the note views they read, and which pages show which note."""

    pages: list[Page]
    cards: NoteCards
    dependents: Dependents
    problems: list[Problem] = field(default_factory=list)  # redirects that cannot be written

    def forget(self, item: PlacedNote) -> list[Page]:
        """After a note was parsed again (serve): the pages it may change, signed anew."""
        changed = self.cards.refresh(item)
        pages = self.dependents.showing(item.note.source, changed)
        for page in pages:
            page.sign(self.cards)
        return pages


def plan_pages(site: Site, strings: dict[str, str], search_index: SearchIndex | None = None) -> Plan:
    cards = NoteCards(site, strings)
    dependents = Dependents()
    problems: list[Problem] = []
    pages: list[Page] = []
    pages += index_pages(cards, dependents)
    pages += note_pages(cards, dependents)
    pages += standalone_pages(cards)
    for term in [*site.categories.values(), *site.tags.values()]:
        pages += term_pages(cards, dependents, term)
    pages.append(terms_page(cards, "category", "categories/"))
    pages.append(terms_page(cards, "tag", "tags/"))
    pages.append(archive_page(cards, dependents))
    pages += paper_pages(cards, dependents)
    pages += bibtex_pages(cards, dependents)
    pages.append(graph_page(cards))
    for page in pages:  # signed while the search index is still being built beside the plan
        page.sign(cards)
    signed = len(pages)
    pages += search_pages(cards, search_index)  # waits for the index
    for page in pages:
        if page.template != DATA_FILE and page.info.kind != "note":
            page.info = cards.page_head(page.info)  # a note's head is made with its context
    pages += feed_pages(cards, dependents, pages)
    not_found = strings.get("not_found_title", "Page not found")
    pages.append(Page(PageInfo("404", "404.html", not_found, ""), "404.html", FixedPage("404")))
    pages += redirect_pages(cards, {output_file(page.path) for page in pages}, problems)
    for page in pages[signed:]:
        page.sign(cards)
    return Plan(pages, cards, dependents, problems)
