"""Read `notes-site.yaml` into a checked, frozen `SiteConfig`.

Every key is optional. All problems are reported at once, each naming the key and
its line, and an unknown key gets a "did you mean" (Zola's deny_unknown_fields).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import string
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from notes_site.errors import ConfigError, Problem, error
from notes_site.frontmatter import duplicate_keys, key_line

CONFIG_FILE = "notes-site.yaml"
LANGUAGES = ("en", "zh-CN")


@dataclass(frozen=True)
class MenuEntry:
    title: str
    url: str  # site-relative ("archives/") or absolute ("https://…")


@dataclass(frozen=True)
class ExcerptSettings:
    auto_length: int = 0  # 0: a note without a marker shows in full on listings
    separator: str = ""  # another excerpt marker besides <!-- more --> (Jekyll's excerpt_separator)


@dataclass(frozen=True)
class TocSettings:
    min_headings: int = 3  # a note with fewer headings has no table of contents; 0 turns it off
    max_depth: int = 3  # ## and ### (levels below the note's title)


@dataclass(frozen=True)
class ReadingTimeSettings:
    show: bool = False  # word count and reading time in the meta line (NexT's symbols count)
    words_per_minute: int = 275  # a CJK character counts as a word


@dataclass(frozen=True)
class PaperSettings:
    authors_shown: int = 3  # more authors are shortened to "A, B, C et al."; 0 shows all
    citation_meta: bool = True  # Google Scholar's citation_* tags on paper notes (Zotero reads them too)


@dataclass(frozen=True)
class SearchSettings:
    enabled: bool = True  # the search page, the box in the header and the index
    index_code: bool = False  # code blocks in the index too (they make it bigger and noisier)


@dataclass(frozen=True)
class FeedSettings:
    entries: int = 20  # the newest notes in /atom.xml and in each category's feed
    content: str = "full"  # "full": the whole note; "excerpt": up to <!-- more -->
    categories: bool = True  # a feed per category: /categories/<slug>/atom.xml


@dataclass(frozen=True)
class GraphSettings:
    note_neighbourhood: bool = True  # each note page shows the notes it links with


@dataclass(frozen=True)
class MetadataSettings:
    """Where `notes-site new --arxiv/--doi/--url` looks papers up; never used by a build."""

    arxiv_api: str = "https://export.arxiv.org/api/query"
    crossref_api: str = "https://api.crossref.org"
    acl_anthology: str = "https://aclanthology.org"
    openreview_api: str = "https://api2.openreview.net"


@dataclass(frozen=True)
class DeploySettings:
    """Where `notes-site deploy` publishes the output: a branch of a git repository."""

    repo: str = ""  # where `notes-site deploy` pushes; "" is the `origin` remote of the site's repository
    branch: str = "gh-pages"
    message: str = "Site updated: {time}"  # {time} and {commit} (the site's HEAD) are filled in


@dataclass(frozen=True)
class SiteConfig:
    """The site's settings, with defaults for every key a user leaves out."""

    root: Path
    title: str = "My Paper Notes"
    subtitle: str = ""
    author: str = ""
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    base_url: str = "/"
    per_page: int = 10
    permalink: str = ":year/:month/:day/:slug/"
    permalink_timezone: str = ""  # the zone of :year/:month/:day in URLs; "" is `timezone` (Hexo uses its machine's)
    theme: str = "default"
    menu: tuple[MenuEntry, ...] = field(default_factory=tuple)
    excerpt: ExcerptSettings = field(default_factory=ExcerptSettings)
    date_format: str = "%Y-%m-%d"
    unicode_slugs: bool = False
    new_note_dir: str = ""  # where `notes-site new` puts notes, relative to content/
    math: str = "mathml"  # typeset at build time; "katex" typesets in the browser (from a CDN)
    math_macros: tuple[tuple[str, str], ...] = ()  # the site's own TeX names: (name without \, definition)
    # `$$x$$` inside a sentence: "display" as MathJax and Pandoc show it, "inline" as kramed and kramdown do
    math_double_dollar_in_text: str = "display"
    toc: TocSettings = field(default_factory=TocSettings)
    reading_time: ReadingTimeSettings = field(default_factory=ReadingTimeSettings)
    papers: PaperSettings = field(default_factory=PaperSettings)
    related_notes: int = 5  # how many related notes a note page lists; 0 turns the list off
    graph: GraphSettings = field(default_factory=GraphSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    feed: FeedSettings = field(default_factory=FeedSettings)
    metadata: MetadataSettings = field(default_factory=MetadataSettings)
    deploy: DeploySettings = field(default_factory=DeploySettings)
    fingerprint: str = ""  # hash of the settings file: any change rebuilds everything

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with slashes at both ends ("/", "/notes/")."""
        path = "/" + urlsplit(self.base_url).path.strip("/")
        return path if path == "/" else path + "/"

    @property
    def absolute_base(self) -> str | None:
        """base_url with a scheme and host, ending in "/" (feeds and the sitemap need one); else None."""
        parts = urlsplit(self.base_url)
        if not (parts.scheme and parts.netloc):
            return None
        return self.base_url if self.base_url.endswith("/") else self.base_url + "/"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def permalink_tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.permalink_timezone or self.timezone)


# Keys a user may write, with the type each must have (checked before building the config).
SETTING_TYPES: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "subtitle": str,
    "author": str,
    "description": str,
    "language": str,
    "timezone": str,
    "base_url": str,
    "per_page": int,
    "permalink": str,
    "permalink_timezone": str,
    "theme": str,
    "menu": (dict, list),
    "excerpt": dict,
    "date_format": str,
    "unicode_slugs": bool,
    "new_note_dir": str,
    "math": str,
    "math_macros": dict,
    "math_double_dollar_in_text": str,
    "toc": dict,
    "reading_time": dict,
    "papers": dict,
    "related_notes": int,
    "graph": dict,
    "search": dict,
    "feed": dict,
    "metadata": dict,
    "deploy": dict,
}
# Settings that are groups of keys: the dataclass that holds them, and what each key must be.
GROUPS: dict[str, tuple[type, dict[str, tuple[type, str]]]] = {
    "excerpt": (
        ExcerptSettings,
        {
            "auto_length": (int, "a whole number of characters (0 turns it off)"),
            "separator": (str, "the text that ends a note's excerpt, e.g. <!--excerpt-->"),
        },
    ),
    "toc": (
        TocSettings,
        {
            "min_headings": (int, "a whole number of headings (0 turns the table of contents off)"),
            "max_depth": (int, "a whole number of heading levels, from 1 to 5"),
        },
    ),
    "reading_time": (
        ReadingTimeSettings,
        {"show": (bool, "true or false"), "words_per_minute": (int, "a whole number of words, at least 1")},
    ),
    "papers": (
        PaperSettings,
        {
            "authors_shown": (int, "a whole number of authors (0 shows all)"),
            "citation_meta": (bool, "true or false"),
        },
    ),
    "graph": (GraphSettings, {"note_neighbourhood": (bool, "true or false")}),
    "search": (SearchSettings, {"enabled": (bool, "true or false"), "index_code": (bool, "true or false")}),
    "feed": (
        FeedSettings,
        {
            "entries": (int, "a whole number of notes, at least 1"),
            "content": (str, "`full` or `excerpt`"),
            "categories": (bool, "true or false"),
        },
    ),
    "metadata": (
        MetadataSettings,
        {key: (str, "an http(s) URL, like https://export.arxiv.org/api/query") for key in vars(MetadataSettings())},
    ),
    "deploy": (
        DeploySettings,
        {
            "repo": (str, 'a git URL, a remote name or a path ("" is the site repository\'s `origin`)'),
            "branch": (str, "a git branch name, like gh-pages"),
            "message": (str, "text that may use {time} and {commit}, and no other {…} field"),
        },
    ),
}
MATH_ENGINES = ("mathml", "katex")
DOUBLE_DOLLAR_IN_TEXT = ("display", "inline")
PERMALINK_TOKENS = (
    ":year",
    ":month",
    ":day",
    ":i_month",
    ":i_day",
    ":hour",
    ":minute",
    ":second",
    ":slug",
    ":title",
    ":name",
    ":category",
    ":categories",
)


def default_menu() -> tuple[MenuEntry, ...]:
    """Home, Tags, Categories, Archives as on a NexT blog, then Papers, Graph: titles are UI-string keys."""
    return (
        MenuEntry("home", ""),
        MenuEntry("tags", "tags/"),
        MenuEntry("categories", "categories/"),
        MenuEntry("archives", "archives/"),
        MenuEntry("papers", "papers/"),
        MenuEntry("graph", "graph/"),
    )


def load_config(site_root: Path) -> SiteConfig:
    """Load the settings of the site at `site_root`; a missing file means all defaults."""
    path = site_root / CONFIG_FILE
    if not path.exists():
        return SiteConfig(root=site_root, menu=default_menu())
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{path}: the settings file cannot be read ({exc.strerror or exc}). Check that it is a file you may read."
        ) from exc
    try:
        text = raw_bytes.decode("utf-8-sig")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except UnicodeDecodeError as exc:
        line = raw_bytes.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}:{line}: the settings file is not UTF-8 text ({exc.reason}). Save it as UTF-8 in your editor."
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(yaml_message(path, text, exc)) from exc
    except (ValueError, TypeError, LookupError, AttributeError, OverflowError, RecursionError) as exc:
        raise ConfigError(
            f"{path}: the settings have a value YAML cannot read ({type(exc).__name__}: {exc}). "
            "Remove any `!!` tags from the settings."
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the settings file must be a mapping of `key: value` lines.")
    problems = duplicate_settings(text, path) + check_settings(data, path, text)
    if problems:
        raise ConfigError(f"{path} has {len(problems)} invalid setting(s).", tuple(problems))
    values = dict(data)
    for key in ("timezone", "permalink_timezone"):
        if values.get(key):
            values[key] = canonical_zone(values[key])
    values["menu"] = parse_menu(values["menu"]) if "menu" in values else default_menu()
    if "math_macros" in values:
        values["math_macros"] = tuple((str(name).lstrip("\\"), value) for name, value in values["math_macros"].items())
    for group, (holder, _keys) in GROUPS.items():
        if group in values:
            values[group] = holder(**values[group])
    if "base_url" in values and not values["base_url"].strip():
        values["base_url"] = "/"
    fingerprint = hashlib.sha256(raw_bytes).hexdigest()[:16]
    return SiteConfig(root=site_root, fingerprint=fingerprint, **values)


def yaml_message(path: Path, text: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}:{mark.line + 1}" if mark else str(path)
    problem = getattr(exc, "problem", None) or str(exc)
    lines = text.split("\n")
    tab = next((number for number, line in enumerate(lines, start=1) if re.match(r"^ *\t", line)), None)
    if tab is not None:
        return (
            f"{path}:{tab}: the settings are not valid YAML ({problem}): line {tab} is indented with a tab. "
            "YAML only allows spaces for indentation; replace the tab with spaces."
        )
    return (
        f"{where}: the settings are not valid YAML ({problem}). "
        "Check the indentation and quote values that contain ': ' or ' #'."
    )


def duplicate_settings(text: str, path: Path) -> list[Problem]:
    """A key written twice: YAML would quietly keep the last; say which lines instead."""
    return [
        error(
            f"the setting `{key}` is written twice (lines {first} and {again}).",
            path,
            again,
            "Delete the one you do not mean.",
        )
        for key, first, again in duplicate_keys(text, first_line=1)
    ]


def check_settings(data: dict[str, Any], path: Path, text: str) -> list[Problem]:
    """Every problem in the settings, each naming its key and line."""
    problems: list[Problem] = []

    def report(key: str, message: str, hint: str = "") -> None:
        problems.append(error(message, path, key_line(text, key), hint))

    typed = {}  # the keys whose values have the right type: their values are checked next
    for key, value in data.items():
        if key not in SETTING_TYPES:
            report(
                str(key),
                f"unknown setting `{key}`.",
                did_you_mean(str(key), SETTING_TYPES) or f"Remove it; the settings are: {', '.join(SETTING_TYPES)}.",
            )
            continue
        expected = SETTING_TYPES[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
            hint = f'Put it in quotes: {key}: "{value}"' if expected is str and isinstance(value, (int, float)) else ""
            report(key, f"`{key}` must be {type_word(names)}, not {type_word(type(value).__name__)}.", hint)
        else:
            typed[key] = value
    data = typed
    if data.get("language", "en") not in LANGUAGES:
        report("language", f"`language: {data['language']}` is not supported.", f"Use one of: {', '.join(LANGUAGES)}.")
    for key in ("timezone", "permalink_timezone"):
        if data.get(key):
            if canonical_zone(data[key]) is None:
                report(
                    key,
                    f"`{key}: {data[key]}` is not a known time zone.",
                    "Use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC.",
                )
    if "per_page" in data and data["per_page"] < 1:
        report("per_page", "`per_page` must be at least 1.")
    if "permalink" in data:
        problems.extend(check_permalink(data["permalink"], path, key_line(text, "permalink")))
    if "base_url" in data:
        parts = urlsplit(data["base_url"].strip())
        if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
            report(
                "base_url",
                f"`base_url: {data['base_url']}` is not an http(s) URL or a path.",
                "Write it like https://me.github.io/notes/ or /notes/.",
            )
    for group, (_holder, keys) in GROUPS.items():
        for key, value in data.get(group, {}).items():

            def report_nested(message: str, hint: str = "", key: Any = key, group: str = group) -> None:
                line = nested_key_line(text, group, key) or key_line(text, group)
                problems.append(error(message, path, line, hint))

            if key not in keys:
                report_nested(f"unknown setting `{group}.{key}`.", did_you_mean(str(key), keys))
                continue
            expected, meaning = keys[key]
            wrong_type = not isinstance(value, expected) or (expected is int and isinstance(value, bool))
            if wrong_type or not group_value_allowed(group, key, value):
                report_nested(f"`{group}.{key}` must be {meaning}.")
    theme = data.get("theme", "default")
    if not theme.strip() or theme.strip() in (".", "..") or re.search(r"[/\\\x00-\x1f]|^[A-Za-z]:", theme):
        report(
            "theme",
            f"`theme: {theme}` is not the name of a theme: it must be a folder name, not a path.",
            "Put the theme in themes/<name>/ in the site folder and write `theme: <name>` (or leave out `theme`).",
        )
    if data.get("math", "mathml") not in MATH_ENGINES:
        report(
            "math",
            f"`math: {data['math']}` is not a way to typeset formulas.",
            f"Use one of: {', '.join(MATH_ENGINES)}.",
        )
    if data.get("math_double_dollar_in_text", "display") not in DOUBLE_DOLLAR_IN_TEXT:
        report(
            "math_double_dollar_in_text",
            f"`math_double_dollar_in_text: {data['math_double_dollar_in_text']}` is not a way to show a formula.",
            f"Use one of: {', '.join(DOUBLE_DOLLAR_IN_TEXT)}.",
        )
    problems.extend(check_math_macros(data.get("math_macros", {}), path, text))
    if data.get("related_notes", 0) < 0:
        report("related_notes", "`related_notes` must be 0 (no list) or more.")
    if ".." in data.get("new_note_dir", "").replace("\\", "/").split("/") or data.get("new_note_dir", "").startswith(
        "/"
    ):
        report("new_note_dir", "`new_note_dir` must be a folder inside content/, like `posts` or `notes/2024`.")
    if "menu" in data:
        try:
            parse_menu(data["menu"])
        except ValueError as exc:
            report("menu", str(exc), "Write the menu as `Title: url` lines.")
    return problems


MACRO_NAME = re.compile(r"\\?[a-zA-Z]+")


def check_math_macros(macros: dict[Any, Any], path: Path, text: str) -> list[Problem]:
    """Each of `math_macros` must be a TeX name (letters, with or without its backslash) and TeX text."""
    problems = []
    for name, value in macros.items():
        if not isinstance(name, str) or not MACRO_NAME.fullmatch(name):
            message = f"`math_macros` has `{name}`, which is not a TeX command name."
            hint = "Write names as letters with or without the backslash, like `\\vx` or `norm`."
            problems.append(error(message, path, key_line(text, "math_macros"), hint))
        elif not isinstance(value, str):
            message = f"`math_macros.{name.lstrip(chr(92))}` must be TeX text, like `\\mathbf{{x}}`."
            problems.append(error(message, path, key_line(text, "math_macros"), "Put the definition in quotes."))
    return problems


def nested_key_line(text: str, group: str, key: Any) -> int | None:
    """The line of `key` inside the group `group:` (block or flow style), for messages."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for group_node, value_node in root.value:
        if group_node.value == group and isinstance(value_node, yaml.MappingNode):
            for key_node, _value in value_node.value:
                if key_node.value == str(key):
                    return key_node.start_mark.line + 1
    return None


def canonical_zone(name: str) -> str | None:
    """The IANA name of a time zone written in any letter case (`Asia/shanghai` is
    Asia/Shanghai, as moment-timezone and so Hexo read it); None for an unknown zone."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zone_names().get(name.strip().lower())  # listing the zones costs ~10 ms: only when needed
    return name


@functools.cache
def zone_names() -> dict[str, str]:
    """Every known zone's IANA name by its lower-case spelling (read once per process)."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def group_value_allowed(group: str, key: str, value: Any) -> bool:
    if group == "metadata":
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    if (group, key) == ("feed", "content"):
        return value in ("full", "excerpt")
    if (group, key) == ("deploy", "branch"):
        return branch_name_allowed(value)
    if (group, key) == ("deploy", "message"):
        return message_allowed(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return True
    if (group, key) == ("feed", "entries"):
        return value >= 1
    if (group, key) == ("toc", "max_depth"):
        return 1 <= value <= 5
    if (group, key) == ("reading_time", "words_per_minute"):
        return value >= 1
    return value >= 0


def branch_name_allowed(name: str) -> bool:
    """git's rules for a branch name (check-ref-format), without running git."""
    bad = re.search(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//", name)
    parts = name.split("/")
    return (
        bool(name)
        and not bad
        and not name.startswith("-")
        and name != "@"
        and not name.endswith((".", "/"))
        and all(part and not part.startswith(".") and not part.endswith(".lock") for part in parts)
    )


def message_allowed(message: str) -> bool:
    try:
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(message) if name is not None}
    except ValueError:  # an unmatched { or }
        return False
    return fields <= {"time", "commit"}


def check_permalink(pattern: str, path: Path, line: int | None) -> list[Problem]:
    problems = []
    for token in re.findall(r":[a-z_]+", pattern):
        if token not in PERMALINK_TOKENS:
            problems.append(
                error(
                    f"the permalink token `{token}` is unknown.",
                    path,
                    line,
                    did_you_mean(token, PERMALINK_TOKENS) or f"Known tokens: {' '.join(PERMALINK_TOKENS)}.",
                )
            )
    if not any(t in pattern for t in (":slug", ":title", ":name")):
        problems.append(
            error("the permalink must contain :slug, :title or :name, or notes would share one URL.", path, line)
        )
    if ".." in pattern.split("/"):
        problems.append(error("the permalink must not contain `..`.", path, line))
    return problems


def parse_menu(value: Any) -> tuple[MenuEntry, ...]:
    """`{Title: url}` (Hexo/NexT style, `|| icon` suffixes dropped) or `[{title, url}]`."""
    items: list[tuple[Any, Any]]
    if isinstance(value, dict):
        items = list(value.items())
    else:
        items = []
        for entry in value:
            if not isinstance(entry, dict) or "url" not in entry:
                raise ValueError("each `menu` entry must have a `title` and a `url`.")
            items.append((entry.get("title", entry["url"]), entry["url"]))
    entries = []
    for title, url in items:
        if not isinstance(url, str):
            raise ValueError(f"the menu entry `{title}` needs a URL string.")
        url = url.split("||")[0].strip()
        if not re.match(r"^[a-z]+:", url):
            url = url.lstrip("/")
        entries.append(MenuEntry(str(title), url))
    return tuple(entries)


def did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"Did you mean `{close[0]}`?" if close else ""


def type_word(name: str) -> str:
    words = {
        "str": "text",
        "int": "a whole number",
        "bool": "true or false",
        "dict": "a mapping",
        "list": "a list",
        "float": "a number",
        "NoneType": "empty",
    }
    return " or ".join(words.get(n, n) for n in name.split(" or "))
