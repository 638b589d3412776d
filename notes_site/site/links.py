"""Links between notes: what a wikilink names, the link graph, backlinks and related notes.

Computed once per build from the placed notes (no I/O): a note's own parse never
depends on other notes, so renaming CLIP changes the links to it here, not the
cached parse of every note that mentions it.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import unquote

from notes_site.errors import Problem, warning
from notes_site.markup.tokens import NOTE_SUFFIXES, Heading, heading_id
from notes_site.site.model import SiteLinks
from notes_site.site.resolve import FileNames, link_site_path
from notes_site.urls import output_file, url_folder

if TYPE_CHECKING:
    from notes_site.site.model import PlacedNote

# How far along a tag's (or author's) list of notes, in site order, related notes are looked
# for: a tag on 2,000 notes would otherwise make finding related notes quadratic.
RELATED_WINDOW = 25


def name_key(text: str) -> str:
    """Names compare without case and with spaces collapsed: `[[attention is all you need]]`."""
    return " ".join(text.casefold().split())


class WikiIndex:
    """The names a note answers to, in three tiers; the first tier with a match decides.

    1. its title; 2. its file name (with or without folders) or slug; 3. its own
    `aliases` (Obsidian's other names) and its paper's title and aliases. So `[[CLIP]]`
    finds the note titled CLIP before a note whose paper is also known as CLIP, and two
    notes on one tier make the link ambiguous.
    """

    def __init__(self, placed: list[PlacedNote]) -> None:
        self.tiers: list[dict[str, list[PlacedNote]]] = [{}, {}, {}]
        for item in placed:
            note = item.note
            self.add(0, note.title, item)
            source = note.source
            stem = source.rsplit(".", 1)[0] if source.lower().endswith(NOTE_SUFFIXES) else source
            parts = stem.split("/")
            if len(parts) > 1 and parts[-1].lower() in ("index", "_index"):
                parts.pop()  # a bundle: posts/clip/index.md answers to "clip" and "posts/clip/index"
                self.add(1, stem, item)
            for start in range(len(parts)):  # "posts/cv/vit", "cv/vit" and "vit" (Hugo refs, Obsidian paths)
                self.add(1, "/".join(parts[start:]), item)
            self.add(1, note.slug, item)
            for name in note.aliases:
                self.add(2, name, item)
            if note.paper is not None:
                for name in (note.paper.title, *note.paper.aliases):
                    self.add(2, name, item)

    def add(self, tier: int, name: str, item: PlacedNote) -> None:
        key = name_key(name)
        if not key:
            return
        found = self.tiers[tier].setdefault(key, [])
        if item not in found:
            found.append(item)

    def find(self, target: str) -> list[PlacedNote]:
        key = name_key(unquote(target))
        if key.endswith(NOTE_SUFFIXES):
            key = key.rsplit(".", 1)[0]
        for tier in self.tiers:
            if key in tier:
                return tier[key]
        return []


def link_notes(
    placed: list[PlacedNote],
    link_targets: dict[str, str],
    related_count: int,
    names: FileNames | None = None,
    pages: list[PlacedNote] | None = None,
) -> SiteLinks:
    """Resolve every wikilink, find the links between notes and the notes related to each.

    Standalone `pages` can be linked to and link out like notes, but stay out of the link
    graph: no backlinks from them or to them, no related notes, no place on the map.
    """
    pages = pages or []
    everything = placed + pages
    index = WikiIndex(everything) if any(item.note.wikilinks for item in everything) else None
    by_path = {output_file(item.path): item for item in everything}
    notes = {item.note.source for item in placed}
    links = SiteLinks()
    for item in everything:
        resolved, targets = resolve_wikilinks(item, index, links.problems) if index else ({}, [])
        links.wikilinks[item.note.source] = resolved
        for ref in item.note.wikilinks:
            if ref.embed and ref.target in resolved:
                embedded = by_path[output_file(resolved[ref.target])].note.source
                links.embedded_by.setdefault(embedded, set()).add(item.note.source)
        if item.note.source not in notes:
            continue
        targets += markdown_link_targets(item, link_targets, by_path, names)
        linked = tuple(dict.fromkeys(t.note.source for t in targets if t is not item and t.note.source in notes))
        links.outgoing[item.note.source] = linked
        for source in linked:
            links.backlinks.setdefault(source, []).append(item)
    order = {item.note.source: position for position, item in enumerate(placed)}
    for backlinks in links.backlinks.values():
        backlinks.sort(key=lambda linking: order[linking.note.source])
    if related_count > 0:
        links.related = related_notes(placed, related_count)
    missing_anchors(everything, links)
    return links


def resolve_wikilinks(
    item: PlacedNote, index: WikiIndex, problems: list[Problem]
) -> tuple[dict[str, str], list[PlacedNote]]:
    resolved: dict[str, str] = {}
    targets: list[PlacedNote] = []
    for ref in item.note.wikilinks:
        if not ref.target or ref.target in resolved:
            continue
        found = index.find(ref.target)
        if len(found) > 1:  # as Hugo's ref does: a note in the linking note's own folder first
            nearby = [other for other in found if near(item.note.source, other.note.source)]
            found = nearby if len(nearby) == 1 else found
        if len(found) == 1:
            resolved[ref.target] = found[0].path
            targets.append(found[0])
            continue
        if not found:
            message = f"the wikilink [[{ref.target}]] matches no note; it is shown as broken text."
            hint = "Write the title or file name of a note, or one of its `paper.aliases`; or create the note."
        else:
            names = ", ".join(other.note.source for other in found)
            message = f"the wikilink [[{ref.target}]] matches {len(found)} notes ({names}); it is shown as broken text."
            hint = "Write the file name of the one you mean, e.g. [[" + found[0].note.source.rsplit(".", 1)[0] + "]]."
        problems.append(warning(message, item.note.path, ref.line, hint))
    return resolved, targets


def near(source: str, other: str) -> bool:
    """`other` is in the folder of `source` or below it."""
    folder = posixpath.dirname(source)
    return not folder or other.startswith(folder + "/")


def markdown_link_targets(
    item: PlacedNote, link_targets: dict[str, str], by_path: dict[str, PlacedNote], names: FileNames | None = None
) -> list[PlacedNote]:
    """The notes that the note's ordinary Markdown links lead to (`names`: found the Obsidian way too)."""
    found = []
    source_dir = posixpath.dirname(item.note.source)
    folder = url_folder(item.path)
    for link in item.note.links:
        if link.image:
            continue
        target = unquote(link.url.partition("#")[0].partition("?")[0])
        if not target:
            continue
        site_path = link_site_path(target, source_dir, folder, link_targets, names)
        linked = by_path.get(output_file(site_path)) if site_path is not None else None
        if linked is not None:
            found.append(linked)
    return found


def missing_anchors(placed: list[PlacedNote], links: SiteLinks) -> None:
    """`[[clip#方法]]` whose note has no heading 方法 still links to the note, with a warning."""
    by_path = {item.path: item for item in placed}
    for item in placed:
        resolved = links.wikilinks[item.note.source]
        for ref in item.note.wikilinks:
            if not ref.anchor:
                continue
            target = item if not ref.target else by_path.get(resolved.get(ref.target, "\0"))
            if target is None:
                continue
            wanted = heading_id(ref.anchor)
            headings = target.note.headings
            if any(anchor == wanted or name_key(text) == name_key(ref.anchor) for _level, anchor, text in headings):
                continue
            links.problems.append(
                warning(
                    f"the wikilink [[{ref.target}#{ref.anchor}]] names a heading that {target.note.source} does not "
                    "have; it links to the top of the note.",
                    item.note.path,
                    ref.line,
                    heading_hint(ref.target, headings),
                )
            )


def heading_hint(target: str, headings: tuple[Heading, ...]) -> str:
    """Name the note's headings to choose from, or say it has none."""
    if not headings:
        whole = f"link to the note itself, [[{target}]]," if target else "drop the `#…`"
        return f"The note has no headings: {whole} or add the heading to it."
    shown = ", ".join(text for _level, _id, text in headings[:5])
    return f"Check the heading's spelling: {shown}" + (", …" if len(headings) > 5 else "") + "."


def related_notes(placed: list[PlacedNote], count: int) -> dict[str, list[PlacedNote]]:
    """Up to `count` notes sharing the most tags and paper authors with each note, newer first on ties."""
    postings: dict[str, list[int]] = {}
    keys_of: list[list[tuple[str, int]]] = []
    for position, item in enumerate(placed):
        keys = [f"tag:{name_key(tag)}" for tag in item.note.tags]
        if item.note.paper is not None:
            keys += [f"author:{name_key(author)}" for author in item.note.paper.authors]
        mine = []
        for key in dict.fromkeys(keys):
            posting = postings.setdefault(key, [])
            mine.append((key, len(posting)))
            posting.append(position)
        keys_of.append(mine)
    related: dict[str, list[PlacedNote]] = {}
    for position, item in enumerate(placed):
        scores: Counter[int] = Counter()
        for key, at in keys_of[position]:
            scores.update(postings[key][max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1])  # counted in C
        scores.pop(position, None)
        best = sorted([(-score, other) for other, score in scores.items()])[:count]
        related[item.note.source] = [placed[other] for _score, other in best]
    return related
