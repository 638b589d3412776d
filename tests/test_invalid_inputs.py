"""Bad input gets a clear message and nothing is lost (issue 7).

Each case is a tiny site: the odd note beside `content/good.md`, and what a user
should see. Most live in tests/fixtures/invalid/<case>/ with an `expected.yaml`
(as Zola's test_sites_invalid/); the few that need bytes a repository should not
hold (a BOM, UTF-16, CR endings, 50 MB, symbolic links, names with ? or %) are
written into tmp_path by GENERATED below. Every case is checked the same way:

  severity   error | warning | none: the problem reported (none: no problem at all)
  message    text the problem shows; `file` its file name, `line` its line (or null)
  hint       text of the advice that follows the message
  good_page  the good note's page, which must exist: the rest of the site built
  pages      pages that must exist, each with texts it must contain; `lacks`: must not
  absent     pages or files that must not exist
  raises     ConfigError, ThemeError or OutputError: the build stops and writes nothing
  output     the --output folder ("~" is the home folder)
  mtime      a time to give the odd note's file, for notes dated by their last edit
  known_gap  a reason: the case is expected to fail until that is fixed

To add a case, add a folder (or a GENERATED entry); nothing else is needed.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from notes_site.build import BuildOptions, build_site
from notes_site.cli import main
from notes_site.errors import NotesSiteError

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
GOOD = "---\ntitle: Good\ndate: 2024-01-01\n---\n\nThe good note still builds.\n"
GOOD_PAGE = "2024/01/01/good/"


def note(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front}---\n\n{body}"


def write(root: Path, relative: str, data: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def link(root: Path, relative: str, target: str | Path) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


# ---------------------------------------------------------------- generated cases
# name -> (function writing the odd files into the site folder, expected outcome)


def fifty_megabytes(root: Path) -> None:
    paragraph = b"Attention is all you need, says the paper, with $x^2$ and **bold** words.\n\n"
    with open(root / "content/huge.md", "wb") as file:
        file.write(b"---\ntitle: Huge\ndate: 2024-01-02\n---\n\n")
        block = paragraph * (1024 * 1024 // len(paragraph))
        for _ in range(50):
            file.write(block)


def outside_file_link(root: Path) -> None:
    elsewhere = root.parent / "elsewhere"
    write(elsewhere, "secret.md", note("title: Secret\ndate: 2024-01-02\n"))
    link(root, "content/secret.md", elsewhere / "secret.md")


def outside_folder_link(root: Path) -> None:
    elsewhere = root.parent / "elsewhere"
    write(elsewhere, "secret.md", note("title: Secret\ndate: 2024-01-02\n"))
    link(root, "content/shared", elsewhere)


def fifo(root: Path) -> None:
    os.mkfifo(root / "content/pipe.md")


def unreadable_folder(root: Path) -> None:
    write(root, "content/locked/inside.md", note("title: Inside\ndate: 2024-01-02\n"))
    (root / "content/locked").chmod(0)


ON_WINDOWS = sys.platform == "win32"
GENERATED: dict[str, tuple[Any, dict[str, Any]]] = {
    "file-bom": (
        lambda root: write(root, "content/bom.md", "\ufeff" + note("title: BOM\ndate: 2024-01-02\n")),
        {
            "severity": "none",
            "pages": {"2024/01/02/bom/": ['<h1 class="post-title">BOM</h1>']},
            "lacks": {"2024/01/02/bom/": ["\ufeff"]},
        },
    ),
    "file-utf16": (
        lambda root: write(root, "content/wide.md", note("title: UTF-16 ünïcode\ndate: 2024-01-02\n").encode("utf-16")),
        {"severity": "none", "pages": {"2024/01/02/wide/": ["UTF-16 ünïcode"]}},
    ),
    "file-utf16-without-bom": (
        lambda root: write(root, "content/bad.md", note("title: No BOM\ndate: 2024-01-02\n").encode("utf-16-le")),
        {
            "severity": "error",
            "file": "bad.md",
            "message": "looks like UTF-16 text without a byte-order mark",
            "hint": "save it as UTF-8",
            "line": None,
        },
    ),
    "file-invalid-utf8": (
        lambda root: write(
            root, "content/bad.md", note("title: GBK\ndate: 2024-01-02\n").encode() + "多兴趣".encode("gbk")
        ),
        {
            "severity": "error",
            "file": "bad.md",
            "message": "the file is not valid UTF-8 (byte 0xb6 at line 7)",
            "hint": "GBK",
            "line": 7,
        },
    ),
    "file-crlf": (
        lambda root: write(
            root, "content/crlf.md", b"---\r\ntitle: CRLF\r\ndate: 2024-01-02\r\n---\r\n\r\nOne.\r\n\r\nTwo.\r\n"
        ),
        {"severity": "none", "pages": {"2024/01/02/crlf/": ["<p>One.</p>", "<p>Two.</p>"]}},
    ),
    "file-cr": (
        lambda root: write(root, "content/cr.md", b"---\rtitle: CR\rdate: 2024-01-02\r---\r\rOne.\r\rTwo.\r"),
        {
            "severity": "none",
            "pages": {"2024/01/02/cr/": ['<h1 class="post-title">CR</h1>', "<p>One.</p>", "<p>Two.</p>"]},
        },
    ),
    "file-50mb": (
        fifty_megabytes,
        {
            "severity": "error",
            "file": "huge.md",
            "message": "the note is 50.0 MB, more than the 20 MB notes-site reads",
            "line": None,
            "absent": ["2024/01/02/huge/"],
        },
    ),
    "file-binary": (
        lambda root: write(root, "content/figure.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
        {"severity": "error", "file": "figure.md", "message": "the file is not a text file", "line": None},
    ),
    "file-nul-bytes": (
        lambda root: write(root, "content/bad.md", note("title: NUL\ndate: 2024-01-02\n") + "\0\0\0\0"),
        {
            "severity": "error",
            "file": "bad.md",
            "message": "the file is not a text file (it contains NUL bytes",
            "line": None,
        },
    ),
    "file-name-question-mark": (
        lambda root: write(root, "content/why?.md", note("title: Question\ndate: 2024-01-02\n")),
        {"severity": "none", "pages": {"2024/01/02/why/": ["Question"], "": ['href="./2024/01/02/why/"']}},
    ),
    "file-name-percent": (
        lambda root: write(root, "content/100% sure.md", note("title: Percent\ndate: 2024-01-02\n")),
        {"severity": "none", "pages": {"2024/01/02/100-sure/": ["Percent"]}},
    ),
    "file-name-not-utf8": (
        lambda root: write(root, os.fsdecode(b"content/caf\xe9.md"), b"No front matter, so the title is the name.\n"),
        {
            "severity": "warning",
            "file": "caf",
            "message": "the file name is not valid UTF-8; it is read as `caf\ufffd`",
            "line": None,
            "mtime": "2024-03-04T00:00:00+00:00",
            "pages": {"2024/03/04/caf/": ["caf\ufffd"]},
        },
    ),
    "file-fifo": (
        fifo,
        {
            "severity": "warning",
            "file": "pipe.md",
            "message": "the file is a pipe, a socket or a device",
            "line": None,
            "scan": True,
            "posix": True,
        },
    ),
    "content-long-line": (
        lambda root: write(
            root, "content/long.md", note("title: Long\ndate: 2024-01-02\n", "word " * 200_000 + "end\n")
        ),
        {"severity": "none", "pages": {"2024/01/02/long/": ["word word word", "end</p>"]}},
    ),
    "symlink-file-inside": (
        lambda root: (
            write(root, "library/real.md", note("title: Linked file\ndate: 2024-01-02\n")),
            link(root, "content/alias.md", "../library/real.md"),
        ),
        {"severity": "none", "pages": {"2024/01/02/alias/": ["Linked file"]}, "posix": True},
    ),
    "symlink-folder-inside": (
        lambda root: (
            write(root, "library/papers/vit.md", note("title: Linked folder\ndate: 2024-01-02\n")),
            link(root, "content/papers", "../library/papers"),
        ),
        {"severity": "none", "pages": {"2024/01/02/vit/": ["Linked folder"]}, "posix": True},
    ),
    "symlink-file-outside": (
        outside_file_link,
        {
            "severity": "warning",
            "file": "secret.md",
            "message": "outside the site folder; it was left out of the site",
            "line": None,
            "absent": ["2024/01/02/secret/"],
            "scan": True,
            "posix": True,
        },
    ),
    "symlink-folder-outside": (
        outside_folder_link,
        {
            "severity": "warning",
            "file": "shared",
            "message": "outside the site folder; it was left out of the site",
            "line": None,
            "absent": ["2024/01/02/secret/"],
            "scan": True,
            "posix": True,
        },
    ),
    "symlink-loop": (
        lambda root: (
            write(root, "content/sub/inner.md", note("title: Inner\ndate: 2024-01-02\n")),
            link(root, "content/sub/again", ".."),
        ),
        {
            "severity": "warning",
            "file": "again",
            "message": "following it would never end",
            "line": None,
            "pages": {"2024/01/02/inner/": ["Inner"]},
            "scan": True,
            "posix": True,
        },
    ),
    "symlink-file-loop": (
        lambda root: (link(root, "content/a.md", "b.md"), link(root, "content/b.md", "a.md")),
        {
            "severity": "warning",
            "file": "a.md",
            "message": "leads round in a loop",
            "line": None,
            "scan": True,
            "posix": True,
        },
    ),
    "symlink-dangling": (
        lambda root: link(root, "content/gone.md", "../nowhere/gone.md"),
        {
            "severity": "warning",
            "file": "gone.md",
            "message": "which does not exist; it was left out",
            "line": None,
            "scan": True,
            "posix": True,
        },
    ),
    "theme-link-to-nothing": (
        lambda root: (
            link(root, "themes/default/static/gone.css", "../../../nowhere/gone.css"),
            link(root, "themes/default/templates/note.html", "missing.html"),
        ),
        {
            "severity": "warning",
            "file": "themes/default/",
            "message": "which does not exist; the theme is used without it",
            "line": None,
            "pages": {"2024/01/01/good/": ["The good note still builds."]},
            "absent": ["gone.css"],
            "posix": True,
        },
    ),
    "folder-unreadable": (
        unreadable_folder,
        {
            "severity": "warning",
            "file": "locked",
            "message": "the folder cannot be read",
            "line": None,
            "scan": True,
            "posix": True,
            "unprivileged": True,
        },
    ),
}


def all_cases() -> list:
    cases = [pytest.param("fixture", name, id=name) for name in sorted(p.name for p in FIXTURES.iterdir())]
    cases += [pytest.param("generated", name, id=name) for name in GENERATED]
    return cases


def make_site(kind: str, name: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    root = tmp_path / "site"
    if kind == "fixture":
        shutil.copytree(FIXTURES / name, root, symlinks=True, ignore=shutil.ignore_patterns("expected.yaml"))
        expected = yaml.safe_load((FIXTURES / name / "expected.yaml").read_text(encoding="utf-8"))
    else:
        writer, expected = GENERATED[name]
        expected = {"good_page": GOOD_PAGE, **expected}
        if expected.get("posix") and ON_WINDOWS:
            pytest.skip("needs POSIX links and special files")
        if expected.get("unprivileged") and hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.skip("root reads every folder")
        write(root, "content/good.md", GOOD)
        writer(root)
    if expected.get("mtime"):
        moment = expected["mtime"]  # YAML reads a timestamp; GENERATED gives text
        stamp = (moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)).timestamp()
        target = root / "content" / next(n for n in os.listdir(root / "content") if n != "good.md")
        os.utime(target, (stamp, stamp))
    return root, expected


def output_for(root: Path, expected: dict[str, Any], monkeypatch) -> Path | None:
    where = expected.get("output")
    if where is None:
        return None
    if where == "~":
        home = root.parent / "home"
        home.mkdir()
        monkeypatch.setenv("HOME", str(home))
        monkeypatch.setenv("USERPROFILE", str(home))
        return home
    return root / where


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the site but the build's own cache folder (which holds the build lock)."""
    files = (p for p in root.rglob("*") if p.is_file() and not p.relative_to(root).parts[0].endswith("-cache"))
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def page_file(root: Path, path: str) -> Path:
    target = root / "public" / path
    return target / "index.html" if path == "" or path.endswith("/") else target


