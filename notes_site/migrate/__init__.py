"""`notes-site import`: turn an existing blog into a notes-site site, keeping its URLs.

The original is only read. The new site gets settings that reproduce the old URL
scheme, the notes (with their asset folders) under content/, and a report of what was
converted, what was guessed and what could not be, each with the file and line it
comes from. One module per source (hexo, hugo, jekyll, obsidian); this one holds
what they share: the report, the copying and the settings file's lines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import yaml

from notes_site.content.notes import Note
from notes_site.errors import ConfigError, NotesSiteError, UsageError
from notes_site.frontmatter import FrontMatterError, check_size, load_meta, split_front_matter
from notes_site.output.write import pid_alive


@dataclass(frozen=True)
class Finding:
    """One line of the import report."""

    kind: str  # "converted", "guessed" or "not converted"
    message: str
    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else f"{self.path}: " if self.path else ""
        return f"{self.kind}: {where}{self.message}"


@dataclass
class ImportReport:
    site: Path
    notes: int = 0
    files: int = 0
    findings: list[Finding] = field(default_factory=list)

    def add(self, kind: str, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.findings.append(Finding(kind, message, path, line))

    def moved(self, old: Path, new: Path) -> ImportReport:
        """The same report for a site moved from `old` to `new`: findings name the files where they now are."""

        def where(path: Path | None) -> Path | None:
            return new / path.relative_to(old) if path is not None and path.is_relative_to(old) else path

        findings = [
            Finding(found.kind, found.message.replace(str(old), str(new)), where(found.path), found.line)
            for found in self.findings
        ]
        return ImportReport(new, self.notes, self.files, findings)


def read_settings(path: Path) -> dict[str, Any]:
    """The old site's settings file (YAML or TOML) as a mapping; a file that does not parse is an
    error naming its line, since guessing the settings would silently change the URLs."""
    text = ""
    try:
        text = path.read_text(encoding="utf-8-sig")  # UnicodeDecodeError is a ValueError too
        if path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and mark.index >= len(text.rstrip()) and getattr(exc, "context_mark", None):
            mark = exc.context_mark  # "…but got <stream end>": where the unclosed thing starts
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", None)
        match = re.search(r"at line (\d+)", str(exc)) if line is None else None
        line = int(match.group(1)) if match else line
        where = f"{path}:{line}" if line else str(path)
        reason = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise UsageError(
            f"{where}: the settings cannot be read ({reason}). "
            "Fix the file (the old generator would stop on it too), then import again."
        ) from exc
    try:
        check_size(data, 1)
    except FrontMatterError as exc:
        message = str(exc).replace("the front matter", "the settings file")
        raise UsageError(f"{path}: {message} {exc.hint}") from exc
    return data if isinstance(data, dict) else {}


def import_into(importer: Callable[[Path, Path], ImportReport], source: Path, target: Path) -> ImportReport:
    """Run an importer into a new folder beside `target`, moved into place only once it succeeded.

    A failed import (bad settings, a full disk, Ctrl-C, SIGTERM) leaves no half-made site behind,
    and one killed outright leaves a hidden folder the next import removes.
    """
    check_target(target)
    remove_stale_imports(target)
    if target.resolve().is_relative_to(source.resolve()):
        raise UsageError(f"{target} is inside {source}; import into a folder outside it, e.g. --to ../my-notes.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.importing-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        report = importer(source, staging / "site")
        check_settings_load(staging / "site", source)
        if target.exists():
            target.rmdir()  # empty: check_target saw to that
        (staging / "site").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report.moved(staging / "site", target)


def check_settings_load(site: Path, source: Path) -> None:
    """The new settings must load with notes-site's own loader: an import that exits 0 must build.

    A setting carried over that notes-site refuses (a time zone it does not know…) stops the
    import, naming the setting and its line, and nothing is left behind.
    """
    from notes_site.config import CONFIG_FILE, load_config

    try:
        load_config(site)
    except ConfigError as exc:
        written = site / CONFIG_FILE
        problems = tuple(
            replace(problem, path=Path(CONFIG_FILE)) if problem.path == written else problem for problem in exc.problems
        )
        details = "" if problems else f" ({str(exc).replace(str(written), CONFIG_FILE)})"
        raise ConfigError(
            f"the settings imported from {source} would not load in notes-site{details}, so nothing was imported. "
            "Fix the setting named below in the old site's settings (or remove it), then import again.",
            problems,
        ) from exc


def translate_permalink(pattern: str, equivalents: dict[str, str]) -> tuple[str, list[str]]:
    """The old permalink pattern in notes-site's tokens, a whole token at a time (`:sections` is not
    `:section` + "s"); tokens without an equivalent become :slug and are returned for the report."""
    unknown: list[str] = []

    def translate(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in equivalents:
            return equivalents[token]
        unknown.append(token)
        return ":slug"

    return re.sub(r":[a-z_]+", translate, pattern), sorted(set(unknown))


def check_target(target: Path) -> None:
    if target.is_symlink():
        raise UsageError(f"{target} is a link; import into a real folder, e.g. --to my-notes.")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} is not empty; import into a new folder, e.g. --to my-notes.")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot create {target}: {parent} is not a folder you may write into. Choose another --to.")


def remove_stale_imports(target: Path) -> None:
    """Hidden folders of imports into `target` that were killed (SIGKILL, power loss) before cleaning up."""
    if not target.parent.is_dir():
        return
    for leftover in target.parent.glob(f".{target.name}.importing-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if leftover.is_dir() and not leftover.is_symlink() and not (pid.isdigit() and pid_alive(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)


def yaml_setting(key: str, value: Any, comment: str = "") -> str:
    """One setting of notes-site.yaml as YAML text (mappings keep their order), with an optional comment."""
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, sort_keys=False, width=1000)
    return dumped.rstrip() + (f"  # {comment}" if comment else "")


# How an importer judges a Markdown file outside the posts: None imports it as a standalone page;
# otherwise (report kind, why) it is left out, e.g. Hexo's `type: tags` page.
PageRule = Callable[[Path, dict[str, Any], str], tuple[str, str] | None]
NOT_A_PAGE = ("not converted", "a page outside the posts; copy it into content/ if you want it")


def copy_site_files(
    source: Path,
    content: Path,
    report: ImportReport,
    skipped: Callable[[Path], bool],
    page_suffixes: tuple[str, ...],
    page_rule: PageRule | None = None,
) -> list[Path]:
    """The old site's images and other files outside its posts, at the same paths under content/
    (so `/images/fig.png` stays where it was), and its Markdown pages as standalone pages
    (`layout: page`) where `page_rule` accepts them; other pages are reported. The copied pages.

    `skipped` says which paths (relative to `source`) are the generator's own or the posts.
    """
    copied = 0
    pages: list[Path] = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if leaves_source(path, source, report):
            continue
        if not path.is_file() or skipped(relative):
            continue
        page = path.suffix.lower() in page_suffixes
        if page:
            markdown = page_rule is not None and path.suffix.lower() in (".md", ".markdown")
            text = (read_note(path) or NoteText("", False, False)).text if markdown else ""
            verdict = page_rule(relative, note_meta(path) or {}, text) if page_rule and markdown else NOT_A_PAGE
            if verdict is not None:
                report.add(*verdict, path)
                continue
        destination = content / relative
        if destination.exists():
            report.add("not converted", f"a file with the same path as a post's file: {destination}", path)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        if page:
            set_front_matter(destination, "layout", "page")
            pages.append(destination)
        else:
            copied += 1
    if copied:
        report.files += copied
        report.add("converted", f"{copied} images and other files copied to the same paths", source)
    if pages:
        names = [page.relative_to(content).as_posix() for page in pages]
        report.add("converted", f"{pages_copied(names)} copied with `layout: page`", source)
    return pages


def pages_copied(names: list[str]) -> str:
    """ "2 standalone pages (about/index.md, links/index.md)", for the report."""
    listed = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    return f"{len(names)} standalone page{'s' if len(names) != 1 else ''} ({listed})"


def copy_tree(
    source: Path,
    target: Path,
    report: ImportReport,
    root: Path,
    skip: tuple[str, ...] = (),
    origins: dict[Path, Path] | None = None,
) -> tuple[int, int]:
    """Copy a folder of the blog at `root` (notes and their asset folders); (notes, other files) copied.

    `origins`, when given, gets each copied note's old file, for `dates_from_origins`.
    """
    notes = others = 0
    for path in sorted(source.rglob("*")):
        if leaves_source(path, root, report):
            continue
        if path.is_dir() or path.name in skip or any(part.startswith(".") for part in path.relative_to(source).parts):
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        if path.suffix.lower() in (".md", ".markdown"):
            notes += 1
            if origins is not None:
                origins[destination] = path
        else:
            others += 1
    return notes, others


def leaves_source(path: Path, root: Path, report: ImportReport) -> bool:
    """A link that leads outside the blog being imported (or nowhere): reported, never copied.

    The same rule as `build`: a link to another file of the blog is followed; one that
    leaves it could publish anything the importing user may read (`leak.md -> ~/.ssh/id_rsa`).
    """
    if not path.is_symlink():
        return False
    try:
        inside = path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # dangling, or a loop of links
        inside = False
    if not inside:
        what = "a link leading outside the blog (or nowhere): it and its target are left out"
        report.add("not converted", what, path)
    return not inside


@dataclass(frozen=True)
class NoteText:
    """A copied note's text with `\n` newlines, and how to write it back as it was (CRLF, BOM)."""

    text: str
    crlf: bool
    bom: bool


