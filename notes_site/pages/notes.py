"""Note pages, the redirects at their old addresses, and the map of all notes (/graph/)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from notes_site.errors import Problem, warning
from notes_site.fingerprint import fingerprint, text_fingerprint
from notes_site.markup.tokens import Heading
from notes_site.pages.cards import NoteCards
from notes_site.pages.feeds import (
    ArticleMeta,
    PageMeta,
    PaperMeta,
    citation_meta,
    note_json_ld,
    open_graph,
    paper_json_ld,
    plain_excerpt,
)
from notes_site.pages.graph import graph_legend, group_class, neighbourhood_svg, site_map_svg
from notes_site.pages.page import Dependents, Page
from notes_site.pages.plurals import plural
from notes_site.pages.views import NoteLink, NoteView, PageInfo, TocEntry
from notes_site.site.model import PlacedNote
from notes_site.urls import href, output_file, relative_root


@dataclass(frozen=True)
class NotePage:
    """A note's own page: the note at `index` of the site's notes, newest first."""

    index: int

    def items(self, cards: NoteCards) -> tuple[PlacedNote, PlacedNote | None, PlacedNote | None]:
        notes = cards.site.notes
        newer = notes[self.index - 1] if self.index > 0 else None
        older = notes[self.index + 1] if self.index + 1 < len(notes) else None
        return notes[self.index], newer, older

    def sign(self, cards: NoteCards) -> str:
        item, newer, older = self.items(cards)
        card = cards.card(item)
        # The description (from the excerpt when the note has none) is derived when rendering.
        return fingerprint(
            "note",
            card.meta_fp,
            card.excerpt_fp,
            text_fingerprint(item.note.body_html),
            cards.link_fingerprint(item),
            neighbour(newer),
            neighbour(older),
            item.note.headings,
            cards.note_links(item),
            neighbourhood_fingerprint(cards, item),
        )

    def context(self, cards: NoteCards) -> dict[str, Any]:
        item, newer, older = self.items(cards)
        body = cards.resolve(item, item.note.body_html, item.path)
        view = replace(cards.card(item).view, excerpt=Markup(""), content=Markup(body))
        description = item.note.description or plain_excerpt(item.note.excerpt_html)
        backlinks, related = cards.note_links(item)
        return {
            "note": view,
            "newer": neighbour(newer),
            "older": neighbour(older),
            "page": note_head(cards, item, view, description),
            "toc": toc(cards, item.note.headings),
            "backlinks": backlinks,
            "related": related,
            "neighbourhood": neighbourhood(cards, item),
        }


def note_pages(cards: NoteCards, dependents: Dependents) -> list[Page]:
    pages = []
    notes = cards.site.notes
    for index, item in enumerate(notes):
        info = PageInfo("note", item.path, item.note.title, "")
        page = dependents.shows(Page(info, "note.html", NotePage(index), item.note.path), [item], "body")
        # Backlinks, related notes and the neighbourhood show other notes' titles and places only:
        # a change to those is never patched in memory (serve/live.py PLACEMENT_FIELDS), so not recorded.
        neighbours = [notes[i] for i in (index - 1, index + 1) if 0 <= i < len(notes)]
        pages.append(dependents.shows(page, neighbours, "meta"))
    return pages


def neighbour(item: PlacedNote | None) -> NoteLink | None:
    return NoteLink(item.note.title, href(item.path)) if item is not None else None


def note_head(cards: NoteCards, item: PlacedNote, view: NoteView, description: str) -> PageInfo:
    """A note's head: canonical URL, OpenGraph article tags, citation_* tags and JSON-LD."""
    config = cards.config
    url = cards.url_of(item.path)
    page = PageMeta(view.title, description, url, config.title, config.language)
    article = ArticleMeta(
        view.posted,
        view.edited,
        config.author,
        view.category.name if view.category else "",
        tuple(tag.name for tag in view.tags),
    )
    meta = open_graph(page, article)
    paper = item.note.paper
    if paper is not None and config.papers.citation_meta:
        meta += citation_meta(PaperMeta.of(paper))
    json_ld = paper_json_ld(page, article, PaperMeta.of(paper)) if paper else note_json_ld(page, article)
    return PageInfo("note", item.path, view.title, description, url, tuple(meta), json_ld)


