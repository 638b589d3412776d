"""Where a note's dates come from when its front matter does not give them all (issue 14, item 7).

The posted date follows Hugo's order of front-matter keys; a note with none is dated by the
commit that first added its file (so a fresh clone, as every CI deploy makes, does not move
it), else by its file's time; a date that cannot be read warns and counts as missing.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notes_site.content.notes import ParseSettings, parse_note
from notes_site.content.sources import SourceFile
from notes_site.markup.pipeline import MarkdownPipeline

SETTINGS = ParseSettings(timezone="UTC", unicode_slugs=False, auto_excerpt_length=0)


def parse(front: str, name: str = "note.md"):
    data = f"---\n{front}\n---\n\nBody.\n".encode()
    return parse_note(SourceFile(Path("/site/content") / name, name, data, 0.0), SETTINGS, MarkdownPipeline())


def commit(repo: Path, when: str, message: str) -> None:
    """Commit everything in `repo` as if on `when` (an ISO date)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, check=True, env=env)


def touch_now(path: Path) -> None:
    """What a fresh clone does to every file: its time becomes the checkout's."""
    now = datetime.now(UTC).timestamp()
    os.utime(path, (now, now))


@pytest.mark.parametrize(
    "front,day",
    [
        ("title: A\nlastmod: 2021-02-03", "2021-02-03"),  # Hugo: lastmod is the date of last resort
        ("title: A\nmodified: 2021-02-04", "2021-02-04"),
        ("title: A\npublishDate: 2020-05-06\nlastmod: 2021-02-03", "2020-05-06"),
        ("title: A\npubdate: 2020-05-07\nlastmod: 2021-02-03", "2020-05-07"),
        ("title: A\npublished: 2020-05-08\nlastmod: 2021-02-03", "2020-05-08"),
        ("title: A\ndate: 2019-01-01\npublishDate: 2020-05-06\nlastmod: 2021-02-03", "2019-01-01"),
    ],
)
def test_the_posted_date_follows_hugos_order_of_keys(front, day):
    result = parse(front)
    assert result.problems == ()
    assert result.note.posted.date().isoformat() == day


def test_a_note_with_only_lastmod_is_also_edited_then():
    note = parse("title: A\nlastmod: 2021-02-03 10:00").note
    assert note.posted == note.edited == datetime(2021, 2, 3, 10, tzinfo=note.posted.tzinfo)


def test_jekylls_published_false_is_not_a_date_and_a_file_name_date_comes_before_lastmod():
    note = parse("title: A\npublished: false\nlastmod: 2021-02-03", name="2020-01-02-a.md").note
    assert note.posted.date().isoformat() == "2020-01-02"


def test_an_impossible_date_warns_with_its_line_and_falls_to_the_next_key():
    result = parse("title: A\ndate: 2024-10-27 216:13:51\nlastmod: 2024-10-28", name="bad.md")
    assert result.note is not None and result.note.posted.date().isoformat() == "2024-10-28"
    (problem,) = result.problems
    assert problem.severity == "warning" and problem.line == 3 and "2024-10-27 216:13:51" in problem.message


def test_a_hugo_note_with_only_lastmod_keeps_that_day_in_its_address(site):
    site.note("hkdf.md", "title: HKDF\nlastmod: 2021-02-03T04:05:06+00:00")
    report = site.build()
    assert not [p for p in report.problems if "hkdf" in str(p)]
    assert 'datetime="2021-02-03T04:05:06' in site.page("2021/02/03/hkdf/")


def test_a_note_without_a_date_is_dated_by_its_first_commit_and_edited_by_its_last(site):
    site.note("undated.md", "title: Undated")
    commit(site.root, "2020-08-22T10:00:00Z", "add")
    (site.root / "content/undated.md").write_text("---\ntitle: Undated\n---\n\nMore text.\n", encoding="utf-8")
    commit(site.root, "2021-06-07T12:00:00Z", "edit")
    touch_now(site.root / "content/undated.md")
    report = site.build()
    (warned,) = [p for p in report.warnings if "has no `date`" in p.message]
    assert "first committed (2020-08-22)" in warned.message
    page = site.page("2020/08/22/undated/")
    assert 'datetime="2020-08-22T10:00:00' in page and 'datetime="2021-06-07T12:00:00' in page


def test_a_fresh_clone_puts_an_undated_note_at_the_same_address(site, tmp_path):
    site.note("undated.md", "title: Undated")
    commit(site.root, "2020-08-22T10:00:00Z", "add")
    site.note("undated.md", "title: Undated", "Edited.\n")
    commit(site.root, "2021-06-07T12:00:00Z", "edit")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(site.root), str(clone)], check=True)
    touch_now(clone / "content/undated.md")
    from notes_site.build import BuildOptions, build_site

    build_site(BuildOptions(site_root=clone))
    assert (clone / "public/2020/08/22/undated/index.html").is_file()


def test_an_impossible_date_in_git_is_dated_by_the_first_commit_with_a_warning(site):
    site.note("bad.md", "title: Bad\ndate: 2024-10-27 216:13:51")
    commit(site.root, "2024-10-27T08:00:00Z", "add")
    touch_now(site.root / "content/bad.md")
    report = site.build()
    (warned,) = [p for p in report.warnings if "216:13:51" in p.message]
    assert warned.line == 3 and warned.path.name == "bad.md"
    assert '<h1 class="post-title">Bad</h1>' in site.page("2024/10/27/bad/")
    assert site.build(strict=True).errors
