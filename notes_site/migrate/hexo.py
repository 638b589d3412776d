"""`notes-site import hexo`: a Hexo (+ NexT) site's settings, posts, drafts and menu."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from notes_site.config import CONFIG_FILE, LANGUAGES, PERMALINK_TOKENS
from notes_site.errors import UsageError
from notes_site.frontmatter import key_line
from notes_site.migrate import ImportReport, check_target, copy_tree, yaml_setting

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
HEXO_TOKENS = {":year", ":month", ":day", ":i_month", ":i_day", ":hour", ":minute", ":second", ":title", ":name"}


def import_hexo(source: Path, target: Path) -> ImportReport:
    """A notes-site site in `target` from the Hexo site (or its source/_posts) at `source`."""
    root, posts = hexo_folders(source)
    check_target(target)
    report = ImportReport(target)
    settings = hexo_settings(root, report)
    target.mkdir(parents=True, exist_ok=True)
    content = target / "content"
    report.notes, report.files = copy_tree(posts, content)
    report.add("converted", f"{report.notes} posts and {report.files} other files copied into {content}", posts)
    drafts = root / "source" / "_drafts" if root else None
    if drafts and drafts.is_dir():
        count, others = copy_tree(drafts, content / "_drafts")
        mark_drafts(content / "_drafts")
        report.add("converted", f"{count} drafts copied into content/_drafts/ with `draft: true`", drafts)
    if root:
        report_pages(root / "source", report)
    (target / CONFIG_FILE).write_text(settings, encoding="utf-8")
    return report


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


def hexo_settings(root: Path | None, report: ImportReport) -> str:
    """The notes-site.yaml text for the Hexo settings, with a comment on every guess."""
    config_path = root / "_config.yml" if root else None
    data: dict[str, Any] = {}
    text = ""
    if config_path and config_path.is_file():
        text = config_path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
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
        setting("timezone", zone)
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
    unknown = sorted(set(re.findall(r":[a-z_]+", permalink)) - HEXO_TOKENS)
    if unknown:
        report.add(
            "not converted",
            f"permalink tokens {' '.join(unknown)} have no notes-site equivalent; :slug is used for them",
            config_path,
            line_of("permalink"),
        )
        for token in unknown:
            permalink = permalink.replace(token, ":slug")
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
    return "\n".join(lines) + "\n"


def hexo_menu(root: Path | None, report: ImportReport) -> dict[str, str]:
    """NexT's menu from _config.next.yml or the theme's own _config.yml (`Title: /path/ || icon`)."""
    if root is None:
        return {}
    for candidate in (root / "_config.next.yml", root / "themes" / "next" / "_config.yml"):
        if candidate.is_file():
            data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            menu = data.get("menu")
            if isinstance(menu, dict) and menu:
                report.add("converted", f"the NexT menu ({len(menu)} entries)", candidate)
                return {str(k): str(v).split("||")[0].strip() for k, v in menu.items()}
    return {}


def mark_drafts(folder: Path) -> None:
    """Hexo knows drafts by their folder; notes-site by `draft: true` in the front matter."""
    for path in folder.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            path.write_text("---\ndraft: true\n" + text[4:], encoding="utf-8")
        else:
            path.write_text("---\ndraft: true\n---\n" + text, encoding="utf-8")


def report_pages(source: Path, report: ImportReport) -> None:
    """Hexo pages (source/about/index.md) and other files outside _posts are not imported."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and relative.parts[0] not in ("_posts", "_drafts") and not relative.parts[0].startswith("."):
            report.add("not converted", "a page or file outside _posts; copy it into content/ if you want it", path)
