"""Patch the last build in memory when only notes' contents changed (`serve`).

A full incremental build re-plans the whole site (about two seconds at 10,000 notes).
While writing, most saves change a note's text but not its place in the site: same
date (so the same position), categories, tags, slug and draft state. Then the note's
parse result is swapped into the planned site, the pages that show it (recorded by
the plan) are signed again, and only those whose signature changed are rendered.
Anything else — a new or deleted note, a moved one, an error — returns None, and the
caller runs the normal build, which handles every case.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from notes_site.build import BuildReport, BuildSession, LiveSite
from notes_site.content.notes import Note, fill_missing_dates, parse_chunk
from notes_site.content.sources import NoteFile
from notes_site.markup.tokens import NOTE_SUFFIXES
from notes_site.output.cache import BuildCache
from notes_site.output.math_font import MathFont
from notes_site.output.render import render_pages
from notes_site.output.write import PatchedOutput
from notes_site.pages.page import Page
from notes_site.site.model import sort_key
from notes_site.urls import output_file

# What places a note in the site, or in other notes' pages (links, backlinks, related notes,
# the map, the reading list, BibTeX keys): a change to any of them needs the full build.
PLACEMENT_FIELDS = (
    "posted",
    "categories",
    "tags",
    "slug",
    "draft",
    "source",
    "title",
    "paper",
    "aliases",
    "redirects",
    "permalink",
    "standalone",
)


def patch_notes(session: BuildSession, changed: list[Path]) -> BuildReport | None:
    """Apply edits of existing notes to the live site; None when a full build is needed."""
    started = time.perf_counter()
    live, cache = session.live, session.cache
    if live is None or cache is None or not changed:
        return None
    gathered = live.gathered
    site = gathered.site
    content = site.config.content_dir.resolve()
    placed = live.placed()
    report = BuildReport(output=live.output, notes_read=len(gathered.parsed))
    edits = []
    for path in dict.fromkeys(changed):
        if path.suffix.lower() not in NOTE_SUFFIXES or not path.is_file():
            return None
        try:
            rel = path.resolve().relative_to(content).as_posix()
        except ValueError:
            return None
        if rel not in placed:
            return None  # a new note, a draft, or one that had errors: the full build decides
        if rel in site.links.embedded_by:
            return None  # other notes show its text (`![[it]]`): their pages and listings follow in a full build
        info = os.stat(path)
        stamp = (info.st_size, info.st_mtime_ns, info.st_ino)
        if cache.notes.get(rel, (None,))[0] == stamp:
            continue
        edits.append((rel, NoteFile(str(path), rel, *stamp)))
    if not edits:
        return None
    swaps: list[tuple[str, Note, object]] = []
    for rel, file in edits:
        (result,) = parse_chunk([file], gathered.settings)
        if result.note is None or any(p.severity == "error" for p in result.problems):
            return None
        (note,) = fill_missing_dates([result.note], site.config.root, report.problems)
        index, item = placed[rel]
        if not keeps_its_place(site.notes, index, item.note, note):
            return None
        if not fits_the_font(note, gathered.math_font):
            return None  # a formula shows a character the site's math font lacks: the full build makes it again
        report.problems.extend(result.problems)
        swaps.append((rel, note, (file.stamp, result)))
    pages: dict[int, Page] = {}
    for rel, note, entry in swaps:
        item = placed[rel][1]
        item.note = note
        cache.notes[rel] = entry
        gathered.parsed[rel] = entry[1]
        pages.update((id(page), page) for page in gathered.plan.forget(item))
    report.notes_parsed = len(swaps)
    return render_changed(live, cache, list(pages.values()), report, started)


def keeps_its_place(notes: list, index: int, old: Note, new: Note) -> bool:
    """Same date, terms, slug and draft state, and still sorted between its neighbours."""
    if any(getattr(old, name) != getattr(new, name) for name in PLACEMENT_FIELDS):
        return False
    if old.link_targets() != new.link_targets():
        return False
    key = sort_key(new)
    before = notes[index - 1].note if index > 0 else None
    after = notes[index + 1].note if index + 1 < len(notes) else None
    return (before is None or sort_key(before) < key) and (after is None or key < sort_key(after))


def fits_the_font(note: Note, font: MathFont | None) -> bool:
    """Every character of the note's formulas is in the font the last build wrote (a font with more is fine)."""
    return not note.math_characters or (font is not None and font.holds(note.math_characters))


def render_changed(live: LiveSite, cache: BuildCache, pages: list[Page], report: BuildReport, started: float):
    """Render the re-signed pages whose signature moved, and patch them into the output."""
    renderer = live.gathered.renderer
    stale, signatures = [], {}
    for page in pages:
        target = output_file(page.path)
        signatures[target] = renderer.signature_of(page)
        if cache.outputs.get(target) != signatures[target]:
            stale.append(page)
    writer = PatchedOutput(live.output)
    try:
        render_pages(stale, renderer, live.gathered.plan.cards, writer)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    cache.outputs.update(signatures)
    report.pages_total = len(cache.outputs)
    report.pages_written = writer.files_written
    report.seconds = time.perf_counter() - started
    return report
