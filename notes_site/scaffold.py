"""`notes-site new` and `notes-site init`: start a note from a scaffold, a site from the starter.

A scaffold is a Jinja template of a whole note, looked up like a theme file: the
site's own `scaffolds/<kind>.md` first, then the theme's. The note it renders is
parsed before it is written, so a broken scaffold never leaves a broken note behind,
and an existing file is never overwritten.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import yaml

from notes_site.config import CONFIG_FILE, SiteConfig, did_you_mean, load_config
from notes_site.content.notes import parse_note, parse_settings, pipeline_for
from notes_site.content.sources import SourceFile
from notes_site.errors import NotesSiteError, OutputError, ThemeError, UsageError
from notes_site.github_pages import GITIGNORE, WORKFLOW, current_branch, workflow_text
from notes_site.output.themes import find_theme
from notes_site.urls import make_slug

SCAFFOLDS = "scaffolds"
STARTER = Path(__file__).parent / "starter"
# No offset: the loader reads a naive date in the site's time zone, as a user expects.
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
KIND_NAME = re.compile(r"[\w-]+")  # a file name, never a path out of scaffolds/
SCAFFOLD_VARIABLES = ("title", "date", "slug", "category", "tags", "draft", "arxiv")
# A fresh clone of an empty repository holds only .git; starting a site there is safe.
IGNORED_IN_EMPTY_FOLDER = {".git"}


@dataclass(frozen=True)
class NewNote:
    """What `notes-site new` was asked for: the command's options, tags already split."""

    title: str
    kind: str = "note"
    category: str | None = None
    tags: tuple[str, ...] = ()
    slug: str | None = None
    draft: bool = False
    folder: str | None = None  # under content/; None means the `new_note_dir` setting
    arxiv: str | None = None


def create_note(
    site_root: Path, request: NewNote, now: datetime | None = None, fill: Callable[[str], str] | None = None
) -> Path:
    """Write a new note from its scaffold and return its path; `now` is for tests.

    `fill` edits the rendered text before it is checked and written (a paper's metadata)."""
    check_site_folder(site_root)
    config = load_config(site_root)
    title = " ".join(request.title.split())
    if not title:
        raise UsageError('the title is empty. Give the note a title: notes-site new "CLIP".')
    arxiv = check_arxiv_id(request.arxiv) if request.arxiv is not None else None
    scaffold = find_scaffold(config, request.kind)
    slug = make_slug(strip_md(request.slug or "") or title, config.unicode_slugs)
    # A standalone page is not a note: new_note_dir (where the notes go) does not apply to it.
    folder = "" if request.folder is None and request.kind == "page" else request.folder
    target = note_folder(config, folder) / f"{slug}.md"
    if target.exists():
        raise existing_note_error(target, slug)
    category = (request.category or "").strip() or None
    text = render_scaffold(
        scaffold,
        {
            "title": title,
            "date": local_time(now, config.tzinfo),
            "slug": slug,
            "category": category,
            "tags": list(dict.fromkeys(t.strip() for t in request.tags if t.strip())),
            "draft": request.draft,
            "arxiv": arxiv,
        },
    )
    if fill is not None:
        text = fill(text)
    check_rendered(text, scaffold, target, config)
    make_folder(target.parent)
    try:
        write_new_file(target, text)
    except FileExistsError as exc:  # created since the check above
        raise existing_note_error(target, slug) from exc
    return target


def init_site(folder: Path, now: datetime | None = None, github_pages: bool = False) -> list[Path]:
    """Start a site in a new or empty folder; returns the files created, in order."""
    check_empty_folder(folder)
    make_folder(folder)
    try:
        created = write_starter(folder, now)
        if github_pages:
            created += write_github_pages(folder)
        return created
    except FileExistsError as exc:  # something else is writing into the folder at the same time
        raise NotesSiteError(
            f"{exc.filename} appeared while the site was being created, and was left as it was. "
            "Run `notes-site init` in an empty folder."
        ) from exc


