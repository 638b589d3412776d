"""What always holds, whatever a note says: Hypothesis states it, then builds ~30 random sites.

A failing property prints the smallest input Hypothesis found; add it as a plain test
next to the fix. `benchmarks/fuzz.py` runs the whole-pipeline fuzz for as long as you like.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import unicodedata
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from notes_site.build import BuildOptions, build_site
from notes_site.config import PERMALINK_TOKENS, check_permalink
from notes_site.content.dates import DateError, format_date, parse_date
from notes_site.errors import NotesSiteError
from notes_site.frontmatter import FrontMatterError, decode_text, load_meta, split_front_matter
from notes_site.markup.pipeline import MarkdownPipeline
from notes_site.markup.tokens import LINK_CLOSE, LINK_OPEN, ROOT_MARK
from notes_site.site.resolve import localize, resolve_links
from notes_site.urls import MAX_SLUG_BYTES, clean_path, make_slug, output_file, permalink_path, relative_root

FAST = settings(max_examples=100, deadline=None)
SLOW = settings(max_examples=50, deadline=None)
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=-9, minutes=-30)), timezone(timedelta(hours=13, minutes=45))]
    + [zoneinfo.ZoneInfo(name) for name in ("Asia/Shanghai", "America/St_Johns", "Asia/Kathmandu", "Europe/Berlin")]
)

# ---------------------------------------------------------------- Markdown fragments

WORDS = st.sampled_from(
    ["paper", "ViT", "注意力机制", "🙂", "x_i", "a*b", "**", "*", "_", "`", "$", "$$", "\\$", "[", "]", "(", ")"]
    + ["!", "\\", "|", "~~", "&amp;", "&", "#", ">", "-", "1.", ":", "'", '"', "5$", "http://example.com", "\u200b"]
)
URLS = st.sampled_from(
    ["other.md", "../up.md", "img/fig 1.png", "#sec", "x.md#part", "https://example.com/a?b=1", "a%20b.png", ""]
    + ["<1 b.png>", "mailto:me@example.com", "?q=1", "./", "笔记.md", "%2e%2e/%2e%2e/x"]
)


@st.composite
def inline(draw, more_marker: bool = False) -> str:
    word = WORDS | st.text(alphabet="abc xyz012*_`$[]()!#", max_size=6)
    pieces = [
        word,
        word.map(lambda w: f"*{w}*") | word.map(lambda w: f"**{w}**") | word.map(lambda w: f"_{w}_"),
        word.map(lambda w: f"**{w}") | word.map(lambda w: f"`{w}`") | word.map(lambda w: f"~~{w}~~"),
        word.map(lambda w: f"${w}$") | word.map(lambda w: f"$${w}$$") | word.map(lambda w: f"${w}"),
        st.tuples(word, URLS).map(lambda p: f"[{p[0]}]({p[1]})")
        | st.tuples(word, URLS).map("![{0[0]}]({0[1]})".format),
        st.integers(1, 3).map(lambda n: f"[^{n}]") | st.just("<https://example.com/x>") | st.just("  \nbreak"),
    ]
    if more_marker:
        pieces.append(st.sampled_from(["<!-- more -->", "<!--more-->"]))
    drawn = draw(st.lists(st.one_of(pieces), min_size=1, max_size=6))
    return " ".join(["x", *drawn] if drawn[0].startswith("<!--") else drawn)  # (a line opening with <!-- is raw HTML)


@st.composite
def nested_list(draw, text) -> str:
    lines, depth = [], 0
    for _ in range(draw(st.integers(1, 6))):
        depth = draw(st.integers(0, min(depth + 1, 5)))
        bullet = draw(st.sampled_from(["- ", "* ", "+ ", "1. ", "2) ", "- [ ] ", "- [x] "]))
        lines.append("  " * depth + draw(st.sampled_from(["", " ", "  "])) * (depth > 0) + bullet + draw(text))
    return "\n".join(lines)


@st.composite
def block(draw, raw_html: bool = False, more_marker: bool = False) -> str:
    text = inline(more_marker)
    code = st.text(alphabet="ab $`<>&\n#*", max_size=20)
    blocks = [
        text,
        st.tuples(st.integers(1, 7), text).map(lambda p: "#" * p[0] + " " + p[1]),
        st.tuples(text, st.sampled_from(["===", "---"])).map("\n".join),
        nested_list(text),
        st.lists(text, min_size=1, max_size=3).map(
            lambda ls: "\n".join(">" * (i % 3 + 1) + " " + s for i, s in enumerate(ls))
        ),
        st.tuples(st.sampled_from(["```", "~~~", "````"]), st.sampled_from(["", "python", "no-such-lang"]), code).map(
            lambda p: f"{p[0]}{p[1]}\n{p[2]}\n{p[0]}"
        ),
        st.tuples(st.sampled_from(["```", "~~~"]), code).map(lambda p: f"{p[0]}python\n{p[1]}"),  # never closed
        code.map(lambda c: "    " + c.replace("\n", "\n    ")),
        text.map(lambda t: f"$$\n{t}\n$$") | text.map(lambda t: f"$$\n{t}\n$$ (eq 1)") | text.map(lambda t: f"$$\n{t}"),
        st.tuples(st.integers(1, 3), st.lists(text, min_size=1, max_size=4)).map(table),
        st.tuples(st.integers(1, 3), text).map(lambda p: f"[^{p[0]}]: {p[1]}\n\n    more {p[1]}"),
        st.tuples(text, text).map(lambda p: f"{p[0]}\n: {p[1]}"),
        st.sampled_from(["---", "***", "[ref]: https://example.com", "<!-- a comment -->", "\\", "   "]),
    ]
    if more_marker:
        blocks.append(st.sampled_from(["<!-- more -->", "<!--more-->", "  <!-- MORE -->  "]))
    if raw_html:
        blocks.append(
            st.sampled_from(["<div>", "</div>", '<div class="note">', "<span>", "</p>", "<details><summary>s"])
            | st.sampled_from(["<script>alert(1)</script>", "<table><tr><td>", "<pre>", "<!-- more", "<em>", "-->"])
            | text.map(lambda t: f"<div>\n\n{t}\n\n</div>")
        )
    return draw(st.one_of(blocks))


def table(params) -> str:
    columns, rows = params
    header = "| " + " | ".join(f"h{i}" for i in range(columns)) + " |"
    return "\n".join([header, "|" + "---|" * columns, *(f"| {row} |" for row in rows)])


def markdown(raw_html: bool = False, more_marker: bool = False):
    part = st.tuples(block(raw_html, more_marker), st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n\r\n"]))
    return st.lists(part, max_size=8).map(lambda parts: "".join(b + sep for b, sep in parts))


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TagStack(HTMLParser):
    """Every opened non-void tag closed, in order; the text seen, for comparisons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> while open: {self.stack}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(fragment: str) -> TagStack:
    checker = TagStack()
    checker.feed(fragment)
    checker.close()
    return checker


