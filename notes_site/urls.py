"""The one place that turns notes, terms and page numbers into URLs and output paths.

Paths here are site-relative: no leading slash, folders end with "/", the home page
is "". Pages link to each other with relative URLs (`relative_root(path) + target`),
so a built site works at a domain root, under a sub-path and from disk alike.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from html import escape as html_escape
from html import unescape as html_unescape
from urllib.parse import quote, unquote

from slugify import slugify

from notes_site.markdown import (
    EMBED_LABEL,
    LINK_CLOSE,
    LINK_OPEN,
    TITLE_LABEL,
    WIKI_CLOSE,
    WIKI_OPEN,
    WIKI_SPLIT,
    heading_id,
)

MARKED_LINK = re.compile(LINK_OPEN + "([^" + LINK_CLOSE + "]*)" + LINK_CLOSE)
MARKED_WIKILINK = re.compile(f"{WIKI_OPEN}([^{WIKI_SPLIT}]*){WIKI_SPLIT}([^{WIKI_CLOSE}]*){WIKI_CLOSE}")
# `![[Note]]` alone in its paragraph: the paragraph gives way to the note's text (a block in a <p> is no HTML).
EMBED_PARAGRAPH = re.compile(
    f"<p>{WIKI_OPEN}([^{WIKI_SPLIT}]*){WIKI_SPLIT}{EMBED_LABEL}([^{WIKI_CLOSE}]*){WIKI_CLOSE}</p>"
)
PERMALINK_TOKEN = re.compile(r":[a-z_]+")
ROOT_MARK = "\ue002"  # stands for "the way back to the site root" until a page is known
# File systems cap a name at 255 bytes; a slug also gets ".html" and must stay readable in a URL.
MAX_SLUG_BYTES = 150
MAX_NAME_BYTES = 240  # one path segment, however the permalink puts slugs and text together


@lru_cache(maxsize=65536)
def make_slug(text: str, unicode_slugs: bool = False) -> str:
    """URL-safe slug; CJK is transliterated (多兴趣召回 → duo-xing-qu-zhao-hui) unless unicode_slugs."""
    slug = slugify(text, allow_unicode=unicode_slugs)
    if not slug:
        return "n-" + digest_of(text)
    return shorten(slug, MAX_SLUG_BYTES, text)  # 80 CJK characters transliterate to 330


def shorten(name: str, limit: int, source: str) -> str:
    """`name` cut to `limit` UTF-8 bytes, ending in a digest of `source` so two long names stay apart."""
    data = name.encode("utf-8")
    if len(data) <= limit:
        return name
    kept = data[: limit - 9].decode("utf-8", "ignore").rstrip("-")
    return f"{kept}-{digest_of(source)}"


def digest_of(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def fit_name(segment: str) -> str:
    """A path segment short enough to be a file or folder name, its extension kept."""
    if len(segment.encode("utf-8")) <= MAX_NAME_BYTES:
        return segment
    stem, dot, extension = segment.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = segment, ""
    suffix = "." + extension if extension else ""
    return shorten(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8")), segment) + suffix


def note_folder(source_rel: str) -> str:
    """Where a note's own files live, which also names it: "a/x.md" → "a/x", a bundle "a/b/index.md" → "a/b"."""
    folder, name = posixpath.split(source_rel)
    stem = name.rsplit(".", 1)[0]
    return folder if stem.lower() in ("index", "_index") and folder else posixpath.join(folder, stem)


def file_stem_for_slug(source_rel: str) -> str:
    """The part of a note's path that names it: the file name, or the folder of an index.md bundle."""
    return note_folder(source_rel).rsplit("/", 1)[-1]


