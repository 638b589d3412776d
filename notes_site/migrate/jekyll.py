"""`notes-site import jekyll`: a Jekyll site's settings, posts, drafts and static files, URLs kept.

Jekyll's URL of a post is computed here the way Jekyll 4 computes it (categories from
the folders above `_posts/` and the front matter, `:title` from the file name with its
capitals, dates in the site's time zone); every post whose URL notes-site's permalink
pattern cannot make gets it as its own `permalink:`.
"""

from __future__ import annotations

import re
import shutil
import zoneinfo
from collections.abc import Callable
from datetime import datetime
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
    copy_drafts,
    copy_site_files,
    keep_old_addresses,
    leaves_source,
    note_meta,
    read_note,
    read_settings,
    relative_links,
    set_front_matter,
    translate_permalink,
    write_note,
    yaml_setting,
)
from notes_site.migrate.hexo import HEXO_LANGUAGES
from notes_site.migrate.macros import tex_macros

POST_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$")  # Jekyll's: other files in _posts are no posts
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd")
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
# Jekyll tokens with a notes-site equivalent; :title (capitals kept) becomes :slug, and the
# posts whose two differ keep their Jekyll URL through their own permalink.
SAME_TOKENS = {
    ":categories": ":categories",
    ":year": ":year",
    ":month": ":month",
    ":day": ":day",
    ":i_month": ":i_month",
    ":i_day": ":i_day",
    ":hour": ":hour",
    ":minute": ":minute",
    ":second": ":second",
    ":title": ":slug",
    ":slug": ":slug",
    ":output_ext": ".html",
}
# `{{ site.baseurl }}/assets/x.png`, `{{ "/assets/x.png" | relative_url }}`: the site's own paths.
SITE_PREFIX = re.compile(r"(?:\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\})+(?=/|\{%)")
URL_FILTER = re.compile(r"""\{\{-?\s*["']([^"'{}]+)["']\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}""")
JEKYLL_PAGE_SUFFIXES = MARKDOWN_SUFFIXES + (".html", ".htm", ".xml", ".scss", ".sass", ".liquid")
# Jekyll's own folders and files, which hold no notes and no files a reader opens.
JEKYLL_FILES = {"_config.yml", "Gemfile", "Gemfile.lock", "README.md", "LICENSE", "CNAME", "404.html", "feed.xml"}
SETTINGS_KNOWN = {
    "title", "description", "author", "lang", "locale", "timezone", "url", "baseurl", "paginate", "permalink",
    "excerpt_separator",
}  # fmt: skip
SETTINGS_IGNORED = {
    "theme", "remote_theme", "plugins", "gems", "markdown", "kramdown", "highlighter", "exclude", "include",
    "keep_files", "sass", "collections", "defaults", "paginate_path", "github_username", "twitter_username",
    "show_excerpts", "header_pages", "destination", "source", "future", "show_drafts", "incremental", "encoding",
    "minima", "email", "repository", "google_analytics", "disqus", "social", "feed", "safe", "livereload",
}  # fmt: skip


def import_jekyll(source: Path, target: Path) -> ImportReport:
    """A notes-site site in `target` from the Jekyll site at `source` (the folder with _config.yml)."""
    config_path = source / "_config.yml"
    post_folders = jekyll_post_folders(source)
    if not config_path.is_file() and not post_folders:
        raise UsageError(
            f"{source} is not a Jekyll site (no _config.yml and no _posts/ folder). "
            "Point `notes-site import jekyll` at the folder holding them."
        )
    check_target(target)
    report = ImportReport(target)
    data = load_settings(config_path, report)
    settings = jekyll_settings(data, config_path, report)
    target.mkdir(parents=True, exist_ok=True)
    content = target / "content"
    for folder in post_folders:
        copy_posts(source, folder, content, report)
    report.add("converted", f"{report.notes} posts copied into {content}", source)
    if (source / "_drafts").is_dir():
        copy_drafts(source / "_drafts", content, report)
    pages = copy_site_files(source, content, report, jekyll_skips, JEKYLL_PAGE_SUFFIXES, jekyll_page_rule)
    for page in pages:
        plain_liquid_urls(page)
    relative_links(content, str(data.get("baseurl") or ""), report)
    settings += jekyll_menu(pages, content, data, report)
    macros = tex_macros(sorted(source.glob("_includes/*.html")) + sorted(source.glob("_layouts/*.html")), report)
    if macros:
        settings += yaml_setting("math_macros", macros) + "\n"
    (target / CONFIG_FILE).write_text(settings, encoding="utf-8")
    keep_old_addresses(target, jekyll_address(data), report, "capitals, punctuation, Jekyll-only tokens")
    return report


