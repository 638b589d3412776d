"""Imported notes keep their dates and the imported settings load (issue 14, items 7 and 8).

Small Hexo blogs written into tmp_path, some in a git repository with commits at chosen
dates: a post without `date` is dated by the commit that first added it in the OLD
repository (Hexo dated it by its file, and a fresh clone's file time is the clone day),
and the date is written into the copy, so the new site does not depend on file times.
"""

from __future__ import annotations

import os
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from test_dates import commit, touch_now

from notes_site.build import BuildOptions, build_site
from notes_site.cli import main


def hexo_blog(root: Path, posts: dict[str, str], config: str = "timezone: UTC\n") -> Path:
    (root / "source/_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Blog\npermalink: :year/:month/:day/:title/\n" + config, encoding="utf-8")
    for name, text in posts.items():
        (root / "source/_posts" / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def run_import(kind: str, blog: Path, site: Path):
    return CliRunner().invoke(main, ["import", kind, str(blog), "--to", str(site)])


def front(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---")[1]


def test_a_post_without_a_date_takes_its_first_commit_in_the_old_repository(tmp_path):
    blog = hexo_blog(tmp_path / "blog", {"DeepImportance.md": "---\ntitle: DeepImportance\n---\n\nText.\n"})
    commit(blog, "2020-08-22T10:00:00Z", "add")
    (blog / "source/_posts/DeepImportance.md").write_text("---\ntitle: DeepImportance\n---\n\nMore.\n", "utf-8")
    commit(blog, "2021-06-07T12:00:00Z", "edit")
    touch_now(blog / "source/_posts/DeepImportance.md")  # a fresh clone: the file's time is today
    site = tmp_path / "site"
    result = run_import("hexo", blog, site)
    assert result.exit_code == 0, result.output
    assert "dated by the commit that first added their old file" in result.output
    written = front(site / "content/DeepImportance.md")
    assert "date: 2020-08-22 10:00:00+00:00" in written and "updated: 2021-06-07 12:00:00+00:00" in written
    touch_now(site / "content/DeepImportance.md")
    build_site(BuildOptions(site_root=site))
    page = (site / "public/2020/08/22/DeepImportance/index.html").read_text(encoding="utf-8")
    assert 'datetime="2021-06-07T12:00:00+00:00"' in page  # "Edited on": the old last commit, not today


def test_a_post_outside_git_is_dated_by_its_old_file_time_written_as_its_date(tmp_path):
    blog = hexo_blog(tmp_path / "blog", {"undated.md": "---\ntitle: Undated\n---\n\nText.\n"})
    stamp = datetime(2020, 8, 22, 3, 4, 5, tzinfo=UTC).timestamp()
    os.utime(blog / "source/_posts/undated.md", (stamp, stamp))
    site = tmp_path / "site"
    result = run_import("hexo", blog, site)
    assert result.exit_code == 0, result.output
    assert "date: 2020-08-22 03:04:05+00:00" in front(site / "content/undated.md")
    touch_now(site / "content/undated.md")  # the new site in git, cloned again: the date stays
    build_site(BuildOptions(site_root=site))
    assert (site / "public/2020/08/22/undated/index.html").is_file()


def test_an_impossible_date_is_replaced_by_the_first_commit_and_reported_with_its_line(tmp_path):
    blog = hexo_blog(tmp_path / "blog", {"odd.md": "---\ntitle: Odd\ndate: 2024-10-27 216:13:51\n---\n\nText.\n"})
    commit(blog, "2024-10-27T08:00:00Z", "add")
    site = tmp_path / "site"
    result = run_import("hexo", blog, site)
    assert result.exit_code == 0, result.output
    assert "odd.md:3: `date: 2024-10-27 216:13:51` is not a date" in result.output
    assert "date: 2024-10-27 08:00:00+00:00" in front(site / "content/odd.md")
    report = build_site(BuildOptions(site_root=site))
    assert not report.problems and (site / "public/2024/10/27/odd/index.html").is_file()


def test_a_time_zone_in_any_letter_case_imports_and_builds(tmp_path):
    blog = hexo_blog(
        tmp_path / "blog",
        {"a.md": "---\ntitle: A\ndate: 2024-05-22 02:12:00\n---\n\nText.\n"},
        config="timezone: Asia/shanghai\n",
    )
    site = tmp_path / "site"
    result = run_import("hexo", blog, site)
    assert result.exit_code == 0, result.output
    assert "timezone: Asia/Shanghai" in (site / "notes-site.yaml").read_text(encoding="utf-8")
    report = build_site(BuildOptions(site_root=site))
    assert not report.errors
    assert 'datetime="2024-05-22T02:12:00+08:00"' in (site / "public/2024/05/21/a/index.html").read_text("utf-8")


def test_settings_written_in_any_letter_case_build(site):
    site.settings("timezone: asia/SHANGHAI\npermalink_timezone: utc\n")
    site.note("a.md", "title: A\ndate: 2024-05-22 02:12:00")
    report = site.build()
    assert not report.errors
    assert 'datetime="2024-05-22T02:12:00+08:00"' in site.page("2024/05/21/a/")


def test_an_import_whose_settings_would_not_load_exits_1_naming_the_setting_and_leaves_nothing(tmp_path):
    blog = hexo_blog(
        tmp_path / "blog", {"a.md": "---\ntitle: A\ndate: 2024-05-22\n---\n\nText.\n"}, config="timezone: Mars/Base\n"
    )
    site = tmp_path / "out" / "site"
    result = run_import("hexo", blog, site)
    assert result.exit_code == 1, result.output
    assert "notes-site.yaml:" in result.output and "`timezone: Mars/Base` is not a known time zone" in result.output
    assert "nothing was imported" in result.output
    assert not site.exists() and list((tmp_path / "out").iterdir()) == []
