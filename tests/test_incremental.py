"""Incremental builds: after any change, the output is byte-identical to a clean build's."""

import os
import shutil
import time
from pathlib import Path

import pytest

from notes_site.build import BuildOptions, build_site


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def blog(site):
    for day in range(1, 16):
        site.note(
            f"n{day:02d}.md",
            f"title: Note {day}\ndate: 2024-01-{day:02d}\nupdated: 2024-03-01\n"
            f"categories: [{'ml' if day % 2 else 'cv'}]\ntags: [t{day % 3}, shared]",
            f"Intro {day}.\n\n<!-- more -->\n\nBody {day} with [link](n01.md).\n",
        )
    site.note("bundle/index.md", "title: Bundle\ndate: 2023-06-01\ntags: [shared]", "![f](fig.png)\n")
    site.write("content/bundle/fig.png", "png-1")
    site.build()
    return site


def assert_same_as_clean_build(site) -> None:
    """Build incrementally, then cleanly elsewhere, and compare every byte."""
    report = site.build()
    assert report.errors == []
    clean = site.root.parent / "clean-output"
    shutil.rmtree(clean, ignore_errors=True)
    build_site(BuildOptions(site_root=site.root, output=clean, clean=True))
    assert snapshot(site.public) == snapshot(clean)


def edit(site, name: str, old: str, new: str) -> None:
    path = site.root / "content" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    bump(path)


