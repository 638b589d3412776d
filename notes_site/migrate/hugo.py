"""`notes-site import hugo`: a Hugo site's settings, permalinks, menus and content/."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from notes_site.config import CONFIG_FILE, LANGUAGES, canonical_zone
from notes_site.content.dates import DateError, parse_date
from notes_site.content.fields import LATE_POSTED_KEYS, POSTED_KEYS
from notes_site.errors import UsageError
from notes_site.frontmatter import key_line
from notes_site.migrate import (
    ImportedNote,
    ImportReport,
    check_target,
    copy_site_files,
    copy_tree,
    keep_old_addresses,
    note_meta,
    pages_copied,
    read_settings,
    relative_links,
    set_front_matter,
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
    config = load_hugo_config(config_path)
    languages = hugo_languages(source, config, report)
    settings = hugo_settings(config_path, languages[0].content, report, source / "content")
    target.mkdir(parents=True, exist_ok=True)
    origins: dict[Path, Path] = {}
    for language in languages:
        notes, files = copy_tree(
            language.content, target / "content" / language.prefix, report, source, skip=("_index.md",), origins=origins
        )
        report.notes, report.files = report.notes + notes, report.files + files
        where = f" into content/{language.prefix}" if len(languages) > 1 else ""
        report.add("converted", f"{notes} notes and {files} other files copied{where}", language.content)
    copy_static_files(source, config, target / "content", report)
    for section_page in sorted((source / "content").rglob("_index.md")):
        report.add("not converted", "a section page (_index.md); notes-site makes its own listings", section_page)
    mark_hugo_pages(target / "content", content_roots(source, target, load_hugo_config(config_path)), report)
    (target / CONFIG_FILE).write_text(settings, encoding="utf-8")
    prefixes = tuple(language.prefix for language in languages if language.prefix)
    keep_old_addresses(target, hugo_address(config, prefixes), report, "titles in URLs, other sections", origins)
    return report


def copy_static_files(source: Path, config: dict[str, Any], content: Path, report: ImportReport) -> None:
    """Hugo serves `static/` at the site root, and publishes the `assets/` files a page names: both
    go to the same paths under content/, and the notes' links to them from the root become relative,
    so `{{< figure src="/ox-hugo/fig.png" >}}` works under a sub-path and from disk."""
    data = {str(key).lower(): value for key, value in config.items()}
    folders = data.get("staticdir") or ["static"]
    for name in [folders] if isinstance(folders, str) else folders:
        if (source / str(name)).is_dir():
            copy_site_files(source / str(name), content, report, hidden, ())
    assets = source / "assets"
    if assets.is_dir():
        texts = "\n".join(
            path.read_text(encoding="utf-8", errors="replace") for path in content.rglob("*") if is_note(path)
        )
        named = {path.relative_to(assets).as_posix() for path in assets.rglob("*") if path.is_file()}
        named = {rel for rel in named if "/" + rel in texts}
        copy_site_files(assets, content, report, lambda relative: relative.as_posix() not in named, ())
    base = str(data.get("baseurl") or "")
    relative_links(content, urlsplit(base).path if "://" in base else base, report)


def hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def is_note(path: Path) -> bool:
    return path.suffix.lower() in (".md", ".markdown") and path.is_file()


@dataclass(frozen=True)
class HugoLanguage:
    """One language's content folder, and where Hugo publishes it."""

    code: str
    content: Path
    prefix: str  # "" (the default language, at the site's root) or "zh/"


