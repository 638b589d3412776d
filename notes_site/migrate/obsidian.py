"""`notes-site import obsidian`: a vault's notes and attachments, dated, each note at its path in the vault.

The notes already build as Obsidian wrote them (wikilinks, embeds, tags, callouts:
see obsidian.py), and a link by file name alone finds its file anywhere under content/
(urls.link_site_path). What the import adds: a copy without Obsidian's own folders and
templates, a `date` in every note that had none (Obsidian keeps it outside the file,
which a copy or a checkout loses), and settings that keep the vault's paths as URLs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from notes_site.config import CONFIG_FILE
from notes_site.content.dates import DateError, parse_date
from notes_site.content.sources import run_git
from notes_site.errors import UsageError
from notes_site.frontmatter import FrontMatterError, decode_text, key_line, load_meta, split_front_matter
from notes_site.markup.tokens import NOTE_SUFFIXES
from notes_site.migrate import ImportReport, check_target, leaves_source, yaml_setting

# Obsidian's own names for a note's dates (core "Properties" and the common plugins), first match wins.
CREATED_KEYS = ("created", "date created", "creation date", "ctime")
MODIFIED_KEYS = ("modified", "date modified", "last modified", "mtime")
DATE_KEYS = ("date", "posted")  # what notes-site reads as the date …
UPDATED_KEYS = ("updated", "edited", "lastmod")  # … and as the last edit
DAILY_NOTE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # the Daily notes plugin's default file name
PLAIN_DATE = re.compile(r"^[0-9T:+\-./ Z]+$")  # written into YAML without quotes
UTF8_BOM = b"\xef\xbb\xbf"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
LINK_FORMATS = {
    "shortest": (
        "links by the shortest path (`![[fig.png]]`, `[[Note]]`): a name alone finds the one file of that name "
        "anywhere under content/; where two files share it, `notes-site check` names the link and asks for its folder"
    ),
    "relative": "links relative to the note (`../attachments/fig.png`): resolved as written",
    "absolute": "links from the vault's root (`![[attachments/fig.png]]`): resolved from content/, the vault's copy",
}


@dataclass(frozen=True)
class VaultLayout:
    """What Obsidian's settings say about the vault, and the folders left out of the copy."""

    root: Path
    is_vault: bool  # has .obsidian/; otherwise a plain folder of notes
    settings: dict[str, Any]  # .obsidian/app.json
    templates: tuple[str, ...]  # vault-relative folders holding templates
    unreadable: tuple[Path, ...] = ()  # settings files that are not JSON: their defaults are assumed


@dataclass(frozen=True)
class NoteDates:
    """When a file was first and last committed or, outside git, created and modified."""

    created: datetime
    modified: datetime
    created_from: str  # "git" or "file"
    modified_from: str  # "file" for changes not committed yet


def import_obsidian(source: Path, target: Path) -> ImportReport:
    """A notes-site site in `target` from the Obsidian vault (or plain folder of notes) at `source`."""
    layout = vault_layout(source)
    check_target(target)
    report = ImportReport(target)
    if not layout.is_vault:
        report.add("guessed", "no .obsidian/ folder: read as a plain folder of Markdown notes", source)
    report_settings(layout, report)
    notes, others = vault_files(layout, report)
    dates = file_dates(source, notes)
    content = target / "content"
    sources: Counter[str] = Counter()
    script: Counter[str] = Counter()  # Chinese characters and Latin words, to guess the language
    for path in notes:
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        script.update(han=len(HAN.findall(text)), words=len(LATIN_WORD.findall(text)))
        copy, used = dated_copy(path, data, dates[path], report)
        sources.update(used)
        destination = content / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(copy)
        shutil.copystat(path, destination)
    for path in others:
        destination = content / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    report.notes, report.files = len(notes), len(others)
    report.add("converted", f"{len(notes)} notes and {len(others)} attachments copied into {content}", source)
    report_dates(sources, report)
    target.mkdir(parents=True, exist_ok=True)
    (target / CONFIG_FILE).write_text(vault_settings(source, script, report), encoding="utf-8")
    return report


