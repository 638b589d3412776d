"""`notes-site import hexo`: a Hexo (+ NexT) site's settings, posts, drafts and menu."""

from __future__ import annotations

import hashlib
import json
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from notes_site.config import CONFIG_FILE, LANGUAGES, PERMALINK_TOKENS, canonical_zone
from notes_site.content.notes import without_date_prefix
from notes_site.errors import UsageError
from notes_site.frontmatter import key_line
from notes_site.migrate import (
    ImportedNote,
    ImportReport,
    check_target,
    copy_drafts,
    copy_site_files,
    copy_tree,
    keep_old_addresses,
    note_meta,
    read_settings,
    relative_links,
    set_front_matter,
    translate_permalink,
    yaml_setting,
)

# Hexo settings with a notes-site equivalent: Hexo key -> notes-site key.
HEXO_SAME = {"title": "title", "subtitle": "subtitle", "description": "description", "author": "author"}
HEXO_LANGUAGES = {"zh-cn": "zh-CN", "zh-hans": "zh-CN", "zh": "zh-CN", "en": "en", "en-us": "en", "en-gb": "en"}
# Hexo settings that change nothing a reader sees, or that notes-site does on its own.
HEXO_IGNORED = {
    "keywords", "source_dir", "public_dir", "tag_dir", "archive_dir", "category_dir", "code_dir", "i18n_dir",
    "skip_render", "default_layout", "titlecase", "external_link", "filename_case", "render_drafts",
    "relative_link", "future", "highlight", "prismjs", "syntax_highlighter", "index_generator", "date_format",
    "time_format", "updated_option", "pagination_dir", "include", "exclude", "ignore", "deploy", "theme",
    "post_asset_folder", "marked", "pretty_urls", "permalink_defaults", "root", "url", "meta_generator",
    "default_category", "category_map", "tag_map", "new_post_name", "language", "timezone", "per_page",
    "permalink", "theme_config",
}  # fmt: skip
HEXO_PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".ejs", ".njk", ".pug", ".swig", ".styl")
HEXO_TOKENS = {
    ":year", ":month", ":day", ":i_month", ":i_day", ":hour", ":minute", ":second", ":title", ":name", ":category",
}  # fmt: skip

# Hexo's Markdown renderers, the first one named in package.json being the one used (a blog that
# lists kramed and pandoc was built by kramed: its pages hold kramed's <script type="math/tex">).
MARKDOWN_RENDERERS = (
    "hexo-renderer-kramed",
    "hexo-renderer-pandoc",
    "hexo-renderer-markdown-it",
    "hexo-renderer-marked",
)
KRAMED_LIKE = ("hexo-renderer-kramed",)  # `$$x$$` inside a sentence is inline math there


def import_hexo(source: Path, target: Path) -> ImportReport:
    """A notes-site site in `target` from the Hexo site (or its source/_posts) at `source`."""
    root, posts = hexo_folders(source)
    check_target(target)
    report = ImportReport(target)
    settings, hexo_config = hexo_settings(root, report)
    target.mkdir(parents=True, exist_ok=True)
    content = target / "content"
    origins: dict[Path, Path] = {}
    report.notes, report.files = copy_tree(posts, content, report, root or posts, origins=origins)
    report.add("converted", f"{report.notes} posts and {report.files} other files copied into {content}", posts)
    drafts = root / "source" / "_drafts" if root else None
    if drafts and drafts.is_dir():
        copy_drafts(drafts, content, report, origins)
    if root:
        copy_site_files(root / "source", content, report, hexo_skips, HEXO_PAGE_SUFFIXES, hexo_page_rule)
        relative_links(content, str(hexo_config.get("root") or "/"), report)
    (target / CONFIG_FILE).write_text(settings, encoding="utf-8")
    keep_hexo_tags(content, report)
    unknown: list[tuple[Path, str]] = []
    keep_old_addresses(
        target, hexo_address(hexo_config, unknown), report, "capitals, spaces, front-matter tokens", origins
    )
    for path, token in unknown:
        report.add(
            "not converted",
            f"the post has no `{token}` for the permalink token :{token}: its old URL is not known, "
            "so it gets a new one",
            path,
        )
    return report


