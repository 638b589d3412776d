"""Turn the link markers of a note's HTML into URLs for the page it appears on.

A note's HTML holds its relative links and wikilinks as markers (markup/tokens.py);
the same note is shown on its own page, on listings at other depths and in feeds, so
each page resolves them for itself: relative to that page, to the right file of the
site, or to a broken-link span when nothing answers.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape as html_escape
from html import unescape as html_unescape
from urllib.parse import quote, unquote

from notes_site.markup.tokens import (
    EMBED_LABEL,
    LINK_CLOSE,
    LINK_OPEN,
    ROOT_MARK,
    TITLE_LABEL,
    WIKI_CLOSE,
    WIKI_OPEN,
    WIKI_SPLIT,
    heading_id,
)
from notes_site.urls import href, relative_root, url_folder

MARKED_LINK = re.compile(LINK_OPEN + "([^" + LINK_CLOSE + "]*)" + LINK_CLOSE)


MARKED_WIKILINK = re.compile(f"{WIKI_OPEN}([^{WIKI_SPLIT}]*){WIKI_SPLIT}([^{WIKI_CLOSE}]*){WIKI_CLOSE}")


# `![[Note]]` alone in its paragraph: the paragraph gives way to the note's text (a block in a <p> is no HTML).
EMBED_PARAGRAPH = re.compile(
    f"<p>{WIKI_OPEN}([^{WIKI_SPLIT}]*){WIKI_SPLIT}{EMBED_LABEL}([^{WIKI_CLOSE}]*){WIKI_CLOSE}</p>"
)


def has_markers(html: str) -> bool:
    return LINK_OPEN in html or WIKI_OPEN in html


def resolve_links(
    html: str,
    *,
    note_source: str,
    note_path: str,
    page_path: str | None,
    targets: dict[str, str],
    wikilinks: dict[str, str] | None = None,
    names: FileNames | None = None,
    titles: dict[str, str] | None = None,
    embed: Callable[[str, str], str | None] | None = None,
) -> str:
    """Turn the note's marked relative links and wikilinks into URLs that work on the page at `page_path`.

    `targets` maps content-relative source paths (notes and assets) to their site paths.
    A link to another note's file becomes a link to its page; a link to a file next to
    the note becomes a link to its copy; anything else stays relative to the note's page.
    `wikilinks` maps each wikilink target the note writes to the site path of the note it
    names; a target missing there renders as visibly broken text, never a dead link.
    `names` lets a link written the Obsidian way find its file (see `link_site_path`).
    `titles` (site path -> title) fills in labels that stand for the linked note's title.
    `embed(site path, heading)` gives the HTML that shows an embedded note (`![[Note]]` alone
    in its paragraph) on this page; where it gives None, and for embeds inside text, a link.
    With `page_path=None` the links start with ROOT_MARK, for `localize` to fill in once
    per page: the same excerpt then serves every listing page cheaply.
    """
    if not has_markers(html):
        return html
    source_dir = posixpath.dirname(note_source)
    note_folder = url_folder(note_path)
    root = ROOT_MARK if page_path is None else relative_root(page_path)

    def replace(match: re.Match[str]) -> str:
        url = match.group(1)
        target, hash_mark, fragment = url.partition("#")
        target, question_mark, query = target.partition("?")
        suffix = question_mark + query + hash_mark + fragment
        if not target:  # "#section" or "?v=2": the note's own page
            return suffix if page_path == note_path else root + attribute_href(note_path) + suffix
        # The marker holds the URL as HTML (`a&amp;b.png`), percent-escapes and all.
        site_path = link_site_path(unquote(html_unescape(target)), source_dir, note_folder, targets, names)
        return url if site_path is None else root + attribute_href(site_path) + suffix

    def replace_wikilink(match: re.Match[str]) -> str:
        spec, label = html_unescape(match.group(1)), match.group(2)
        target, _hash, anchor = spec.partition("#")
        fragment = "#" + quote(heading_id(anchor), safe="") if anchor else ""
        if not target:
            site_path = note_path
        else:
            site_path = (wikilinks or {}).get(target)
            if site_path is None:
                return f'<span class="wikilink wikilink-broken">{label.lstrip(TITLE_LABEL + EMBED_LABEL)}</span>'
        label = label.removeprefix(EMBED_LABEL)  # an embed that is not shown is a link
        if label.startswith(TITLE_LABEL):
            title = (titles or {}).get(site_path)
            label = html_escape(title, quote=False) if title else label.removeprefix(TITLE_LABEL)
        if site_path == page_path:
            return f'<a class="wikilink" href="{fragment or "#"}">{label}</a>'
        return f'<a class="wikilink" href="{root}{href(site_path)}{fragment}">{label}</a>'

    def replace_embed(match: re.Match[str]) -> str:
        spec = html_unescape(match.group(1))
        target, _hash, anchor = spec.partition("#")
        site_path = (wikilinks or {}).get(target) if target else note_path
        shown = embed(site_path, anchor) if site_path is not None and embed is not None else None
        return shown if shown is not None else MARKED_WIKILINK.sub(replace_wikilink, match.group(0))

    if LINK_OPEN in html:
        html = MARKED_LINK.sub(replace, html)
    if WIKI_OPEN in html:
        if EMBED_LABEL in html:
            html = EMBED_PARAGRAPH.sub(replace_embed, html)
        html = MARKED_WIKILINK.sub(replace_wikilink, html)
    return html


def attribute_href(path: str) -> str:
    """`href(path)` written inside an HTML attribute (a file may be named `args & kwargs.png`)."""
    url = href(path)
    return url.replace("&", "&amp;") if "&" in url else url


def link_site_path(
    path: str, source_dir: str, note_folder: str, targets: dict[str, str], names: FileNames | None = None
) -> str | None:
    """The site path a relative link leads to (None when it climbs out of the site).

    Relative to the Markdown file first (a link to `../vit.md` or `fig.png` as an editor
    previews it), else relative to the note's page (Hexo style). When that names no note
    or file of the site either, the ways Obsidian writes links come last (with `names`):
    the path from the content folder (`assets/fig.png`), then the one file anywhere with
    that name (`fig.png`). Coming last, they never move a link that resolved before.
    A path from the site's root (`/images/fig.png`) leads to the page or file of the site it
    names, and else nowhere (None): it may lead to another site on the same host.
    """
    if path.startswith("/"):
        return site_absolute_path(path, targets, names)
    source = posixpath.normpath(posixpath.join(source_dir, path))
    site_path = targets.get(source)
    if site_path is not None:
        return site_path
    site_path = posixpath.normpath(posixpath.join(note_folder, path))
    if site_path.startswith(("../", "/")) or site_path == "..":
        from_page = None
    elif site_path == ".":
        from_page = ""
    else:
        from_page = site_path + "/" if path.endswith("/") else site_path
    if names is not None and from_page not in names.site_paths:
        found = vault_matches(path, targets, names)
        if len(found) == 1:
            return targets[found[0]]
    return from_page


def site_absolute_path(path: str, targets: dict[str, str], names: FileNames | None) -> str | None:
    """The site path that `/images/fig.png` names: a page or file where the site puts it, else a
    content file at that path (which may land beside a note); None when the site has neither."""
    key = posixpath.normpath(path).lstrip("/")
    if key in ("", ".") or key.startswith("../"):
        return None
    site_paths = names.site_paths if names is not None else frozenset(targets.values())
    for candidate in (key + "/",) if path.endswith("/") else (key, key + "/"):
        if candidate in site_paths:
            return candidate
    return targets.get(key)


@dataclass(frozen=True)
class FileNames:
    """Every note and file of the site by its name, made once per build for `vault_matches`."""

    by_name: dict[str, list[str]] = field(default_factory=dict)  # "fig.png" -> ["attachments/Fig.png", …]
    site_paths: frozenset[str] = frozenset()  # where the notes and files land: a link to one needs no lookup


def index_file_names(targets: dict[str, str]) -> FileNames:
    """`targets` (content-relative source path -> site path) indexed by file name, in any case."""
    by_name: dict[str, list[str]] = {}
    for source in targets:
        by_name.setdefault(source.rpartition("/")[2].casefold(), []).append(source)
    return FileNames(by_name, frozenset(targets.values()))


def vault_matches(path: str, targets: dict[str, str], names: FileNames) -> list[str]:
    """The sources a link may mean the way Obsidian finds them: the path from the content
    folder (its "absolute path in vault"), else every source ending in the link's path (its
    "shortest path when possible": a bare name, unique in the vault). Two or more: ambiguous.
    Letter case counts only between files that differ in nothing else, as in Obsidian.
    """
    key = posixpath.normpath(path)
    if key in (".", "..") or key.startswith(("../", "/")):
        return []
    if key in targets:
        return [key]
    tail = "/" + key
    candidates = names.by_name.get(key.rpartition("/")[2].casefold(), ())
    exact = [source for source in candidates if ("/" + source).endswith(tail)]
    return exact or [source for source in candidates if ("/" + source).casefold().endswith(tail.casefold())]


def localize(html: str, page_path: str) -> str:
    """Fill in ROOT_MARK for the page at `page_path`."""
    return html.replace(ROOT_MARK, relative_root(page_path)) if ROOT_MARK in html else html
