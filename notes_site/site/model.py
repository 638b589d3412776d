"""The assembled site: placed notes, terms, assets and links between notes (built by assemble.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from notes_site.config import SiteConfig
from notes_site.content.notes import Note
from notes_site.content.sources import AssetFile
from notes_site.errors import Problem
from notes_site.site.resolve import FileNames
from notes_site.urls import make_slug


@dataclass(eq=False)
class PlacedNote:
    """A note and where it lives in the site.

    Not frozen on purpose: `serve` swaps in the new parse of an edited note whose place
    in the site did not change, and every listing that holds this object sees it.
    """

    note: Note
    path: str  # site-relative, e.g. "2024/05/22/clip/"


@dataclass
class Term:
    """A category or a tag, with its notes newest first."""

    kind: str  # "category" or "tag"
    name: str
    slugs: tuple[str, ...]  # ("ml",) for a tag or top category, ("ml", "cv") for a sub-category
    path: str
    notes: list[PlacedNote] = field(default_factory=list)
    children: list[Term] = field(default_factory=list)
    parent: Term | None = None

    def trail(self) -> list[Term]:
        chain, term = [], self
        while term is not None:
            chain.append(term)
            term = term.parent
        return chain[::-1]


@dataclass(frozen=True)
class PlacedAsset:
    source: AssetFile
    path: str  # site-relative output path of the copy


@dataclass
class SiteLinks:
    wikilinks: dict[str, dict[str, str]] = field(default_factory=dict)  # source -> {target as written: site path}
    outgoing: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source -> sources it links to
    backlinks: dict[str, list[PlacedNote]] = field(default_factory=dict)  # source -> notes linking to it
    related: dict[str, list[PlacedNote]] = field(default_factory=dict)
    embedded_by: dict[str, set[str]] = field(default_factory=dict)  # source -> sources showing its text
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Site:
    config: SiteConfig
    notes: list[PlacedNote]  # newest first
    categories: dict[tuple[str, ...], Term]
    tags: dict[str, Term]
    assets: list[PlacedAsset]
    link_targets: dict[str, str]  # content-relative source path -> site path (notes and assets)
    years: list[tuple[int, list[PlacedNote]]]  # newest year first
    links: SiteLinks = field(default_factory=SiteLinks)
    papers: list[PlacedNote] = field(default_factory=list)  # notes about a paper, newest first
    citation_keys: dict[str, str] = field(default_factory=dict)  # note source -> BibTeX key
    file_names: FileNames = field(default_factory=FileNames)  # link_targets by file name, for Obsidian's links
    pages: list[PlacedNote] = field(default_factory=list)  # standalone pages (`layout: page`), by source path

    def category_of(self, note: Note) -> Term | None:
        if not note.category:
            return None
        return self.categories.get(self.category_slugs(note.category))

    def category_slugs(self, category: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(make_slug(name, self.config.unicode_slugs) for name in category)

    def tag_terms(self, note: Note) -> list[Term]:
        slugs = dict.fromkeys(make_slug(tag, self.config.unicode_slugs) for tag in note.tags)
        return [self.tags[slug] for slug in slugs]


def sort_key(note: Note) -> tuple:
    return (-note.posted.timestamp(), note.title.lower(), note.source)