def toc(cards: NoteCards, headings: tuple[Heading, ...]) -> tuple[TocEntry, ...]:
    """Nested entries for notes with enough headings (`toc` settings); empty otherwise."""
    settings = cards.config.toc
    if not settings.min_headings or len(headings) < settings.min_headings:
        return ()
    top = min(level for level, _id, _text in headings)
    shown = [heading for heading in headings if heading[0] < top + settings.max_depth]
    return nest_headings(shown, 0, len(shown))[0]


def nest_headings(headings: list[Heading], start: int, end: int) -> tuple[tuple[TocEntry, ...], int]:
    """Headings as a tree: each heading holds the deeper ones that follow it."""
    entries = []
    index = start
    while index < end:
        level, anchor, text = headings[index]
        deeper = index + 1
        while deeper < end and headings[deeper][0] > level:
            deeper += 1
        children, _ = nest_headings(headings, index + 1, deeper)
        entries.append(TocEntry(anchor, text, children))
        index = deeper
    return tuple(entries), index


def neighbourhood_fingerprint(cards: NoteCards, item: PlacedNote) -> str:
    if not cards.config.graph.note_neighbourhood:
        return ""
    graph = cards.graph()
    near = [graph.by_key[item.note.source]] + [graph.by_key[k] for k in graph.neighbours[item.note.source]]
    return fingerprint([(node, group_class(graph, node.group), len(graph.neighbours[node.key])) for node in near])


def neighbourhood(cards: NoteCards, item: PlacedNote) -> Markup:
    if not cards.config.graph.note_neighbourhood:
        return Markup("")
    return Markup(neighbourhood_svg(cards.graph(), item.note.source, root=relative_root(item.path)))


@dataclass(frozen=True)
class RedirectPage:
    """A small page at an old address of a note that leads to its page."""

    target: str
    title: str
    canonical: str

    def sign(self, cards: NoteCards) -> str:
        return fingerprint("redirect", self.target, self.title, self.canonical)

    def context(self, cards: NoteCards) -> dict[str, Any]:
        return {"target": self.target, "title": self.title, "canonical": self.canonical}


def redirect_pages(cards: NoteCards, taken: set[str], problems: list[Problem]) -> list[Page]:
    """A redirect at each old address of a note (`aliases`, `redirect_from`).

    A page of the site always wins over a redirect: the redirect is dropped with a warning.
    """
    pages: list[Page] = []
    for item in [*cards.site.notes, *cards.site.pages]:
        for redirect in item.note.redirects:
            if output_file(redirect.path) in taken:
                problems.append(
                    warning(
                        f"no redirect was written at /{redirect.path}: a page of the site is there.",
                        item.note.path,
                        redirect.line,
                        "Remove that address from `aliases`/`redirect_from`, or move the page that is there.",
                    )
                )
                continue
            taken.add(output_file(redirect.path))
            target = relative_root(redirect.path) + href(item.path)
            data = RedirectPage(target, item.note.title, cards.url_of(item.path))
            info = PageInfo("redirect", redirect.path, item.note.title, "")
            pages.append(Page(info, "redirect.html", data, item.note.path))
    return pages


@dataclass(frozen=True)
class GraphPage:
    """/graph/: the map of every note, laid out only when a note or a link changed."""

    title: str

    def sign(self, cards: NoteCards) -> str:
        graph = cards.graph()
        return fingerprint("graph", graph.nodes, graph.edges)

    def context(self, cards: NoteCards) -> dict[str, Any]:
        graph = cards.graph()
        strings, language = cards.strings, cards.config.language
        notes = plural(strings, language, "graph_notes", len(graph.nodes))
        links = plural(strings, language, "graph_links", len(graph.edges))
        intro = strings["graph_intro"].format(notes=notes, links=links)
        unlinked = strings.get("graph_unlinked", "Notes without links")
        svg = site_map_svg(graph, root="../", title=self.title, description=intro, unlinked_caption=unlinked)
        return {
            "svg": Markup(svg),
            "legend": graph_legend(graph),
            "node_count": len(graph.nodes),
            "edge_count": len(graph.edges),
        }


def graph_page(cards: NoteCards) -> Page:
    title = cards.strings.get("note_map", "Map of the notes")
    return Page(PageInfo("graph", "graph/", title, cards.config.description), "graph.html", GraphPage(title))