def jekyll_post_folders(source: Path) -> list[Path]:
    """`_posts/` and every `<category>/_posts/` (Jekyll files posts under the folders above it)."""
    return sorted(
        path
        for path in source.rglob("_posts")
        if path.is_dir() and not any(part.startswith((".", "_site", "vendor", "node_modules")) for part in
                                     path.relative_to(source).parts[:-1])
    )  # fmt: skip


def load_settings(config_path: Path, report: ImportReport) -> dict[str, Any]:
    if not config_path.is_file():
        report.add("guessed", "no _config.yml: Jekyll's defaults are assumed (permalink: date, time zone UTC)")
        return {}
    return read_settings(config_path)


def jekyll_settings(data: dict[str, Any], config_path: Path, report: ImportReport) -> str:
    """The notes-site.yaml text for the Jekyll settings, with a comment on every guess."""
    text = config_path.read_text(encoding="utf-8-sig") if config_path.is_file() else ""
    lines = ["# notes-site settings imported from a Jekyll site by `notes-site import jekyll`.", ""]

    def line_of(key: str) -> int | None:
        return key_line(text, key) if text else None

    def setting(key: str, value: Any, comment: str = "") -> None:
        lines.append(yaml_setting(key, value, comment))

    for key in ("title", "description"):
        if isinstance(data.get(key), str) and data[key].strip():
            setting(key, data[key].strip())
            report.add("converted", f"`{key}`", config_path, line_of(key))
    author = data.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    if isinstance(author, str) and author.strip():
        setting("author", author.strip())
        report.add("converted", "`author`", config_path, line_of("author"))
    language = str(data.get("lang") or data.get("locale") or "en")
    mapped = HEXO_LANGUAGES.get(language.lower().replace("_", "-"))
    if mapped in LANGUAGES:
        setting("language", mapped)
        report.add("converted", f"language `{language}` as {mapped}", config_path)
    else:
        report.add("not converted", f"language `{language}`: notes-site speaks en and zh-CN", config_path)
    zone = str(data.get("timezone") or "")
    if zone:
        setting("timezone", zone)
        report.add(
            "converted", f"`timezone: {zone}` (dates in URLs too, as Jekyll did)", config_path, line_of("timezone")
        )
    else:
        setting("timezone", "UTC", "Jekyll used the time zone of the machine it ran on")
        report.add(
            "guessed",
            "no `timezone`: Jekyll dated URLs in the zone of the machine it ran on; UTC is assumed (CI, "
            "GitHub Pages). Set timezone to your computer's zone if you built on it",
        )
    url = str(data.get("url") or "").rstrip("/")
    base = str(data.get("baseurl") or "").strip("/")
    if url.startswith(("http://", "https://")) and "example.com" not in url:
        setting("base_url", url + "/" + (base + "/" if base else ""))
        report.add("converted", "`url` and `baseurl` as base_url", config_path, line_of("url"))
    elif base:
        setting("base_url", f"/{base}/")
        report.add("converted", f"`baseurl: /{base}` as base_url", config_path, line_of("baseurl"))
    if isinstance(data.get("paginate"), int) and data["paginate"] > 0:
        setting("per_page", data["paginate"])
        report.add("converted", f"`paginate: {data['paginate']}` as per_page", config_path, line_of("paginate"))
    setting("permalink", notes_site_permalink(data, config_path, report))
    setting("unicode_slugs", True, "Jekyll keeps Chinese file names in URLs")
    if str(data.get("markdown") or "kramdown").lower() == "kramdown":
        setting("math_double_dollar_in_text", "inline", "kramdown showed $$x$$ inside a sentence inline")
        report.add("converted", "kramdown's inline $$x$$ (Jekyll's Markdown) as math_double_dollar_in_text: inline")
    separator = data.get("excerpt_separator")
    if isinstance(separator, str) and separator:
        lines.append(yaml.safe_dump({"excerpt": {"separator": separator}}, allow_unicode=True).rstrip())
        report.add("converted", "`excerpt_separator` as excerpt.separator", config_path, line_of("excerpt_separator"))
    else:
        report.add(
            "not converted",
            "Jekyll's default excerpt (the first paragraph) is not used: notes show in full on the home page "
            'unless they have <!-- more -->. Set excerpt.separator to "\\n\\n" for Jekyll\'s way',
        )
    if data.get("future") is not True:
        report.add(
            "not converted",
            "Jekyll left out posts dated in the future; notes-site publishes them (mark them `draft: true`)",
        )
    for key in sorted(set(data) - SETTINGS_KNOWN - SETTINGS_IGNORED):
        report.add("not converted", f"`{key}`: no notes-site equivalent", config_path, line_of(key))
    return "\n".join(lines) + "\n"