@pytest.fixture(scope="module")
def scan_problems_reported(tmp_path_factory) -> bool:
    """Whether the build reports what the content scan found (links left out…); see known gaps."""
    root = tmp_path_factory.mktemp("probe")
    write(root, "content/good.md", GOOD)
    if ON_WINDOWS:
        return True
    link(root, "content/gone.md", "nowhere.md")
    return any("gone.md" in str(p) for p in build_site(BuildOptions(site_root=root)).problems)


@pytest.mark.parametrize("kind,name", all_cases())
def test_bad_input_is_reported_and_the_rest_of_the_site_builds(kind, name, tmp_path, monkeypatch, request):
    root, expected = make_site(kind, name, tmp_path)
    output = output_for(root, expected, monkeypatch)
    if expected.get("raises"):
        check_refused_build(root, output, expected)
    else:
        check_build(root, expected, request)


def check_refused_build(root: Path, output: Path | None, expected: dict[str, Any]) -> None:
    before = snapshot(root)
    with pytest.raises(NotesSiteError) as raised:
        build_site(BuildOptions(site_root=root, output=output))
    exc = raised.value
    assert type(exc).__name__ == expected["raises"]
    text = "\n".join([str(exc), *(str(p) for p in exc.problems)])
    assert expected["message"] in text
    if expected.get("file"):
        assert expected["file"] in text
    if expected.get("line"):
        assert f"{expected['file']}:{expected['line']}" in text
    if expected.get("hint"):
        assert expected["hint"] in text
    assert snapshot(root) == before, "a refused build must not write or delete anything"
    assert not (root / "public").exists()
    assert not [p for p in root.parent.iterdir() if p.name.startswith(".notes-site-")]