def hexo_skips(relative: Path) -> bool:
    """The posts, the drafts, and Hexo's hidden and `_` folders of source/."""
    return relative.parts[0].startswith((".", "_"))


# NexT's generated pages: `hexo new page tags` plus `type: tags` shows the tag cloud, and so on.
HEXO_GENERATED = {"tags": "/tags/", "categories": "/categories/", "archives": "/archives/", "schedule": ""}


def hexo_page_rule(relative: Path, meta: dict[str, Any], text: str) -> tuple[str, str] | None:
    """A page of source/ becomes a standalone page, unless it stands for a page notes-site makes itself."""
    kind = str(meta.get("type") or "").strip().lower()
    if kind in HEXO_GENERATED:
        made = HEXO_GENERATED[kind]
        if not made:
            return ("not converted", f"NexT's `type: {kind}` page (a calendar) has no notes-site equivalent")
        return ("converted", f"NexT's `type: {kind}` page: notes-site makes {made} itself, so the menu entry works")
    if relative.as_posix().lower() in ("404.md", "404/index.md", "404.markdown", "404/index.markdown"):
        return ("converted", "the 404 page: notes-site makes its own 404.html")
    return None


def hexo_page_address(source: str) -> str:
    """Hexo's address of a page of source/: `about/index.md` → about/, `links.md` → links.html."""
    stem = source.rsplit(".", 1)[0]
    folder, _slash, name = stem.rpartition("/")
    if name == "index":
        return folder + "/" if folder else ""
    return stem + ".html"


def keep_hexo_tags(content: Path, report: ImportReport) -> None:
    """`tags: a, b` is one tag for Hexo (its URL is /tags/a-b/); notes-site would read two."""
    changed = []
    for path in sorted(content.rglob("*.md")):
        meta = note_meta(path) or {}
        tags = meta.get("tags")
        if isinstance(tags, str) and "," in tags:
            set_front_matter(path, "tags", [tags.strip()])
            changed.append(path)
    if changed:
        report.add(
            "converted",
            f"{len(changed)} notes write `tags: a, b`, one tag for Hexo: made a list of that one tag, so its URL stays",
            changed[0],
        )


def hexo_address(config: dict[str, Any], unknown: list[tuple[Path, str]]) -> Callable[[ImportedNote], str | None]:
    """Hexo's URL for a post: its permalink pattern filled in the way Hexo 8 fills it.

    `:title` is the path under _posts as written (capitals, spaces, Chinese kept); dates
    are in UTC, the zone of the machine Hexo ran on (see permalink_timezone); `:category`
    is the last category's path; any other token is a front-matter field (`:abbrlink`).
    Posts without that field are added to `unknown`.
    """
    pattern = str(config.get("permalink") or ":year/:month/:day/:title/")
    case = config.get("filename_case", 0)
    dated_names = ":year" in str(config.get("new_post_name") or "") and ":title" in str(config.get("new_post_name"))
    default_category = str(config.get("default_category") or "uncategorized")
    zone = zoneinfo.ZoneInfo("UTC")

    def address(imported: ImportedNote) -> str | None:
        note, meta = imported.note, imported.meta
        if note.standalone:
            return None if isinstance(meta.get("permalink"), str) else hexo_page_address(imported.source)
        if note.posted is None or imported.source.startswith("_drafts/"):
            return None
        if isinstance(meta.get("permalink"), str):
            return None  # the note's own permalink is read by notes-site as Hexo read it
        slug = imported.source.rsplit(".", 1)[0]
        if dated_names:
            folder, _slash, name = slug.rpartition("/")
            slug = (folder + "/" if folder else "") + without_date_prefix(name)
        slug = slug.lower() if case == 1 else slug.upper() if case == 2 else slug
        posted = note.posted.astimezone(zone)
        category = "/".join(hexo_slug(name, case) for name in note.category) if note.category else default_category
        values = {
            "title": slug,
            "name": slug.rsplit("/", 1)[-1],
            "post_title": note.title,
            "year": f"{posted.year:04d}",
            "month": f"{posted.month:02d}",
            "day": f"{posted.day:02d}",
            "hour": f"{posted.hour:02d}",
            "minute": f"{posted.minute:02d}",
            "second": f"{posted.second:02d}",
            "i_month": str(posted.month),
            "i_day": str(posted.day),
            "category": category,
            "hash": hashlib.sha1((slug + str(int(note.posted.timestamp()))).encode("utf-8")).hexdigest()[:12],
        }
        missing = []

        def value(match: re.Match[str]) -> str:
            token = match.group(1)
            if token in values:
                return values[token]
            if isinstance(meta.get(token), (str, int, float)) and not isinstance(meta.get(token), bool):
                return str(meta[token])
            missing.append(token)
            return match.group(0)

        url = re.sub(r":([a-z_]+)", value, pattern)
        unknown.extend((imported.file, token) for token in missing)
        return None if missing else url

    return address


