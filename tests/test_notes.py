"""The content model: front matter keys, dates, categories and tags, as users write them."""

import os
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from notes_site.content.notes import ParseSettings, parse_note
from notes_site.content.sources import SourceFile
from notes_site.markup.pipeline import MarkdownPipeline

SETTINGS = ParseSettings(timezone="Asia/Shanghai", unicode_slugs=False, auto_excerpt_length=0)
SHANGHAI = timezone(timedelta(hours=8))


def parse(text: str, name: str = "note.md"):
    source = SourceFile(Path("/site/content") / name, name, text.encode("utf-8"), 0.0)
    return parse_note(source, SETTINGS, MarkdownPipeline())


def test_hexo_front_matter():
    result = parse(
        "---\ntitle: 多兴趣召回\ndate: 2024-05-22 10:12:00\nupdated: 2024-05-26\n"
        "categories:\n  - machine_learning\ntags: [召回, recsys]\n---\nBody\n"
    )
    note = result.note
    assert result.problems == ()
    assert note.title == "多兴趣召回"
    assert note.posted == datetime(2024, 5, 22, 10, 12, tzinfo=SHANGHAI)
    assert note.edited == datetime(2024, 5, 26, tzinfo=SHANGHAI)
    assert note.categories == (("machine_learning",),)
    assert note.tags == ("召回", "recsys")
    assert note.slug == "note"


@pytest.mark.parametrize("posted_key,edited_key", [("posted", "edited"), ("date", "lastmod")])
def test_date_key_aliases(posted_key, edited_key):
    note = parse(f"---\n{posted_key}: 2023-01-02\n{edited_key}: 2023-01-03T04:05:06Z\n---\n").note
    assert note.posted.date().isoformat() == "2023-01-02"
    assert note.edited == datetime(2023, 1, 3, 4, 5, 6, tzinfo=UTC)


def test_dates_with_a_time_zone_keep_it_and_naive_ones_use_the_sites():
    note = parse("---\ndate: 2024-01-01T23:30:00-05:00\nupdated: 2024-01-02 08:00\n---\n").note
    assert note.posted.utcoffset() == timedelta(hours=-5)
    assert note.edited.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("ml", (("ml",),)),
        ("[ml, cv]", (("ml", "cv"),)),  # Hexo: a list is one path, ml › cv
        ("[[ml, cv], [nlp]]", (("ml", "cv"), ("nlp",))),
        ("[[a, b], c]", (("a", "b"), ("c",))),
    ],
)
def test_categories_follow_hexo_rules(value, expected):
    assert parse(f"---\ncategories: {value}\n---\n").note.categories == expected


def test_singular_category_key():
    assert parse("---\ncategory: research\n---\n").note.categories == (("research",),)


def test_tags_as_text_are_split_on_commas():
    assert parse("---\ntags: a, b ,c\n---\n").note.tags == ("a", "b", "c")


def test_a_number_for_tags_is_used_with_a_warning():
    result = parse("---\ntitle: x\ntags: 5\n---\n")
    assert result.note.tags == ("5",)
    (problem,) = result.problems
    assert problem.severity == "warning" and problem.line == 3


def test_a_bad_date_is_a_warning_naming_file_and_line_and_the_note_is_kept_undated():
    result = parse("---\ntitle: x\ndate: 2023-02-30\n---\n", name="bad.md")
    assert result.note is not None and result.note.posted is None  # dated later, as if it had no date
    (problem,) = result.problems
    assert problem.severity == "warning"
    assert str(problem.path).endswith("bad.md") and problem.line == 3
    assert "2023-02-30" in problem.message and "not a real date" in problem.message


def test_yaml_errors_name_the_line_in_the_file():
    result = parse("---\ntitle: ok\ntags: [a, b\n---\n")
    (problem,) = result.problems
    assert problem.severity == "error" and "not valid YAML" in problem.message
    assert problem.line in (3, 4)


def test_unclosed_front_matter_says_how_to_fix_it():
    (problem,) = parse("---\ntitle: x\n\nbody").problems
    assert "never closed" in problem.message and problem.line == 1


def test_unknown_keys_are_kept_for_themes():
    note = parse("---\ntitle: x\nmathjax: true\npaper_venue: ICML\n---\n").note
    assert note.extra == {"mathjax": True, "paper_venue": "ICML"}


def test_no_front_matter_means_title_from_file_name():
    note = parse("Just text.\n", name="Attention Notes.md").note
    assert note.title == "Attention Notes" and note.posted is None


def test_a_title_that_is_a_number_is_text_with_a_warning():
    result = parse("---\ntitle: 2024\n---\n")
    assert result.note.title == "2024" and result.problems[0].severity == "warning"


def test_slug_from_front_matter_or_file_name_with_cjk_transliterated():
    assert parse("---\ntitle: x\n---\n", name="多兴趣召回.md").note.slug == "duo-xing-qu-zhao-hui"
    assert parse("---\nslug: My Own Slug\n---\n", name="a.md").note.slug == "my-own-slug"
    unicode_settings = ParseSettings("UTC", unicode_slugs=True, auto_excerpt_length=0)
    source = SourceFile(Path("/s/多兴趣召回.md"), "多兴趣召回.md", b"x", 0.0)
    assert parse_note(source, unicode_settings, MarkdownPipeline()).note.slug == "多兴趣召回"


def test_a_page_bundle_is_named_after_its_folder():
    assert parse("---\ntitle: x\n---\n", name="posts/clip/index.md").note.slug == "clip"