def check_build(root: Path, expected: dict[str, Any], request) -> None:
    report = build_site(BuildOptions(site_root=root))  # never raises for bad notes
    problems = report.problems
    gap = None
    if expected["severity"] == "none":
        assert problems == [], "\n".join(map(str, problems))
    else:
        assert all(expected["file"] in str(p) for p in problems), "only the odd note may have problems"
        found = [p for p in problems if expected["message"] in str(p)]
        if not found and expected.get("scan") and not request.getfixturevalue("scan_problems_reported"):
            gap = "build.py does not add ContentTree.problems (links left out, unreadable folders) to the report"
        else:
            assert found, f"expected {expected['message']!r} among: " + "\n".join(map(str, problems))
            problem = found[0]
            assert problem.severity == expected["severity"]
            assert expected["file"] in str(problem)
            assert problem.line == expected["line"]
            if expected.get("hint"):
                assert expected["hint"] in problem.hint
    assert page_file(root, expected["good_page"]).is_file(), "the good note must still have its page"
    assert GOOD_PAGE in page_file(root, "").read_text(encoding="utf-8"), "the home page must list the good note"
    try:
        check_pages(root, expected)
    except AssertionError:
        if not expected.get("known_gap"):
            raise
        gap = expected["known_gap"]
    else:
        if expected.get("known_gap"):
            warnings.warn(f"known gap looks fixed, remove it from expected.yaml: {expected['known_gap']}", stacklevel=1)
    if gap:
        pytest.xfail(gap)