def words(fragment: str) -> list[str]:
    return "".join(parse_html(fragment).text).split()


# TeX kept as text, so the words of a formula can be compared with markdown-it's own rendering.
pipeline = MarkdownPipeline(math="katex")
auto_pipeline = MarkdownPipeline(auto_excerpt_length=40, math="katex")


@SLOW
@given(markdown(more_marker=True))
@example("*0 <!-- more --> 0*\n")  # a marker inside emphasis cannot cut
@example("[^1]\n[^1]: paper paper paper\n\n    more paper paper paper\n")  # nor can a length inside footnotes
def test_excerpts_are_well_formed_html_on_their_own(text):
    for rendered in (pipeline.render(text), auto_pipeline.render(text)):
        for fragment in (rendered.excerpt_html, rendered.body_html):
            checker = parse_html(fragment)
            assert checker.problems == [] and checker.stack == [], fragment


@SLOW
@given(markdown(more_marker=True))
def test_excerpts_carry_no_ids_that_would_clash_on_a_listing(text):
    assert " id=" not in pipeline.render(text).excerpt_html


@SLOW
@given(markdown())
def test_without_a_marker_there_is_no_more(text):
    assert not pipeline.render(text).has_more


@SLOW
@given(markdown(more_marker=True))
def test_the_body_holds_everything_and_the_excerpt_is_part_of_it(text):
    rendered = pipeline.render(text)
    assert words(rendered.body_html) == words(pipeline.md.render(text))
    body = iter(words(rendered.body_html))
    assert all(word in body for word in words(rendered.excerpt_html))  # a subsequence of the body


