"""notes-site never destroys what it did not make, and a failed build changes nothing."""

import time
from pathlib import Path

import pytest

from notes_site.errors import OutputError, ThemeError


@pytest.fixture
def built(site):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    site.build()
    return site


@pytest.mark.parametrize("where", [".", "content", "content/sub", "..", "themes"])
def test_refuses_to_build_into_the_site_its_content_or_a_parent(site, where):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    (site.root / "themes").mkdir(exist_ok=True)
    with pytest.raises(OutputError, match="refusing to write the site into"):
        site.build(output=site.root / where)
    assert (site.root / "content/a.md").is_file()


def test_refuses_the_home_folder(site, monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    site.note("a.md", "title: A\ndate: 2024-01-01")
    with pytest.raises(OutputError, match="home folder"):
        site.build(output=home)


def test_refuses_a_non_empty_folder_it_did_not_make(site, tmp_path):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match="notes-site did not make"):
        site.build(output=precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_an_empty_folder_is_fine_and_gets_a_marker(site, tmp_path):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    empty = tmp_path / "out"
    empty.mkdir()
    site.build(output=empty)
    assert (empty / ".notes-site-output").is_file() and (empty / "index.html").is_file()


def test_rebuilding_leaves_only_the_site_and_its_cache(built):
    (built.public / "stale.html").write_text("old")
    built.build()
    assert not (built.public / "stale.html").exists()  # the output is exactly the site
    built.build(clean=True)
    deadline = time.monotonic() + 10  # the replaced output is deleted in the background
    while time.monotonic() < deadline and len(list(built.root.iterdir())) > 3:
        time.sleep(0.05)
    assert sorted(p.name for p in built.root.iterdir()) == [".public.notes-site-cache", "content", "public"]


def test_a_failed_build_leaves_the_previous_site_as_it_was(built):
    before = {p: p.read_bytes() for p in built.public.rglob("*") if p.is_file()}
    built.write(
        "themes/default/templates/note.html",
        "{% extends 'base.html' %}{% block content %}{{ note.nope }}{% endblock %}",
    )
    built.note("b.md", "title: B\ndate: 2024-01-02")
    with pytest.raises(ThemeError) as raised:
        built.build()
    assert "note.html" in str(raised.value)
    after = {p: p.read_bytes() for p in built.public.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in built.root.iterdir() if p.name.startswith(".notes-site")] == []


def test_a_template_syntax_error_names_the_template_and_line(built):
    built.write(
        "themes/default/templates/archive.html",
        "{% extends 'base.html' %}\n{% block content %}\n{% for %}\n{% endblock %}",
    )
    with pytest.raises(ThemeError, match=r"archive.html:3: template syntax error"):
        built.build()


def test_a_missing_theme_says_what_to_do(built):
    built.settings("theme: nextt\n")
    with pytest.raises(ThemeError, match="the theme `nextt` was not found"):
        built.build()


def test_notes_with_errors_are_reported_together_and_the_rest_is_built(built):
    built.note("bad1.md", "title: [Bad, list]\ndate: 2024-01-02")  # a title must be text
    built.note("bad2.md", "title: [unclosed")
    report = built.build()
    assert len(report.errors) == 2
    assert {Path(str(p.path)).name for p in report.errors} == {"bad1.md", "bad2.md"}
    assert (built.public / "2024/01/01/a/index.html").is_file()


# ---------------------------------------------------------------- outputs that cannot be written (issue 15, item 10)


def build_cli(site, output: Path):
    from click.testing import CliRunner

    from notes_site.cli import main

    return CliRunner().invoke(main, ["build", "--site", str(site.root), "--output", str(output)])


def assert_refused(result, text: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
    assert "refusing to write the site into" in result.output and text in result.output, result.output
    assert "Choose another folder with --output" in result.output


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_in_proc_is_refused_with_a_message(site):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    assert_refused(build_cli(site, Path("/proc/self/preview")), "it is inside /proc, which the system fills in")


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder on a read-only file system (root: a tmpfs mounted read-only), or one we may not write."""
    import os
    import subprocess

    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder, "you may not create files in"
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("root cannot mount a read-only file system here")
    try:
        yield folder, "is on a read-only file system"
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid"), reason="POSIX permissions")
def test_an_output_that_cannot_be_written_is_refused_with_a_message(site, read_only_folder):
    folder, reason = read_only_folder
    site.note("a.md", "title: A\ndate: 2024-01-01")
    assert_refused(build_cli(site, folder / "preview"), reason)
    assert not (site.root / "public").exists()