def check_pages(root: Path, expected: dict[str, Any]) -> None:
    for path, texts in (expected.get("pages") or {}).items():
        target = page_file(root, path)
        assert target.is_file(), f"/{path} was not written"
        html = target.read_text(encoding="utf-8")
        for text in texts:
            assert text in html, f"/{path} does not show {text!r}"
    for path, texts in (expected.get("lacks") or {}).items():
        html = page_file(root, path).read_text(encoding="utf-8")
        for text in texts:
            assert text not in html, f"/{path} shows {text!r}"
    for path in expected.get("absent") or []:
        assert not page_file(root, path).exists() and not (root / "public" / path).exists(), f"/{path} exists"


# ---------------------------------------------------------------- what the pages look like


def test_odd_file_names_give_url_safe_links(tmp_path):
    root = tmp_path / "site"
    write(root, "content/good.md", GOOD)
    names = ["my paper note.md", "#1 idea.md", "why?.md", "100% sure.md", "🚀 launch.md", "多兴趣召回.md"]
    for name in names:
        write(root, f"content/{name}", note(f'title: "{name}"\ndate: 2024-01-02\n'))
    assert build_site(BuildOptions(site_root=root)).problems == []
    pages = sorted(p.parent.name for p in (root / "public/2024/01/02").glob("*/index.html"))
    assert pages == ["1-idea", "100-sure", "duo-xing-qu-zhao-hui", "launch", "my-paper-note", "why"]
    home = (root / "public/index.html").read_text(encoding="utf-8")
    for slug in pages:
        assert f'href="./2024/01/02/{slug}/"' in home