def bump(path: Path) -> None:
    """Make sure the change is visible even on file systems with coarse timestamps."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_second_build_writes_nothing(blog):
    before = stamps(blog.public)
    time.sleep(0.01)
    report = blog.build()
    assert report.pages_written == 0 and report.files_copied == 0 and report.notes_parsed == 0
    assert stamps(blog.public) == before


def test_editing_a_body_below_the_marker_rewrites_only_that_page(blog):
    before = stamps(blog.public)
    edit(blog, "n07.md", "Body 7", "Body seven, revised")
    report = blog.build()
    after = stamps(blog.public)
    changed = sorted(path for path in after if after[path] != before.get(path))
    pages = [path for path in changed if not path.startswith("search/index/")]
    assert pages == ["2024/01/07/n07/index.html"]
    assert len(changed) - len(pages) <= 7  # the search index: its meta file, the note's group, a few shards
    assert report.notes_parsed == 1
    assert_same_as_clean_build(blog)


@pytest.mark.parametrize(
    "old,new",
    [
        ("Intro 7.", "Intro seven, with a new excerpt."),  # excerpt: listings that show it
        ("title: Note 7", "title: Note Seven"),  # title: listings and neighbours
        ("date: 2024-01-07", "date: 2022-05-05"),  # date: moves, pagination shifts, archive years
        ("categories: [ml]", "categories: [robotics]"),  # category: leaves one, joins another (new) one
        ("tags: [t1, shared]", "tags: [brand-new]"),  # tags
    ],
)
def test_changing_what_listings_show_moves_the_note_everywhere(blog, old, new):
    edit(blog, "n07.md", old, new)
    assert_same_as_clean_build(blog)


def test_adding_and_deleting_notes(blog):
    blog.note("n99.md", "title: Newest\ndate: 2025-01-01\ntags: [t0]")
    assert_same_as_clean_build(blog)
    (blog.root / "content/n03.md").unlink()
    (blog.root / "content/n99.md").unlink()
    assert_same_as_clean_build(blog)
    assert "Note 3<" not in (blog.public / "index.html").read_text(encoding="utf-8")


def test_deleting_a_bundle_removes_its_files(blog):
    shutil.rmtree(blog.root / "content/bundle")
    assert_same_as_clean_build(blog)
    assert not list(blog.public.rglob("fig.png"))


def test_a_file_without_a_suffix_stays_a_file_through_incremental_builds(blog):
    """CNAME (GitHub Pages' custom domain), LICENSE, _redirects: the second build used to delete them."""
    blog.write("content/CNAME", "notes.example.org\n")
    assert_same_as_clean_build(blog)
    edit(blog, "n03.md", "Body 3", "Body three")
    assert_same_as_clean_build(blog)
    assert (blog.public / "CNAME").read_text(encoding="utf-8") == "notes.example.org\n"


def test_changing_an_asset_copies_it_again(blog):
    path = blog.root / "content/bundle/fig.png"
    path.write_text("png-2")
    bump(path)
    assert_same_as_clean_build(blog)


def test_a_template_edit_rerenders_exactly_the_pages_that_use_it(blog):
    before = stamps(blog.public)
    blog.write(
        "themes/default/templates/archive.html",
        "{% extends 'base.html' %}{% block content %}Custom archive{% endblock %}",
    )
    report = blog.build()
    after = stamps(blog.public)
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert changed == ["archives/index.html"] and report.pages_written == 1
    assert_same_as_clean_build(blog)


def test_a_settings_edit_rebuilds_everything(blog):
    blog.settings("title: Renamed\n")
    report = blog.build()
    assert report.pages_written == report.pages_total
    assert_same_as_clean_build(blog)


def test_drafts_flag_changes_are_followed(blog):
    blog.note("d.md", "title: Draft\ndate: 2024-02-01\ndraft: true")
    assert_same_as_clean_build(blog)
    report = blog.build(drafts=True)
    assert report.errors == [] and "Draft" in (blog.public / "index.html").read_text(encoding="utf-8")
    blog.build()
    assert "Draft" not in (blog.public / "index.html").read_text(encoding="utf-8")


def test_files_changed_or_added_by_hand_in_the_output_are_put_right(blog):
    (blog.public / "index.html").write_text("vandalised")
    (blog.public / "2024/01/05/n05/index.html").unlink()
    (blog.public / "junk.txt").write_text("junk")
    blog.build()
    clean = blog.root.parent / "clean-output"
    build_site(BuildOptions(site_root=blog.root, output=clean, clean=True))
    assert snapshot(blog.public).keys() == snapshot(clean).keys()
    assert (blog.public / "2024/01/05/n05/index.html").read_bytes() == (
        clean / "2024/01/05/n05/index.html"
    ).read_bytes()


def test_a_corrupt_cache_means_a_full_correct_build_with_a_warning(blog):
    cache_file = blog.root / ".public.notes-site-cache/notes.pickle"
    assert cache_file.is_file()
    cache_file.write_bytes(b"\x80\x05 this is not a pickle")
    edit(blog, "n02.md", "Intro 2.", "Intro two.")
    report = blog.build()
    assert any("build cache" in p.message for p in report.warnings)
    assert report.notes_parsed == 16
    assert_same_as_clean_build(blog)


def test_clean_ignores_the_cache(blog):
    report = blog.build(clean=True)
    assert report.notes_parsed == 16 and report.pages_written == report.pages_total


def test_serve_patches_a_text_edit_in_memory_with_the_same_result(blog):
    from notes_site.build import BuildSession
    from notes_site.serve.live import patch_notes

    session = BuildSession()
    build_site(BuildOptions(site_root=blog.root), session)
    note = blog.root / "content/n04.md"
    edit(blog, "n04.md", "Intro 4.", "Intro four, patched in memory.")
    report = patch_notes(session, [note])
    assert report is not None and report.notes_parsed == 1
    assert 0 < report.pages_written < 10  # its page, its neighbours, the listings that show its excerpt
    clean = blog.root.parent / "clean-output"
    build_site(BuildOptions(site_root=blog.root, output=clean, clean=True))
    # The search index is not rebuilt for a patched edit (3 s at 10,000 notes): it catches up on the next build.
    assert without_search_index(snapshot(blog.public)) == without_search_index(snapshot(clean))


def without_search_index(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if not path.startswith("search/index/")}


@pytest.mark.parametrize(
    "old,new",
    [
        ("date: 2024-01-04", "date: 2021-01-01"),  # moves: the full build must place it
        ("tags: [t1, shared]", "tags: [other]"),
        ("title: Note 4", "title: [broken"),  # errors are the full build's to report
        ("title: Note 4", "title: Note four"),  # backlinks, wikilinks and the map show titles
        ("[link](n01.md)", "[[Note 2]]"),  # a new link: backlinks, related notes and the map change
        ("updated: 2024-03-01", "updated: 2024-03-01\npaper:\n  year: 2020"),  # the reading list and BibTeX
    ],
)
def test_serve_leaves_moves_and_errors_to_the_full_build(blog, old, new):
    from notes_site.build import BuildSession
    from notes_site.serve.live import patch_notes

    session = BuildSession()
    build_site(BuildOptions(site_root=blog.root), session)
    edit(blog, "n04.md", old, new)
    assert patch_notes(session, [blog.root / "content/n04.md"]) is None


def test_a_corrupt_state_file_also_means_a_full_build(blog):
    (blog.root / ".public.notes-site-cache/state.pickle").write_bytes(b"garbage")
    report = blog.build()
    assert any("build cache" in p.message for p in report.warnings)
    assert report.pages_written == report.pages_total
    assert_same_as_clean_build(blog)


def test_an_unchanged_site_reports_its_warnings_again(blog):
    blog.note("warn.md", "title: W\ndate: 2024-02-02\nupdated: 2024-03-01\ntags: 5")
    first = blog.build()
    again = blog.build()
    assert again.pages_written == 0
    assert [str(p) for p in again.warnings] == [str(p) for p in first.warnings] != []
    assert blog.build(strict=True).errors != []


def test_a_commit_alone_rebuilds_because_dates_come_from_git(blog):
    import subprocess

    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
        "GIT_COMMITTER_DATE": "2025-05-05T12:00:00Z",
        "GIT_AUTHOR_DATE": "2025-05-05T12:00:00Z",
    }
    subprocess.run(["git", "init", "-q"], cwd=blog.root, check=True)
    subprocess.run(["git", "add", "content"], cwd=blog.root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "a"], cwd=blog.root, check=True, env=env)
    path = blog.note("undated.md", "title: Undated\ndate: 2019-02-03")  # new, not committed: its mtime counts
    os.utime(path, (1_600_000_000, 1_600_000_000))  # 2020-09-13
    blog.build()
    page = blog.public / "2019/02/03/undated/index.html"
    assert 'datetime="2020-09-13' in page.read_text(encoding="utf-8")
    subprocess.run(["git", "add", "content/undated.md"], cwd=blog.root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "b"], cwd=blog.root, check=True, env=env)  # the file is untouched
    report = blog.build()
    assert report.pages_written > 0
    assert 'datetime="2025-05-05' in page.read_text(encoding="utf-8")
    assert_same_as_clean_build(blog)