def read_note(path: Path) -> NoteText | None:
    """The note's text, or None when it is not UTF-8 (the build reports it, naming the file)."""
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return NoteText(text.replace("\r\n", "\n"), "\r\n" in text, bom)


def write_note(path: Path, note: NoteText, text: str) -> None:
    data = (text.replace("\n", "\r\n") if note.crlf else text).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if note.bom else b"") + data)


def note_meta(path: Path) -> dict[str, Any] | None:
    """The copied note's front matter, or None when it cannot be read (the build will say why)."""
    note = read_note(path)
    if note is None:
        return None
    try:
        return load_meta(split_front_matter(note.text))
    except FrontMatterError:
        return None


def set_front_matter(path: Path, key: str, value: Any) -> None:
    """Write `key: value` into a copied note's front matter, replacing the key if it is there.

    Only the key's own lines change (a YAML block value is replaced whole), so the rest of
    the front matter and the body stay as the author wrote them. TOML front matter (Hugo's
    `+++`) gets a TOML line; a note without front matter gets one. A note that is not
    UTF-8 is left as it is: the build names it.
    """
    note = read_note(path)
    if note is None:
        return
    text = note.text
    split = split_front_matter(text)
    if split.meta_format == "json":  # Hugo's JSON front matter: written again as JSON, the body kept
        meta = {**load_meta(split), key: value.isoformat() if isinstance(value, datetime) else value}
        write_note(path, note, json.dumps(meta, ensure_ascii=False, indent=2) + "\n" + split.body)
        return
    if split.meta_format == "toml":
        written = value.isoformat() if isinstance(value, datetime) else json.dumps(value, ensure_ascii=False)
        line = f"{key} = {written}"
        pattern = re.compile(rf"^{re.escape(key)}[ \t]*=[^\n]*", re.M)
    else:  # a one-line value, or a block value on the indented (or `- item`) lines below the key
        line = yaml_setting(key, value)
        pattern = re.compile(rf"^{re.escape(key)}[ \t]*:[^\n]*(?:\n(?:[ \t]+[^\n]*|-[^\n]*))*", re.M)
    if not split.meta_format:
        write_note(path, note, f"---\n{line}\n---\n{text}")
        return
    meta_start = text.index("\n") + 1
    meta_end = meta_start + len(split.meta_text)
    meta = split.meta_text
    if pattern.search(meta):
        meta = pattern.sub(lambda _match: line, meta, count=1)
    else:
        meta = meta.rstrip("\n") + ("\n" if meta.strip() else "") + line + "\n"
    write_note(path, note, text[:meta_start] + meta + text[meta_end:])