def write_starter(folder: Path, now: datetime | None) -> list[Path]:
    """The settings file, the welcome note and copies of the theme's scaffolds."""
    settings = folder / CONFIG_FILE
    write_new_file(settings, (STARTER / CONFIG_FILE).read_text(encoding="utf-8"))
    config = load_config(folder)  # also proves that the starter settings load
    welcome = config.content_dir / "welcome.md"
    make_folder(welcome.parent)
    date = local_time(now, config.tzinfo)
    write_new_file(welcome, render_scaffold(STARTER / "welcome.md", {"date": date}))
    created = [settings, welcome]
    theme = find_theme(config)
    make_folder(folder / SCAFFOLDS)
    for kind in scaffold_kinds(theme.folders):
        copy = folder / SCAFFOLDS / f"{kind}.md"
        write_new_file(copy, theme.find(f"{SCAFFOLDS}/{kind}.md").read_text(encoding="utf-8"))
        created.append(copy)
    return created


def check_site_folder(site_root: Path) -> None:
    """Refuse to scatter a content/ folder into a folder that is not a site."""
    if not site_root.is_dir():
        raise UsageError(
            f"the site folder {site_root} does not exist. "
            f"Start a site there with `notes-site init {site_root}`, or pass --site."
        )
    if not (site_root / CONFIG_FILE).is_file() and not (site_root / "content").is_dir():
        raise UsageError(
            f"{site_root} is not a notes-site site: it has neither {CONFIG_FILE} nor content/. "
            "Pass the site folder with --site, or start a site with `notes-site init`."
        )


def check_empty_folder(folder: Path) -> None:
    """init never mixes its starter files with someone's work, nor starts a site twice."""
    if folder.exists() and not folder.is_dir():
        raise NotesSiteError(
            f"{folder} is a file, not a folder. Choose a new or empty folder: notes-site init my-notes"
        )
    if not folder.is_dir():
        return
    folder = folder.absolute()  # "." in a message says nothing
    if (folder / CONFIG_FILE).exists():
        raise NotesSiteError(
            f"{folder} already has a {CONFIG_FILE}: it is a site already, and nothing was changed. "
            'Add a note with `notes-site new "TITLE"`, or choose a new folder.'
        )
    entries = sorted(p.name for p in folder.iterdir() if p.name not in IGNORED_IN_EMPTY_FOLDER)
    if entries:
        shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
        raise NotesSiteError(
            f"refusing to start a site in {folder}: it is not empty (it holds {shown}), and "
            "nothing was changed. Choose a new or empty folder: notes-site init my-notes"
        )


def check_arxiv_id(value: str) -> str:
    """The id without an `arXiv:` prefix or URL, by the build's own rule: one validator, so `new`
    never writes an id that `build` then rejects."""
    from notes_site.lookup.remote import check_arxiv

    return check_arxiv(value)


def strip_md(name: str) -> str:
    name = name.strip()
    return name[:-3] if name.lower().endswith(".md") else name


def note_folder(config: SiteConfig, folder: str | None) -> Path:
    """content/, or the folder under it that --dir or `new_note_dir` names."""
    raw = config.new_note_dir if folder is None else folder
    parts = [p for p in PurePosixPath(raw.replace("\\", "/")).parts if p not in ("", ".")]
    if raw.startswith(("/", "\\")) or Path(raw).is_absolute() or ".." in parts:
        raise UsageError(f"`--dir {raw}` must be a folder inside content/, like `papers` or `notes/2024`.")
    return config.content_dir.joinpath(*parts)


def find_scaffold(config: SiteConfig, kind: str) -> Path:
    """The site's scaffolds/<kind>.md, else the theme's (site theme folder first)."""
    if not KIND_NAME.fullmatch(kind):
        raise UsageError(f"`--kind {kind}` is not a scaffold name; use a plain name like `note` or `paper`.")
    own = config.root / SCAFFOLDS / f"{kind}.md"
    if own.is_file():
        return own
    theme = find_theme(config)
    found = theme.find(f"{SCAFFOLDS}/{kind}.md")
    if found is not None:
        return found
    kinds = scaffold_kinds((config.root, *theme.folders))
    sentences = [
        f"there is no scaffold for `--kind {kind}`: no {kind}.md in {own.parent}/ "
        f"or in the scaffolds/ of the theme `{theme.name}`.",
        f"Available kinds: {', '.join(kinds) or 'none'}.",
        did_you_mean(kind, kinds),
        f"To add a kind, write {own}.",
    ]
    raise UsageError(" ".join(s for s in sentences if s))