CONTINUATION = {"- ": "  ", "1. ": "   ", "> ": "> ", "* > ": "  > "}  # what the lines inside a marker start with


@FAST
@given(st.lists(st.sampled_from(list(CONTINUATION)), min_size=1, max_size=100))
def test_every_level_of_a_deep_nesting_is_on_the_page(markers):
    text, indent = [], ""
    for level, marker in enumerate(markers):
        text.append(f"{indent}{marker}level{level}")
        indent += CONTINUATION[marker]
    body = pipeline.render("\n".join(text) + "\n").body_html
    assert all(f"level{level}<" in body or f"level{level}\n" in body for level in range(len(markers))), body


@SLOW
@given(markdown(raw_html=True, more_marker=True))
def test_raw_html_never_crashes_the_pipeline(text):
    rendered = pipeline.render(text)
    assert isinstance(rendered.excerpt_html, str) and isinstance(auto_pipeline.render(text).body_html, str)


# ---------------------------------------------------------------- front matter

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
MAPPINGS = st.dictionaries(
    st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    SCALARS | st.lists(SCALARS, max_size=4),
    max_size=6,
)
YAMLISH = st.lists(
    st.sampled_from(["---", "+++", "...", "title: x", "  - a", "tags: [a, b", "date: 2024-02-30", "a: {b: [", "\t"])
    | st.sampled_from(["key = 'v'", "x = [1, 2]", "[table]", "? a", ": b", "&a x", "*a", "*b", "|", "- - -", "%YAML"])
    | st.sampled_from(["a: !!int x", "b: !!bool maybe", "c: !!timestamp x", "d: !!binary zz", "e: &e [*e]", "[" * 3000])
    | st.text(max_size=15),
    max_size=10,
).map("\n".join)


@FAST
@given(st.text() | YAMLISH | YAMLISH.map(lambda t: "---\n" + t) | YAMLISH.map(lambda t: "+++\n" + t))
def test_the_splitter_raises_only_front_matter_errors_and_keeps_the_body_whole(text):
    try:
        split = split_front_matter(text)
        load_meta(split)
    except FrontMatterError as exc:
        assert exc.line is None or exc.line >= 1
        return
    assert text.endswith(split.body)
    assert 1 <= split.body_line <= text.count("\n") + 1
    if split.body:
        assert text[: len(text) - len(split.body)].count("\n") + 1 == split.body_line


@FAST
@given(st.binary() | st.text().map(lambda t: t.encode("utf-16")) | st.text().map(lambda t: t.encode("utf-8-sig")))
def test_any_bytes_decode_to_text_or_say_why(data):
    try:
        text = decode_text(data)
    except FrontMatterError:
        return
    assert "\r" not in text


TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))  # a NUL byte means "not a text file"


@FAST
@given(TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_utf8_and_utf16_text_reads_back_with_unix_newlines(text, encoding):
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    data = text.encode(encoding)
    if encoding == "utf-8" and text.startswith("\ufeff"):
        expected = expected[1:]  # a BOM is a BOM, whatever the writer meant
    assert decode_text(data) == expected


@FAST
@given(MAPPINGS, st.booleans(), st.text(max_size=20))
def test_dumped_front_matter_reads_back_equal(mapping, allow_unicode, body):
    dumped = yaml.safe_dump(mapping, allow_unicode=allow_unicode, sort_keys=False)
    assume("\x85" not in dumped)  # PyYAML itself reads its own raw NEL back as a space
    split = split_front_matter(decode_text(f"---\n{dumped}---\n{body}".encode()))
    assert load_meta(split) == mapping
    assert split.body == body.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize("value", ["!!int x", "!!float x", "!!bool x", "!!timestamp x", "&a [*a]", "[" * 5000])
def test_explicit_yaml_tags_with_bad_values_are_front_matter_errors(value):
    with pytest.raises(FrontMatterError):
        load_meta(split_front_matter(f"---\na: {value}\n---\n"))


# ---------------------------------------------------------------- dates

MOMENTS = st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.none() | ZONES)