def vault_layout(source: Path) -> VaultLayout:
    settings_dir = source / ".obsidian"
    if not settings_dir.is_dir() and not (source.is_dir() and any(notes_under(source))):
        raise UsageError(
            f"{source} is not an Obsidian vault (no .obsidian/ folder) and holds no Markdown notes. "
            "Point `notes-site import obsidian` at the vault's folder."
        )
    unreadable: list[Path] = []
    settings = read_json(settings_dir / "app.json", unreadable)
    folders = [read_json(settings_dir / "templates.json", unreadable).get("folder")]
    templater = read_json(settings_dir / "plugins/templater-obsidian/data.json", unreadable)
    folders.append(templater.get("templates_folder"))
    templates = tuple(dict.fromkeys(f.strip("/") for f in folders if isinstance(f, str) and f.strip("/")))
    return VaultLayout(source, settings_dir.is_dir(), settings, templates, tuple(unreadable))


def notes_under(folder: Path):
    return (path for path in folder.rglob("*") if path.suffix.lower() in NOTE_SUFFIXES and path.is_file())


def read_json(path: Path, unreadable: list[Path]) -> dict[str, Any]:
    """A settings file of Obsidian's; a missing one is empty (Obsidian's defaults), a broken one too, noted."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        unreadable.append(path)
        return {}
    return data


def report_settings(layout: VaultLayout, report: ImportReport) -> None:
    """What `attachmentFolderPath`, `newLinkFormat` and `useMarkdownLinks` of app.json mean for the copy."""
    app_json = layout.root / ".obsidian" / "app.json"
    where = app_json if app_json.is_file() else None
    for path in layout.unreadable:
        report.add("not converted", "the settings file is not valid JSON; Obsidian's defaults are assumed", path)
    if where is None and layout.is_vault:
        report.add("converted", "no .obsidian/app.json: Obsidian's defaults (attachments and links by name)")
    folder = str(layout.settings.get("attachmentFolderPath") or "/")
    if folder in ("/", "."):
        meaning = "attachments in the vault's root folder: copied to content/"
    elif folder in ("./", "./."):
        meaning = "attachments beside their notes: copied beside them"
    elif folder.startswith("./"):
        meaning = f"attachments in a `{folder[2:].strip('/')}/` folder beside each note: copied with it"
    else:
        meaning = f"attachments in `{folder.strip('/')}/`: copied to content/{folder.strip('/')}/"
    report.add("converted", f"`attachmentFolderPath: {folder}`: {meaning}; `![[fig.png]]` finds them by name", where)
    link_format = str(layout.settings.get("newLinkFormat") or "shortest")
    if link_format in LINK_FORMATS:
        report.add("converted", f"`newLinkFormat: {link_format}`: {LINK_FORMATS[link_format]}", where)
    else:
        report.add("not converted", f"`newLinkFormat: {link_format}` is unknown; links are read as written", where)
    if layout.settings.get("useMarkdownLinks") is True:
        report.add("converted", "`useMarkdownLinks: true`: `[text](Note.md)` leads to the note's page", where)


def vault_files(layout: VaultLayout, report: ImportReport) -> tuple[list[Path], list[Path]]:
    """(notes, other files) to copy: not Obsidian's settings, its trash, templates or other hidden files."""
    notes, others, canvases = [], [], 0
    left_out = {".trash": 0, **dict.fromkeys(layout.templates, 0)}
    for folder, subfolders, files in os.walk(layout.root):
        relative = Path(folder).relative_to(layout.root).as_posix()
        for name in list(subfolders):
            inner = name if relative == "." else f"{relative}/{name}"
            if inner in left_out:
                left_out[inner] = sum(1 for _ in notes_under(Path(folder) / name))
            if inner in left_out or name.startswith("."):
                subfolders.remove(name)
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith(".") or leaves_source(path, layout.root, report):
                continue
            if name.lower().endswith(NOTE_SUFFIXES):
                notes.append(path)
            else:
                others.append(path)
                canvases += name.endswith(".canvas")
    trash = layout.root / ".trash"
    if trash.is_dir():
        deleted = counted(left_out[".trash"], "deleted note")
        report.add("not converted", f"Obsidian's trash ({deleted}) was left out", trash)
    for folder in layout.templates:
        if (layout.root / folder).is_dir():
            templates = counted(left_out[folder], "template")
            report.add("not converted", f"the templates folder ({templates}) was left out", layout.root / folder)
    if canvases:
        report.add("not converted", f"{counted(canvases, 'canvas', 'canvases')} (.canvas) copied as files: no page")
    return notes, others


