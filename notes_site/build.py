"""`notes-site build`, as a table of contents: read everything, check it, then write.

1. `read_inputs`: settings, theme, UI strings and the list of content files; with the
   last build's cache, a build whose inputs did not change stops here
2. `gather`: notes parsed (reused from the cache when unchanged, on all cores for big
   sites), missing dates filled, the site assembled (order, URLs, terms), every page
   planned and signed; `check` stops here, `serve` keeps it
3. `write`: render the pages whose signature changed; a full build swaps a new output
   in, an incremental one patches the changed files in place
4. `remember`: what was read and written, for the next build
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from notes_site import __version__
from notes_site.config import SiteConfig, load_config
from notes_site.content.notes import Note, ParsedNote, ParseSettings, fill_missing_dates, parse_notes, parse_settings
from notes_site.content.sources import ContentTree, NoteFile, git_head, scan_content
from notes_site.errors import OutputError, Problem, ProblemReport, error, warning
from notes_site.fingerprint import fingerprint
from notes_site.output.cache import (
    CACHE_VERSION,
    BuildCache,
    cache_dir_for,
    check_cache_folder,
    load_cache,
    save_cache,
)
from notes_site.output.math_font import FONT_FILE, MathFont, math_font_for
from notes_site.output.render import Renderer, render_pages
from notes_site.output.themes import Theme, builtin_themes_dir, find_theme, load_strings
from notes_site.output.write import (
    MARKER,
    OutputLock,
    PatchedOutput,
    StagedOutput,
    check_output_folder,
    remove_leftovers,
)
from notes_site.pages.machine import search_docs
from notes_site.pages.page import Page
from notes_site.pages.planner import Plan, SearchIndex, plan_pages
from notes_site.pages.search import build_search_index
from notes_site.pages.views import site_view
from notes_site.site.assemble import assemble_site
from notes_site.site.model import PlacedAsset, PlacedNote, Site
from notes_site.urls import output_file
from notes_site.workers import in_background

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildOptions:
    site_root: Path
    output: Path | None = None
    drafts: bool = False
    strict: bool = False
    clean: bool = False  # ignore the cache: parse and render everything
    progress: Progress | None = None
    publish_with_errors: bool = True  # serve keeps the last good site instead

    cache_dir: Path | None = None  # serve keeps its cache in its own private temporary folder

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site_root / "public"

    def cache_folder(self, output: Path) -> Path:
        """Where this build's cache lives: always in the site folder, unless serve gives its own."""
        return self.cache_dir if self.cache_dir is not None else cache_dir_for(self.site_root, output)


@dataclass
class BuildReport(ProblemReport):
    notes_read: int = 0
    notes_parsed: int = 0  # the rest came from the cache
    notes_published: int = 0
    pages_total: int = 0
    pages_written: int = 0
    files_copied: int = 0
    files_removed: int = 0
    seconds: float = 0.0
    output: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        unchanged = self.pages_total - self.pages_written
        return (
            f"Read {self.notes_read} notes, wrote {self.pages_written} pages"
            f"{f' ({unchanged} unchanged)' if unchanged else ''} and {self.files_copied} files, "
            f"{len(self.warnings)} warning(s), {len(self.errors)} error(s) in {self.seconds:.2f} s."
        )


class StageClock:
    """Times each stage of a build, for `--verbose` and the benchmarks."""

    def __init__(self, report: BuildReport) -> None:
        self.report = report
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.timings[stage] = now - self.last
        self.last = now


@dataclass
class Inputs:
    """What a build reads before it decides anything: settings, theme, UI strings, content files."""

    config: SiteConfig
    theme: Theme
    strings: dict[str, str]
    tree: ContentTree


