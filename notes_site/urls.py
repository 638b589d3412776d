"""The one place that turns notes, terms and page numbers into URLs and output paths.

Paths here are site-relative: no leading slash, folders end with "/", the home page
is "". Pages link to each other with relative URLs (`relative_root(path) + target`),
so a built site works at a domain root, under a sub-path and from disk alike.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from slugify import slugify

PERMALINK_TOKEN = re.compile(r":[a-z_]+")
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


MAX_DEPTH = 32  # folders in a note's own address
MAX_PATH_BYTES = 1024  # far below PATH_MAX (4096), leaving room for where the output folder is
DRIVE = re.compile(r"^/*[A-Za-z]:")


def address_problem(address: str) -> str | None:
    """Why a note's own address (`permalink`, `aliases`) cannot be a file of the output, or None."""
    if any(ord(c) < 32 or ord(c) == 127 for c in address):
        return "it contains a control character"
    if "\\" in address:
        return "it contains a backslash, which browsers and Windows read as a folder separator"
    if DRIVE.match(address):
        return "it starts with a drive letter"
    segments = [segment for segment in address.split("/") if segment not in ("", ".", "..")]
    if any(segment.startswith(".") for segment in segments):
        return "a part of it starts with a dot: a hidden file (.htaccess) that web servers treat specially"
    if len(segments) > MAX_DEPTH:
        return f"it is {len(segments)} folders deep, more than the {MAX_DEPTH} notes-site writes"
    if any(len(segment.encode("utf-8")) > MAX_NAME_BYTES for segment in segments):
        return f"a part of it is longer than the {MAX_NAME_BYTES} bytes a file name can hold"
    if len(address.encode("utf-8")) > MAX_PATH_BYTES:
        return f"it is longer than the {MAX_PATH_BYTES} bytes notes-site writes"
    return None


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
