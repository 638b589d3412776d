"""Assemble parsed notes into a `Site`: order, URLs, categories, tags, archives, assets.

Everything a page needs is computed here once (listings are precomputed, never
filtered per page: Hugo's quadratic `where` under pagination is the trap to avoid).
URL clashes are found here, before anything is written.
"""

from __future__ import annotations

import posixpath

from notes_site.config import SiteConfig
from notes_site.content.notes import Note
from notes_site.content.sources import AssetFile
from notes_site.errors import Problem, error
from notes_site.site.bibtex import BibSource, assign_keys
from notes_site.site.links import link_notes
from notes_site.site.model import PlacedAsset, PlacedNote, Site, Term, sort_key
from notes_site.site.resolve import index_file_names
from notes_site.urls import category_path, clean_path, make_slug, note_folder, output_file, permalink_path, tag_path


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
    reserved = reserved or {}
    problems: list[Problem] = []
    ordered = sorted(notes, key=sort_key)
    zone = config.tzinfo
    url_zone = config.permalink_tzinfo
    placed: list[PlacedNote] = []
    owners: dict[str, str] = {}  # output file -> the source that claims it
    for note in ordered:
        category = tuple(make_slug(n, config.unicode_slugs) for n in note.category) if note.category else ()
        try:
            path = permalink_path(
                note.permalink or config.permalink,
                slug=note.slug,
                source_rel=note.source,
                posted=note.posted.astimezone(url_zone),
                category_slugs=category,
                unicode_slugs=config.unicode_slugs,
            )
        except (ValueError, OverflowError) as exc:  # a path climbing out, a date off the calendar
            problems.append(
                error(
                    f"the note cannot be placed in the site ({exc}), so it has no page.",
                    note.path,
                    hint="Check its `slug`, `date` and categories, and the `permalink` setting.",
                )
            )
            continue
        target = output_file(path)
        if target in reserved:
            problems.append(
                error(
                    f"the note would be written to /{path}, which is the site's {reserved[target]} page; "
                    "it was left out.",
                    note.path,
                    hint="Give it another `permalink:` or `slug:`, or change the `permalink` setting.",
                )
            )
            continue
        if target in owners:
            problems.append(
                error(
                    f"two notes would be written to the same URL /{path}: {owners[target]} and {note.source}; "
                    f"{note.source} was left out.",
                    note.path,
                    hint="Give one of them a different `slug:` in its front matter.",
                )
            )
            continue
        owners[target] = note.source
        placed.append(PlacedNote(note, path))

    categories, tags = collect_terms(config, placed)
    placed_assets = place_assets(placed, hidden_asset_filter(assets, hidden_sources))
    link_targets = {p.note.source: p.path for p in placed}
    link_targets.update({a.source.rel: a.path for a in placed_assets})
    file_names = index_file_names(link_targets)
    years: dict[int, list[PlacedNote]] = {}
    for item in placed:
        years.setdefault(item.note.posted.astimezone(zone).year, []).append(item)
    links = link_notes(placed, link_targets, config.related_notes, file_names)
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
    )
    return site, problems


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
        result.append(PlacedAsset(asset, path or clean_path(asset.rel)))
    return result