# ---------------------------------------------------------------- exit codes


def fixture_site(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root, ignore=shutil.ignore_patterns("expected.yaml"))
    return root


def test_a_note_with_an_error_exits_1_and_names_the_file(tmp_path):
    result = CliRunner().invoke(main, ["build", "--site", str(fixture_site("fm-title-list", tmp_path))])
    assert result.exit_code == 1
    assert "bad.md:2: `title` must be text, not a list" in result.output
    assert "leaving out what has errors" in result.output


def test_an_impossible_date_is_a_warning_and_an_error_with_strict(tmp_path):
    site = fixture_site("fm-date-impossible", tmp_path)
    relaxed = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert relaxed.exit_code == 0, relaxed.output
    assert "warning: " in relaxed.output and "bad.md:3: `date`: `2023-02-30` is not a real date" in relaxed.output
    assert CliRunner().invoke(main, ["build", "--site", str(site), "--strict"]).exit_code == 1


def test_warnings_exit_0_or_1_with_strict(tmp_path):
    site = fixture_site("fm-tags-number", tmp_path)
    relaxed = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert relaxed.exit_code == 0
    assert "warning: " in relaxed.output and "bad.md:4" in relaxed.output
    strict = CliRunner().invoke(main, ["build", "--site", str(site), "--strict"])
    assert strict.exit_code == 1
    assert "error: " in strict.output and "bad.md:4" in strict.output


def test_a_settings_error_exits_1_and_writes_nothing(tmp_path):
    site = fixture_site("site-settings-typo", tmp_path)
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert "Did you mean `per_page`?" in result.output and "Nothing was written" in result.output
    assert not (site / "public").exists()


@pytest.mark.parametrize(
    "name",
    ["fm-permalink-backslash", "fm-alias-drive-letter", "fm-alias-nul", "fm-alias-deep", "fm-alias-dotfile"],
)
def test_check_reports_an_address_that_cannot_be_written(tmp_path, name):
    result = CliRunner().invoke(main, ["check", "--site", str(fixture_site(name, tmp_path))])
    assert result.exit_code == 1
    assert "bad.md:4: `" in result.output and "cannot be written" in result.output
