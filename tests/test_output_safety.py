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