@dataclass
class Gathered:
    """Everything a build knows before it writes: the parsed notes, the site, its planned pages.

    `check` stops here; `serve` keeps it to patch edited notes in memory (serve/live.py).
    """

    inputs: Inputs
    settings: ParseSettings
    parsed: dict[str, ParsedNote]  # by note source, including notes with errors
    site: Site
    plan: Plan
    renderer: Renderer
    assets: list[PlacedAsset]  # content files to copy, clashes removed
    static_files: dict[str, Path]  # theme files to copy, by output path
    math_font: MathFont | None = None  # the font file to make for the site's formulas

    @property
    def pages(self) -> list[Page]:
        return self.plan.pages

    def outputs(self) -> set[str]:
        """Every file of the output folder this build makes."""
        pages = {output_file(page.path) for page in self.pages}
        font = {FONT_FILE} if self.math_font else set()
        return pages | set(self.static_files) | {asset.path for asset in self.assets} | font


@dataclass
class LiveSite:
    """The last build, planned and ready to patch (see serve/live.py)."""

    options: BuildOptions
    gathered: Gathered
    output: Path
    index: dict[str, tuple[int, PlacedNote]] | None = None

    def placed(self) -> dict[str, tuple[int, PlacedNote]]:
        """Note source -> (position, PlacedNote), built on first use."""
        if self.index is None:
            self.index = {item.note.source: (i, item) for i, item in enumerate(self.gathered.site.notes)}
        return self.index


@dataclass
class BuildSession:
    """What `serve` keeps between builds: the cache in memory and the last site, planned."""

    cache: BuildCache | None = None
    live: LiveSite | None = None


def build_site(options: BuildOptions, session: BuildSession | None = None) -> BuildReport:
    """Build the site; raises NotesSiteError for problems that stop everything.

    Two builds of one output never run at once: the second waits for the first.
    """
    output = options.output_dir.resolve()
    check_output_folder(options.site_root.resolve(), output, builtin_themes_dir())
    cache_folder = options.cache_folder(output)
    check_cache_folder(cache_folder)
    try:
        cache_folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the build cache folder {cache_folder} ({exc.strerror or exc}). notes-site keeps its "
            "cache and its lock in the site folder, so that folder must be writable: copy the site somewhere "
            "you may write, or make it writable."
        ) from exc

    def waiting() -> None:
        if options.progress:
            options.progress("waiting for another build of this site to finish", 0, 0)

    with OutputLock(output, cache_folder / "lock", on_wait=waiting):
        return build_locked(options, output, session)


def build_locked(options: BuildOptions, output: Path, session: BuildSession | None) -> BuildReport:
    """The build itself, once the output is known to be safe and this build holds its lock."""
    started = time.perf_counter()
    report = BuildReport(output=output)
    clock = StageClock(report)
    inputs = read_inputs(options.site_root.resolve(), report)
    report.notes_read = len(inputs.tree.notes)
    remove_leftovers(output)
    cache = cache_for(options, output, session, report)
    if session is not None:
        session.live = None  # until this build succeeds
    stamps = input_fingerprint(inputs, options, output)
    clock.lap("scan")
    if session is None and nothing_changed(cache, stamps, output, options):
        report.problems = [strict(p) for p in cache.problems] if options.strict else list(cache.problems)
        made = ("copy:", "font:")  # copied files and the math font are not pages
        report.pages_total = sum(1 for signature in cache.outputs.values() if not signature.startswith(made))
        report.seconds = time.perf_counter() - started
        return report
    gathered = gather(inputs, options, cache, report, clock)
    publish = write(gathered, options, output, cache, report, clock)
    remember(gathered, options, output, cache, stamps, publish, report, session)
    clock.lap("cache")
    report.seconds = time.perf_counter() - started
    return report


def read_inputs(site_root: Path, report: ProblemReport) -> Inputs:
    """Settings, theme and UI strings, and the list of content files (nothing parsed yet)."""
    config = load_config(site_root)
    theme = find_theme(config)
    strings = load_strings(theme, config.language)
    tree = scan_content(config.content_dir)
    report.problems.extend(theme.problems)
    report.problems.extend(tree.problems)
    if not config.content_dir.is_dir():
        report.problems.append(
            warning(
                f"there is no content folder at {config.content_dir}, so the site has no notes.",
                hint="Create it and put your Markdown notes in it, or point --site at your site folder.",
            )
        )
    return Inputs(config, theme, strings, tree)