def copy_drafts(drafts: Path, content: Path, report: ImportReport, origins: dict[Path, Path] | None = None) -> None:
    """Drafts go beside the posts with `draft: true`: publishing one is deleting that line, as
    `hexo publish` (or moving it into Jekyll's _posts) did. Beside a post of the same name, they
    keep a folder of their own."""
    names = [path.relative_to(drafts) for path in sorted(drafts.rglob("*")) if path.is_file()]
    clash = any((content / name).exists() for name in names)
    folder = content / "_drafts" if clash else content
    copy_tree(drafts, folder, report, drafts.parent, origins=origins)
    count = 0
    for name in names:
        if name.suffix.lower() in (".md", ".markdown"):
            set_front_matter(folder / name, "draft", True)
            count += 1
    where = "content/_drafts/ (some share a name with a post)" if clash else "content/"
    report.add("converted", f"{count} drafts copied into {where} with `draft: true`", drafts)


@dataclass(frozen=True)
class ImportedNote:
    """A copied note as the old generator saw it (its raw front matter) and as notes-site places it."""

    source: str  # content-relative, e.g. "ml/2024-05-22-clip.md"
    file: Path
    meta: dict[str, Any]
    note: Note
    path: str  # where notes-site puts it: "2024/05/22/clip/"


def keep_old_addresses(
    site_root: Path,
    old_address: Callable[[ImportedNote], str | None],
    report: ImportReport,
    why: str,
    origins: dict[Path, Path] | None = None,
) -> None:
    """Give each note whose notes-site URL differs from its old one a `permalink:` with the old URL.

    The new site is placed with notes-site's own code, so what is compared is exactly what
    `notes-site build` will make. Drafts count too: they are published one day. Notes
    without dates are first dated from their old files (`origins`: copy → old file).
    """
    from notes_site.config import load_config
    from notes_site.content.notes import fill_missing_dates, parse_notes, parse_settings
    from notes_site.content.sources import scan_content
    from notes_site.site.assemble import assemble_site

    try:
        config = load_config(site_root)
    except NotesSiteError as exc:
        report.add("not converted", f"the new settings do not load ({exc}); URLs were not checked")
        return
    tree = scan_content(config.content_dir, site_root)
    parsed = parse_notes(list(tree.notes), parse_settings(config))
    notes = [result.note for result in parsed if result.note is not None]
    if origins:
        notes = dates_from_origins(notes, origins, config.tzinfo, report)
    notes = fill_missing_dates(notes, site_root, [])
    site, _problems = assemble_site(config, notes, tree.assets)
    placed = {item.note.source: item.path for item in [*site.notes, *site.pages]}
    pinned, dropped = [], []
    for note in notes:  # a note pushed aside by another at its place (Hugo's zh/about/ by about/) included
        meta = note_meta(note.path)
        if meta is None:
            continue
        path = placed.get(note.source, "")
        old = old_address(ImportedNote(note.source, note.path, meta, note, path))
        address = (old if old is not None else path).strip("/").removesuffix("index.html").rstrip("/")
        if note.standalone and note.source in placed and address in GENERATED_PAGES:
            note.path.unlink()  # its menu entry now leads to the page notes-site makes there
            dropped.append(f"{note.source} (/{address}/)")
        elif old is not None and (old.strip("/") != path.strip("/") or note.source not in placed):
            set_front_matter(note.path, "permalink", "/" + old.lstrip("/"))
            pinned.append(f"/{old.lstrip('/')}")
    if dropped:
        report.add(
            "converted",
            f"{len(dropped)} page{'s' if len(dropped) > 1 else ''} at an address notes-site makes itself "
            f"({', '.join(dropped)}) left out: the menu leads to notes-site's own page there",
        )
    report_menu_without_pages(config, site, report, {old.lstrip("/") for old in pinned})
    if pinned:
        examples = ", ".join(pinned[:3]) + (" …" if len(pinned) > 3 else "")
        report.add(
            "converted",
            f"{len(pinned)} notes keep an old URL that the permalink pattern cannot make ({why}) "
            f"through a `permalink:` line in their front matter: {examples}",
        )


