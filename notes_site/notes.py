"""From a note's file to a `Note`: typed front matter plus rendered Markdown.

`parse_note` is pure (bytes and settings in, Note and problems out), so it can run in
worker processes and its result can be cached by the file's hash. Dates a note does
not state are filled in later by the loader, which may ask git or the file system.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from notes_site.config import PERMALINK_TOKENS, SiteConfig
from notes_site.dates import DateError, describe, parse_date
from notes_site.errors import Problem, error, warning
from notes_site.frontmatter import (
    FrontMatterError,
    SplitText,
    check_text_file,
    decode_text,
    duplicate_keys,
    key_line,
    load_meta,
    misplaced_front_matter,
    split_front_matter,
)
from notes_site.markdown import Heading, LinkRef, MarkdownPipeline, WikiRef
from notes_site.papers import Paper, read_paper
from notes_site.sources import NoteFile, SourceFile
from notes_site.urls import clean_path, file_stem_for_slug, make_slug
from notes_site.workers import PARSE_CHUNK, PARSE_MIN, map_chunks, worker_count

Category = tuple[str, ...]  # a path from the top-level category down: ("ml", "cv")


@dataclass(frozen=True)
class Redirect:
    """An old address of the note (`aliases: [/2019/old/]`, `redirect_from:`): a page there leads to it."""

    path: str  # site-relative, as a page path: "2019/old/" or "old.html"
    line: int | None


KNOWN_KEYS = {
    "title",
    "date",
    "posted",
    "updated",
    "edited",
    "lastmod",
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
}
MAX_NOTE_BYTES = 20 * 1024 * 1024  # Markdown takes about 1.3 s per MB: a bigger note is data, not a note


@dataclass(frozen=True)
class ParseSettings:
    """The settings that change how a note parses (part of the cache key)."""

    timezone: str
    unicode_slugs: bool
    auto_excerpt_length: int
    math: str = "mathml"
    search: str = "text"  # what plain text notes keep for the search index: "", "text" or "code"
    excerpt_separator: str = ""


def parse_settings(config: SiteConfig) -> ParseSettings:
    search = "" if not config.search.enabled else "code" if config.search.index_code else "text"
    return ParseSettings(
        config.timezone,
        config.unicode_slugs,
        config.excerpt.auto_length,
        config.math,
        search,
        config.excerpt.separator,
    )


@dataclass(frozen=True)
class Note:
    source: str  # content-relative POSIX path, e.g. "posts/clip.md"
    path: Path  # absolute path of the file, for messages
    title: str
    posted: datetime | None
    edited: datetime | None
    categories: tuple[Category, ...]
    tags: tuple[str, ...]
    draft: bool
    slug: str
    description: str
    body_html: str
    excerpt_html: str
    has_more: bool
    extra: dict[str, Any] = field(default_factory=dict)
    paper: Paper | None = None
    wikilinks: tuple[WikiRef, ...] = ()  # lines count from the top of the file
    links: tuple[LinkRef, ...] = ()
    headings: tuple[Heading, ...] = ()
    words: int = 0
    search_text: str = ""  # plain text for the search index
    aliases: tuple[str, ...] = ()  # other names of the note, for wikilinks (Obsidian's `aliases`)
    permalink: str = ""  # the note's own address (`permalink:`, Hugo's `url:`), instead of the site's pattern
    redirects: tuple[Redirect, ...] = ()

    @property
    def category(self) -> Category | None:
        return self.categories[0] if self.categories else None

    def link_targets(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Where the note's links lead, without their lines: what other notes' pages depend on."""
        return tuple(w.target for w in self.wikilinks), tuple(link.url for link in self.links)


@dataclass(frozen=True)
class ParsedNote:
    note: Note | None  # None when the note has errors
    problems: tuple[Problem, ...]


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

    def date(self, *keys: str, zone: zoneinfo.ZoneInfo) -> datetime | None:
        key = self.first_key(*keys)
        if key is None:
            return None
        try:
            return parse_date(self.meta[key], zone)
        except DateError as exc:
            self.fail(key, f"`{key}`: {exc}.")
        except (ValueError, OverflowError) as exc:  # the date parser's own checks missed it
            self.fail(key, f"`{key}`: {describe(self.meta[key])} is not a date notes-site can use ({exc}).")
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
                    if path is None:
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
        return address

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
        return tuple(names)