def cache_for(options: BuildOptions, output: Path, session: BuildSession | None, report: BuildReport) -> BuildCache:
    """The last build's records: serve's in memory, else the cache folder's (none with --clean)."""
    if session is not None and session.cache is not None and not options.clean:
        return session.cache
    if options.clean:
        return BuildCache(folder=options.cache_folder(output))
    cache, problem = load_cache(options.cache_folder(output))
    if problem:
        report.problems.append(warning(problem + "."))
    return cache


def gather(
    inputs: Inputs, options: BuildOptions, cache: BuildCache, report: BuildReport, clock: StageClock | None = None
) -> Gathered:
    """Parse (or reuse) every note, place them in a site, plan its pages: all in memory, problems in `report`."""
    config = inputs.config
    settings = parse_settings(config)
    parsed = load_notes(inputs.tree.notes, settings, cache, options.progress, report)
    if cache.problem_loading:
        report.problems.append(warning(cache.problem_loading + "."))
    notes = []
    for result in parsed.values():
        report.problems.extend(result.problems)
        if result.note is not None:
            notes.append(result.note)
    if not options.drafts:  # before dates: a draft without a date is normal (Hexo's _drafts have none)
        notes = [note for note in notes if not note.draft]
    notes = fill_missing_dates(notes, config.root, report.problems)
    report.notes_published = len(notes)
    if clock:
        clock.lap("parse")
    site, plan = place_and_plan(inputs, notes, report)
    renderer = Renderer(config, inputs.theme, inputs.strings, site_view(site, inputs.strings))
    static_files = inputs.theme.static_files()
    assets, clashes = drop_output_clashes(plan.pages, site.assets, static_files)
    report.problems.extend(clashes)
    report.pages_total = len(plan.pages)
    math_font = math_font_for(inputs.theme.find, static_files, (note.math_characters for note in notes))
    if clock:
        clock.lap("plan")
    return Gathered(inputs, settings, parsed, site, plan, renderer, assets, static_files, math_font)


def write(
    gathered: Gathered, options: BuildOptions, output: Path, cache: BuildCache, report: BuildReport, clock: StageClock
) -> bool:
    """Render the pages whose signature changed and copy the files that changed; True when published.

    A full build swaps a new output in; an incremental one patches the changed files in place.
    """
    signatures = {output_file(page.path): gathered.renderer.signature_of(page) for page in gathered.pages}
    font = gathered.math_font
    if font is not None:
        signatures[FONT_FILE] = font.signature
    copies = copy_signatures(gathered)
    incremental = cache.output_folder == str(output) and (output / MARKER).is_file() and not options.clean
    previous = cache.outputs if incremental else {}
    existing = files_in(output) if incremental else set()
    making_font = None
    if font is not None and (previous.get(FONT_FILE) != signatures[FONT_FILE] or FONT_FILE not in existing):
        making_font = in_background(font.make, size=report.notes_published)  # beside the rendering
    stale = [
        page
        for page in gathered.pages
        if previous.get(output_file(page.path)) != signatures[output_file(page.path)]
        or output_file(page.path) not in existing
    ]
    changed_copies = {
        relative: path
        for relative, (path, signature) in copies.items()
        if previous.get(relative) != signature or relative not in existing
    }
    # Anything else in the output goes, so an incremental build equals a clean one.
    removed = sorted(existing - signatures.keys() - copies.keys() - {MARKER})
    try:
        writer = PatchedOutput(output) if incremental else StagedOutput(output)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {output} ({exc.strerror or exc}: {exc.filename or output}). "
            "Check that you may write there, or choose another folder with --output."
        ) from exc
    try:
        render_pages(stale, gathered.renderer, gathered.plan.cards, writer, options.progress)
        report.pages_written = writer.files_written
        clock.lap("render")
        if making_font is not None:
            writer.write_bytes(FONT_FILE, making_font())
        for relative, path in changed_copies.items():
            writer.copy_file(relative, path)
        for relative in removed:
            writer.remove(relative)
        report.files_copied = writer.files_written - report.pages_written
        report.files_removed = len(removed)
        if options.strict:
            report.problems = [strict(p) for p in report.problems]
        publish = not report.errors or options.publish_with_errors
        if publish:
            writer.commit()
        else:
            writer.abort()
    except OSError as exc:
        writer.abort()
        raise OutputError(
            f"writing the site into {output} failed: {exc}. Check that the folder is writable and the disk is not full."
        ) from exc
    except BaseException:
        writer.abort()
        raise
    clock.lap("write")
    if publish:
        # (copy signatures start with "copy:", page signatures are hashes)
        cache.outputs = {**signatures, **{relative: signature for relative, (_path, signature) in copies.items()}}
    return publish