@FAST
@given(MOMENTS, ZONES, st.sampled_from(["T", " "]))
def test_any_moment_round_trips_through_its_iso_text_to_the_second(moment, zone, separator):
    parsed = parse_date(moment.isoformat(separator), zone)
    moment = moment.replace(microsecond=0)  # kept to whole seconds: HTML's datetime takes three digits at most
    if moment.tzinfo is None:
        assert parsed.replace(tzinfo=None) == moment and parsed.tzinfo is zone  # naive: the site's zone
    else:
        assert parsed.isoformat() == moment.isoformat()


@FAST
@given(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31)), ZONES)
def test_any_day_is_midnight_in_the_sites_zone(day, zone):
    assert parse_date(day.isoformat(), zone) == datetime.combine(day, time(), zone)
    assert parse_date(day, zone) == datetime.combine(day, time(), zone)


DATE_TEXT = st.from_regex(
    r"\A\d{1,5}[-/.]\d{1,3}[-/.]\d{1,3}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\Z"
)


@FAST
@given(st.text() | DATE_TEXT | st.datetimes().map(str), ZONES)
def test_text_is_a_date_that_every_zone_can_show_or_a_date_error(text, zone):
    try:
        moment = parse_date(text, zone)
    except DateError:
        return
    for other in (UTC, timezone(timedelta(hours=23, minutes=59)), timezone(-timedelta(hours=23))):
        assert moment.astimezone(other).tzinfo is other  # sorting and listing never overflow


@FAST
@given(st.integers(1, 9999), st.integers(1, 99), st.integers(1, 99), ZONES)
def test_impossible_days_are_date_errors(year, month, day, zone):
    try:
        date(year, month, day)
    except ValueError:
        for text in (f"{year:04d}-{month:02d}-{day:02d}", f"{year}/{month}/{day} 10:30"):
            with pytest.raises(DateError):
                parse_date(text, zone)


PATTERN = st.lists(
    st.sampled_from(re.findall(r"\w+", "YYYY YY MMMM MMM MM M Do DD D dddd ddd HH H hh h mm m ss s A a"))
    | st.text(max_size=5)
    | st.text(max_size=5).map(lambda t: f"[{t}]"),
    max_size=8,
).map("".join)


@FAST
@given(st.datetimes(timezones=st.none() | ZONES), PATTERN)
def test_date_formats_never_raise(moment, pattern):
    assert isinstance(format_date(moment, pattern), str)


# ---------------------------------------------------------------- slugs and URLs

ANY_TEXT = st.text() | st.sampled_from(["多兴趣召回", "🙂🙃", "  ", "\x00\x1f", "?#%/", "../..", "Ünïcödé", "-_-"])
ANY_TEXT |= st.text(st.characters() | st.characters(categories=["Cs"]))  # file names that are not UTF-8
LONG_TEXT = st.tuples(st.sampled_from(["多兴趣召回", "Ünï ", "x", "🙂", "ab-"]), st.integers(1, 400)).map(
    lambda p: p[0] * p[1]
)


@FAST
@given(ANY_TEXT | LONG_TEXT, st.booleans())
def test_slugs_are_never_empty_url_safe_and_stable(text, unicode_slugs):
    slug = make_slug(text, unicode_slugs)
    assert len(slug.encode("utf-8")) <= MAX_SLUG_BYTES  # a file name, with room for ".html"
    assert slug and slug == make_slug(text, unicode_slugs) and slug == make_slug.__wrapped__(text, unicode_slugs)
    assert not slug.startswith("-") and not slug.endswith("-")
    if unicode_slugs:
        assert not any(c in "/?#%\\" or c.isspace() or unicodedata.category(c)[0] in "CZ" for c in slug)
    else:
        assert re.fullmatch(r"[a-z0-9-]+", slug)