def hugo_languages(source: Path, config: dict[str, Any], report: ImportReport) -> list[HugoLanguage]:
    """The content folders to import, the default language's first.

    A multilingual site keeps each language in its own `contentDir` (content/en, content/zh);
    Hugo publishes the default language at the root (unless defaultContentLanguageInSubdir)
    and the others under /<lang>/, and so does the import. A site with one content/ is one
    language at the root.
    """
    data = {str(k).lower(): v for k, v in config.items()}
    default = str(data.get("defaultcontentlanguage") or "en").lower()
    in_subdir = data.get("defaultcontentlanguageinsubdir") is True
    found = []
    for code, settings in (data.get("languages") or {}).items():
        settings = {str(k).lower(): v for k, v in settings.items()} if isinstance(settings, dict) else {}
        folder = settings.get("contentdir")
        if not isinstance(folder, str) or settings.get("disabled") is True:
            continue
        content = source / folder
        if not content.is_dir() or not content.resolve().is_relative_to(source.resolve()):
            report.add("not converted", f"the content folder {folder} of language `{code}` is not in the site", source)
            continue
        lang = str(code).lower()
        prefix = "" if lang == default and not in_subdir else lang + "/"
        found.append(HugoLanguage(lang, content, prefix))
    if not found:
        return [HugoLanguage(default, source / "content", "")]
    found.sort(key=lambda language: (language.prefix != "", language.code))
    for language in found:
        where = f"/{language.prefix}" if language.prefix else "the site's root"
        report.add("converted", f"language `{language.code}`: its pages stay at {where}, as Hugo put them", source)
    kept = []
    for language in found:  # a content folder inside another's is copied with it
        if not any(language.content.resolve().is_relative_to(other.content.resolve()) for other in kept):
            kept.append(language)
    return kept


def hugo_address(config: dict[str, Any], prefixes: tuple[str, ...] = ()) -> Callable[[ImportedNote], str | None]:
    """Hugo's URL for a page: its section's permalink pattern, or its path under content/.

    `:title` and a `:slug` without a `slug:` are the title made into a path Hugo's way
    (`urlize`: lower case, spaces to `-`, other punctuation dropped, letters of any script kept).
    """
    data = {str(k).lower(): v for k, v in config.items()}
    permalinks = data.get("permalinks") or {}
    if isinstance(permalinks.get("page"), dict):
        permalinks = permalinks["page"]
    lower = not data.get("disablepathtolower", False)

    default_language = str(data.get("defaultcontentlanguage") or "en").lower()

    def urlize(text: str) -> str:
        return hugo_sanitize(text.lower() if lower else text)

    def address(imported: ImportedNote) -> str | None:
        note, meta = imported.note, imported.meta
        if (note.posted is None and not note.standalone) or isinstance(meta.get("url"), str):
            return None  # a page's own `url` is read by notes-site as Hugo read it
        source = imported.source
        prefix = next((prefix for prefix in prefixes if source.startswith(prefix)), "")
        parts = source[len(prefix) :].split("/")  # a language's pages, placed as in its own content folder
        stem = parts[-1].rsplit(".", 1)[0]
        base, dot, code = stem.rpartition(".")
        language = prefix.rstrip("/") or default_language  # setup.zh.md in zh's folder is zh's `setup`
        stem = base if dot and code.lower() == language else stem
        bundle = stem.lower() == "index" and len(parts) > 1
        folder = parts[:-2] if bundle else parts[:-1]
        name = parts[-2] if bundle else stem
        section = folder[0] if folder else ""
        slug = str(meta["slug"]) if isinstance(meta.get("slug"), (str, int)) else ""
        pattern = permalinks.get(section) if section else None
        if not isinstance(pattern, str):
            return prefix + "/".join(urlize(part) for part in [*folder, slug or name]) + "/"
        if note.posted is None:
            return None
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
        return None if missing else prefix + url.lstrip("/")

    return address


# Pages of a Hugo theme's own (PaperMod's archives.md, search.md): notes-site makes these itself.
HUGO_GENERATED = {
    "archives": "/archives/",
    "archive": "/archives/",
    "search": "/search/",
    "tags": "/tags/",
    "categories": "/categories/",
}


def content_roots(source: Path, target: Path, config: dict[str, Any]) -> list[Path]:
    """The copied content/, and each language's own content folder (`languages.en.contentDir`) inside it."""
    roots = [target / "content"]
    languages = {str(k).lower(): v for k, v in config.items()}.get("languages")
    for language in (languages or {}).values() if isinstance(languages, dict) else ():
        folder = (
            {str(k).lower(): v for k, v in language.items()}.get("contentdir") if isinstance(language, dict) else None
        )
        if isinstance(folder, str) and (source / folder).resolve().is_relative_to((source / "content").resolve()):
            root = target / "content" / (source / folder).resolve().relative_to((source / "content").resolve())
            if root.is_dir() and root not in roots:
                roots.append(root)
    return roots