def file_dates(vault: Path, notes: list[Path]) -> dict[Path, NoteDates]:
    """Each note's first and last commit when the vault is in git, else its file's times."""
    history = git_history(vault)
    dates = {}
    for path in notes:
        found = history.get(path.resolve())
        if found is not None:
            dates[path] = found
            continue
        info = path.stat()
        modified = local_time(info.st_mtime)
        created = local_time(getattr(info, "st_birthtime", info.st_mtime))  # macOS and Windows keep it
        dates[path] = NoteDates(min(created, modified), modified, "file", "file")
    return dates


def git_history(vault: Path) -> dict[Path, NoteDates]:
    """First and last commit of every committed file of the vault: one `git log` for the whole vault.

    A file with changes not yet committed was last modified when its file says.
    """
    top = run_git(vault, "rev-parse", "--show-toplevel")
    log = run_git(vault, "log", "--format=\x01%cI", "--name-only", "--no-renames", "-z", "--", ".") if top else None
    if not top or log is None:
        return {}
    top_dir = Path(top.strip()).resolve()
    # --no-optional-locks: a plain `git status` may rewrite the vault's .git/index
    status = run_git(vault, "--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=no", "--", ".")
    changed = {top_dir / entry[3:] for entry in (status or "").split("\0") if len(entry) > 3}
    first: dict[Path, datetime] = {}
    last: dict[Path, datetime] = {}
    stamp: datetime | None = None
    for chunk in log.split("\0"):  # newest commit first
        for line in chunk.split("\n"):
            if line.startswith("\x01"):
                stamp = datetime.fromisoformat(line[1:])
            elif line and stamp is not None:
                path = top_dir / line
                last.setdefault(path, stamp)
                first[path] = stamp
    history = {}
    for path, created in first.items():
        if path in changed and path.exists():
            history[path] = NoteDates(created, max(created, local_time(path.stat().st_mtime)), "git", "file")
        else:
            history[path] = NoteDates(created, last[path], "git", "git")
    return history


def local_time(timestamp: float) -> datetime:
    return datetime.fromtimestamp(int(timestamp)).astimezone()


def dated_copy(path: Path, data: bytes, dates: NoteDates, report: ImportReport) -> tuple[bytes, list[str]]:
    """The note's bytes with the dates it lacks written into its front matter, and where they came from.

    Only the front matter changes: the body stays byte for byte as it was.
    """
    try:
        split = split_front_matter(decode_text(data))
        meta = load_meta(split)
    except FrontMatterError as exc:
        report.add("not converted", f"the front matter cannot be read ({exc}); copied as it is", path, exc.line)
        return data, []
    if split.meta_format in ("toml", "json"):
        return data, []  # not written by Obsidian; notes-site dates it when it builds
    keys = {str(key).lower(): key for key in meta}
    lines, used = [], []
    if not any(key in keys for key in DATE_KEYS):
        value, origin = property_date(meta, keys, CREATED_KEYS, split.meta_text, path, report)
        if value is None and DAILY_NOTE.match(path.stem):
            value, origin = path.stem, "name"
        if value is None:
            value, origin = written_date(dates.created), dates.created_from
        lines.append(f"date: {value}")
        used.append(f"date:{origin}")
    elif any(meta[keys[key]] in (None, "") for key in DATE_KEYS if key in keys):
        key = next(keys[key] for key in DATE_KEYS if key in keys)
        line = key_line(split.meta_text, key, 2)
        report.add("not converted", f"`{key}` is empty, so notes-site dates the note when it builds", path, line)
    if not any(key in keys for key in UPDATED_KEYS):
        value, origin = property_date(meta, keys, MODIFIED_KEYS, split.meta_text, path, report)
        if value is None and lines:  # a note that had a date keeps its `updated` live (last commit at build)
            value, origin = written_date(dates.modified), dates.modified_from
        if value is not None:
            lines.append(f"updated: {value}")
            used.append(f"updated:{origin}")
    if not lines:
        return data, used
    return with_front_matter(data, lines, bool(split.meta_format)), used