def permalink_path(
    pattern: str, *, slug: str, source_rel: str, posted: datetime, category_slugs: tuple[str, ...], unicode_slugs: bool
) -> str:
    """The site-relative path of a note from the permalink pattern."""
    stem_parts = note_folder(source_rel).split("/")

    def value(token: str) -> str:
        if token == ":slug":
            return slug
        if token == ":title":  # Hexo: the source path under the posts folder, slugged
            folders = "".join(make_slug(part, unicode_slugs) + "/" for part in stem_parts[:-1])
            return folders + slug
        if token == ":name":
            return make_slug(stem_parts[-1], unicode_slugs)
        if token == ":category":  # Hexo: "uncategorized" stands in for none
            return "/".join(category_slugs) or "uncategorized"
        if token == ":categories":  # Jekyll: no categories, no folder
            return "/".join(category_slugs)
        dates = {
            ":year": f"{posted.year:04d}",
            ":month": f"{posted.month:02d}",
            ":day": f"{posted.day:02d}",
            ":i_month": str(posted.month),
            ":i_day": str(posted.day),
            ":hour": f"{posted.hour:02d}",
            ":minute": f"{posted.minute:02d}",
            ":second": f"{posted.second:02d}",
        }
        return dates.get(token, token)

    path = PERMALINK_TOKEN.sub(lambda m: value(m.group(0)), pattern)
    return clean_path("/".join(fit_name(segment) for segment in path.split("/")))


def clean_path(path: str) -> str:
    """Normalise a site-relative path; nothing may climb out of the site.

    Browsers and Windows read "\\" as "/" too, so `..\\x` climbs as surely as `../x`.
    """
    keep_folder = path.endswith("/") or path == ""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in re.split(r"[/\\]", path):
        raise ValueError(f"the path {path!r} climbs out of the site")
    joined = "/".join(parts)
    return joined + "/" if joined and (keep_folder or "." not in parts[-1]) else joined


def output_file(path: str) -> str:
    """The file that serves a site-relative path: folders get index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def listing_path(base: str, page_number: int) -> str:
    """Page N of a paginated listing: "", "page/2/", "tags/cv/", "tags/cv/page/2/"."""
    return base if page_number == 1 else f"{base}page/{page_number}/"


def category_path(slugs: tuple[str, ...]) -> str:
    return "categories/" + "".join(s + "/" for s in slugs)


def tag_path(slug: str) -> str:
    return f"tags/{slug}/"


def bib_path(note_path: str) -> str:
    """The note's cite.bib sits beside its page: "2021/03/01/clip/cite.bib"; "notes/clip.html" gets "notes/clip.bib"."""
    if note_path == "" or note_path.endswith("/"):
        return note_path + "cite.bib"
    return note_path.rsplit(".", 1)[0] + ".bib" if "." in note_path.rsplit("/", 1)[-1] else note_path + ".bib"


def relative_root(path: str) -> str:
    """From the page at `path` back to the site root: "./", "../", "../../"…"""
    depth = path.count("/")
    return "../" * depth if depth else "./"


def href(path: str) -> str:
    """A site-relative path made safe to put in an href (CJK, spaces, `#`, `?` and `%` percent-encoded).

    A path is a file's name, not a URL: `a#b.png` and `100%.png` are files, not fragments or escapes.
    """
    return quote(path, safe="/&=:@!$'()*+,;~-._")


def url_folder(path: str) -> str:
    """The folder that relative URLs on the page at `path` start from ("a/b/" → "a/b/", "a/c.html" → "a/")."""
    return path.rsplit("/", 1)[0] + "/" if "/" in path else ""


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
            return suffix if page_path == note_path else root + href(note_path) + suffix
        site_path = link_site_path(unquote(target), source_dir, note_folder, targets, names)
        return url if site_path is None else root + href(site_path) + suffix

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


def link_site_path(
    path: str, source_dir: str, note_folder: str, targets: dict[str, str], names: FileNames | None = None
) -> str | None:
    """The site path a relative link leads to (None when it climbs out of the site).

    Relative to the Markdown file first (a link to `../vit.md` or `fig.png` as an editor
    previews it), else relative to the note's page (Hexo style). When that names no note
    or file of the site either, the ways Obsidian writes links come last (with `names`):
    the path from the content folder (`assets/fig.png`), then the one file anywhere with
    that name (`fig.png`). Coming last, they never move a link that resolved before.
    """
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