def mark_hugo_pages(content: Path, roots: list[Path], report: ImportReport) -> None:
    """Pages outside every section (content/about.md, the bundle content/about/index.md) become standalone
    pages (`layout: page`): Hugo's themes list the main section's pages, and link to these from the menu."""
    pages = []
    for root in roots:
        entries = sorted(root.iterdir())
        candidates = [p for p in entries if p.is_file() and p.suffix.lower() in (".md", ".markdown")]
        candidates += [p / "index.md" for p in entries if p.is_dir() and (p / "index.md").is_file()]
        for page in candidates:
            if page.name.lower() == "_index.md":
                continue
            meta = note_meta(page) or {}
            kind = str(meta.get("layout") or meta.get("type") or "").strip().lower()
            if kind in HUGO_GENERATED:
                page.unlink()
                report.notes -= 1
                report.add(
                    "converted",
                    f"a page of the theme's own (`{kind}`): notes-site makes {HUGO_GENERATED[kind]} itself",
                    page,
                )
                continue
            set_front_matter(page, "layout", "page")
            pages.append(page.relative_to(content).as_posix())
    if pages:
        report.add("converted", f"{pages_copied(pages)} outside the sections, marked with `layout: page`", content)


def hugo_sanitize(text: str) -> str:
    """Hugo's paths.Sanitize (as Hugo 0.168 does it): letters, digits, marks and `._-/#+~%` stay, every
    white-space character becomes `-` (`cin & cout` is `cin--cout`), everything else is dropped."""
    return "".join(
        "-" if char.isspace() else char
        for char in text
        if char.isspace() or char.isalnum() or unicodedata.category(char).startswith("M") or char in "./\\_-#+~%"
    )


def load_hugo_config(path: Path) -> dict[str, Any]:
    """Hugo's settings from one file, or from a configuration directory (config/_default/), where
    hugo.toml holds the top level and every other file one key: params.toml, menus.en.toml …"""
    if path.is_file():
        return read_settings(path)
    data: dict[str, Any] = {}
    for file in sorted(path.iterdir()):
        if file.suffix not in (".toml", ".yaml", ".yml") or not file.is_file():
            continue
        key, *language = file.name.split(".")[:-1]
        values = read_settings(file)
        if key in ("hugo", "config"):
            data.update(values)
        elif language:  # menus.en.toml: the `menus` of the language `en`
            languages = data.setdefault("languages", {})
            languages.setdefault(language[0], {})[key] = values
        else:
            existing = data.get(key)
            if key == "languages" and isinstance(existing, dict):  # merge language by language
                values = {code: {**existing.get(code, {}), **value} for code, value in values.items()}
            data[key] = {**existing, **values} if isinstance(existing, dict) else values
    return data


def hugo_settings(config_path: Path, content: Path, report: ImportReport, every_content: Path) -> str:
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
        setting("timezone", canonical_zone(str(data["timezone"])) or str(data["timezone"]))
        report.add("converted", f"`timeZone: {data['timezone']}`", settings_file, line_of("timeZone"))
    else:
        zone = written_zone(every_content, report)
        if zone:
            setting("timezone", zone, "the offset most dates are written with, which Hugo showed them in")
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
    menu = hugo_menu(hugo_menus(data), content, report)
    if menu:
        lines.append(
            yaml.safe_dump({"menu": menu}, allow_unicode=True, default_flow_style=False, sort_keys=False).rstrip()
        )
        report.add("converted", f"the main menu ({len(menu)} entries)", settings_file, line_of("main"))
    return "\n".join(lines) + "\n"


