"""The `notes-site` command: a thin click layer over the library.

Heavy modules are imported inside the commands, so `notes-site --help` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from notes_site import __version__

site_option = click.option(
    "--site",
    "site_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site folder (holding notes-site.yaml and content/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notes-site")
def main() -> None:
    """notes-site: turn a folder of Markdown paper notes into a fast static site."""


@main.command()
@site_option
@click.option(
    "--output", type=click.Path(path_type=Path), default=None, help="Where to write the site.  [default: <site>/public]"
)
@click.option("--drafts", is_flag=True, help="Include notes with `draft: true`.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit code 1).")
@click.option("--clean", is_flag=True, help="Ignore the build cache: parse and render everything again.")
@click.option("--verbose", is_flag=True, help="Show the time of each stage, and the Python error behind a failure.")
def build(site_root: Path, output: Path | None, drafts: bool, strict: bool, clean: bool, verbose: bool) -> None:
    """Build the site into public/ (or --output).

    Reads notes-site.yaml and content/**/*.md, renders every page with the theme and
    swaps the new site in only when it is complete.
    """
    from notes_site.build import BuildOptions, build_site
    from notes_site.errors import NotesSiteError

    if not site_root.is_dir():
        raise click.UsageError(f"the site folder {site_root} does not exist.")
    options = BuildOptions(
        site_root=site_root,
        output=output,
        drafts=drafts,
        strict=strict,
        clean=clean,
        progress=terminal_progress() if sys.stderr.isatty() else None,
    )
    try:
        report = build_site(options)
    except NotesSiteError as exc:
        print_failure(exc, verbose, nothing_written=True)
        sys.exit(exc.exit_code)
    if sys.stderr.isatty():
        click.echo("\r\033[K", nl=False, err=True)
    show_problems(report.problems, err=True)
    if verbose:
        stages = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in report.timings.items())
        click.echo(f"Stages: {stages}; {report.notes_parsed} notes parsed, {report.files_removed} files removed.")
    click.echo(report.summary())
    if report.errors:
        click.echo("The site was written, leaving out what has errors; fix them and build again.", err=True)
        sys.exit(1)


@main.command()
@site_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only loopback by default; 0.0.0.0 exposes the preview to your network.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in your web browser.")
@click.option("--no-drafts", is_flag=True, help="Hide notes with `draft: true` (shown by default while serving).")
def serve(site_root: Path, host: str, port: int, open_browser: bool, no_drafts: bool) -> None:
    """Preview the site with live reload while you write.

    Builds the site into a temporary folder, serves it, watches content/, themes/ and
    notes-site.yaml, rebuilds on every save and reloads open pages. Build errors show
    in the page; the last good site stays online. Ctrl-C stops.
    """
    from notes_site.serve.guard import cannot_listen, exposure
    from notes_site.serve.server import DevServer

    if not site_root.is_dir():
        raise click.UsageError(f"the site folder {site_root} does not exist.")
    try:
        server = DevServer(site_root, host=host, port=port, drafts=not no_drafts, log=click.echo)
    except OSError as exc:
        raise click.UsageError(cannot_listen(exc, host, port)) from exc
    stop_cleanly_on_terminate()
    try:
        server.start()
        click.echo(f"Serving {site_root.resolve()} at {server.url} (Ctrl-C to stop)")
        warning = exposure(host, drafts=not no_drafts)
        if warning:
            click.echo(warning)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nStopped.")
    finally:
        server.shutdown()


def terminal_progress():
    def show(stage: str, done: int, total: int) -> None:
        counts = f": {done}/{total}" if total else "…"
        click.echo(f"\r\033[K{stage}{counts}", nl=False, err=True)

    return show


def show_problems(problems, err: bool) -> None:
    """Each problem on a line of its own, its severity in colour: red for errors, yellow for warnings."""
    for problem in problems:
        label = click.style(problem.severity, fg="red" if problem.severity == "error" else "yellow", bold=True)
        click.echo(f"{label}: {problem}", err=err)


def print_failure(exc: Exception, verbose: bool, nothing_written: bool = False) -> None:
    """A NotesSiteError as the user should see it; the traceback of its cause only with --verbose."""
    click.echo(click.style("error", fg="red", bold=True) + f": {exc}", err=True)
    for problem in getattr(exc, "problems", ()):
        click.echo(f"  {problem}", err=True)
    cause = exc.__cause__
    if cause is not None and verbose:
        import traceback

        traceback.print_exception(cause)
    if nothing_written and not exc.output_changed:
        click.echo("Nothing was written; the previous site (if any) is unchanged.", err=True)


@main.command()
@click.argument("title", required=False, default="")
@site_option
@click.option(
    "--kind",
    default=None,
    help="The scaffold: scaffolds/KIND.md of the site, else of the theme (note, paper, page).  "
    "[default: paper with --arxiv/--doi/--url/--bib, else note]",
)
@click.option("--category", default=None, help="The note's category.")
@click.option("--tags", default=None, help="Comma-separated tags, e.g. --tags cv,对比学习.")
@click.option("--slug", default=None, help="The file name and URL slug (default: from the title).")
@click.option("--draft", is_flag=True, help="Mark the note as a draft (left out of builds without --drafts).")
@click.option(
    "--dir", "folder", default=None, help="Folder under content/ for the new file.  [default: the new_note_dir setting]"
)
@click.option("--arxiv", default=None, help="An arXiv id or abs/pdf URL: fills in the paper from the arXiv API.")
@click.option("--doi", default=None, help="A DOI: fills in the paper from Crossref.")
@click.option("--url", default=None, help="An arXiv, DOI, ACL Anthology or OpenReview address of the paper.")
@click.option("--bib", type=click.Path(dir_okay=False, path_type=Path), help="A BibTeX file to take the paper from.")
@click.option("--key", default=None, help="The entry of --bib to use, e.g. radford2021clip.")
@click.option("--refresh", is_flag=True, help="Fill the empty paper fields of the existing note on this paper.")
def new(title: str, site_root: Path, kind: str | None, tags: str | None, **options) -> None:
    """Create a note from a scaffold: notes-site new "CLIP", or notes-site new --arxiv 2103.00020.

    Writes content/<slug>.md with the title, the current date and time in the site's
    time zone and an empty <!-- more --> section. An existing file is never overwritten.
    With --arxiv, --doi or --url the paper's title, authors, year, venue, links and
    abstract are looked up and filled in (the title defaults to the paper's); --bib with
    --key takes them from a BibTeX file, without the network.
    """
    from notes_site.errors import NotesSiteError
    from notes_site.scaffold import NewNote, create_note

    sources = {name: options.pop(name) for name in ("arxiv", "doi", "url", "bib", "key", "refresh")}
    request = NewNote(
        title=title,
        kind=kind or ("paper" if any(sources[name] for name in ("arxiv", "doi", "url", "bib")) else "note"),
        tags=tuple(t.strip() for t in (tags or "").split(",") if t.strip()),
        **options,
    )
    try:
        if any(sources.values()):
            from notes_site.paper_note import new_from_options

            result = new_from_options(site_root, request, **sources)
            for notice in result.notices:
                click.echo(click.style("warning", fg="yellow", bold=True) + f": {notice}", err=True)
            click.echo(f"{'Created' if result.created else 'Refreshed'} {result.path}")
            return
        if not title.strip():
            raise click.UsageError('give the note a title: notes-site new "CLIP" (or --arxiv, --doi, --url or --bib).')
        path = create_note(site_root, request)
    except NotesSiteError as exc:
        print_failure(exc, verbose=False)
        sys.exit(exc.exit_code)
    click.echo(f"Created {path}")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--github-pages",
    is_flag=True,
    help="Also write .github/workflows/pages.yml, which publishes the site on every push, and a .gitignore.",
)
def init(folder: Path, github_pages: bool) -> None:
    """Start a new site in FOLDER (default: here), which must be empty or new.

    Creates a commented notes-site.yaml with every setting, content/ with a welcome
    note, and scaffolds/note.md and scaffolds/paper.md; with --github-pages also a
    GitHub Actions workflow that publishes the site to GitHub Pages, and a .gitignore.
    """
    from notes_site.errors import NotesSiteError
    from notes_site.scaffold import init_site

    try:
        created = init_site(folder, github_pages=github_pages)
    except NotesSiteError as exc:
        print_failure(exc, verbose=False)
        sys.exit(exc.exit_code)
    for path in created:
        click.echo(f"Created {path}")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    click.echo("\nNext:")
    click.echo(f"  {where}notes-site serve     # preview at http://127.0.0.1:8000/ while you write")
    click.echo(f"  {where}notes-site build     # write the site into public/")
    if github_pages:
        click.echo("  push to GitHub, then in Settings > Pages set Source to GitHub Actions (docs/publishing.md)")


@main.command()
@site_option
@click.option(
    "--output", type=click.Path(path_type=Path), default=None, help="The folder to publish.  [default: <site>/public]"
)
@click.option("--repo", default=None, help="The git repository to push to: a URL, a remote name or a path.")
@click.option("--branch", default=None, help="The branch to publish to.  [default: deploy.branch, gh-pages]")
@click.option("--message", default=None, help="The commit message; {time} and {commit} are filled in.")
@click.option("--no-build", is_flag=True, help="Publish the output folder as the last build left it.")
@click.option("--force", is_flag=True, help="Replace the branch's history with a single commit.")
@click.option("--dry-run", is_flag=True, help="Show the files that would be added, changed and removed; push nothing.")
@click.option("--strict", is_flag=True, help="Treat build warnings as errors: deploy nothing when there are any.")
@click.option("--allow-detached", is_flag=True, help="Deploy even when the site's repository is not on a branch.")
@click.option("--verbose", is_flag=True, help="Show the Python error behind a failure.")
def deploy(
    site_root: Path,
    output: Path | None,
    repo: str | None,
    branch: str | None,
    message: str | None,
    no_build: bool,
    force: bool,
    dry_run: bool,
    strict: bool,
    allow_detached: bool,
    verbose: bool,
) -> None:
    """Build the site and publish it to a branch of a git repository (gh-pages by default).

    One commit per deploy on top of the branch's history; nothing is pushed when the
    site did not change. Works in a temporary folder: your repository and output
    folder are never changed by it. Settings: deploy.repo, deploy.branch, deploy.message.
    """
    from notes_site.deploy import DeployOptions, deploy_site
    from notes_site.errors import NotesSiteError

    if not site_root.is_dir():
        raise click.UsageError(f"the site folder {site_root} does not exist.")
    options = DeployOptions(
        site_root=site_root,
        output=output,
        repo=repo,
        branch=branch,
        message=message,
        build=not no_build,
        force=force,
        dry_run=dry_run,
        strict=strict,
        allow_detached=allow_detached,
        progress=terminal_progress() if sys.stderr.isatty() else None,
    )
    try:
        report = deploy_site(options)
    except NotesSiteError as exc:
        print_failure(exc, verbose)
        click.echo("Nothing was deployed.", err=True)
        sys.exit(exc.exit_code)
    if report.build is not None:
        if sys.stderr.isatty():
            click.echo("\r\033[K", nl=False, err=True)
        show_problems(report.build.problems, err=True)
        click.echo(report.build.summary())
    if dry_run:
        for change in report.changes:
            click.echo(f"  {change.kind:<8} {change.path}")
    click.echo(report.summary())


@main.command()
@site_option
@click.option("--drafts", is_flag=True, help="Check notes with `draft: true` too.")
@click.option("--verbose", is_flag=True, help="Show the Python error behind a failure.")
def check(site_root: Path, drafts: bool, verbose: bool) -> None:
    """Check the notes and their links without writing anything.

    Runs the whole build in memory and reports, with file and line: front-matter
    problems, broken wikilinks, links and images that lead to no file, notes
    without a date, template errors, and notes that are likely about the same paper.
    Exits with 1 when it finds anything, so it can guard a commit or a CI job.
    """
    from notes_site.check import check_site
    from notes_site.errors import NotesSiteError

    if not site_root.is_dir():
        raise click.UsageError(f"the site folder {site_root} does not exist.")
    try:
        report = check_site(site_root, drafts=drafts)
    except NotesSiteError as exc:
        print_failure(exc, verbose)
        sys.exit(exc.exit_code)
    content = site_root / "content"
    for line in report.information:
        click.echo(f"{click.style('note', bold=True)}: {line}")
    show_problems(report.problems, err=False)
    for duplicate in report.duplicates:
        label = click.style("duplicate", fg="yellow", bold=True)
        files = " and ".join(str(content / source) for source in duplicate.sources)
        click.echo(f"{label}: {files} are likely notes on the same paper ({duplicate.reason}).")
        click.echo(
            "  Merge them into one note; or, if you wrote about the paper twice on purpose (a second reading), "
            "link one note to the other ([[other-note]]) and check accepts them."
        )
    for duplicate in report.linked_duplicates:
        files = " and ".join(str(content / source) for source in duplicate.sources)
        same = "are notes on the same paper that link to each other, so they are not duplicates."
        click.echo(f"{click.style('note', bold=True)}: {files} {same}")
    click.echo(report.summary())
    if not report.clean():
        sys.exit(1)


@main.command("import")
@click.argument("kind", type=click.Choice(["hexo", "hugo", "jekyll", "obsidian", "bibtex"]))
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default="imported-site",
    show_default=True,
    help="The new site's folder; it must be new or empty.",
)
@click.option(
    "--site", "site_root", type=click.Path(file_okay=False, path_type=Path), help="bibtex: the site to add to."
)
@click.option("--dry-run", is_flag=True, help="bibtex: list the notes it would create, and create none.")
def import_site(kind: str, source: Path, target: Path, site_root: Path | None, dry_run: bool) -> None:
    """Make a notes-site site from a Hexo, Hugo or Jekyll site or an Obsidian vault, keeping its URLs;
    or add a `status: to-read` paper note per entry of a BibTeX file (`import bibtex library.bib`).

    SOURCE is the Hexo site's folder (with _config.yml and source/_posts/) or its
    source/_posts folder; the Hugo site's folder (with hugo.toml or config.toml and
    content/); the Jekyll site's folder (with _config.yml and _posts/); or the
    Obsidian vault's folder. The original is only read. Prints what was converted,
    what was guessed and what could not be converted, then the command to build.
    """
    from notes_site.errors import NotesSiteError
    from notes_site.migrate import import_into

    if (kind == "bibtex") != source.is_file():
        wanted = "a .bib file" if kind == "bibtex" else "the site's folder"
        raise click.BadParameter(f"{source} is not {wanted}; `import {kind}` reads {wanted}.", param_hint="SOURCE")
    if kind == "bibtex":
        from notes_site.migrate.bibtex import import_bibtex

        try:
            found = import_bibtex(site_root or Path(), source, dry_run)
        except NotesSiteError as exc:
            print_failure(exc, verbose=False)
            sys.exit(exc.exit_code)
        for line in found.lines():
            click.echo(line)
        sys.exit(0)
    if site_root is not None or dry_run:
        raise click.UsageError("--site and --dry-run are for `import bibtex`; other imports make a new site in --to.")
    if kind == "hexo":
        from notes_site.migrate.hexo import import_hexo as importer
    elif kind == "hugo":
        from notes_site.migrate.hugo import import_hugo as importer
    elif kind == "jekyll":
        from notes_site.migrate.jekyll import import_jekyll as importer
    else:
        from notes_site.migrate.obsidian import import_obsidian as importer
    stop_cleanly_on_terminate()
    try:
        report = import_into(importer, source, target)
    except NotesSiteError as exc:
        print_failure(exc, verbose=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Stopped: nothing was imported.", err=True)
        sys.exit(130)
    for finding in report.findings:
        colour = {"converted": "green", "guessed": "yellow"}.get(finding.kind, "red")
        click.echo(click.style(finding.kind, fg=colour, bold=True) + str(finding)[len(finding.kind) :])
    click.echo(f"\nImported {report.notes} notes into {target}. Next:")
    click.echo(f"  cd {target} && notes-site build")


def stop_cleanly_on_terminate() -> None:
    """SIGTERM (a CI timeout, `kill`) cleans up like Ctrl-C: temporary folders go, nothing half-made stays."""
    import signal

    def stop_on_terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_terminate)
