"""From a note's file to a `Note`: typed front matter plus rendered Markdown.

`parse_note` is pure (bytes and settings in, Note and problems out), so it can run in
worker processes and its result can be cached by the file's hash. Dates a note does
not state are filled in later by the loader, which may ask git or the file system.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from notes_site.dates import DateError, describe, parse_date
from notes_site.errors import Problem, error, warning
from notes_site.frontmatter import FrontMatterError, decode_text, key_line, load_meta, split_front_matter
from notes_site.markdown import MarkdownPipeline
from notes_site.sources import NoteFile, SourceFile
from notes_site.urls import file_stem_for_slug, make_slug
from notes_site.workers import PARSE_CHUNK, PARSE_MIN, map_chunks, worker_count

Category = tuple[str, ...]  # a path from the top-level category down: ("ml", "cv")

KNOWN_KEYS = {
    "title",
    "date",
    "posted",
    "updated",
    "edited",
    "lastmod",
    "categories",
    "category",
    "tags",
    "draft",
    "slug",
    "description",
}


@dataclass(frozen=True)
class ParseSettings:
    """The settings that change how a note parses (part of the cache key)."""

    timezone: str
    unicode_slugs: bool
    auto_excerpt_length: int


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

    @property
    def category(self) -> Category | None:
        return self.categories[0] if self.categories else None


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
            self.warn(
                key,
                f"`{key}` was read as {describe(value)}, not text; it is used as text.",
                f'Quote it to make that explicit: {key}: "{value}"',
            )
            return str(value)
        self.fail(key, f"`{key}` must be text, not {describe(value)}.")
        return None

    def date(self, *keys: str, zone: zoneinfo.ZoneInfo) -> datetime | None:
        key = self.first_key(*keys)
        if key is None:
            return None
        try:
            return parse_date(self.meta[key], zone)
        except DateError as exc:
            self.fail(key, f"`{key}`: {exc}.")
            return None

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
                    self.warn("tags", f"the tag {describe(item)} is not text and was left out.")
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
                self.warn(key, f"the category {describe(item)} is not a name and was left out.")
        return tuple(names)


def parse_note(source: SourceFile, settings: ParseSettings, pipeline: MarkdownPipeline) -> ParsedNote:
    """Read one note; problems name the file and line. A note with errors gives no Note."""
    try:
        text = decode_text(source.data)
        split = split_front_matter(text)
        meta = load_meta(split)
    except FrontMatterError as exc:
        return ParsedNote(None, (error(str(exc), source.path, exc.line, exc.hint),))
    fields = FieldReader(meta, split.meta_text, source.path)
    zone = zoneinfo.ZoneInfo(settings.timezone)
    title = fields.text("title")
    if title is not None and not title.strip():
        fields.warn("title", "the title is empty; the file name is used instead.")
        title = None
    stem = file_stem_for_slug(source.rel)
    slug_text = fields.text("slug")
    slug = make_slug(slug_text or stem, settings.unicode_slugs)
    posted = fields.date("date", "posted", zone=zone)
    edited = fields.date("updated", "edited", "lastmod", zone=zone)
    categories = fields.categories()
    tags = fields.tags()
    draft = fields.flag("draft")
    description = fields.text("description") or ""
    if any(p.severity == "error" for p in fields.problems):
        return ParsedNote(None, tuple(fields.problems))
    rendered = pipeline.render(split.body)
    note = Note(
        source=source.rel,
        path=source.path,
        title=(title or stem).strip(),
        posted=posted,
        edited=edited,
        categories=categories,
        tags=tags,
        draft=draft,
        slug=slug,
        description=description.strip(),
        body_html=rendered.body_html,
        excerpt_html=rendered.excerpt_html,
        has_more=rendered.has_more,
        extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
    )
    return ParsedNote(note, tuple(fields.problems))


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


_pipelines: dict[int, MarkdownPipeline] = {}  # one per process and excerpt setting, built once


def parse_chunk(
    files: list[NoteFile], settings: ParseSettings, progress: Callable[[str, int, int], None] | None = None
) -> list[ParsedNote]:
    pipeline = _pipelines.get(settings.auto_excerpt_length)
    if pipeline is None:
        pipeline = _pipelines[settings.auto_excerpt_length] = MarkdownPipeline(settings.auto_excerpt_length)
    results = []
    for done, file in enumerate(files, start=1):
        try:
            source = file.read()
        except OSError as exc:
            results.append(ParsedNote(None, (error(f"the note cannot be read: {exc.strerror}.", file.path),)))
            continue
        results.append(parse_note(source, settings, pipeline))
        if progress and done % 200 == 0:
            progress("parse", done, len(files))
    return results