def copy_signatures(gathered: Gathered) -> dict[str, tuple[Path, str]]:
    """Output path -> (file to copy, its stamp) for theme files and content files."""
    copies = {relative: (path, copy_signature(path)) for relative, path in gathered.static_files.items()}
    copies.update({asset.path: (asset.source.path, copy_signature(asset.source.path)) for asset in gathered.assets})
    return copies


def remember(
    gathered: Gathered,
    options: BuildOptions,
    output: Path,
    cache: BuildCache,
    stamps: str,
    publish: bool,
    report: BuildReport,
    session: BuildSession | None,
) -> None:
    """Record what this build read and wrote, for the next one: in memory for serve, else in the cache folder."""
    settings = gathered.settings
    notes_entries = {file.rel: (file.stamp, gathered.parsed[file.rel]) for file in gathered.inputs.tree.notes}
    notes_changed = (
        cache.parse_key != parse_key(settings) or report.notes_parsed > 0 or notes_entries.keys() != cache.notes.keys()
    )
    cache.parse_key = parse_key(settings)
    cache.notes = notes_entries
    if publish:
        cache.output_folder = str(output)
        cache.inputs = stamps
        cache.problems = [p for p in report.problems if "build cache" not in p.message]
    else:
        cache.inputs = ""
    if session is not None:  # serve: the cache stays in memory, with the planned site
        session.cache = cache
        if publish:
            session.live = LiveSite(options, gathered, output)
        return
    try:
        save_cache(options.cache_folder(output), cache, notes_changed)
    except OSError as exc:
        report.problems.append(
            warning(f"the build cache could not be saved ({exc}); the next build will be a full one.")
        )


def input_fingerprint(inputs: Inputs, options: BuildOptions, output: Path) -> str:
    """Everything a build reads, as stamps: equal fingerprints mean an equal site."""
    config, tree, theme = inputs.config, inputs.tree, inputs.theme
    assets = []
    for asset in tree.assets:
        info = asset.path.stat()
        assets.append((asset.rel, info.st_size, info.st_mtime_ns))
    return fingerprint(
        CACHE_VERSION,
        __version__,
        config.fingerprint,
        options.drafts,
        str(output),
        [(file.rel, file.stamp) for file in tree.notes],
        assets,
        theme.stamps(),
        git_head(config.root),
    )


def nothing_changed(cache: BuildCache, inputs: str, output: Path, options: BuildOptions) -> bool:
    """The inputs are those of the last build and the output still holds exactly its files."""
    if options.clean or not cache.inputs or cache.inputs != inputs or cache.output_folder != str(output):
        return False
    if not (output / MARKER).is_file():
        return False
    return files_in(output) == cache.outputs.keys() | {MARKER}


def parse_key(settings: ParseSettings) -> str:
    return fingerprint(CACHE_VERSION, settings)