def parse_note(source: SourceFile, settings: ParseSettings, pipeline: MarkdownPipeline) -> ParsedNote:
    """Read one note; problems name the file and line. A note with errors gives no Note."""
    if len(source.data) > MAX_NOTE_BYTES:
        return ParsedNote(None, (too_big(len(source.data), source.path),))
    try:
        check_text_file(source.data)
        text = decode_text(source.data)
        split = split_front_matter(text)
        meta = load_meta(split)
    except FrontMatterError as exc:
        return ParsedNote(None, (error(str(exc), source.path, exc.line, exc.hint),))
    if not text.strip():
        return ParsedNote(
            None, (warning("the note is empty, so it has no page.", source.path, None, "Write in it, or delete it."),)
        )
    meta = with_zola_tables(meta)
    fields = FieldReader(meta, split.meta_text, source.path)
    check_keys(fields, split)
    misplaced = misplaced_front_matter(text) if not split.meta_format else None
    if misplaced:
        fields.problems.append(
            warning(
                f"the front matter starts on line {misplaced}, not line 1, so it is shown as text in the note.",
                source.path,
                misplaced,
                "Delete the blank lines above it.",
            )
        )
    zone = zoneinfo.ZoneInfo(settings.timezone)
    stem = readable_stem(source, fields)
    title = fields.text("title")
    written_title = meta.get("title")
    if "title" in meta and (written_title is None or (isinstance(written_title, str) and not written_title.strip())):
        fields.warn("title", f"the title is empty; the note is titled `{stem}` after its file name.", "Write a title.")
        title = None
    body = split.body
    heading = first_heading(body)
    if heading is not None and (title is None and "title" not in meta or same_name(heading[1], title or "")):
        # Obsidian and plain Markdown notes name themselves in a first `# Heading`: shown once, as the title.
        title, end = title or heading[1], body.find("\n", heading[0])
        body = body[: heading[0]] + (body[end:] if end >= 0 else "")  # its line stays, empty: lines keep numbers
    slug_text = fields.text("slug")
    slug = make_slug(slug_text or without_date_prefix(stem), settings.unicode_slugs)
    posted = fields.date("date", "posted", zone=zone) or date_in_file_name(stem, zone)
    edited = fields.date("updated", "edited", "lastmod", "last_modified_at", zone=zone)
    categories = fields.categories()
    tags = fields.tags()
    draft = fields.flag("draft")
    description = fields.text("description") or ""
    summary = fields.text("summary") or ""  # Hugo's hand-written summary, in Markdown
    aliases, redirects = fields.aliases_and_redirects()
    permalink = fields.permalink()
    paper = None
    if "paper" in meta:
        paper, paper_problems = read_paper(meta["paper"], split.meta_text, source.path, (title or stem).strip())
        fields.problems.extend(paper_problems)
    if any(p.severity == "error" for p in fields.problems):
        return ParsedNote(None, tuple(fields.problems))
    separator = fields.text("excerpt_separator") or settings.excerpt_separator
    rendered = pipeline.render(with_more_marker(body, separator) if separator else body)
    offset = split.body_line - 1  # lines in the rendered Markdown count from the body's first line
    for found in rendered.markup_warnings:
        fields.problems.append(warning(found.message, source.path, found.line + offset, found.hint))
    for failure in rendered.formula_failures:
        fields.problems.append(
            warning(
                f"the formula `{shorten_tex(failure.tex)}` could not be typeset ({failure.reason}); "
                "it is shown as TeX source.",
                source.path,
                failure.line + offset if failure.line else None,
                "Check the formula, or set `math: katex` to typeset formulas in the browser instead.",
            )
        )
    excerpt_html, has_more = rendered.excerpt_html, rendered.has_more
    if not has_more and (summary.strip() or description.strip()):
        # NexT shows `description` (Hugo: `summary`) as the excerpt of a note without a more marker.
        if summary.strip():
            excerpt_html = pipeline.render(summary).body_html
        else:
            excerpt_html = f"<p>{escape(description.strip())}</p>\n"
        has_more = True
    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    if isinstance(meta.get("extra"), dict):  # Zola keeps theme settings in an [extra] table
        extra = {**meta["extra"], **extra}
    note = Note(
        source=source.rel,
        path=source.path,
        title=(title or stem).strip(),
        posted=posted,
        edited=edited,
        categories=categories,
        tags=tuple(dict.fromkeys(tags + rendered.inline_tags)),  # Obsidian's #tags in the text count too
        draft=draft,
        slug=slug,
        description=description.strip(),
        body_html=rendered.body_html,
        excerpt_html=excerpt_html,
        has_more=has_more,
        extra=extra,
        paper=paper,
        wikilinks=tuple(replace(w, line=w.line + offset) for w in rendered.wikilinks),
        links=tuple(replace(link, line=link.line + offset) for link in rendered.links),
        headings=rendered.headings,
        words=rendered.words,
        search_text=rendered.search_text,
        aliases=aliases,
        redirects=redirects,
        permalink=permalink,
    )
    return ParsedNote(note, tuple(fields.problems))


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