def written_zone(content: Path, report: ImportReport) -> str | None:
    """Without `timeZone`, Hugo shows each date in the offset it is written with (`+08:00`), not in UTC.

    notes-site shows every date in the site's zone, so the zone of the offset most dates carry keeps
    the days Hugo showed (dates written without one show their own day in any zone); the notes whose
    day still differs are named. None when most dates are in UTC or carry no offset.
    """
    naive = timezone(timedelta(0), "naive")  # stands for the missing offset, told apart by identity
    offsets: Counter[timedelta] = Counter()
    dated: list[tuple[Path, object]] = []
    for path in sorted(content.rglob("*.md")):
        meta = note_meta(path) or {}
        value = next((meta[key] for key in (*POSTED_KEYS, *LATE_POSTED_KEYS) if meta.get(key) is not None), None)
        try:
            moment = parse_date(value, naive) if value is not None else None
        except DateError:
            continue
        if moment is not None and moment.tzinfo is not naive:
            offsets[moment.utcoffset()] += 1
            dated.append((path, moment))
    offset = max(offsets, key=lambda found: (offsets[found], found), default=timedelta(0))
    hours, rest = divmod(offset, timedelta(hours=1))
    if not offset:
        return None
    if rest or not -12 <= hours <= 14:
        report.add(
            "not converted",
            f"no `timeZone`, and {offsets[offset]} dates are written at UTC{offset_text(offset)}, which no Etc/GMT "
            "zone names: set `timezone` to your zone, or pages show these dates in UTC",
            content,
        )
        return None
    zone = f"Etc/GMT{-hours:+d}"  # POSIX names count west of Greenwich: UTC+8 is Etc/GMT-8
    moved = [path for path, moment in dated if moment.date() != moment.astimezone(timezone(offset)).date()]
    report.add(
        "converted",
        f"no `timeZone`: Hugo showed each date in its own offset; {offsets[offset]} of {sum(offsets.values())} "
        f"are written at UTC{offset_text(offset)}, so `timezone: {zone}`",
        content,
    )
    for path in moved:
        report.add("guessed", f"the date is written in another offset and shows another day in {zone}", path)
    return zone


def offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


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


def hugo_menus(data: dict[str, Any]) -> dict[str, Any]:
    """The site's menus, else the default language's (`[languages.en.menus]`, menus.en.toml)."""
    menus = data.get("menus") or data.get("menu")
    if isinstance(menus, dict) and menus:
        return menus
    default = str(data.get("defaultcontentlanguage") or "en").lower()
    languages = {str(k).lower(): v for k, v in (data.get("languages") or {}).items() if isinstance(v, dict)}
    language = {str(k).lower(): v for k, v in languages.get(default, {}).items()}
    menus = language.get("menus") or language.get("menu")
    return menus if isinstance(menus, dict) else {}


# Hugo's list pages that notes-site makes under its own name: what a menu entry to them becomes.
LISTINGS = {"archive": "archives/", "archives": "archives/", "categories": "categories/", "tags": "tags/"}


def hugo_menu(menus: dict[str, Any], content: Path, report: ImportReport) -> dict[str, str]:
    """The main menu by weight; entries to Hugo's listings lead to notes-site's own.

    A section's listing (`/posts`) becomes the home page, notes-site's list of every note,
    and `/archive(s)` its archives: otherwise every page would carry dead menu links.
    """
    entries = menus.get("main") if isinstance(menus, dict) else None
    if not isinstance(entries, list):
        return {}
    folders = [folder for folder in content.iterdir() if folder.is_dir()] if content.is_dir() else []
    sections = {folder.name.lower() for folder in folders if not (folder / "index.md").is_file()}  # not a bundle
    ordered = sorted((e for e in entries if isinstance(e, dict)), key=lambda e: e.get("weight", 0))
    menu = {}
    for entry in ordered:
        title = str(entry.get("name", entry.get("url", "")))
        url = str(entry.get("url") or entry.get("pageRef") or "/")
        path = url.split("#", 1)[0].split("?", 1)[0].strip("/").lower()
        if "://" not in url and (path in LISTINGS or path in sections):
            menu[title] = LISTINGS.get(path, "/")
            what = "Hugo's listing of a section" if path in sections else "a Hugo listing"
            shown = f"notes-site's /{LISTINGS[path]}" if path in LISTINGS else "the home page (every note)"
            report.add("converted", f"the menu entry `{title}` ({url}, {what}) leads to {shown}")
        else:
            menu[title] = url
    return menu
