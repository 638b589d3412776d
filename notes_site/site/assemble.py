"""Assemble parsed notes into a `Site`: order, URLs, categories, tags, archives, assets.

Everything a page needs is computed here once (listings are precomputed, never
filtered per page: Hugo's quadratic `where` under pagination is the trap to avoid).
URL clashes are found here, before anything is written.
"""

from __future__ import annotations

import posixpath
from datetime import UTC, datetime

from notes_site.config import SiteConfig
from notes_site.content.notes import Note
from notes_site.content.sources import AssetFile
from notes_site.errors import Problem, error
from notes_site.site.bibtex import BibSource, assign_keys
from notes_site.site.links import link_notes
from notes_site.site.model import PlacedAsset, PlacedNote, Site, Term, sort_key
from notes_site.site.resolve import index_file_names
from notes_site.urls import category_path, clean_path, make_slug, note_folder, output_file, permalink_path, tag_path

DATE_TOKENS = (":year", ":month", ":day", ":i_month", ":i_day", ":hour", ":minute", ":second")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # stands in for a page's missing date where no token reads it


def assemble_site(
    config: SiteConfig,
    notes: list[Note],
    assets: tuple[AssetFile, ...],
    hidden_sources: tuple[str, ...] = (),
    reserved: dict[str, str] | None = None,
) -> tuple[Site, list[Problem]]:
    """Place every note and asset; problems are URL clashes and paths that leave the site.

    `hidden_sources` are notes left out of this build (drafts, notes with errors): the
    files in their bundles or asset folders are left out with them. `reserved` maps the
    output files of generated pages (index.html…) to their kind: no note may take them.
    """
    problems: list[Problem] = []
    owners: dict[str, str] = {f: f"the site's {kind} page" for f, kind in (reserved or {}).items()}
    placed = place_notes(config, sorted((n for n in notes if not n.standalone), key=sort_key), owners, problems)
    pages = place_pages(config, sorted((n for n in notes if n.standalone), key=lambda n: n.source), owners, problems)
    zone = config.tzinfo

    categories, tags = collect_terms(config, placed)
    placed_assets = place_assets(placed + pages, hidden_asset_filter(assets, hidden_sources))
    link_targets = {p.note.source: p.path for p in placed + pages}
    link_targets.update({a.source.rel: a.path for a in placed_assets})
    file_names = index_file_names(link_targets)
    years: dict[int, list[PlacedNote]] = {}
    for item in placed:
        years.setdefault(item.note.posted.astimezone(zone).year, []).append(item)
    links = link_notes(placed, link_targets, config.related_notes, file_names, pages)
    problems.extend(links.problems)
    papers = [item for item in placed if item.note.paper is not None]
    citation_keys, key_problems = assign_keys(
        [BibSource(item.note.source, item.note.path, item.note.paper, item.note.posted) for item in papers]
    )
    problems.extend(key_problems)
    site = Site(
        config,
        placed,
        categories,
        tags,
        placed_assets,
        link_targets,
        sorted(years.items(), reverse=True),
        links,
        papers,
        citation_keys,
        file_names,
        pages,
    )
    return site, problems


def place_notes(
    config: SiteConfig, ordered: list[Note], owners: dict[str, str], problems: list[Problem]
) -> list[PlacedNote]:
    """Each note at the URL of its `permalink:` or the site's pattern, newest first; clashes left out."""
    placed: list[PlacedNote] = []
    for note in ordered:
        try:
            path = address_of(config, note, note.permalink or config.permalink)
        except (ValueError, OverflowError) as exc:  # a path climbing out, a date off the calendar
            problems.append(
                error(
                    f"the note cannot be placed in the site ({exc}), so it has no page.",
                    note.path,
                    hint="Check its `slug`, `date` and categories, and the `permalink` setting.",
                )
            )
            continue
        if claim(owners, path, note, problems):
            placed.append(PlacedNote(note, path))
    return placed


def place_pages(
    config: SiteConfig, pages: list[Note], owners: dict[str, str], problems: list[Problem]
) -> list[PlacedNote]:
    """Each standalone page at its `permalink:`, else at /<slug>/ (`content/about/index.md` → /about/).

    Placed after the notes: a page never takes a note's URL away from it.
    """
    placed: list[PlacedNote] = []
    for page in pages:
        try:
            path = address_of(config, page, page.permalink or ":slug/")
        except (ValueError, OverflowError) as exc:
            problems.append(
                error(
                    f"the page cannot be placed in the site ({exc}), so it is left out.",
                    page.path,
                    hint="Check its `slug` and `permalink`.",
                )
            )
            continue
        if claim(owners, path, page, problems):
            placed.append(PlacedNote(page, path))
    return placed