def dates_from_origins(notes: list[Note], origins: dict[Path, Path], zone: tzinfo, report: ImportReport) -> list[Note]:
    """Date the copies that lack a date by their OLD files, and write it into their front matter.

    The old generator dated such a post by its file (Hexo: the file's time), but a copy's
    file time is the import day, and after a fresh clone the checkout's. The old site's git
    history says when each file was first added (one `git log` for the whole old site): that
    becomes `date:`, its last commit `updated:`; outside git, the old file's time is the date.
    """
    from notes_site.content.fields import POSTED_KEYS
    from notes_site.content.sources import git_file_history

    undated = [  # a draft is dated when it is published, as `hexo publish` does
        note
        for note in notes
        if (note.posted is None or note.edited is None) and note.path in origins and not note.draft
    ]
    if not undated:
        return notes
    root = Path(os.path.commonpath([origins[note.path].resolve() for note in undated]))
    history = git_file_history(root if root.is_dir() else root.parent)
    counts = {"git": 0, "file": 0, "updated": 0}
    changed = {}
    for note in undated:
        old = origins[note.path]
        first, last = history.get(old.resolve(), (None, None))
        posted, edited = note.posted, note.edited
        if posted is None:
            posted = first or datetime.fromtimestamp(int(old.stat().st_mtime), UTC)
            counts["git" if first else "file"] += 1
            set_front_matter(note.path, "date", posted.astimezone(zone))  # read before any other date key
            written = note_meta(old) or {}
            bad = next((key for key in POSTED_KEYS if written.get(key) not in (None, True, False)), None)
            if bad:
                report.add(
                    "converted",
                    f"`{bad}: {written[bad]}` is not a date; the copy is dated {posted.astimezone(zone):%Y-%m-%d} "
                    f"by its old file's {'first commit' if first else 'time'}, as Hexo dated such a post",
                    old,
                    key_line_of(old, bad),
                )
        if edited is None and last is not None:
            edited = max(last, posted)
            set_front_matter(note.path, "updated", edited.astimezone(zone))
            counts["updated"] += 1
        changed[note.path] = replace(note, posted=posted, edited=edited or note.edited)
    messages = {
        "git": "{n} notes without a date: dated by the commit that first added their old file "
        "(the old site's git history), written as `date:`",
        "file": "{n} notes without a date and outside git: dated by their old file's time, written as `date:`",
        "updated": '{n} notes: `updated:` from their old file\'s last commit, for "Edited on"',
    }
    for key, count in counts.items():
        if count:
            report.add("guessed" if key != "updated" else "converted", messages[key].format(n=count))
    return [changed.get(note.path, note) for note in notes]


