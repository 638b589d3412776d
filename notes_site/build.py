"""`notes-site build`, as a table of contents: read everything, check it, then write.

1. settings   2. content files   3. notes (parallel for big sites)   4. missing dates
5. the site (order, URLs, terms)   6. the page plan   7. render   8. write and swap
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from notes_site.config import SiteConfig, load_config
from notes_site.errors import OutputError, Problem, error, warning
from notes_site.markdown import MarkdownPipeline
from notes_site.notes import Note, ParsedNote, ParseSettings, parse_note
from notes_site.pages import Page, PagePlanner, site_view
from notes_site.render import Renderer, find_theme, load_strings
from notes_site.site import PlacedAsset, assemble_site
from notes_site.sources import SourceFile, last_edit_times, scan_content
from notes_site.urls import output_file
from notes_site.write import StagedOutput, check_output_folder

Progress = Callable[[str, int, int], None]  # (stage, done, total)
PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves
CHUNK_SIZE = 250


@dataclass
class BuildOptions:
    site_root: Path
    output: Path | None = None
    drafts: bool = False
    strict: bool = False
    progress: Progress | None = None
    publish_with_errors: bool = True  # serve keeps the last good site instead

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site_root / "public"


@dataclass
class BuildReport:
    notes_read: int = 0
    notes_published: int = 0
    pages_written: int = 0
    files_copied: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    output: Path | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        return (
            f"Read {self.notes_read} notes, wrote {self.pages_written} pages and "
            f"{self.files_copied} files, {len(self.warnings)} warning(s), "
            f"{len(self.errors)} error(s) in {self.seconds:.2f} s."
        )


def build_site(options: BuildOptions) -> BuildReport:
    """Build the site; raises NotesSiteError for problems that stop everything."""
    started = time.perf_counter()
    site_root = options.site_root.resolve()
    report = BuildReport(output=options.output_dir.resolve())
    config = load_config(site_root)
    check_output_folder(site_root, options.output_dir)
    theme = find_theme(config)
    strings = load_strings(theme, config.language)

    tree = scan_content(config.content_dir)
    report.notes_read = len(tree.notes)
    if not config.content_dir.is_dir():
        report.problems.append(warning(
            f"there is no content folder at {config.content_dir}, so the site has no notes.",
            hint="Create it and put your Markdown notes in it, or point --site at your site folder.",
        ))
    parsed = parse_all(tree.notes, parse_settings(config), options.progress)
    notes = []
    for result in parsed:
        report.problems.extend(result.problems)
        if result.note is not None:
            notes.append(result.note)
    notes = fill_missing_dates(notes, site_root, report.problems)
    if not options.drafts:
        notes = [note for note in notes if not note.draft]
    report.notes_published = len(notes)
    published = {note.source for note in notes}
    hidden = tuple(source.rel for source in tree.notes if source.rel not in published)

    site, site_problems = assemble_site(config, notes, tree.assets, hidden)
    report.problems.extend(site_problems)
    pages = PagePlanner(site, strings).plan()
    clashing, clash_problems = notes_on_generated_pages(pages)
    if clashing:  # rare: place the site again without them, so no listing links to them
        report.problems.extend(clash_problems)
        notes = [note for note in notes if note.path not in clashing]
        hidden += tuple(note.source for note in site_notes(site) if note.path in clashing)
        site, _ = assemble_site(config, notes, tree.assets, hidden)
        pages = PagePlanner(site, strings).plan()
    renderer = Renderer(config, theme, strings, site_view(site, strings))

    static_files = theme.static_files()
    assets, clashes = drop_output_clashes(pages, site.assets, static_files)
    report.problems.extend(clashes)

    try:
        staged = StagedOutput(options.output_dir)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {options.output_dir}: {exc}.") from exc
    try:
        for done, page in enumerate(pages, start=1):
            staged.write_text(output_file(page.path), renderer.render(page))
            if options.progress and done % 200 == 0:
                options.progress("render", done, len(pages))
        report.pages_written = staged.files_written
        for relative, source in static_files.items():
            staged.copy_file(relative, source)
        for asset in assets:
            staged.copy_file(asset.path, asset.source.path)
        report.files_copied = staged.files_written - report.pages_written
        if options.strict:
            report.problems = [strict(p) for p in report.problems]
        if report.errors and not options.publish_with_errors:
            staged.abort()
        else:
            staged.commit()
    except OSError as exc:
        staged.abort()
        raise OutputError(f"writing the site into {options.output_dir} failed: {exc}. "
                          "Check that the folder is writable and the disk is not full.") from exc
    except BaseException:
        staged.abort()
        raise
    report.seconds = time.perf_counter() - started
    return report


def notes_on_generated_pages(pages: list[Page]) -> tuple[set[Path], list[Problem]]:
    """Notes whose permalink lands on a page the site generates (/archives/, /tags/…)."""
    generated = {output_file(page.path): page.info.kind for page in pages if page.info.kind != "note"}
    clashing, problems = set(), []
    for page in pages:
        kind = generated.get(output_file(page.path)) if page.info.kind == "note" else None
        if kind is not None:
            clashing.add(page.source)
            problems.append(error(f"the note would be written to /{page.path}, which is the site's {kind} page.",
                                  page.source, hint="Give it another `slug:` or change the `permalink` setting."))
    return clashing, problems


def site_notes(site) -> list[Note]:
    return [item.note for item in site.notes]


def drop_output_clashes(pages: list[Page], assets: list[PlacedAsset], static_files: dict[str, Path]):
    """No two things write one file: content files may not replace pages; they do replace theme files."""
    problems: list[Problem] = []
    owners = {output_file(page.path): f"{page.info.kind} page" for page in pages}
    kept_assets = []
    for asset in assets:
        if asset.path in owners:
            problems.append(error(f"the file would overwrite the {owners[asset.path]} at /{asset.path}.",
                                  asset.source.path, hint="Rename or move the file."))
            continue
        owners[asset.path] = f"file {asset.source.rel}"
        kept_assets.append(asset)
    for relative in list(static_files):
        if relative in owners:
            problems.append(warning(
                f"the theme file {relative} is replaced by the site's {owners[relative]}.",
                static_files[relative], hint="Rename one of them if that is not what you want.",
            ))
            del static_files[relative]
    return kept_assets, problems


def strict(problem: Problem) -> Problem:
    return replace(problem, severity="error") if problem.severity == "warning" else problem


def parse_settings(config: SiteConfig) -> ParseSettings:
    return ParseSettings(config.timezone, config.unicode_slugs, config.excerpt.auto_length)


def parse_all(sources: tuple[SourceFile, ...], settings: ParseSettings, progress: Progress | None) -> list[ParsedNote]:
    """Parse every note, on all cores when the site is big enough to pay for the processes."""
    workers = os.cpu_count() or 1
    if len(sources) < PARALLEL_THRESHOLD or workers < 2:
        pipeline = MarkdownPipeline(settings.auto_excerpt_length)
        results = []
        for done, source in enumerate(sources, start=1):
            results.append(parse_note(source, settings, pipeline))
            if progress and done % 200 == 0:
                progress("parse", done, len(sources))
        return results
    chunks = [sources[i : i + CHUNK_SIZE] for i in range(0, len(sources), CHUNK_SIZE)]
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk_results in pool.map(parse_chunk, chunks, [settings] * len(chunks)):
            results.extend(chunk_results)
            if progress:
                progress("parse", len(results), len(sources))
    return results


_worker_pipeline: MarkdownPipeline | None = None


def parse_chunk(chunk: tuple[SourceFile, ...], settings: ParseSettings) -> list[ParsedNote]:
    global _worker_pipeline  # one pipeline per worker process, built on its first chunk
    if _worker_pipeline is None or _worker_pipeline.auto_excerpt_length != settings.auto_excerpt_length:
        _worker_pipeline = MarkdownPipeline(settings.auto_excerpt_length)
    return [parse_note(source, settings, _worker_pipeline) for source in chunk]


def fill_missing_dates(notes: list[Note], site_root: Path, problems: list[Problem]) -> list[Note]:
    """`updated` defaults to the last commit (or mtime); a missing `date` too, with a warning."""
    missing = [note for note in notes if note.posted is None or note.edited is None]
    if not missing:
        return notes
    times = last_edit_times(site_root, [note.path for note in missing])
    filled = {}
    for note in missing:
        stamp = times[note.path]
        if note.posted is None:
            problems.append(warning(
                f"the note has no `date`; using its last edit time ({stamp:%Y-%m-%d}).",
                note.path, None, "Add `date: YYYY-MM-DD` to its front matter to fix its place in the site.",
            ))
        posted = note.posted or stamp
        edited = note.edited or max(stamp, posted)
        filled[note.source] = replace(note, posted=posted, edited=edited)
    return [filled.get(note.source, note) for note in notes]


__all__ = ["BuildOptions", "BuildReport", "build_site", "error"]