def test_windows_line_endings_and_a_bom_are_fine():
    text = "\ufeff---\r\ntitle: Win\r\ndate: 2024-01-01\r\n---\r\n\r\nHello\r\n"
    source = SourceFile(Path("/s/w.md"), "w.md", text.encode("utf-8"), 0.0)
    note = parse_note(source, SETTINGS, MarkdownPipeline()).note
    assert note.title == "Win" and "<p>Hello</p>" in note.body_html


def test_missing_dates_come_from_the_file_with_a_warning_for_date(site):
    path = site.note("undated.md", "title: Undated")
    stamp = datetime(2022, 3, 4, 5, 6, 7, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    report = site.build()
    assert any("has no `date`" in p.message for p in report.warnings)
    page = site.page("2022/03/04/undated/")
    assert "2022-03-04" in page


def test_missing_updated_comes_from_the_last_git_commit(site):
    site.note("committed.md", "title: Committed\ndate: 2020-01-01")
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2021-06-07T12:00:00Z",
        "GIT_COMMITTER_DATE": "2021-06-07T12:00:00Z",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "notes"]):
        subprocess.run(["git", *args], cwd=site.root, check=True, env=env)
    note = site.root / "content/committed.md"
    os.utime(note, (note.stat().st_atime, note.stat().st_mtime + 5))  # stat-dirty: `git status` would rewrite
    index = (site.root / ".git/index").read_bytes()
    site.build()
    page = site.page("2020/01/01/committed/")
    assert 'datetime="2021-06-07' in page  # the commit, not the checkout's mtime
    assert (site.root / ".git/index").read_bytes() == index  # the repository is not the build's to write


def test_broken_encodings_are_errors_naming_the_file():
    for data in (b"\xff\xfe\x00\xd8", b"---\ntitle: \xff\xfe bad\n---\n"):
        source = SourceFile(Path("/s/enc.md"), "enc.md", data, 0.0)
        (problem,) = parse_note(source, SETTINGS, MarkdownPipeline()).problems
        assert problem.severity == "error" and "UTF" in problem.message and "UTF-8" in problem.hint


def test_a_jekyll_post_without_a_date_is_dated_by_its_file_name_which_leaves_the_slug():
    note = parse("---\ntitle: CLIP\n---\nBody.\n", name="2024-05-22-clip.md").note
    assert note.posted.isoformat() == "2024-05-22T00:00:00+08:00"
    assert note.slug == "clip"
    not_a_date = parse("---\ntitle: X\n---\nBody.\n", name="2024-02-30-x.md").note
    assert not_a_date.posted is None and not_a_date.slug == "2024-02-30-x"
    dated = parse("---\ntitle: Y\ndate: 2023-01-02\n---\nBody.\n", name="2024-05-22-y.md").note
    assert dated.posted.date().isoformat() == "2023-01-02"  # the front matter wins
    assert dated.slug == "y"


def test_jekyll_excerpt_separator_of_the_note_or_the_site_ends_the_excerpt():
    note = parse("---\ntitle: A\nexcerpt_separator: <!--break-->\n---\nIntro.\n\n<!--break-->\n\nRest.\n").note
    assert note.has_more and "Intro." in note.excerpt_html and "Rest." not in note.excerpt_html
    inline = parse("---\ntitle: A\nexcerpt_separator: '[[more]]'\n---\nIntro [[more]] rest.\n").note
    assert inline.has_more and "Intro" in inline.excerpt_html and "rest" not in inline.excerpt_html
    site_wide = replace(SETTINGS, excerpt_separator="\n\n")  # Jekyll's default: the first paragraph
    source = SourceFile(Path("/site/content/b.md"), "b.md", b"---\ntitle: B\n---\nFirst.\nStill first.\n\nSecond.\n", 0)
    first = parse_note(source, site_wide, MarkdownPipeline()).note
    assert first.has_more and "Still first." in first.excerpt_html and "Second." not in first.excerpt_html
    assert "Second." in first.body_html and "more" not in first.body_html


def test_lines_after_an_excerpt_separator_keep_their_numbers():
    text = '---\ntitle: A\nexcerpt_separator: "\\n\\n"\n---\nFirst.\n\nSee [[Nowhere]].\n'
    (wikilink,) = parse(text).note.wikilinks
    assert wikilink.line == 7


def test_a_first_heading_names_a_note_without_a_title_and_is_shown_once():
    note = parse("\n# Attention Is All You Need\n\nSelf-attention, see [[Nowhere]].\n", name="attention.md").note
    assert note.title == "Attention Is All You Need"
    assert "<h1" not in note.body_html and "Self-attention" in note.body_html
    assert note.wikilinks[0].line == 4  # the lines below keep their numbers
    same = parse("---\ntitle: clip\n---\n# CLIP\nText.\n", name="x.md").note
    assert same.title == "clip" and "<h1" not in same.body_html  # the same name: no second title
    other = parse("---\ntitle: CLIP notes\n---\n# Method\nText.\n", name="x.md").note
    assert other.title == "CLIP notes" and '<h1 id="method">' in other.body_html  # a heading of the note
    later = parse("Intro.\n\n# Heading\n", name="plain.md").note
    assert later.title == "plain" and '<h1 id="heading">' in later.body_html


def test_dates_keep_whole_seconds_only_as_html_datetime_wants():
    note = parse("---\ntitle: A\ndate: 2024-05-22 10:30:00.123456\n---\nText.\n").note
    assert note.posted.isoformat() == "2024-05-22T10:30:00+08:00"