def assert_inside(path: str) -> None:
    assert not path.startswith("/") and ".." not in re.split(r"[/\\]", path), path
    assert path == "" or "" not in path.rstrip("/").split("/"), path
    assert "." not in path.split("/"), path


SEGMENTS = st.sampled_from(["a", "b c", "笔记", ".", "..", "", "x.md", "index.md", "%2e%2e", "..\\..", "a.b"])
PATHS = st.lists(SEGMENTS, max_size=5).map("/".join)
PERMALINK = st.lists(
    st.sampled_from([*PERMALINK_TOKENS, "/", "/", "-", "_", ".", "..", "post", "x.html"])
    | st.sampled_from([":slug-:title", ":name:slug.html", ":category-:slug"])  # long slugs side by side
    | st.text("az09.-_", max_size=4),
    min_size=1,
    max_size=8,
).map("".join)


@FAST
@given(st.text(max_size=50) | PATHS)
def test_clean_paths_stay_inside_or_are_refused(path):
    try:
        cleaned = clean_path(path)
    except ValueError:
        assert ".." in re.split(r"[/\\]", path)
        return
    assert_inside(cleaned)
    assert_inside(output_file(cleaned))
    assert clean_path(cleaned) == cleaned and not output_file(cleaned).endswith("/")


@FAST
@given(
    PERMALINK, ANY_TEXT | LONG_TEXT, PATHS, st.lists(ANY_TEXT | LONG_TEXT, max_size=3), st.datetimes(), st.booleans()
)
def test_permalinks_never_leave_the_site(pattern, title, source, categories, posted, unicode_slugs):
    source = (source.strip("/") or "note") + ".md"
    try:
        path = permalink_path(
            pattern,
            slug=make_slug(title, unicode_slugs),
            source_rel=source,
            posted=posted,
            category_slugs=tuple(make_slug(c, unicode_slugs) for c in categories),
            unicode_slugs=unicode_slugs,
        )
    except ValueError:
        assert check_permalink(pattern, Path("notes-site.yaml"), None)  # the settings refuse it too
        return
    assert_inside(path)
    assert_inside(output_file(path))
    assert all(len(name.encode("utf-8")) <= 255 for name in output_file(path).split("/"))  # a file system's limit


def url_dir(path: str) -> str:
    """The folder a relative URL on the page at `path` starts from."""
    return path.rsplit("/", 1)[0] + "/" if "/" in path else ""


def lands(page_path: str, url: str) -> str:
    """The site path a link on the page at `page_path` leads to ("" and "?q" mean the page itself)."""
    target = url.partition("#")[0].partition("?")[0]
    if not target:
        return posixpath.normpath(page_path or ".")
    return posixpath.normpath(posixpath.join(url_dir(page_path), unquote(target)))


PAGE_PATHS = (
    st.lists(st.sampled_from(["2024", "05", "clip", "笔记", "a b", "page"]), max_size=4)
    .map("/".join)
    .flatmap(lambda p: st.sampled_from([p + "/" if p else "", (p + "/" if p else "") + "note.html"]))
)
LINKS = st.lists(
    st.sampled_from(["..", ".", "img.png", "a b.png", "%2e%2e", "a%20b.png", "笔记.md", "other.md", "sub", ""])
    | st.sampled_from(["a%23b.png", "100%25.png", "q%3F.png"]),
    max_size=5,
).flatmap(lambda parts: st.sampled_from(["/".join(parts), "/".join(parts) + "#frag", "/".join(parts) + "?v=1"]))


