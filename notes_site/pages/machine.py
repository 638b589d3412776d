"""Files for programs rather than readers: Atom feeds, sitemap.xml, robots.txt, BibTeX, the search index.

Each is written by notes-site itself (no template) and carries its own signature, so an
incremental build rewrites only the feeds, entries and index shards that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from notes_site import __version__
from notes_site.fingerprint import fingerprint, text_fingerprint
from notes_site.pages.cards import NoteCards
from notes_site.pages.feeds import (
    FeedCategory,
    FeedEntry,
    FeedInfo,
    SitemapUrl,
    atom_feed,
    host_of,
    plain_excerpt,
    robots_txt,
    sitemap_xml,
    tag_uri,
)
from notes_site.pages.page import DATA_FILE, Dependents, FixedPage, Page, TextFile
from notes_site.pages.search import SearchDoc
from notes_site.pages.views import PageInfo
from notes_site.site.bibtex import bibliography, bibtex_entry
from notes_site.site.model import PlacedNote, Site
from notes_site.urls import bib_path, href


@dataclass(frozen=True)
class FeedPage:
    """An Atom feed of the newest notes of the site or of one category."""

    path: str
    title: str
    page_path: str  # the listing the feed belongs to ("" for the site)
    positions: tuple[int, ...]  # of its notes in the site's notes, newest first

    def notes(self, cards: NoteCards) -> list[PlacedNote]:
        return [cards.site.notes[i] for i in self.positions]

    def sign(self, cards: NoteCards) -> str:
        full = cards.config.feed.content == "full"
        parts = []
        for item in self.notes(cards):
            card = cards.card(item)
            text = text_fingerprint(item.note.body_html) if full else card.excerpt_fp
            parts.append((card.meta_fp, text, cards.link_fingerprint(item)))
        return fingerprint("feed", self.path, self.title, parts)

    def context(self, cards: NoteCards) -> dict[str, Any]:
        config = cards.config
        base = config.absolute_base or ""
        info = FeedInfo(
            title=self.title,
            subtitle=config.subtitle or config.description,
            author=config.author,
            site_url=base,
            feed_url=base + href(self.path),
            id=base + href(self.page_path),
            language=config.language,
            generator_version=__version__,
            page_url=base + href(self.page_path),
        )
        full = config.feed.content == "full"
        return {"text": atom_feed(info, [feed_entry(cards, item, base, full) for item in self.notes(cards)])}


def feed_entry(cards: NoteCards, item: PlacedNote, base: str, full: bool) -> FeedEntry:
    view = cards.card(item).view
    note = item.note
    html = cards.resolve(item, note.body_html if full else note.excerpt_html, item.path)
    terms = [(term.name, term.path) for term in ([cards.site.category_of(note)] if note.category else [])]
    terms += [(tag.name, tag.path) for tag in view.tags]
    return FeedEntry(
        title=note.title,
        url=base + href(item.path),
        id=tag_uri(host_of(base), view.posted, note.source),
        published=view.posted,
        updated=view.edited,
        author=cards.config.author,
        categories=tuple(FeedCategory(name, name, base + href(path)) for name, path in terms if name),
        summary=note.description or plain_excerpt(note.excerpt_html),
        content=html,
    )


def feed_pages(cards: NoteCards, dependents: Dependents, pages: list[Page]) -> list[Page]:
    """/atom.xml, a feed per category, sitemap.xml (of `pages`) and robots.txt: with an absolute base_url only."""
    config = cards.config
    base = config.absolute_base
    if base is None:
        return []
    made = [sitemap_page(cards, pages), feed_page(cards, dependents, "atom.xml", cards.site.notes, config.title, "")]
    if config.feed.categories:
        for term in cards.site.categories.values():
            name = " › ".join(t.name for t in term.trail())
            made.append(
                feed_page(cards, dependents, term.path + "atom.xml", term.notes, f"{config.title}: {name}", term.path)
            )
    if urlsplit(base).path in ("", "/"):  # crawlers read robots.txt at the host's root only
        made.append(
            Page(PageInfo("robots", "robots.txt", "", ""), DATA_FILE, TextFile(robots_txt(base + "sitemap.xml")))
        )
    return made


def feed_page(
    cards: NoteCards, dependents: Dependents, path: str, notes: list[PlacedNote], title: str, page_path: str
) -> Page:
    newest = notes[: cards.config.feed.entries]
    data = FeedPage(path, title, page_path, tuple(cards.position[item.note.source] for item in newest))
    return dependents.shows(Page(PageInfo("feed", path, title, ""), DATA_FILE, data), newest, "body")


def sitemap_page(cards: NoteCards, pages: list[Page]) -> Page:
    """Every HTML page but 404, with the edited date of notes as lastmod."""
    edited = {item.path: item.note.edited for item in [*cards.site.notes, *cards.site.pages]}
    urls = [
        SitemapUrl(cards.url_of(page.path), edited.get(page.path))
        for page in pages
        if page.template != DATA_FILE and page.info.kind != "404"
    ]
    return Page(PageInfo("sitemap", "sitemap.xml", "", ""), DATA_FILE, TextFile(sitemap_xml(urls)))


def bibtex_pages(cards: NoteCards, dependents: Dependents) -> list[Page]:
    """cite.bib beside every paper note's page, and papers.bib with all of them."""
    pages = []
    entries = []
    for item in cards.site.papers:
        paper = item.note.paper
        key = cards.site.citation_keys[item.note.source]
        entry = bibtex_entry(paper, key, cards.url_of(item.path) or None)
        entries.append((key, entry))
        page = Page(PageInfo("bibtex", bib_path(item.path), paper.title, ""), DATA_FILE, TextFile(entry))
        pages.append(dependents.shows(page, [item], "meta"))
    info = PageInfo("bibtex", "papers.bib", cards.strings.get("papers", "Papers"), "")
    pages.append(Page(info, DATA_FILE, TextFile(bibliography(entries))))
    return pages


def search_docs(site: Site) -> list[SearchDoc]:
    """What the search index is built from: each note's title, address, category and text."""
    return [
        SearchDoc(
            item.note.source,
            item.note.title,
            item.path,
            item.note.category[-1] if item.note.category else "",
            item.note.search_text,
        )
        for item in site.notes
    ]


def search_pages(cards: NoteCards, index: Callable[[], dict[str, str]] | None) -> list[Page]:
    """/search/ and the index it loads, in shards (written only where they changed).

    `index` waits for the index, which the build started beside the plan. `serve` does
    not rebuild it when it patches a note's text in memory: search shows the last full
    build until the next one (a new note, a moved note, the settings).
    """
    if index is None:
        return []
    title = cards.strings.get("search", "Search")
    pages = [Page(PageInfo("search", "search/", title, cards.config.description), "search.html", FixedPage("search"))]
    for path, text in sorted(index().items()):
        pages.append(Page(PageInfo("search-index", path, "", ""), DATA_FILE, TextFile(text)))
    return pages