def key_line_of(path: Path, key: str) -> int | None:
    from notes_site.frontmatter import key_line

    note = read_note(path)
    return key_line(split_front_matter(note.text).meta_text, key, first_line=2) if note else None


ROOT_LINK = re.compile(r"""(\]\(\s*<?|\bsrc=["']|\bhref=["'])(/[^)\s"'<>]*)""")
FENCE = re.compile(r"^\s*(```|~~~)")


def relative_links(content: Path, site_prefix: str, report: ImportReport) -> None:
    """Links and images written from the site root (`/images/fig.png`) made relative to the note.

    The old generator served `source/images/` (Hexo) or `assets/` (Jekyll) at the site root;
    relative links keep working under a sub-path, from disk and in an editor's preview.
    Only links to files that were copied change; code blocks are left alone.
    """
    prefix = "/" + site_prefix.strip("/") if site_prefix.strip("/") else ""
    changed = 0
    for note in sorted(content.rglob("*")):
        if note.suffix.lower() not in (".md", ".markdown"):
            continue

        def relative(match: re.Match[str], note: Path = note) -> str:
            url = match.group(2)
            path, mark, rest = (re.split(r"([?#])", url, maxsplit=1) + ["", ""])[:3]
            if prefix and (path == prefix or path.startswith(prefix + "/")):
                path = path[len(prefix) :] or "/"
            target = content / unquote(path).lstrip("/")
            if not path.strip("/") or not target.is_file():
                return match.group(0)
            return match.group(1) + quote(os.path.relpath(target, note.parent).replace(os.sep, "/")) + mark + rest

        read = read_note(note)
        if read is None:
            continue
        lines = read.text.split("\n")
        in_code = False
        for index, line in enumerate(lines):
            if FENCE.match(line):
                in_code = not in_code
            elif not in_code and "/" in line:
                lines[index] = ROOT_LINK.sub(relative, line)
        text = "\n".join(lines)
        if text != read.text:
            write_note(note, read, text)
            changed += 1
    if changed:
        report.add("converted", f"links from the site root (/images/…) made relative in {changed} notes")


# Pages every notes-site site has, besides its notes and its category and tag pages.
SITE_PAGES = ("", "archives/", "categories/", "tags/", "papers/", "papers/by-year/", "papers/by-venue/", "graph/")
GENERATED_PAGES = {page.rstrip("/") for page in SITE_PAGES} | {"search", "404.html"}  # as "tags", "404.html"


def report_menu_without_pages(config: Any, site: Any, report: ImportReport, pinned: set[str] = frozenset()) -> None:
    """A menu entry of the old site that leads to a page the new one does not make (Hugo's section
    listings, a page left out) would be a dead link in every page's sidebar: say so."""
    pages = set(SITE_PAGES) | {"search/"} | {item.path for item in [*site.notes, *site.pages]} | pinned
    pages |= {term.path for term in (*site.categories.values(), *site.tags.values())}
    for entry in config.menu:
        if re.match(r"^[a-z]+:", entry.url):
            continue  # another site, or mailto:
        path = entry.url.split("#", 1)[0].split("?", 1)[0].removesuffix("index.html")
        if path not in pages and path + "/" not in pages:
            report.add(
                "not converted",
                f"the menu entry `{entry.title}` leads to /{path}, a page the new site does not have; "
                "change or remove it under `menu:` in notes-site.yaml",
            )