def property_date(
    meta: dict[str, Any], keys: dict[str, Any], names: tuple[str, ...], meta_text: str, path: Path, report
) -> tuple[str | None, str]:
    """The first of Obsidian's date properties the note has, as YAML text, and its name."""
    for name in names:
        if name not in keys or meta[keys[name]] in (None, ""):
            continue
        key, value = keys[name], meta[keys[name]]
        try:
            parse_date(value, zoneinfo.ZoneInfo("UTC"))
        except DateError as exc:
            line = key_line(meta_text, key, 2)
            report.add("not converted", f"the property `{key}` is not a date notes-site reads ({exc})", path, line)
            continue
        text = str(value).strip()
        return (text if PLAIN_DATE.match(text) else json.dumps(text, ensure_ascii=False)), str(key)
    return None, ""


def written_date(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")


def with_front_matter(data: bytes, lines: list[str], has_front_matter: bool) -> bytes:
    """`lines` added at the top of the note's front matter (made when it has none), in the file's own newlines."""
    bom = UTF8_BOM if data.startswith(UTF8_BOM) else b""
    text = data[len(bom) :]
    newline = b"\r\n" if text.split(b"\n", 1)[0].endswith(b"\r") else b"\n"
    added = b"".join(line.encode("utf-8") + newline for line in lines)
    if has_front_matter:
        opening, rest = text.split(b"\n", 1)
        return bom + opening + b"\n" + added + rest
    return bom + b"---" + newline + added + b"---" + newline + text


def report_dates(sources: Counter, report: ImportReport) -> None:
    """One line per way of dating, with how many notes: the dates are guesses a user may want to check."""
    messages = {
        "date:git": "{notes} without a `date`: dated by the file's first commit (git)",
        "date:file": "{notes} without a `date`: dated by the file's times (no git history for them)",
        "date:name": "{notes} without a `date`: dated by the file's name (daily notes)",
        "updated:git": "{notes}: `updated` from the file's last commit (git)",
        "updated:file": "{notes}: `updated` from the file's modification time",
    }
    for key, count in sorted(sources.items()):
        field, _colon, origin = key.partition(":")
        message = messages.get(key) or f"{{notes}}: `{field}` from the `{origin}` property"
        report.add("guessed", message.format(notes=counted(count, "note")))


def counted(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def vault_settings(vault: Path, script: Counter[str], report: ImportReport) -> str:
    """notes-site.yaml for the vault: its name as title, the guessed language, its paths as URLs."""
    lines = ["# notes-site settings imported from an Obsidian vault by `notes-site import obsidian`.", ""]
    title = vault.resolve().name
    lines.append(yaml_setting("title", title))
    report.add("converted", f"the vault's name `{title}` as the site's title")
    han, words = script["han"], script["words"]
    language = "zh-CN" if han > words else "en"
    lines.append(yaml_setting("language", language, "a guess from the notes' text"))
    report.add("guessed", f"`language: {language}`: the notes hold {han:,} Chinese characters and {words:,} words")
    zone = local_zone()
    if zone:
        lines.append(yaml_setting("timezone", zone, "this computer's time zone"))
        report.add("guessed", f"`timezone: {zone}`, this computer's, for the dates pages show")
    lines.append(yaml_setting("permalink", ":title/", "each note at its path in the vault"))
    lines.append(yaml_setting("unicode_slugs", True, "names in any script stay as they are in URLs"))
    report.add("converted", "`permalink: :title/`: each note's URL is its path in the vault (A/CLIP.md → /a/clip/)")
    return "\n".join(lines) + "\n"


def local_zone() -> str | None:
    """This computer's IANA time zone (TZ, else /etc/localtime's target); None when unknown or UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        target = os.path.realpath("/etc/localtime")
        name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    if not name or name in ("UTC", "Etc/UTC", "Universal", "Zulu"):
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None
    return name