def scaffold_kinds(folders: tuple[Path, ...]) -> list[str]:
    """The kinds offered by the scaffolds/ folders under `folders`, sorted."""
    paths = (path for folder in folders for path in (folder / SCAFFOLDS).glob("*.md"))
    return sorted({path.stem for path in paths if path.is_file()})


def to_yaml(value: Any) -> str:
    """A value as one line of YAML, quoted when needed: `CLIP: "x" #1` or 2103.00020 stay text."""
    if isinstance(value, tuple):
        value = list(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    if text.endswith("\n...\n"):  # the document end marker PyYAML adds after a plain scalar
        text = text[: -len("\n...\n")]
    return text.rstrip("\n")


def scaffold_environment() -> jinja2.Environment:
    """Plain text, not HTML: no autoescape; a misspelt variable is an error, not an empty string."""
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = to_yaml
    return env


def render_scaffold(path: Path, variables: dict[str, Any]) -> str:
    """Render the scaffold at `path`; every failure names the file."""
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: the scaffold cannot be read ({exc}). Save it as UTF-8 text.") from exc
    try:
        return scaffold_environment().from_string(source).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        raise ThemeError(f"{path}:{exc.lineno}: scaffold syntax error: {exc.message}. Fix the scaffold.") from exc
    except jinja2.UndefinedError as exc:
        raise ThemeError(
            f"{path}: the scaffold uses an unknown variable ({exc.message}). "
            f"Scaffolds can use: {', '.join(variables)}, and the `yaml` filter."
        ) from exc
    except Exception as exc:  # a filter or test failing while the template runs
        raise ThemeError(f"{path}: the scaffold failed while rendering: {exc}. Fix the scaffold.") from exc


def check_rendered(text: str, scaffold: Path, target: Path, config: SiteConfig) -> None:
    """Parse the note as a build would, so a broken scaffold is reported instead of written."""
    source = SourceFile(
        path=target, rel=target.relative_to(config.content_dir).as_posix(), data=text.encode("utf-8"), mtime=0.0
    )
    settings = parse_settings(config)
    result = parse_note(source, settings, pipeline_for(settings))
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        problems = tuple(replace(p, path=None, message=f"line {p.line} of the new note: {p.message}") for p in errors)
        raise ThemeError(
            f"{scaffold}: the scaffold makes a note that notes-site cannot read, so {target} "
            "was not written. Fix the scaffold (quote values with the `yaml` filter: "
            "{{ title | yaml }}) and run the command again.",
            problems,
        )


def local_time(now: datetime | None, zone: tzinfo) -> str:
    """The time in the site's zone; a naive `now` is taken to be in it already."""
    moment = now if now is not None else datetime.now(zone)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime(DATE_FORMAT)


def existing_note_error(path: Path, slug: str = "") -> NotesSiteError:
    example = f" (for example --slug {slug}-2)" if slug else ""
    return NotesSiteError(
        f"{path} already exists, and notes-site never overwrites a note. "
        f"Choose another file name with --slug{example}, or edit the existing note."
    )


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder} ({exc.strerror or exc}).") from exc


def write_new_file(path: Path, text: str) -> None:
    """Whole or not at all, and never over a file that appeared after our checks (FileExistsError):
    the text goes to a temporary file beside it, which is then linked in under its name."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror or exc}).") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive creation still never overwrites
            with path.open("x", encoding="utf-8", newline="\n") as file:
                file.write(text)
    except FileExistsError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror or exc}).") from exc
    finally:
        Path(temporary).unlink(missing_ok=True)


def write_github_pages(folder: Path) -> list[Path]:
    """The Pages workflow and a .gitignore for what builds write; an existing file is never replaced."""
    workflow = folder / WORKFLOW
    make_folder(workflow.parent)
    write_new_file(workflow, workflow_text(current_branch(folder)))
    ignore = folder / ".gitignore"
    write_new_file(ignore, GITIGNORE)
    return [workflow, ignore]