@FAST
@given(PAGE_PATHS, PAGE_PATHS | st.none(), st.lists(LINKS, min_size=1, max_size=4), st.booleans())
def test_links_lead_where_the_note_meant_from_every_page(note_path, page_path, urls, known):
    note_source = "posts/note.md"
    urls = [u for u in urls if not lands(note_path, u).startswith(("..", "/"))]  # links that stay inside
    targets = {"posts/other.md": "2024/other/", "posts/笔记.md": "zh/笔记/", "posts/a#b.png": "2024/a#b.png"}
    targets = targets | {"posts/100%.png": "x/100%.png", "posts/q?.png": "q?.png"} if known else {}
    html = "".join(f'<a href="{LINK_OPEN}{url}{LINK_CLOSE}">' for url in urls)
    resolved = resolve_links(html, note_source=note_source, note_path=note_path, page_path=page_path, targets=targets)
    shown_on = note_path if page_path is None else page_path
    if page_path is None:
        resolved = localize(resolved, shown_on)
    assert ROOT_MARK not in resolved and LINK_OPEN not in resolved
    for url, href in zip(urls, re.findall(r'href="([^"]*)"', resolved), strict=True):
        assert not lands(shown_on, href).startswith(("..", "/")), (url, href)
        source = posixpath.normpath(posixpath.join("posts", unquote(url.partition("#")[0].partition("?")[0])))
        expected = posixpath.normpath(targets[source]) if source in targets else lands(note_path, url)
        assert lands(shown_on, href) == expected, (url, href)  # `#`, `?` and `%` in names are escaped


@FAST
@given(PAGE_PATHS)
def test_the_root_is_where_relative_root_leads(path):
    assert posixpath.normpath(posixpath.join(url_dir(path), relative_root(path))) == "."


# ---------------------------------------------------------------- whole sites, end to end

NAMES = st.sampled_from(["a.md", "b c.md", "#x.md", "what?.md", "100%.md", "🙂.md", "笔记.md", "sub/index.md"])
NAMES |= st.sampled_from(["多兴趣召回" * 16 + ".md", "x" * 240 + ".md", "sub/a.png", "sub/#b.png"])
FRONT = st.one_of(
    MAPPINGS.map(lambda m: "---\n" + yaml.safe_dump(m) + "---\n"),
    st.fixed_dictionaries(
        {},
        optional={
            "title": SCALARS | st.lists(st.text(max_size=5)),
            "date": DATE_TEXT | st.datetimes().map(str) | SCALARS,
            "updated": DATE_TEXT | SCALARS,
            "tags": SCALARS | st.lists(SCALARS | st.lists(st.text(max_size=3)), max_size=3),
            "categories": SCALARS | st.lists(SCALARS | st.lists(st.text(max_size=3)), max_size=3),
            "slug": ANY_TEXT,
            "draft": SCALARS,
        },
    ).map(lambda m: "---\n" + yaml.safe_dump(m, allow_unicode=True) + "---\n"),
    YAMLISH.map(lambda t: f"---\n{t}\n---\n"),
    st.just(""),
)
NOTE = st.tuples(FRONT, markdown(raw_html=True, more_marker=True), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
SITE_SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "permalink": st.sampled_from([":year/:month/:day/:slug/", ":title.html", ":category/:name/", "p/:i_day-:slug"]),
        "unicode_slugs": st.booleans(),
        "excerpt": st.builds(lambda n: {"auto_length": n}, st.integers(0, 200)),
        "timezone": st.sampled_from(["UTC", "Asia/Shanghai", "Pacific/Kiritimati"]),
        "date_format": PATTERN.filter(lambda p: p.strip()),
        "per_page": st.integers(1, 3),
    },
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.dictionaries(NAMES, NOTE, max_size=5), st.binary(max_size=64), SITE_SETTINGS)
def test_random_sites_build_without_a_crash(notes, junk, site_settings):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "content" / "sub").mkdir(parents=True)
        (root / "notes-site.yaml").write_text(yaml.safe_dump(site_settings, allow_unicode=True), encoding="utf-8")
        (root / "content" / "junk.md").write_bytes(junk)
        for name, (front, body, encoding) in notes.items():
            (root / "content" / name).write_bytes((front + body).encode(encoding, errors="surrogatepass"))
        try:
            build_site(BuildOptions(site_root=root))
        except NotesSiteError:
            pass  # a message for the user, not a crash
