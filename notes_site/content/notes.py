"""From a note's file to a `Note`: typed front matter plus rendered Markdown.

`parse_note` is pure (bytes and settings in, Note and problems out), so it can run in
worker processes and its result can be cached by the file's hash. Dates a note does
not state are filled in later by the loader, which may ask git or the file system.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from notes_site.config import SiteConfig
from notes_site.content.fields import (
    CONTROL,
    EDITED_KEYS,
    KNOWN_KEYS,
    LATE_POSTED_KEYS,
    POSTED_KEYS,
    Category,
    FieldReader,
    Redirect,
    check_keys,
    date_in_file_name,
    readable_stem,
    with_zola_tables,
)
from notes_site.content.papers import Paper, read_paper
from notes_site.content.sources import NoteFile, SourceFile, file_times
from notes_site.errors import Problem, error, warning
from notes_site.frontmatter import (
    FrontMatterError,
    check_text_file,
    decode_text,
    load_meta,
    misplaced_front_matter,
    near_miss_fence,
    split_front_matter,
)
from notes_site.markup.math import math_characters
from notes_site.markup.pipeline import MarkdownPipeline
from notes_site.markup.tokens import Heading, LinkRef, WikiRef
from notes_site.urls import make_slug
from notes_site.workers import PARSE_CHUNK, PARSE_MIN, map_chunks, worker_count

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
    math_macros: tuple[tuple[str, str], ...] = ()
    double_dollar_in_text: str = "display"


def parse_settings(config: SiteConfig) -> ParseSettings:
    search = "" if not config.search.enabled else "code" if config.search.index_code else "text"
    return ParseSettings(
        config.timezone,
        config.unicode_slugs,
        config.excerpt.auto_length,
        config.math,
        search,
        config.excerpt.separator,
        config.math_macros,
        config.math_double_dollar_in_text,
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
    standalone: bool = False  # `layout: page`: a page of its own, not one of the notes
    math_characters: str = ""  # what its formulas show, sorted: the site's math font holds these (math_font.py)

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
    meta = fields.without_control_characters()
    check_keys(fields, split)
    misplaced = misplaced_front_matter(text) if not split.meta_format else None
    near_miss = near_miss_fence(text) if not split.meta_format else None
    if near_miss:
        fields.problems.append(
            warning(
                f"the first line {near_miss}, so it does not open front matter, and the settings below it "
                "are shown as text in the note.",
                source.path,
                1,
                "Make the first line and the closing line exactly `---` (three hyphens, nothing else).",
            )
        )
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
    control = CONTROL.search(body)
    if control:
        names = ", ".join(f"U+{ord(c):04X}" for c in sorted(set(CONTROL.findall(body))))
        fields.problems.append(
            warning(
                f"the text contains control characters ({names}), which cannot be shown; they were removed.",
                source.path,
                split.body_line + body.count("\n", 0, control.start()),
                "Delete them: an editor that shows invisible characters finds them.",
            )
        )
        body = CONTROL.sub("", body)
    heading = first_heading(body)
    if heading is not None and (title is None and "title" not in meta or same_name(heading[1], title or "")):
        # Obsidian and plain Markdown notes name themselves in a first `# Heading`: shown once, as the title.
        title, end = title or heading[1], body.find("\n", heading[0])
        body = body[: heading[0]] + (body[end:] if end >= 0 else "")  # its line stays, empty: lines keep numbers
    slug_text = fields.text("slug")
    slug = make_slug(slug_text or without_date_prefix(stem), settings.unicode_slugs)
    edited = fields.date(*EDITED_KEYS, zone=zone)
    posted = (
        fields.date(*POSTED_KEYS, zone=zone)
        or date_in_file_name(stem, zone)
        or fields.date(*LATE_POSTED_KEYS, zone=zone, quiet=True)  # Hugo dates a page by `lastmod` last
    )
    if edited and posted and edited.astimezone(zone).date() < posted.astimezone(zone).date():
        key = fields.first_key(*EDITED_KEYS)
        fields.warn(
            key,
            f"`{key}` ({edited:%Y-%m-%d}) is earlier than the date the note was posted ({posted:%Y-%m-%d}); "
            "it is shown as written.",
            f"Check the year of `{key}`, or remove it if the note was not edited after it was posted.",
        )
    categories = fields.categories()
    tags = fields.tags()
    draft = fields.flag("draft")
    standalone = fields.standalone()
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
        standalone=standalone,
        math_characters=math_characters(rendered.body_html + excerpt_html),
    )
    return ParsedNote(note, tuple(fields.problems))


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


def too_big(size: int, path: Path) -> Problem:
    return error(
        f"the note is {size / 1024 / 1024:.1f} MB, more than the {MAX_NOTE_BYTES // 1024 // 1024} MB "
        "notes-site reads, so it has no page.",
        path,
        None,
        "Split it into smaller notes, or move its data into a file beside it and link to that.",
    )


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


_pipelines: dict[tuple, MarkdownPipeline] = {}  # one per process and settings, built once


def pipeline_for(settings: ParseSettings) -> MarkdownPipeline:
    """The Markdown pipeline for these settings; building one compiles markdown-it's rules, so it is kept."""
    key = (
        settings.auto_excerpt_length,
        settings.math,
        settings.search,
        settings.math_macros,
        settings.double_dollar_in_text,
    )
    if key not in _pipelines:
        _pipelines[key] = MarkdownPipeline(
            settings.auto_excerpt_length,
            settings.math,
            settings.search,
            settings.math_macros,
            double_dollar_in_text=settings.double_dollar_in_text,
        )
    return _pipelines[key]


def parse_chunk(
    files: list[NoteFile], settings: ParseSettings, progress: Callable[[str, int, int], None] | None = None
) -> list[ParsedNote]:
    pipeline = pipeline_for(settings)
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


def fill_missing_dates(notes: list[Note], site_root: Path, problems: list[Problem]) -> list[Note]:
    """A missing `date` is the day the file was first committed (else its file time), with a
    warning; a missing `updated` its last commit (or file time).

    A standalone page keeps the dates it states and no others: it has no place in time.
    """
    missing = [note for note in notes if (note.posted is None or note.edited is None) and not note.standalone]
    if not missing:
        return notes
    times = file_times(site_root, [note.path for note in missing])
    filled = {}
    for note in missing:
        stamp = times[note.path]
        if note.posted is None:
            where = "the day its file was first committed" if stamp.first_from == "git" else "its file's time"
            problems.append(
                warning(
                    f"the note has no `date`; it is dated by {where} ({stamp.first:%Y-%m-%d}).",
                    note.path,
                    None,
                    "Add `date: YYYY-MM-DD` to its front matter to fix its place in the site.",
                )
            )
        posted = note.posted or stamp.first
        edited = note.edited or max(stamp.last, posted)
        filled[note.source] = replace(note, posted=posted, edited=edited)
    return [filled.get(note.source, note) for note in notes]