def site_permalink(data: dict[str, Any]) -> str:
    """Jekyll's permalink setting as a pattern (a style name stands for its pattern)."""
    permalink = str(data.get("permalink") or "date")
    return PERMALINK_STYLES.get(permalink, permalink)


def notes_site_permalink(data: dict[str, Any], config_path: Path, report: ImportReport) -> str:
    converted, unknown = translate_permalink(site_permalink(data), SAME_TOKENS)
    for token in unknown:
        report.add(
            "not converted",
            f"the permalink token {token} has no notes-site equivalent: each post keeps its URL with its own "
            "`permalink:`, and new notes use :slug",
            config_path,
        )
    converted = converted.lstrip("/")
    report.add("converted", f"`permalink: {data.get('permalink') or 'date'}` as {converted}", config_path)
    return converted


def copy_posts(source: Path, folder: Path, content: Path, report: ImportReport) -> None:
    """The posts of one `_posts/` folder into content/<categories>/, their Jekyll meaning made explicit.

    The folders above `_posts/` are categories to Jekyll: they are written into the copy's
    `categories`, and whitespace-separated `categories`/`tags` texts become lists.
    """
    categories = list(folder.relative_to(source).parts[:-1])
    destination = content.joinpath(*categories)
    for path in sorted(folder.rglob("*")):
        if leaves_source(path, source, report):
            continue
        if path.is_dir() or any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        copy = destination / path.relative_to(folder)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        if path.suffix.lower() not in MARKDOWN_SUFFIXES:
            report.files += 1
            continue
        if not POST_NAME.match(path.name):
            report.add("not converted", "not a post to Jekyll (its name has no date): built as a note", path)
        report.notes += 1
        make_explicit(copy, categories, report)


def plain_liquid_urls(copy: Path) -> None:
    """`{{ site.baseurl }}/x.png` and `{{ "/x.png" | relative_url }}` become `/x.png` (made relative later)."""
    note = read_note(copy)
    if note is None:
        return  # not UTF-8: the build names the file
    plain = URL_FILTER.sub(lambda match: match.group(1), SITE_PREFIX.sub("", note.text))
    if plain != note.text:
        write_note(copy, note, plain)


# Pages that list what Jekyll knows (the home page, archives, tag pages): notes-site makes its own.
JEKYLL_LISTING = re.compile(r"\b(?:site\.(?:posts|tags|categories|related_posts)|paginator\.)")


def jekyll_page_rule(relative: Path, meta: dict[str, Any], text: str) -> tuple[str, str] | None:
    """A Markdown page becomes a standalone page, unless it is a listing of posts or the 404 page."""
    name = relative.as_posix().lower()
    if name.rsplit(".", 1)[0] in ("index", "404"):
        return ("converted", f"the {'home' if name.startswith('index') else '404'} page: notes-site makes its own")
    if JEKYLL_LISTING.search(text) or str(meta.get("layout") or "") in ("home", "archive", "tags", "categories"):
        return ("not converted", "a listing of posts made with Liquid: notes-site makes its own listings")
    return None


def jekyll_menu(pages: list[Path], content: Path, data: dict[str, Any], report: ImportReport) -> str:
    """minima's header: the pages of `header_pages`, else every page with a title; after notes-site's own entries."""
    titled = {}
    for page in pages:
        meta = note_meta(page) or {}
        if isinstance(meta.get("title"), str) and meta["title"].strip():
            own = meta.get("permalink")
            source = page.relative_to(content).as_posix()
            address = own if isinstance(own, str) else "/" + jekyll_page_address(source, data)
            titled[source] = (meta["title"].strip(), address)
    wanted = data.get("header_pages")
    if isinstance(wanted, list):
        chosen = [titled[str(name)] for name in wanted if str(name) in titled]
    else:
        chosen = [titled[source] for source in sorted(titled)]
    if not chosen:
        return ""
    menu = {"home": "/", "categories": "/categories/", "tags": "/tags/", "archives": "/archives/"}
    menu.update({title: address for title, address in chosen})
    report.add("converted", f"the header's pages ({', '.join(title for title, _ in chosen)}) as menu entries")
    return yaml.safe_dump({"menu": menu}, allow_unicode=True, default_flow_style=False, sort_keys=False)


