"""Typed front-matter fields: each known key read into its type, each bad value a problem with its line.

Known keys become typed values; anything else stays in `extra` for themes; a key that
looks like a misspelt known key gets a "did you mean" (Zola's typed front matter).
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from notes_site.config import PERMALINK_TOKENS
from notes_site.content.dates import DateError, describe, parse_date
from notes_site.content.sources import SourceFile
from notes_site.errors import Problem, error, warning
from notes_site.frontmatter import (
    SplitText,
    duplicate_keys,
    key_line,
)
from notes_site.urls import PERMALINK_TOKEN, address_problem, clean_path, file_stem_for_slug

Category = tuple[str, ...]  # a path from the top-level category down: ("ml", "cv")
MAX_CATEGORY_DEPTH = 16  # each level is a folder and a nested list on every category page


@dataclass(frozen=True)
class Redirect:
    """An old address of the note (`aliases: [/2019/old/]`, `redirect_from:`): a page there leads to it."""

    path: str  # site-relative, as a page path: "2019/old/" or "old.html"
    line: int | None


# Where a note's dates are read from, first match wins. The posted date follows Hugo's
# default order (date, publishDate, pubdate, published, lastmod, modified), with
# notes-site's own `posted` beside `date`; a Jekyll file name's date comes before
# `lastmod` (see content/notes.py), since Hugo does not read names.
POSTED_KEYS = ("date", "posted", "publishDate", "publishdate", "pubdate", "published")
LATE_POSTED_KEYS = ("lastmod", "modified")
EDITED_KEYS = ("updated", "edited", "lastmod", "modified", "last_modified_at")

KNOWN_KEYS = {
    "title",
    "date",
    "posted",
    "publishDate",
    "publishdate",
    "pubdate",
    "published",
    "updated",
    "edited",
    "lastmod",
    "modified",
    "last_modified_at",
    "categories",
    "category",
    "tags",
    "draft",
    "slug",
    "description",
    "summary",
    "paper",
    "aliases",
    "redirect_from",
    "permalink",
    "url",
    "excerpt_separator",
    "layout",
}


class FieldReader:
    """Reads typed fields out of front matter, collecting a problem per bad value."""

    def __init__(self, meta: dict[str, Any], meta_text: str, path: Path) -> None:
        self.meta = meta
        self.meta_text = meta_text
        self.path = path
        self.problems: list[Problem] = []

    def line(self, key: str) -> int | None:
        return key_line(self.meta_text, key, first_line=2)

    def warn(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(warning(message, self.path, self.line(key), hint))

    def fail(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(error(message, self.path, self.line(key), hint))

    def without_control_characters(self) -> dict[str, Any]:
        """The front matter with control characters (NUL, BEL, ESC…) taken out of every text.

        They would reach the HTML, the feeds (where XML forbids them) and BibTeX as they are.
        Addresses keep them: an address with one is that note's error (content/fields.py).
        """
        for key, value in self.meta.items():
            if key in ADDRESS_KEYS:
                continue
            found: set[str] = set()
            cleaned = strip_controls(value, found)
            if found:
                self.meta = {**self.meta, key: cleaned}
                names = ", ".join(f"U+{ord(c):04X}" for c in sorted(found))
                self.warn(
                    key,
                    f"`{key}` contains control characters ({names}), which cannot be shown; they were removed.",
                    "Delete the escapes (such as \\a, \\e or \\0) from the value.",
                )
        return self.meta

    def first_key(self, *keys: str) -> str | None:
        return next((k for k in keys if self.meta.get(k) is not None), None)

    def text(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float, bool)):
            written = self.written(key)
            self.warn(
                key,
                f"`{key}` was read as {scalar_kind(value)}, not text; it is used as the text `{written}`.",
                f'Quote it to make that explicit: {key}: "{written}"',
            )
            return written
        example = ", ".join(str(item) for item in value) if isinstance(value, list) else "…"
        self.fail(
            key, f"`{key}` must be text, not {describe(value)}.", f'Write it as one piece of text: {key}: "{example}"'
        )
        return None

    def written(self, key: str) -> str:
        """The value of a one-line YAML `key: value` as typed (`yes` stays `yes`, `1.10` stays `1.10`)."""
        value = self.meta[key]
        lines = re.findall(rf"^{re.escape(key)}[ \t]*:[ \t]*(.*?)[ \t]*(?:[ \t]#.*)?$", self.meta_text, re.MULTILINE)
        if lines and lines[-1] and lines[-1][0] not in "[{&*!|>'\"":
            return lines[-1]
        return str(value).lower() if isinstance(value, bool) else str(value)

    def date(self, *keys: str, zone: zoneinfo.ZoneInfo, quiet: bool = False) -> datetime | None:
        """The first of `keys` that holds a date. A value that is not one is warned about and
        passed over, so the note is dated as if it were missing, as Hexo did: a post the old
        site published is never dropped for it (`--strict` makes the warning fail the build)."""
        for key in keys:
            value = self.meta.get(key)
            if value is None or isinstance(value, bool):  # Jekyll's `published: false` is not a date
                continue
            try:
                return parse_date(value, zone)
            except DateError as exc:
                reason = str(exc)
            except (ValueError, OverflowError) as exc:  # the date parser's own checks missed it
                reason = f"{describe(value)} is not a date notes-site can use ({exc})"
            if quiet:  # already reported by another read of the same key
                continue
            self.warn(
                key,
                f"`{key}`: {reason}; the note is dated as if it had no `{key}`.",
                f"Write a real date, like {key}: 2024-05-22 10:30:00, to fix the note's place in the site.",
            )
        return None

    def names(self, key: str) -> tuple[str, ...]:
        """A list of short texts (or one text): `aliases: [CLIP, 对比学习]`."""
        value = self.meta.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        names = []
        for item in items:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                names.append(str(item).strip())
            else:
                self.warn(key, f"one of the `{key}` is {what(item)}, not a name or an address; it was left out.")
        return tuple(dict.fromkeys(names))

    def aliases_and_redirects(self) -> tuple[tuple[str, ...], tuple[Redirect, ...]]:
        """Hugo's `aliases` are old addresses (they start with /), Obsidian's are other names.

        Jekyll's `redirect_from` holds addresses only. An address on another host cannot be
        served by this site, so it is reported instead.
        """
        names, redirects = [], []
        for key in ("aliases", "redirect_from"):
            for value in self.names(key):
                if "://" in value:
                    self.warn(
                        key,
                        f"`{value}` is on another host; a redirect can only be written at an address of this site.",
                        "Write the path alone: /2019/05/old-name/",
                    )
                elif value.startswith("/") or key == "redirect_from" or value.endswith((".html", ".htm")):
                    path = redirect_path(value)
                    problem = address_problem(unquote(value))
                    if problem:
                        self.fail(key, unusable_address(key, value, problem), "Write an address like /2019/05/old/.")
                    elif path is None:
                        self.warn(key, f"`{value}` is not an address a page can be written at.", "Write /old/path/.")
                    else:
                        redirects.append(Redirect(path, self.line(key)))
                else:
                    names.append(value)
        return tuple(names), tuple(redirects)

    def permalink(self) -> str:
        """The note's own address: `/papers/clip/`, `/clip.html`, or a pattern with the site's tokens."""
        key = self.first_key("permalink", "url")
        address = (self.text(key) or "").strip() if key else ""
        if not address:
            return ""
        if "://" in address:
            self.warn(key, f"`{key}: {address}` is on another host, so the note keeps the site's pattern.")
            return ""
        unknown = [token for token in re.findall(r":[a-z_]+", address) if token not in PERMALINK_TOKENS]
        if unknown or ".." in address.split("/"):
            problem = f"the token {unknown[0]} is unknown" if unknown else "it climbs out of the site"
            self.warn(
                key,
                f"`{key}: {address}` cannot be used ({problem}), so the note keeps the site's pattern.",
                f"Known tokens: {' '.join(PERMALINK_TOKENS)}.",
            )
            return ""
        problem = address_problem(PERMALINK_TOKEN.sub("x", address))
        if problem:
            self.fail(key, unusable_address(key, address, problem), "Write an address like /papers/clip/.")
            return ""
        return address

    def standalone(self) -> bool:
        """`layout: page` (Hexo's and Jekyll's spelling) makes a standalone page; other layouts are a note's.

        Other values (`post`, `default`, a theme's own layout) name layouts of the generator the
        file came from, so they are accepted without a word.
        """
        value = self.meta.get("layout")
        if value is None or isinstance(value, str):
            return (value or "").strip().lower() == "page"
        self.warn(
            "layout", f"`layout` must be text, not {describe(value)}; the file is read as a note.", "Write layout: page"
        )
        return False

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if isinstance(value, bool) or value is None:
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
            return value.strip().lower() in ("true", "yes")
        self.fail(key, f"`{key}` must be true or false, not {describe(value)}.")
        return False

    def tags(self) -> tuple[str, ...]:
        value = self.meta.get("tags")
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.warn(
                "tags",
                f"`tags` should be a list; read {describe(value)} as one tag.",
                f'Write it as a list: tags: ["{value}"]',
            )
            return (str(value),)
        if isinstance(value, list):
            tags = []
            for item in value:
                if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                    if str(item).strip():
                        tags.append(str(item).strip())
                else:
                    self.warn("tags", f"one of the tags is {what(item)}, not a word; it was left out.")
            return tuple(dict.fromkeys(tags))
        self.fail("tags", f"`tags` must be a list of words, not {describe(value)}.")
        return ()

    def categories(self) -> tuple[Category, ...]:
        """Hexo's rules: a string; a list is one path (a › b); a list of lists is several paths."""
        key = self.first_key("categories", "category")
        if key is None:
            return ()
        value = self.meta[key]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return ((str(value).strip(),),) if str(value).strip() else ()
        if not isinstance(value, list):
            self.fail(key, f"`{key}` must be a name or a list, not {describe(value)}.")
            return ()
        if not any(isinstance(item, list) for item in value):
            path = self.category_path(key, value)
            return (path,) if path else ()
        paths = []
        for item in value:
            path = self.category_path(key, item if isinstance(item, list) else [item])
            if path and path not in paths:
                paths.append(path)
        return tuple(paths)

    def category_path(self, key: str, items: list[Any]) -> Category:
        names = []
        for item in items:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                names.append(str(item).strip())
            else:
                self.warn(key, f"one of the categories is {what(item)}, not a name; it was left out.")
        if len(names) > MAX_CATEGORY_DEPTH:
            self.fail(
                key,
                f"the category path is {len(names)} names deep, more than the {MAX_CATEGORY_DEPTH} notes-site "
                "shows; the note was left out.",
                "A list in `categories` is one path from the top down: [ml, cv]. "
                "For several categories write a list of lists: [[ml], [cv]].",
            )
            return ()
        return tuple(names)


ADDRESS_KEYS = ("permalink", "url", "aliases", "redirect_from")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and newlines are text


def strip_controls(value: Any, found: set[str]) -> Any:
    """`value` with control characters removed from every string in it; what was removed goes in `found`."""
    if isinstance(value, str):
        found.update(CONTROL.findall(value))
        return CONTROL.sub("", value)
    if isinstance(value, list):
        return [strip_controls(item, found) for item in value]
    if isinstance(value, dict):
        return {strip_controls(k, found): strip_controls(v, found) for k, v in value.items()}
    return value


def unusable_address(key: str, address: str, problem: str) -> str:
    shown = address if len(address) <= 80 else address[:77] + "…"
    return f"`{key}`: the address {shown!r} cannot be written ({problem}); the note was left out."


def redirect_path(address: str) -> str | None:
    """`/2019/05/old/` → "2019/05/old/"; `/old.html` stays a file; `/old` is a folder, as servers serve it."""
    path = address.split("#", 1)[0].split("?", 1)[0].strip()
    try:
        cleaned = clean_path(unquote(path))
    except ValueError:
        return None
    return cleaned or None


DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-.")


def date_in_file_name(stem: str, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """Jekyll names posts `2024-05-22-clip.md`: without a `date`, the note is dated by its name."""
    match = DATED_NAME.match(stem)
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=zone)
    except ValueError:  # 2024-02-30-x.md: not a date after all
        return None


def check_keys(fields: FieldReader, split: SplitText) -> None:
    """Warn about keys written twice (the last one wins) and unknown keys that look like typos."""
    for key, first, again in duplicate_keys(split.meta_text) if split.meta_format == "yaml" else ():
        fields.problems.append(
            warning(
                f"the key `{key}` is written twice (lines {first} and {again}); the value on line {again} is used.",
                fields.path,
                again,
                "Delete the one you do not mean.",
            )
        )
    for key in fields.meta:
        if not isinstance(key, str) or key in KNOWN_KEYS:
            continue
        meant = known_key_like(key)
        if meant and meant not in fields.meta:
            fields.warn(
                key,
                f"`{key}` is not a key notes-site knows, so it only reaches the theme (as `extra.{key}`).",
                f"Did you mean `{meant}`?",
            )


@lru_cache(maxsize=1024)  # the same few keys come back in every note
def known_key_like(key: str) -> str | None:
    close = difflib.get_close_matches(key.lower(), sorted(KNOWN_KEYS), n=1, cutoff=0.8)
    return close[0] if close else None


def with_zola_tables(meta: dict[str, Any]) -> dict[str, Any]:
    """Zola writes tags and categories in a [taxonomies] table: read them like top-level keys."""
    taxonomies = meta.get("taxonomies")
    if not isinstance(taxonomies, dict):
        return meta
    found = {key: taxonomies[key] for key in ("tags", "categories") if key in taxonomies and key not in meta}
    return {**meta, **found} if found else meta


def readable_stem(source: SourceFile, fields: FieldReader) -> str:
    """The file's name for titles and slugs; a name that is not UTF-8 is shown with � and reported."""
    stem = file_stem_for_slug(source.rel)
    try:
        stem.encode("utf-8")
    except UnicodeEncodeError:
        stem = stem.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        fields.problems.append(
            warning(
                f"the file name is not valid UTF-8; it is read as `{stem}`.",
                fields.path,
                None,
                "Rename the file with your file manager.",
            )
        )
    return stem


def scalar_kind(value: object) -> str:
    return "a yes/no value" if isinstance(value, bool) else f"the number {value}"


def what(value: object) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty"
    return describe(value)
