"""Standalone pages (`layout: page`): About, Links, Projects… at their own address, not among the notes.

A page is read like a note (front matter, Markdown, math, links, wikilinks) but has no
place in time: no listing, archive, feed, term, map or reading list shows it. The menu
and the sitemap lead to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from notes_site.fingerprint import fingerprint, text_fingerprint
from notes_site.pages.cards import NoteCards
from notes_site.pages.feeds import plain_excerpt
from notes_site.pages.notes import toc
from notes_site.pages.page import Page
from notes_site.pages.views import PageInfo, StandaloneView
from notes_site.site.model import PlacedNote
from notes_site.urls import href


@dataclass(frozen=True)
class StandalonePage:
    """The standalone page at `index` of the site's pages."""

    index: int

    def item(self, cards: NoteCards) -> PlacedNote:
        return cards.site.pages[self.index]

    def sign(self, cards: NoteCards) -> str:
        item = self.item(cards)
        note = item.note
        return fingerprint(
            "page",
            item.path,
            note.title,
            description(item),
            note.posted.isoformat() if note.posted else "",
            note.edited.isoformat() if note.edited else "",
            repr(note.extra),
            text_fingerprint(note.body_html),
            cards.link_fingerprint(item),
            toc(cards, note.headings),
        )

    def context(self, cards: NoteCards) -> dict[str, Any]:
        item = self.item(cards)
        note = item.note
        zone = cards.zone
        view = StandaloneView(
            title=note.title,
            path=href(item.path),
            content=Markup(cards.resolve(item, note.body_html, item.path)),
            description=note.description,
            posted=note.posted.astimezone(zone) if note.posted else None,
            edited=note.edited.astimezone(zone) if note.edited else None,
            extra=note.extra,
        )
        return {"article": view, "toc": toc(cards, note.headings)}


def description(item: PlacedNote) -> str:
    return item.note.description or plain_excerpt(item.note.excerpt_html)


def standalone_pages(cards: NoteCards) -> list[Page]:
    """One page per `layout: page` file, with the page.html template."""
    return [
        Page(
            PageInfo("page", item.path, item.note.title, description(item)),
            "page.html",
            StandalonePage(index),
            item.note.path,
        )
        for index, item in enumerate(cards.site.pages)
    ]