@pytest.mark.parametrize(
    "old,new",
    [
        ("[link](n01.md)", "[[Note 2]] and [[Note 3#Intro]]"),
        ("title: Note 4", "title: Note four"),
        ("tags: [t1, shared]", "tags: [t2]"),
        ("updated: 2024-03-01", "updated: 2024-03-01\npaper:\n  authors: [Kaiming He]\n  year: 2020"),
    ],
)
def test_changes_to_links_titles_tags_and_papers_reach_every_page_that_shows_them(blog, old, new):
    blog.note("n02-links.md", "title: Links\ndate: 2024-02-01\ntags: [t1]", "[[Note 4]]\n")
    blog.build()
    edit(blog, "n04.md", old, new)
    assert_same_as_clean_build(blog)


def test_an_edit_of_an_embedded_note_reaches_the_pages_that_show_its_text(blog):
    from notes_site.build import BuildSession
    from notes_site.serve.live import patch_notes

    blog.note("host.md", "title: Host\ndate: 2024-02-02", "Intro.\n\n![[Note 4]]\n")
    session = BuildSession()
    build_site(BuildOptions(site_root=blog.root), session)
    edit(blog, "n04.md", "Intro 4.", "Intro four, embedded elsewhere.")
    assert patch_notes(session, [blog.root / "content/n04.md"]) is None  # serve runs the full build
    assert_same_as_clean_build(blog)
    assert "Intro four, embedded elsewhere." in blog.page("2024/02/02/host/")
