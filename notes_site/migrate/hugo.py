"""`notes-site import hugo`: a Hugo site's settings, permalinks, menus and content/."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from notes_site.config import CONFIG_FILE, LANGUAGES
from notes_site.errors import UsageError
from notes_site.frontmatter import key_line
from notes_site.migrate import (
    ImportedNote,
    ImportReport,
    check_target,
    copy_tree,
    keep_old_addresses,
    read_settings,
    translate_permalink,
    yaml_setting,
)
from notes_site.migrate.hexo import HEXO_LANGUAGES

# Hugo permalink tokens -> notes-site's (":section" becomes the section's own name).
HUGO_TOKENS = {
    ":year": ":year",
    ":month": ":month",
    ":day": ":day",
    ":contentbasename": ":name",
    ":filename": ":name",
    ":slug": ":slug",
    ":slugorfilename": ":slug",
    ":slugorcontentbasename": ":slug",
}
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "config.toml", "config.yaml", "config.yml")


def import_hugo(source: Path, target: Path) -> ImportReport:
    """A notes-site site in `target` from the Hugo site at `source` (its content/ and settings)."""
    config_path = next((source / name for name in HUGO_CONFIGS if (source / name).is_file()), None)
    if config_path is None and (source / "config" / "_default").is_dir():
        config_path = source / "config" / "_default"  # a configuration directory: one file per top-level key
    if config_path is None or not (source / "content").is_dir():
        raise UsageError(
            f"{source} is not a Hugo site (no hugo.toml, hugo.yaml, config.toml or config/_default/ beside a "
            "content/ folder). Point `notes-site import hugo` at the folder holding them."
        )
    check_target(target)
    report = ImportReport(target)
    settings = hugo_settings(config_path, source / "content", report)
    target.mkdir(parents=True, exist_ok=True)
    report.notes, report.files = copy_tree(source / "content", target / "content", report, source, skip=("_index.md",))
    report.add("converted", f"{report.notes} notes and {report.files} other files copied", source / "content")
    for section_page in sorted((source / "content").rglob("_index.md")):
        report.add("not converted", "a section page (_index.md); notes-site makes its own listings", section_page)
    (target / CONFIG_FILE).write_text(settings, encoding="utf-8")
    keep_old_addresses(target, hugo_address(load_hugo_config(config_path)), report, "titles in URLs, other sections")
    return report


def hugo_address(config: dict[str, Any]) -> Callable[[ImportedNote], str | None]:
    """Hugo's URL for a page: its section's permalink pattern, or its path under content/.

    `:title` and a `:slug` without a `slug:` are the title made into a path Hugo's way
    (`urlize`: lower case, spaces to `-`, other punctuation dropped, letters of any script kept).
    """
    data = {str(k).lower(): v for k, v in config.items()}
    permalinks = data.get("permalinks") or {}
    if isinstance(permalinks.get("page"), dict):
        permalinks = permalinks["page"]
    lower = not data.get("disablepathtolower", False)

    def urlize(text: str) -> str:
        return hugo_sanitize(text.lower() if lower else text)

    def address(imported: ImportedNote) -> str | None:
        note, meta = imported.note, imported.meta
        if note.posted is None or isinstance(meta.get("url"), str):
            return None  # a page's own `url` is read by notes-site as Hugo read it
        parts = imported.source.split("/")
        folder = parts[:-2] if parts[-1].lower() == "index.md" and len(parts) > 1 else parts[:-1]
        name = parts[-2] if parts[-1].lower() == "index.md" and len(parts) > 1 else parts[-1].rsplit(".", 1)[0]
        section = folder[0] if folder else ""
        slug = str(meta["slug"]) if isinstance(meta.get("slug"), (str, int)) else ""
        pattern = permalinks.get(section) if section else None
        if not isinstance(pattern, str):
            return "/".join(urlize(part) for part in [*folder, slug or name]) + "/"
        posted = note.posted  # Hugo dates a URL in the date's own zone, as notes-site does
        values = {
            "year": f"{posted.year:04d}",
            "month": f"{posted.month:02d}",
            "monthname": posted.strftime("%B").lower(),
            "day": f"{posted.day:02d}",
            "weekday": str(posted.isoweekday() % 7),
            "weekdayname": posted.strftime("%A").lower(),
            "yearday": str(posted.timetuple().tm_yday),
            "section": urlize(section),
            "sections": "/".join(urlize(part) for part in folder),
            "title": urlize(note.title),
            "slug": urlize(slug or note.title),
            "slugorfilename": urlize(slug) if slug else urlize(name),
            "slugorcontentbasename": urlize(slug) if slug else urlize(name),
            "filename": urlize(name),
            "contentbasename": urlize(name),
        }
        missing = []

        def value(match: re.Match[str]) -> str:
            if match.group(1) in values:
                return values[match.group(1)]
            missing.append(match.group(1))
            return match.group(0)

        url = re.sub(r":([a-z]+)", value, pattern)
        return None if missing else url

    return address


def hugo_sanitize(text: str) -> str:
    """Hugo's paths.Sanitize: letters, digits, marks and `._-/#+~` stay, runs of spaces become
    one `-` (none at either end), everything else is dropped."""
    kept: list[str] = []
    hyphen = False
    for char in text:
        if char.isalnum() or unicodedata.category(char).startswith("M") or char in "./\\_-#+~%":
            if hyphen:
                kept.append("-")
                hyphen = False
            kept.append(char)
        elif char.isspace() and kept:
            hyphen = True
    return "".join(kept)


def load_hugo_config(path: Path) -> dict[str, Any]:
    """Hugo's settings from one file, or from a configuration directory (config/_default/), where
    hugo.toml holds the top level and every other file one key: params.toml, menus.en.toml …"""
    if path.is_file():
        return read_settings(path)
    data: dict[str, Any] = {}
    for file in sorted(path.iterdir()):
        if file.suffix not in (".toml", ".yaml", ".yml") or not file.is_file():
            continue
        key = file.name.split(".", 1)[0]
        values = read_settings(file)
        if key in ("hugo", "config"):
            data.update(values)
        else:
            existing = data.get(key)
            data[key] = {**existing, **values} if isinstance(existing, dict) else values
    return data


def hugo_settings(config_path: Path, content: Path, report: ImportReport) -> str:
    data = {str(k).lower(): v for k, v in load_hugo_config(config_path).items()}
    main_file = config_path if config_path.is_file() else next(config_path.glob("hugo.*"), None)
    text = main_file.read_text(encoding="utf-8-sig") if main_file else ""
    settings_file = main_file or config_path  # the file the line numbers count in
    lines = ["# notes-site settings imported from a Hugo site by `notes-site import hugo`.", ""]

    def line_of(key: str) -> int | None:
        return key_line(text, key) or key_line(text, key[0].lower() + key[1:])

    def setting(key: str, value: Any, comment: str = "") -> None:
        lines.append(yaml_setting(key, value, comment))

    params = {str(k).lower(): v for k, v in (data.get("params") or {}).items()}
    for key, value in (("title", data.get("title")), ("author", params.get("author") or data.get("author"))):
        if isinstance(value, str) and value:
            setting(key, value)
            report.add("converted", f"`{key}`", settings_file, line_of(key))
    if isinstance(params.get("description"), str):
        setting("description", params["description"])
        report.add("converted", "`params.description`", settings_file, line_of("description"))
    language = str(data.get("locale") or data.get("languagecode") or data.get("defaultcontentlanguage") or "en")
    mapped = HEXO_LANGUAGES.get(language.lower())
    if mapped in LANGUAGES:
        setting("language", mapped)
        report.add("converted", f"language `{language}` as {mapped}", config_path)
    else:
        report.add("not converted", f"language `{language}`: notes-site speaks en and zh-CN", config_path)
    if data.get("timezone"):
        setting("timezone", str(data["timezone"]))
        report.add("converted", f"`timeZone: {data['timezone']}`", settings_file, line_of("timeZone"))
    base = str(data.get("baseurl") or "")
    if base.startswith(("http://", "https://")) and "example.com" not in base and "example.org" not in base:
        setting("base_url", base.rstrip("/") + "/")
        report.add("converted", f"`baseURL: {base}`", settings_file, line_of("baseURL"))
    elif base:
        report.add("not converted", f"`baseURL: {base}` looks like a placeholder; set base_url yourself", config_path)
    pager = (data.get("pagination") or {}).get("pagerSize") or data.get("paginate")
    if isinstance(pager, int) and pager > 0:
        setting("per_page", pager)
        report.add("converted", f"page size {pager}", config_path)
    setting("permalink", hugo_permalink(data.get("permalinks") or {}, content, config_path, report))
    setting("unicode_slugs", True, "Hugo keeps Chinese file names in URLs")
    menu = hugo_menu(data.get("menus") or data.get("menu") or {})
    if menu:
        lines.append(
            yaml.safe_dump({"menu": menu}, allow_unicode=True, default_flow_style=False, sort_keys=False).rstrip()
        )
        report.add("converted", f"the main menu ({len(menu)} entries)", settings_file, line_of("main"))
    return "\n".join(lines) + "\n"


def hugo_permalink(permalinks: dict[str, Any], content: Path, config_path: Path, report: ImportReport) -> str:
    """One permalink for every note, from the pattern of the section that holds most notes.

    Without a pattern Hugo puts a note at its path under content/: that is notes-site's :title.
    """
    if isinstance(permalinks.get("page"), dict):  # Hugo 0.144+: permalinks.page.<section>
        permalinks = permalinks["page"]
    sections: dict[str, int] = {}
    for note in content.rglob("*.md"):
        parts = note.relative_to(content).parts
        if len(parts) > 1 and note.name != "_index.md":
            sections[parts[0]] = sections.get(parts[0], 0) + 1
    section = max(sections, key=lambda name: (sections[name], name), default="")
    pattern = permalinks.get(section) if section else None
    if not isinstance(pattern, str):
        report.add("converted", "no permalink pattern: notes keep their path under content/ (:title)", config_path)
        return ":title/"
    others = sorted(name for name in permalinks if name != section and isinstance(permalinks[name], str))
    if others:
        report.add(
            "converted",
            f"the permalinks of {', '.join(others)}: their pages keep their URLs through their own `permalink:`",
            config_path,
        )
    trimmed = pattern.strip("/") + ("/" if pattern.endswith("/") else "")
    converted, unknown = translate_permalink(trimmed, {**HUGO_TOKENS, ":section": section, ":sections": section})
    for token in unknown:
        report.add(
            "converted",
            f"the permalink token {token}: pages keep their URLs with their own `permalink:`; new ones use :slug",
            config_path,
        )
    report.add("converted", f"permalinks of `{section}`: {pattern} as {converted}", config_path)
    return converted


def hugo_menu(menus: dict[str, Any]) -> dict[str, str]:
    entries = menus.get("main") if isinstance(menus, dict) else None
    if not isinstance(entries, list):
        return {}
    ordered = sorted((e for e in entries if isinstance(e, dict)), key=lambda e: e.get("weight", 0))
    return {str(e.get("name", e.get("url", ""))): str(e.get("url") or e.get("pageRef") or "/") for e in ordered}