def hexo_slug(name: str, case: int) -> str:
    """Hexo's slugize: runs of spaces and punctuation become one `-`; capitals and Chinese stay."""
    slug = re.sub(r"[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:\"'<>,.?/]+", "-", name).strip("-")
    return slug.lower() if case == 1 else slug.upper() if case == 2 else slug


def hexo_folders(source: Path) -> tuple[Path | None, Path]:
    """(site root or None, the posts folder) for a Hexo site root or a bare source/_posts."""
    if (source / "source" / "_posts").is_dir():
        return source, source / "source" / "_posts"
    if source.name == "_posts" and source.is_dir():
        root = source.parent.parent
        return (root if (root / "_config.yml").is_file() else None), source
    raise UsageError(
        f"{source} is neither a Hexo site (with source/_posts/) nor a source/_posts folder. "
        "Point `notes-site import hexo` at the folder holding _config.yml."
    )


def hexo_settings(root: Path | None, report: ImportReport) -> tuple[str, dict[str, Any]]:
    """The notes-site.yaml text for the Hexo settings, with a comment on every guess; the settings read."""
    config_path = root / "_config.yml" if root else None
    data: dict[str, Any] = {}
    text = ""
    if config_path and config_path.is_file():
        text = config_path.read_text(encoding="utf-8-sig")
        data = read_settings(config_path)
    else:
        report.add("guessed", "no _config.yml: the defaults of Hexo are assumed (permalink :year/:month/:day/:title/)")
    lines = ["# notes-site settings imported from a Hexo site by `notes-site import hexo`.", ""]

    def line_of(key: str) -> int | None:
        return key_line(text, key) if text else None

    def setting(key: str, value: Any, comment: str = "") -> None:
        lines.append(yaml_setting(key, value, comment))

    for hexo_key, key in HEXO_SAME.items():
        if data.get(hexo_key):
            setting(key, str(data[hexo_key]))
            report.add("converted", f"`{hexo_key}`", config_path, line_of(hexo_key))
    language = str(data.get("language") or "en")
    if isinstance(data.get("language"), list):
        language = str(data["language"][0])
    mapped = HEXO_LANGUAGES.get(language.lower())
    if mapped in LANGUAGES:
        setting("language", mapped)
        report.add("converted", f"`language: {language}` as {mapped}", config_path, line_of("language"))
    else:
        report.add("not converted", f"`language: {language}`: notes-site speaks en and zh-CN", config_path)
    zone = str(data.get("timezone") or "")
    if zone:
        setting("timezone", canonical_zone(zone) or zone)  # an unknown zone stops the import, naming the line
        report.add("converted", f"`timezone: {zone}`", config_path, line_of("timezone"))
    else:
        report.add("guessed", "no `timezone`: dates without one are read as UTC, as Hexo did on a UTC machine")
    url = str(data.get("url") or "")
    if url.startswith(("http://", "https://")) and "example.com" not in url:
        setting("base_url", url.rstrip("/") + "/")
        report.add("converted", f"`url: {url}` as base_url", config_path, line_of("url"))
    elif url:
        report.add("not converted", f"`url: {url}` looks like Hexo's placeholder; set base_url yourself", config_path)
    permalink = str(data.get("permalink") or ":year/:month/:day/:title/")
    permalink, unknown = translate_permalink(permalink, {token: token for token in HEXO_TOKENS})
    if unknown:
        report.add(
            "not converted",
            f"permalink tokens {' '.join(unknown)}: posts keep their URLs with their own `permalink:`, "
            "new notes use :slug",
            config_path,
            line_of("permalink"),
        )
    assert set(re.findall(r":[a-z_]+", permalink)) <= set(PERMALINK_TOKENS)
    setting("permalink", permalink)
    report.add("converted", f"`permalink: {permalink}`", config_path, line_of("permalink"))
    setting("permalink_timezone", "UTC", "Hexo dated URLs in its machine's time zone: change if yours was not UTC")
    report.add(
        "guessed",
        "URL dates (:year/:month/:day) in UTC, the zone of the machine Hexo ran on in most setups "
        "(CI, containers); set permalink_timezone to your computer's zone if you built on it",
    )
    setting("unicode_slugs", True, "Hexo keeps Chinese file names in URLs")
    renderer = markdown_renderer(root)
    if renderer in KRAMED_LIKE:
        setting("math_double_dollar_in_text", "inline", f"{renderer} showed $$x$$ inside a sentence inline")
        report.add("converted", f"{renderer}'s inline $$x$$ (in package.json) as math_double_dollar_in_text: inline")
    per_page = data.get("per_page")
    if isinstance(per_page, int) and per_page > 0:
        setting("per_page", per_page)
        report.add("converted", f"`per_page: {per_page}`", config_path, line_of("per_page"))
    elif per_page == 0:
        report.add("not converted", "`per_page: 0` (no pagination): notes-site always paginates", config_path)
    menu = hexo_menu(root, report)
    if menu:
        lines.append(
            yaml.safe_dump({"menu": menu}, allow_unicode=True, default_flow_style=False, sort_keys=False).rstrip()
        )
    for key in sorted(set(data) - set(HEXO_SAME) - HEXO_IGNORED):
        report.add("not converted", f"`{key}`: no notes-site equivalent", config_path, line_of(key))
    new_post_name = str(data.get("new_post_name") or ":title.md")
    if new_post_name != ":title.md":
        report.add("not converted", f"`new_post_name: {new_post_name}`: notes-site new names files after the title")
    return "\n".join(lines) + "\n", data


def markdown_renderer(root: Path | None) -> str:
    """The hexo-renderer-… package the blog's package.json names for Markdown, or "" (Hexo's default, marked)."""
    try:
        package = json.loads((root / "package.json").read_text(encoding="utf-8-sig")) if root else {}
    except (OSError, ValueError):
        return ""
    if not isinstance(package, dict):
        return ""
    names = {**(package.get("dependencies") or {}), **(package.get("devDependencies") or {})}
    return next((name for name in MARKDOWN_RENDERERS if name in names), "")


def hexo_menu(root: Path | None, report: ImportReport) -> dict[str, str]:
    """NexT's menu from _config.next.yml or the theme's own _config.yml (`Title: /path/ || icon`)."""
    if root is None:
        return {}
    for candidate in (root / "_config.next.yml", root / "themes" / "next" / "_config.yml"):
        if candidate.is_file():
            data = read_settings(candidate)
            menu = data.get("menu")
            if isinstance(menu, dict) and menu:
                report.add("converted", f"the NexT menu ({len(menu)} entries)", candidate)
                return {str(k): str(v).split("||")[0].strip() for k, v in menu.items()}
    return {}
