"""Plan every page of the site: which template, at which path, with which data.

Pure: no I/O. Templates receive the read-only views defined here, never the live
model (Zola's `ser.rs`), which also keeps each page's inputs easy to fingerprint.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from notes_site import __version__
from notes_site.bibtex import bibliography, bibtex_entry
from notes_site.config import SiteConfig
from notes_site.dates import format_date
from notes_site.errors import Problem, warning
from notes_site.feeds import (
    ArticleMeta,
    FeedCategory,
    FeedEntry,
    FeedInfo,
    MetaTag,
    PageMeta,
    PaperMeta,
    SitemapUrl,
    atom_feed,
    citation_meta,
    host_of,
    note_json_ld,
    open_graph,
    paper_json_ld,
    robots_txt,
    sitemap_xml,
    tag_uri,
)
from notes_site.graph import (
    GraphNode,
    NoteGraph,
    graph_legend,
    group_class,
    neighbourhood_svg,
    note_graph,
    site_map_svg,
)
from notes_site.markdown import EMBED_LABEL, TITLE_LABEL, WIKI_CLOSE, WIKI_OPEN, WIKI_SPLIT, Heading, heading_id
from notes_site.papers import short_authors
from notes_site.search import SearchDoc, build_search_index
from notes_site.site import PlacedNote, Site, Term
from notes_site.urls import (
    ROOT_MARK,
    bib_path,
    has_markers,
    href,
    listing_path,
    localize,
    output_file,
    relative_root,
    resolve_links,
)
from notes_site.workers import in_background

DATA_FILE = ""  # the template of a page whose text notes-site writes itself (`context()["text"]`)


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
        config.reading_time.show,
        config.math,
        config.absolute_base is not None,
        config.search.enabled,
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
        self._graph: NoteGraph | None = None
        self.problems: list[Problem] = []  # found while planning: redirects that cannot be written
        self.titles = {item.path: item.note.title for item in site.notes}  # for links labelled by their title
        self.notes_by_path = {item.path: item for item in site.notes}  # for embedded notes

    def plan(self) -> list[Page]:
        search_index = self.start_search_index()
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
        pages += self.paper_pages()
        pages += self.bibtex_pages()
        pages.append(self.graph_page())
        pages += self.search_pages(search_index)
        for page in pages:
            if page.template != DATA_FILE and page.info.kind != "note":
                page.info = self.page_head(page.info)  # a note's head is made when it is rendered
        pages += self.feed_pages(pages)
        not_found = self.strings.get("not_found_title", "Page not found")
        pages.append(Page(PageInfo("404", "404.html", not_found, ""), "404.html", lambda: fingerprint("404"), dict))
        pages += self.redirect_pages({output_file(page.path) for page in pages})
        return pages

    def redirect_pages(self, taken: set[str]) -> list[Page]:
        """A small page at each old address of a note (`aliases`, `redirect_from`) that leads to it.

        A page of the site always wins over a redirect: the redirect is dropped with a warning.
        """
        pages: list[Page] = []
        for item in self.site.notes:
            for redirect in item.note.redirects:
                if output_file(redirect.path) in taken:
                    self.problems.append(
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
                context = {"target": target, "title": item.note.title, "canonical": self.url_of(item.path)}
                info = PageInfo("redirect", redirect.path, item.note.title, "")
                sign = fingerprint("redirect", target, item.note.title, context["canonical"])
                pages.append(Page(info, "redirect.html", lambda sign=sign: sign, lambda c=context: c, item.note.path))
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
            path=href(item.path),  # a URL: a kept old address may hold a space
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
            paper=self.paper_view(item),
            words=note.words,
            reading_minutes=max(1, -(-note.words // self.config.reading_time.words_per_minute)),
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
            view.paper,
            view.words if self.config.reading_time.show else 0,  # shown on listings only when enabled
        )
        return NoteCard(view, fingerprint(meta), text_fingerprint(excerpt))

    def paper_view(self, item: PlacedNote) -> PaperView | None:
        paper = item.note.paper
        if paper is None:
            return None
        return PaperView(
            title=paper.title,
            authors=paper.authors,
            authors_short=short_authors(paper.authors, self.config.papers.authors_shown),
            year=paper.year,
            venue=paper.venue,
            arxiv=paper.arxiv,
            arxiv_abs=paper.arxiv_abs_url,
            arxiv_pdf=paper.arxiv_pdf_url,
            doi=paper.doi,
            doi_url=paper.doi_url,
            url=paper.url,
            code=paper.code,
            aliases=paper.aliases,
            status=paper.status,
            rating=paper.rating,
            citation_key=self.site.citation_keys.get(item.note.source, ""),
            bib_path=href(bib_path(item.path)),
        )

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
        """Where the note's relative links and wikilinks lead (they follow other notes' URLs)."""
        if not has_markers(item.note.body_html):
            return ""
        return text_fingerprint(self.resolve(item, item.note.body_html, item.path))

    def resolve(self, item: PlacedNote, html: str, page_path: str | None, depth: int = 0) -> str:
        if not has_markers(html):
            return html
        return resolve_links(
            html,
            note_source=item.note.source,
            note_path=item.path,
            page_path=page_path,
            targets=self.site.link_targets,
            wikilinks=self.site.links.wikilinks.get(item.note.source, {}),
            names=self.site.file_names,
            titles=self.titles,
            embed=lambda path, heading: self.embedded(path, heading, page_path, depth),
        )

    def embedded(self, path: str, heading: str, page_path: str | None, depth: int) -> str | None:
        """An embedded note's text (or one heading's section of it) for the page at `page_path`.

        Its links are made for that page; its ids are dropped (they are the other page's, and
        would clash with this one's), and so are its footnotes. Embeds nest two deep; past that,
        and for a note embedding itself, a link.
        """
        target = self.notes_by_path.get(path)
        if target is None or depth >= MAX_EMBED_DEPTH or path == page_path:
            return None
        html = target.note.body_html
        if heading:
            html = heading_section(html, heading_id(heading))
            if html is None:
                return None
        html = self.resolve(target, html, page_path, depth + 1)
        html = EMBED_DROPPED.sub("", html)
        root = ROOT_MARK if page_path is None else relative_root(page_path)
        fragment = "#" + quote(heading_id(heading), safe="") if heading else ""
        title = escape(target.note.title + (f" › {heading}" if heading else ""), quote=False)
        return (
            f'<div class="note-embed"><p class="note-embed-title"><a href="{root}{href(path)}{fragment}">'
            f"{title}</a></p>\n{html}</div>\n"
        )

    def note_links(self, item: PlacedNote) -> tuple[tuple[NoteLink, ...], tuple[NoteLink, ...]]:
        """The notes linking to this one, and the notes related to it."""
        source = item.note.source
        backlinks = tuple(NoteLink(n.note.title, href(n.path)) for n in self.site.links.backlinks.get(source, ()))
        related = tuple(NoteLink(n.note.title, href(n.path)) for n in self.site.links.related.get(source, ()))
        return backlinks, related

    def toc(self, headings: tuple[Heading, ...]) -> tuple[TocEntry, ...]:
        """Nested entries for notes with enough headings (`toc` settings); empty otherwise."""
        settings = self.config.toc
        if not settings.min_headings or len(headings) < settings.min_headings:
            return ()
        top = min(level for level, _id, _text in headings)
        shown = [heading for heading in headings if heading[0] < top + settings.max_depth]
        return nest_headings(shown, 0, len(shown))[0]

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
                    item.note.headings,
                    self.note_links(item),
                    self.neighbourhood_fingerprint(item),
                )

            def context(item=item, newer=newer, older=older) -> dict[str, Any]:
                body = self.resolve(item, item.note.body_html, item.path)
                view = replace(self.card(item).view, excerpt=Markup(""), content=Markup(body))
                description = item.note.description or plain_excerpt(item.note.excerpt_html)
                info = self.note_head(item, view, description)
                backlinks, related = self.note_links(item)
                return {
                    "note": view,
                    "newer": neighbour(newer),
                    "older": neighbour(older),
                    "page": info,
                    "toc": self.toc(item.note.headings),
                    "backlinks": backlinks,
                    "related": related,
                    "neighbourhood": self.neighbourhood(item),
                }

            info = PageInfo("note", item.path, item.note.title, "")
            page = Page(info, "note.html", sign, context, item.note.path)
            self.shows(page, [item], "body")
            # Backlinks, related notes and the neighbourhood show other notes' titles and places only:
            # a change to those is never patched in memory (live.PLACEMENT_FIELDS), so no need to record them.
            pages.append(self.shows(page, [n for n in (newer, older) if n is not None], "meta"))
        return pages

    def graph(self) -> NoteGraph:
        """Every note, and the links between notes, once per plan."""
        if self._graph is None:
            nodes = [
                GraphNode(
                    item.note.source, item.note.title, item.path, item.note.category[0] if item.note.category else ""
                )
                for item in self.site.notes
            ]
            edges = [(source, target) for source, targets in self.site.links.outgoing.items() for target in targets]
            self._graph = note_graph(nodes, edges)
        return self._graph

    def neighbourhood_fingerprint(self, item: PlacedNote) -> str:
        if not self.config.graph.note_neighbourhood:
            return ""
        graph = self.graph()
        near = [graph.by_key[item.note.source]] + [graph.by_key[k] for k in graph.neighbours[item.note.source]]
        return fingerprint([(node, group_class(graph, node.group), len(graph.neighbours[node.key])) for node in near])

    def neighbourhood(self, item: PlacedNote) -> Markup:
        if not self.config.graph.note_neighbourhood:
            return Markup("")
        svg = neighbourhood_svg(self.graph(), item.note.source, root=relative_root(item.path))
        return Markup(svg)

    def graph_page(self) -> Page:
        """/graph/: the map of every note, laid out only when a note or a link changed."""
        title = self.strings.get("note_map", "Map of the notes")

        def sign() -> str:
            graph = self.graph()
            return fingerprint("graph", graph.nodes, graph.edges)

        def context() -> dict[str, Any]:
            graph = self.graph()
            description = self.strings.get("graph_intro", "").format(notes=len(graph.nodes), links=len(graph.edges))
            svg = site_map_svg(graph, root="../", title=title, description=description)
            return {
                "svg": Markup(svg),
                "legend": graph_legend(graph),
                "node_count": len(graph.nodes),
                "edge_count": len(graph.edges),
            }

        return Page(PageInfo("graph", "graph/", title, self.config.description), "graph.html", sign, context)

    def url_of(self, path: str) -> str:
        """The absolute URL of a site path, or "" when base_url has no host."""
        base = self.config.absolute_base
        return base + href(path) if base else ""

    def page_head(self, info: PageInfo) -> PageInfo:
        """Canonical URL and OpenGraph tags of a page that is not a note."""
        url = self.url_of(info.path)
        page = PageMeta(info.title or self.config.title, info.description, url, self.config.title, self.config.language)
        return replace(info, url=url, meta=tuple(open_graph(page)))

    def note_head(self, item: PlacedNote, view: NoteView, description: str) -> PageInfo:
        """A note's head: canonical URL, OpenGraph article tags, citation_* tags and JSON-LD."""
        url = self.url_of(item.path)
        page = PageMeta(view.title, description, url, self.config.title, self.config.language)
        article = ArticleMeta(
            view.posted,
            view.edited,
            self.config.author,
            view.category.name if view.category else "",
            tuple(tag.name for tag in view.tags),
        )
        meta = open_graph(page, article)
        paper = item.note.paper
        if paper is not None and self.config.papers.citation_meta:
            meta += citation_meta(PaperMeta.of(paper))
        json_ld = paper_json_ld(page, article, PaperMeta.of(paper)) if paper else note_json_ld(page, article)
        return PageInfo("note", item.path, view.title, description, url, tuple(meta), json_ld)

    def feed_pages(self, pages: list[Page]) -> list[Page]:
        """/atom.xml, a feed per category, sitemap.xml (of `pages`) and robots.txt: with an absolute base_url only."""
        base = self.config.absolute_base
        if base is None:
            return []
        made = [self.sitemap_page(pages), self.feed_page("atom.xml", self.site.notes, self.config.title, base, "")]
        if self.config.feed.categories:
            for term in self.site.categories.values():
                name = " › ".join(t.name for t in term.trail())
                title = f"{self.config.title}: {name}"
                made.append(self.feed_page(term.path + "atom.xml", term.notes, title, base, term.path))
        if urlsplit(base).path in ("", "/"):  # crawlers read robots.txt at the host's root only
            text = robots_txt(base + "sitemap.xml")
            info = PageInfo("robots", "robots.txt", "", "")
            made.append(Page(info, DATA_FILE, lambda: fingerprint(text), lambda: {"text": text}))
        return made

    def feed_page(self, path: str, notes: list[PlacedNote], title: str, base: str, page_path: str) -> Page:
        newest = notes[: self.config.feed.entries]
        full = self.config.feed.content == "full"

        def sign() -> str:
            parts = []
            for item in newest:
                card = self.card(item)
                text = text_fingerprint(item.note.body_html) if full else card.excerpt_fp
                parts.append((card.meta_fp, text, self.link_fingerprint(item)))
            return fingerprint("feed", path, title, parts)

        def context() -> dict[str, Any]:
            info = FeedInfo(
                title=title,
                subtitle=self.config.subtitle or self.config.description,
                author=self.config.author,
                site_url=base,
                feed_url=base + href(path),
                id=base + href(page_path),
                language=self.config.language,
                generator_version=__version__,
                page_url=base + href(page_path),
            )
            return {"text": atom_feed(info, [self.feed_entry(item, base, full) for item in newest])}

        return self.shows(Page(PageInfo("feed", path, title, ""), DATA_FILE, sign, context), newest, "body")

    def feed_entry(self, item: PlacedNote, base: str, full: bool) -> FeedEntry:
        view = self.card(item).view
        note = item.note
        html = self.resolve(item, note.body_html if full else note.excerpt_html, item.path)
        terms = [(term.name, term.path) for term in ([self.site.category_of(note)] if note.category else [])]
        terms += [(tag.name, tag.path) for tag in view.tags]
        return FeedEntry(
            title=note.title,
            url=base + href(item.path),
            id=tag_uri(host_of(base), view.posted, note.source),
            published=view.posted,
            updated=view.edited,
            author=self.config.author,
            categories=tuple(FeedCategory(name, name, base + href(path)) for name, path in terms if name),
            summary=note.description or plain_excerpt(note.excerpt_html),
            content=html,
        )

    def sitemap_page(self, pages: list[Page]) -> Page:
        """Every HTML page but 404, with the edited date of notes as lastmod."""
        edited = {item.path: item.note.edited for item in self.site.notes}
        urls = [
            SitemapUrl(self.url_of(page.path), edited.get(page.path))
            for page in pages
            if page.template != DATA_FILE and page.info.kind != "404"
        ]
        text = sitemap_xml(urls)
        return Page(
            PageInfo("sitemap", "sitemap.xml", "", ""), DATA_FILE, lambda: fingerprint(text), lambda: {"text": text}
        )

    def start_search_index(self) -> Callable[[], dict[str, str]] | None:
        """Start building the search index beside the rest of the plan (3 s of one core at 10,000 notes)."""
        if not self.config.search.enabled:
            return None
        docs = [
            SearchDoc(
                item.note.source,
                item.note.title,
                item.path,
                item.note.category[-1] if item.note.category else "",
                item.note.search_text,
            )
            for item in self.site.notes
        ]
        return in_background(build_search_index, docs, size=len(docs))

    def search_pages(self, index: Callable[[], dict[str, str]] | None) -> list[Page]:
        """/search/ and the index it loads, in shards (written only where they changed).

        `serve` does not rebuild the index when it patches a note's text in memory: search
        shows the last full build until the next one (a new note, a moved note, the settings).
        """
        if index is None:
            return []
        title = self.strings.get("search", "Search")
        info = PageInfo("search", "search/", title, self.config.description)
        pages = [Page(info, "search.html", lambda: fingerprint("search"), dict)]
        for path, text in sorted(index().items()):
            signature = text_fingerprint(text)
            data = PageInfo("search-index", path, "", "")
            pages.append(Page(data, DATA_FILE, lambda s=signature: s, lambda t=text: {"text": t}))
        return pages

    def paper_pages(self) -> list[Page]:
        """The reading list: one table (sortable, filterable) and views by year and by venue."""
        papers = self.site.papers
        title = self.strings.get("papers", "Papers")

        def rows() -> list[PaperRow]:
            return [self.paper_row(item) for item in papers]

        def sign(view: str) -> Callable[[], str]:
            return lambda: fingerprint("papers", view, [self.card(item).meta_fp for item in papers])

        def context(view: str) -> Callable[[], dict[str, Any]]:
            def make() -> dict[str, Any]:
                table = rows()
                if view == "year":
                    groups = group_rows(table, lambda row: str(row.year or ""), newest_first=True)
                elif view == "venue":
                    groups = group_rows(table, lambda row: row.venue, newest_first=False)
                else:
                    groups = ()
                return {"view": view, "papers": table, "groups": groups}

            return make

        pages = []
        for view, path in (("table", "papers/"), ("year", "papers/by-year/"), ("venue", "papers/by-venue/")):
            info = PageInfo("papers", path, title, self.config.description)
            pages.append(self.shows(Page(info, "papers.html", sign(view), context(view)), papers, "meta"))
        return pages

    def paper_row(self, item: PlacedNote) -> PaperRow:
        view = self.card(item).view
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

    def bibtex_pages(self) -> list[Page]:
        """cite.bib beside every paper note's page, and papers.bib with all of them."""
        pages = []
        entries = []
        for item in self.site.papers:
            paper = item.note.paper
            key = self.site.citation_keys[item.note.source]
            entry = bibtex_entry(paper, key, self.url_of(item.path) or None)
            entries.append((key, entry))
            path = bib_path(item.path)
            info = PageInfo("bibtex", path, paper.title, "")
            page = Page(info, DATA_FILE, lambda entry=entry: fingerprint(entry), lambda e=entry: {"text": e})
            pages.append(self.shows(page, [item], "meta"))
        text = bibliography(entries)
        info = PageInfo("bibtex", "papers.bib", self.strings.get("papers", "Papers"), "")
        pages.append(Page(info, DATA_FILE, lambda: fingerprint(text), lambda: {"text": text}))
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


def group_rows(rows: list[PaperRow], key: Callable[[PaperRow], str], newest_first: bool) -> tuple[RowGroup, ...]:
    """Rows grouped by year or venue; papers without one come last."""
    groups: dict[str, list[PaperRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    named = sorted((name for name in groups if name), key=str.lower, reverse=newest_first)
    order = named + ([""] if "" in groups else [])
    return tuple(RowGroup(name, tuple(sorted(groups[name], key=lambda r: r.title.lower()))) for name in order)


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


def neighbour(item: PlacedNote | None) -> NoteLink | None:
    return NoteLink(item.note.title, href(item.path)) if item is not None else None


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


MAX_EMBED_DEPTH = 2
# In an embedded note: ids and heading anchors (the other page's), footnote references and footnotes.
EMBED_DROPPED = re.compile(
    r' id="[^"]*"| ?<a class="header-anchor"[^>]*>#</a>|<sup class="footnote-ref">.*?</sup>'
    r'|<hr class="footnotes-sep"\s*/?>|<section class="footnotes">.*?</section>',
    re.DOTALL,
)
HEADING_START = re.compile(r'<h([1-6]) id="([^"]*)"')


def heading_section(html: str, wanted: str) -> str | None:
    """From the heading whose id is `wanted` to the next heading of its level or above."""
    for match in HEADING_START.finditer(html):
        if match.group(2) == wanted:
            level = int(match.group(1))
            end = re.compile(f"<h[1-{level}][ >]").search(html, match.end())
            return html[match.start() : end.start() if end else len(html)]
    return None


def plain_excerpt(html: str, limit: int = 160) -> str:
    """A short plain-text description from an excerpt's HTML, for <meta name=description>."""
    html = re.sub(f"{WIKI_OPEN}[^{WIKI_SPLIT}]*{WIKI_SPLIT}", "", html).replace(WIKI_CLOSE, "")
    html = re.sub(r"<annotation\b.*?</annotation>", "", html, flags=re.DOTALL)  # MathML's TeX source
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    text = text.replace("\ue000", "").replace("\ue001", "").replace(TITLE_LABEL, "").replace(EMBED_LABEL, "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
