"""Each note's views, built once and shared by every page that shows the note.

A note appears on its own page, on listings, in feeds and on its neighbours' pages;
its view (title, dates, terms, excerpt) is made once here, with fingerprints of its
parts so the pages that show it can tell whether they changed. The page kinds
(notes.py, listings.py, papers.py, machine.py) read the site through this object.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup

from notes_site.config import SiteConfig
from notes_site.content.dates import format_date
from notes_site.content.papers import short_authors
from notes_site.fingerprint import fingerprint, text_fingerprint
from notes_site.markup.tokens import ROOT_MARK, heading_id
from notes_site.pages.embeds import MAX_EMBED_DEPTH, embed_frame, heading_section, without_own_ids
from notes_site.pages.feeds import PageMeta, open_graph
from notes_site.pages.graph import GraphNode, NoteGraph, note_graph
from notes_site.pages.views import NoteLink, NoteView, PageInfo, PaperView, TermLink
from notes_site.site.model import PlacedNote, Site
from notes_site.site.resolve import has_markers, localize, resolve_links
from notes_site.urls import bib_path, href, relative_root


@dataclass(frozen=True)
class NoteCard:
    """A note's view with links made page-independent, and fingerprints of its parts."""

    view: NoteView  # excerpt links start with ROOT_MARK; content is empty
    meta_fp: str  # everything but the excerpt and the content
    excerpt_fp: str


class NoteCards:
    """The site as the page kinds read it: note views, link resolution, URLs and the note graph."""

    def __init__(self, site: Site, strings: dict[str, str]) -> None:
        self.site = site
        self.strings = strings
        self.config: SiteConfig = site.config
        self.zone = self.config.tzinfo
        self.cards: dict[str, NoteCard] = {}  # by note source
        self.cards_by_root: dict[tuple[str, int], NoteView] = {}
        shown = [*site.notes, *site.pages]
        self.titles = {item.path: item.note.title for item in shown}  # for links labelled by their title
        self.notes_by_path = {item.path: item for item in shown}  # for embedded notes (and pages)
        self.position = {
            item.note.source: index for index, item in enumerate(site.notes)
        }  # pages name their notes by position
        self._graph: NoteGraph | None = None

    def card(self, item: PlacedNote) -> NoteCard:
        card = self.cards.get(item.note.source)
        if card is None:
            card = self.cards[item.note.source] = self.make_card(item)
        return card

    def refresh(self, item: PlacedNote) -> set[str]:
        """Drop what was derived from a note that was parsed again; which parts of it changed.

        "body" always; "excerpt" and "meta" (title, dates, terms) when their fingerprints moved.
        """
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
        return changed

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
        """The note's HTML with its links made for the page at `page_path` (None: any page, ROOT_MARK)."""
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

        Embeds nest two deep; past that, and for a note embedding itself, a link (None).
        """
        target = self.notes_by_path.get(path)
        if target is None or depth >= MAX_EMBED_DEPTH or path == page_path:
            return None
        html = target.note.body_html
        if heading:
            html = heading_section(html, heading_id(heading))
            if html is None:
                return None
        html = without_own_ids(self.resolve(target, html, page_path, depth + 1))
        root = ROOT_MARK if page_path is None else relative_root(page_path)
        return embed_frame(html, target.note.title, heading, root + href(path))

    def note_links(self, item: PlacedNote) -> tuple[tuple[NoteLink, ...], tuple[NoteLink, ...]]:
        """The notes linking to this one, and the notes related to it."""
        source = item.note.source
        backlinks = tuple(NoteLink(n.note.title, href(n.path)) for n in self.site.links.backlinks.get(source, ()))
        related = tuple(NoteLink(n.note.title, href(n.path)) for n in self.site.links.related.get(source, ()))
        return backlinks, related

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

    def url_of(self, path: str) -> str:
        """The absolute URL of a site path, or "" when base_url has no host."""
        base = self.config.absolute_base
        return base + href(path) if base else ""

    def page_head(self, info: PageInfo) -> PageInfo:
        """Canonical URL and OpenGraph tags of a page that is not a note."""
        url = self.url_of(info.path)
        page = PageMeta(info.title or self.config.title, info.description, url, self.config.title, self.config.language)
        return replace(info, url=url, meta=tuple(open_graph(page)))
