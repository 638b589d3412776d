"""The `notes-site` command: a thin click layer over the library.

Heavy modules are imported inside the commands, so `notes-site --help` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from notes_site import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notes-site")
def main() -> None:
    """notes-site: turn a folder of Markdown paper notes into a fast static site."""


@main.command()
@click.option("--site", "site_root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The site folder (holding notes-site.yaml and content/).")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Where to write the site.  [default: <site>/public]")
@click.option("--drafts", is_flag=True, help="Include notes with `draft: true`.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit code 1).")
@click.option("--verbose", is_flag=True, help="Show tracebacks for unexpected errors.")
def build(site_root: Path, output: Path | None, drafts: bool, strict: bool, verbose: bool) -> None:
    """Build the site into public/ (or --output).

    Reads notes-site.yaml and content/**/*.md, renders every page with the theme and
    swaps the new site in only when it is complete.
    """
    from notes_site.build import BuildOptions, build_site
    from notes_site.errors import NotesSiteError

    if not site_root.is_dir():
        raise click.UsageError(f"the site folder {site_root} does not exist.")
    options = BuildOptions(site_root=site_root, output=output, drafts=drafts, strict=strict,
                           progress=terminal_progress() if sys.stderr.isatty() else None)
    try:
        report = build_site(options)
    except NotesSiteError as exc:
        print_failure(exc, verbose)
        sys.exit(exc.exit_code)
    if sys.stderr.isatty():
        click.echo("\r\033[K", nl=False, err=True)
    for problem in report.problems:
        label = click.style(problem.severity, fg="red" if problem.severity == "error" else "yellow", bold=True)
        click.echo(f"{label}: {problem}", err=True)
    click.echo(report.summary())
    if report.errors:
        click.echo(f"The site was written without the notes that have errors. Fix them and build again.", err=True)
        sys.exit(1)


def terminal_progress():
    def show(stage: str, done: int, total: int) -> None:
        click.echo(f"\r\033[K{stage}: {done}/{total}", nl=False, err=True)

    return show


def print_failure(exc: Exception, verbose: bool) -> None:
    click.echo(click.style("error", fg="red", bold=True) + f": {exc}", err=True)
    for problem in getattr(exc, "problems", ()):
        click.echo(f"  {problem}", err=True)
    cause = exc.__cause__
    if cause is not None and verbose:
        import traceback

        traceback.print_exception(cause)
    if isinstance(exc, Exception) and not getattr(exc, "problems", ()):
        click.echo("Nothing was written; the previous site (if any) is unchanged.", err=True)