def jekyll_page_address(source: str, data: dict[str, Any]) -> str:
    """Jekyll's address of a page: `about.md` → about.html, or about/ when the site's permalink ends in `/`."""
    stem = source.rsplit(".", 1)[0]
    folder, _slash, name = stem.rpartition("/")
    if name == "index":
        return folder + "/" if folder else ""
    return stem + ("/" if site_permalink(data).endswith("/") else ".html")


def make_explicit(copy: Path, folder_categories: list[str], report: ImportReport) -> None:
    plain_liquid_urls(copy)
    meta = note_meta(copy)
    if meta is None:
        return
    names = front_matter_categories(meta)
    merged = list(dict.fromkeys(folder_categories + names))
    written = meta.get("categories", meta.get("category"))
    if merged and (folder_categories or isinstance(written, str) and merged != [written]):
        set_front_matter(copy, "categories", merged)  # read before a `category:` the copy may also have
    if isinstance(meta.get("tags"), str) and len(meta["tags"].split()) > 1:
        set_front_matter(copy, "tags", meta["tags"].split())
    if meta.get("published") is False:
        set_front_matter(copy, "draft", True)
        report.add("converted", "`published: false` as `draft: true`", copy)


def front_matter_categories(meta: dict[str, Any]) -> list[str]:
    """Jekyll reads `category: A B` as one category and `categories: A B` as two."""
    if "category" in meta and "categories" not in meta:
        value = meta["category"]
        return [str(value)] if value not in (None, "") else []
    value = meta.get("categories")
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(item) for item in value if item not in (None, "")]
    return []


def jekyll_skips(relative: Path) -> bool:
    """Jekyll's `_` folders (posts, layouts, includes), hidden files, its own files and installed gems."""
    return (
        any(part.startswith(("_", ".")) for part in relative.parts)
        or relative.parts[0] in ("vendor", "node_modules")
        or str(relative) in JEKYLL_FILES
    )


def jekyll_address(data: dict[str, Any]) -> Callable[[ImportedNote], str | None]:
    """Jekyll 4's URL for a post, from the copy's front matter and the settings."""
    pattern = site_permalink(data)
    zone = zoneinfo.ZoneInfo(str(data.get("timezone") or "UTC"))

    def address(imported: ImportedNote) -> str | None:
        note, meta = imported.note, imported.meta
        if note.standalone:
            own = meta.get("permalink")
            return None if isinstance(own, str) else jekyll_page_address(imported.source, data)
        name = imported.source.rsplit("/", 1)[-1]
        match = POST_NAME.match(name)
        if not match or note.posted is None:
            return None
        own = meta.get("permalink")
        if isinstance(own, str) and ":" not in own:
            return None  # the same address to both
        posted = note.posted.astimezone(zone)
        slug = str(meta.get("slug") or match.group(2))
        values = url_values(posted, front_matter_categories(meta), slug, match.group(2))
        url = re.sub(
            r":([a-z_]+)", lambda m: values.get(m.group(1), m.group(0)), own if isinstance(own, str) else pattern
        )
        url = re.sub(r"/+", "/", url)
        return url.lstrip("/")

    return address


def url_values(posted: datetime, categories: list[str], slug: str, name: str) -> dict[str, str]:
    """Jekyll's URL placeholders (Jekyll::Drops::UrlDrop) for one post."""
    return {
        "categories": "/".join(dict.fromkeys(category.lower() for category in categories)),
        "title": pretty_slug(slug),
        "slug": pretty_slug(slug, mode="default").lower(),
        "name": name,
        "year": f"{posted.year:04d}",
        "short_year": f"{posted.year % 100:02d}",
        "month": f"{posted.month:02d}",
        "i_month": str(posted.month),
        "short_month": posted.strftime("%b"),
        "long_month": posted.strftime("%B"),
        "day": f"{posted.day:02d}",
        "i_day": str(posted.day),
        "y_day": f"{posted.timetuple().tm_yday:03d}",
        "hour": f"{posted.hour:02d}",
        "minute": f"{posted.minute:02d}",
        "second": f"{posted.second:02d}",
        "week": f"{posted.isocalendar()[1]:02d}",
        "short_day": posted.strftime("%a"),
        "long_day": posted.strftime("%A"),
        "output_ext": ".html",
    }


def pretty_slug(text: str, mode: str = "pretty") -> str:
    """Jekyll's Utils.slugify: runs of other characters become `-` (letters of any script stay)."""
    kept = r"\w._~!$&'()+,;=@" if mode == "pretty" else r"\w"
    slug = re.sub(rf"[^{kept}]+|_+" if mode == "default" else rf"[^{kept}]+", "-", text)
    return slug.strip("-")