def load_notes(
    files: tuple[NoteFile, ...],
    settings: ParseSettings,
    cache: BuildCache,
    progress: Progress | None,
    report: BuildReport,
) -> dict[str, ParsedNote]:
    """Every note's parse result, by source: from the cache when the file is untouched."""
    reusable = cache.notes if cache.parse_key == parse_key(settings) else {}
    results: dict[str, ParsedNote] = {}
    to_parse = []
    for file in files:
        cached = reusable.get(file.rel)
        if cached is not None and cached[0] == file.stamp:
            results[file.rel] = cached[1]
        else:
            to_parse.append(file)
    for file, result in zip(to_parse, parse_notes(to_parse, settings, progress), strict=True):
        results[file.rel] = result
    report.notes_parsed = len(to_parse)
    return {file.rel: results[file.rel] for file in files}


def place_and_plan(inputs: Inputs, notes: list[Note], report: BuildReport) -> tuple[Site, Plan]:
    """Assemble the site and plan its pages; a note landing on a generated page is left out.

    Such a note is rare: then the site is placed again with those pages reserved, so no
    listing links to the note and no other note (one it pushed aside) takes its place.
    """
    config, strings, tree = inputs.config, inputs.strings, inputs.tree
    published = {note.source for note in notes}
    hidden = tuple(file.rel for file in tree.notes if file.rel not in published)
    reserved: dict[str, str] = {}
    while True:
        site, site_problems = assemble_site(config, notes, tree.assets, hidden, reserved)
        plan = plan_pages(site, strings, start_search_index(config, site))
        clashing = generated_pages_taken(plan.pages)
        if not clashing:
            break
        reserved.update(clashing)
        taken = {item.note.source for item in site.notes + site.pages if output_file(item.path) in clashing}
        hidden += tuple(sorted(taken))
    report.problems.extend(site_problems)
    report.problems.extend(plan.problems)
    return site, plan


def start_search_index(config: SiteConfig, site: Site) -> SearchIndex | None:
    """Start building the search index beside the plan (3 s of one core at 10,000 notes)."""
    if not config.search.enabled:
        return None
    docs = search_docs(site)
    return in_background(build_search_index, docs, size=len(docs))


def files_in(folder: Path) -> set[str]:
    """Every file under `folder`, as POSIX paths relative to it (symlinks are not followed)."""
    found: set[str] = set()
    pending = [(str(folder), "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, prefix + entry.name + "/"))
                else:
                    found.add(prefix + entry.name)
    return found


def copy_signature(path: Path) -> str:
    info = path.stat()
    return f"copy:{path}:{info.st_size}:{info.st_mtime_ns}"


def generated_pages_taken(pages: list[Page]) -> dict[str, str]:
    """Output files of generated pages (/archives/, /tags/…) that a note's or a standalone page's page lands on."""
    written = ("note", "page")  # from a file of content/
    generated = {
        output_file(page.path): page.info.kind for page in pages if page.info.kind not in (*written, "redirect")
    }
    return {
        output_file(page.path): generated[output_file(page.path)]
        for page in pages
        if page.info.kind in written and output_file(page.path) in generated
    }


def drop_output_clashes(pages: list[Page], assets: list[PlacedAsset], static_files: dict[str, Path]):
    """No two things write one file: content files may not replace pages; they do replace theme files."""
    problems: list[Problem] = []
    owners = {output_file(page.path): f"{page.info.kind} page" for page in pages}
    kept_assets = []
    for asset in assets:
        if asset.path in owners:
            problems.append(
                error(
                    f"the file would overwrite the {owners[asset.path]} at /{asset.path}.",
                    asset.source.path,
                    hint="Rename or move the file.",
                )
            )
            continue
        owners[asset.path] = f"file {asset.source.rel}"
        kept_assets.append(asset)
    for relative in list(static_files):
        if relative in owners:
            problems.append(
                warning(
                    f"the theme file {relative} is replaced by the site's {owners[relative]}.",
                    static_files[relative],
                    hint="Rename one of them if that is not what you want.",
                )
            )
            del static_files[relative]
    return kept_assets, problems


def strict(problem: Problem) -> Problem:
    return replace(problem, severity="error") if problem.severity == "warning" else problem