def address_of(config: SiteConfig, note: Note, pattern: str) -> str:
    """The site path `pattern` gives the note; ValueError or OverflowError when it can have none."""
    if note.posted is None and any(token in pattern for token in DATE_TOKENS):
        raise ValueError(f"its permalink `{pattern}` needs a date and the page has no `date`")
    return permalink_path(
        pattern,
        slug=note.slug,
        source_rel=note.source,
        posted=(note.posted or EPOCH).astimezone(config.permalink_tzinfo),
        category_slugs=tuple(make_slug(name, config.unicode_slugs) for name in note.category or ()),
        unicode_slugs=config.unicode_slugs,
    )


def claim(owners: dict[str, str], path: str, note: Note, problems: list[Problem]) -> bool:
    """Record that `note` writes the page at `path`; False (with an error) when another one already does."""
    target = output_file(path)
    if owners.get(target, "").startswith("the site's "):  # a generated page (build.place_and_plan)
        problems.append(
            error(
                f"the note would be written to /{path}, which is {owners[target]}; it was left out.",
                note.path,
                hint="Give it another `permalink:` or `slug:`, or change the `permalink` setting.",
            )
        )
        return False
    if target in owners:
        problems.append(
            error(
                f"two notes would be written to the same URL /{path}: {owners[target]} and {note.source}; "
                f"{note.source} was left out.",
                note.path,
                hint="Give one of them a different `slug:` (or `permalink:`) in its front matter.",
            )
        )
        return False
    owners[target] = note.source
    return True


def collect_terms(config: SiteConfig, placed: list[PlacedNote]) -> tuple[dict, dict]:
    categories: dict[tuple[str, ...], Term] = {}
    tags: dict[str, Term] = {}
    for item in placed:
        seen_categories: set[tuple[str, ...]] = set()
        for category in item.note.categories:
            parent = None
            slugs: tuple[str, ...] = ()
            for name in category:
                slugs = slugs + (make_slug(name, config.unicode_slugs),)
                term = categories.get(slugs)
                if term is None:
                    term = Term("category", name, slugs, category_path(slugs), parent=parent)
                    categories[slugs] = term
                    if parent is not None:
                        parent.children.append(term)
                if slugs not in seen_categories:  # a parent lists the notes of its children too
                    term.notes.append(item)
                    seen_categories.add(slugs)
                parent = term
        for tag in item.note.tags:
            slug = make_slug(tag, config.unicode_slugs)
            term = tags.setdefault(slug, Term("tag", tag, (slug,), tag_path(slug)))
            if not term.notes or term.notes[-1] is not item:
                term.notes.append(item)
    return categories, tags


def hidden_asset_filter(assets: tuple[AssetFile, ...], hidden_sources: tuple[str, ...]) -> tuple[AssetFile, ...]:
    hidden_dirs = [note_folder(source) for source in hidden_sources]
    if not hidden_dirs:
        return assets
    return tuple(a for a in assets if not any(a.rel.startswith(d + "/") for d in hidden_dirs))


def place_assets(placed: list[PlacedNote], assets: tuple[AssetFile, ...]) -> list[PlacedAsset]:
    """Files in a note's bundle or asset folder go beside its page; other files keep their path."""
    # content-relative folder -> site path of the note that owns it
    owner_dirs = {note_folder(item.note.source): item.path for item in placed}
    result = []
    for asset in assets:
        path = None
        folder = posixpath.dirname(asset.rel)
        while True:
            if folder in owner_dirs:
                note_path = owner_dirs[folder]
                inner = asset.rel[len(folder) + 1 :]
                base = note_path if note_path.endswith("/") else posixpath.dirname(note_path) + "/"
                path = clean_path(base + inner)
                break
            if not folder:
                break
            folder = posixpath.dirname(folder)
        # A file keeps its name even without a suffix (CNAME, LICENSE, _redirects): never a folder's "name/".
        result.append(PlacedAsset(asset, (path or clean_path(asset.rel)).rstrip("/")))
    return result
