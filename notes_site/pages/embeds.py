"""Obsidian's `![[Note]]`: another note's text shown inside this one, framed.

The embedded HTML is the other page's: its ids (they would clash with this page's),
heading anchors and footnotes are dropped, and it sits in a frame that links to the
note it comes from. Which note, and with links made for which page, is decided in
cards.py; this module only cuts and frames the HTML.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from notes_site.markup.tokens import heading_id

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


def without_own_ids(html: str) -> str:
    """The embedded note's HTML without its ids, heading anchors and footnotes."""
    return EMBED_DROPPED.sub("", html)


def embed_frame(html: str, title: str, heading: str, url: str) -> str:
    """The frame around an embedded note: its title (and heading) linking to it, then its text."""
    fragment = "#" + quote(heading_id(heading), safe="") if heading else ""
    label = escape(title + (f" › {heading}" if heading else ""), quote=False)
    return (
        f'<div class="note-embed"><p class="note-embed-title"><a href="{url}{fragment}">{label}</a></p>\n{html}</div>\n'
    )