FIRST_HEADING = re.compile(r"\A(?:[ \t]*\n)*(# +(.+?)(?: +#+)?[ \t]*)$", re.M)


def first_heading(body: str) -> tuple[int, str] | None:
    """(where it starts, its text) when the body opens with a `# Heading` (blank lines before it allowed)."""
    match = FIRST_HEADING.match(body)
    return (match.start(1), match.group(2).strip()) if match else None


def same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def with_more_marker(body: str, separator: str) -> str:
    """Jekyll's `excerpt_separator`: its first occurrence becomes `<!-- more -->`, lines kept in place.

    A blank-line separator (Jekyll's default, "\n\n") ends the excerpt after the first
    paragraph; an HTML comment may interrupt a paragraph, so no line is added.
    """
    if separator.strip() == "":
        start = len(body) - len(body.lstrip("\n"))
        at = body.find("\n\n", start)
        return body if at < 0 else body[:at] + "\n<!-- more -->\n" + body[at + 2 :]
    return body.replace(separator, "<!-- more -->", 1)


def without_date_prefix(stem: str) -> str:
    """`2024-05-22-clip` → `clip`: the date is the note's, not part of its name (Jekyll, Hexo's new_post_name)."""
    return stem[11:] if date_in_file_name(stem, zoneinfo.ZoneInfo("UTC")) else stem


def shorten_tex(tex: str, limit: int = 60) -> str:
    flat = " ".join(tex.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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


def too_big(size: int, path: Path) -> Problem:
    return error(
        f"the note is {size / 1024 / 1024:.1f} MB, more than the {MAX_NOTE_BYTES // 1024 // 1024} MB "
        "notes-site reads, so it has no page.",
        path,
        None,
        "Split it into smaller notes, or move its data into a file beside it and link to that.",
    )


def scalar_kind(value: object) -> str:
    return "a yes/no value" if isinstance(value, bool) else f"the number {value}"


def what(value: object) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty"
    return describe(value)


def parse_notes(
    files: list[NoteFile], settings: ParseSettings, progress: Callable[[str, int, int], None] | None = None
) -> list[ParsedNote]:
    """Read and parse notes, on all cores when there are enough to pay for the processes."""
    if len(files) < PARSE_MIN or worker_count() < 2:
        return parse_chunk(files, settings, progress)
    results: list[ParsedNote] = []
    for chunk_results in map_chunks(parse_chunk, files, PARSE_CHUNK, settings):
        results.extend(chunk_results)
        if progress:
            progress("parse", len(results), len(files))
    return results


_pipelines: dict[tuple[int, str, str], MarkdownPipeline] = {}  # one per process and settings, built once


def parse_chunk(
    files: list[NoteFile], settings: ParseSettings, progress: Callable[[str, int, int], None] | None = None
) -> list[ParsedNote]:
    key = (settings.auto_excerpt_length, settings.math, settings.search)
    pipeline = _pipelines.get(key)
    if pipeline is None:
        pipeline = _pipelines[key] = MarkdownPipeline(settings.auto_excerpt_length, settings.math, settings.search)
    results = []
    for done, file in enumerate(files, start=1):
        results.append(parse_file(file, settings, pipeline))
        if progress and done % 200 == 0:
            progress("parse", done, len(files))
    return results


def parse_file(file: NoteFile, settings: ParseSettings, pipeline: MarkdownPipeline) -> ParsedNote:
    """parse_note for a file on disk: whatever goes wrong becomes a problem naming the file."""
    if file.size > MAX_NOTE_BYTES:
        return ParsedNote(None, (too_big(file.size, file.path),))  # not even read
    try:
        source = file.read()
    except OSError as exc:
        return ParsedNote(
            None,
            (
                error(
                    f"the note cannot be read ({exc.strerror or exc}).",
                    file.path,
                    None,
                    "Check that the file exists and that you may read it.",
                ),
            ),
        )
    try:
        return parse_note(source, settings, pipeline)
    except Exception as exc:  # a bug, not the note's fault; the other notes still build
        return ParsedNote(
            None,
            (
                error(
                    f"notes-site failed to read this note ({type(exc).__name__}: {exc}).",
                    file.path,
                    None,
                    "This is a bug in notes-site: please report it with the note attached. The other notes were built.",
                ),
            ),
        )
