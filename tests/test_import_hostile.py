"""`notes-site import` given hostile places and settings: a clear message, nothing half-made, nothing left."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from notes_site.cli import main

REPO = Path(__file__).resolve().parent.parent
HEXO = Path(__file__).parent / "fixtures" / "import" / "hexo"
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9) if previous else ', '.join(['lol'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)


def run_import(*args: str):
    return CliRunner().invoke(main, ["import", *args])


def test_importing_into_a_link_is_refused_without_a_traceback(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = run_import("hexo", str(HEXO), "--to", str(tmp_path / "link"))
    assert result.exit_code != 0 and "is a link" in result.output and "Traceback" not in result.output
    assert not any((tmp_path / "real").iterdir())


def test_importing_under_a_file_is_refused_without_a_traceback(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = run_import("hexo", str(HEXO), "--to", str(tmp_path / "a-file" / "site"))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "not a folder you may write into" in result.output


def test_a_yaml_alias_bomb_in_the_old_settings_stops_the_import_with_its_file(tmp_path):
    blog = tmp_path / "blog"
    shutil.copytree(HEXO, blog)
    with (blog / "_config.yml").open("a", encoding="utf-8") as settings:
        settings.write("\n" + BOMB + "menu: *i\n")
    started = time.monotonic()
    result = run_import("hexo", str(blog), "--to", str(tmp_path / "site"))
    assert time.monotonic() - started < 20
    assert result.exit_code != 0 and "_config.yml" in result.output and "aliases" in result.output
    assert not (tmp_path / "site").exists()


def test_an_import_killed_outright_leaves_a_folder_the_next_import_removes(tmp_path):
    leftover = tmp_path / ".site.importing-999999999"  # a pid no process has
    (leftover / "site" / "content").mkdir(parents=True)
    result = run_import("hexo", str(HEXO), "--to", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_sigterm_during_an_import_leaves_nothing_behind(tmp_path):
    blog = tmp_path / "blog"
    (blog / "source" / "_posts").mkdir(parents=True)
    (blog / "_config.yml").write_text("title: Big\n", encoding="utf-8")
    for index in range(3000):
        (blog / "source" / "_posts" / f"p{index}.md").write_text(
            f"---\ntitle: P{index}\ndate: 2024-01-01\n---\ntext {index}\n", encoding="utf-8"
        )
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "notes_site", "import", "hexo", str(blog), "--to", str(out / "site")]
    process = subprocess.Popen(command, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 30
    while not any(out.glob(".site.importing-*")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) != 0
    assert list(out.iterdir()) == []


def test_a_hugo_note_with_json_front_matter_keeps_it_json_when_the_import_adds_a_key(tmp_path):
    """Hugo reads a JSON object at the top of a file as front matter; so does notes-site (issue 15)."""
    from datetime import UTC, datetime

    from notes_site.frontmatter import load_meta, split_front_matter
    from notes_site.migrate import set_front_matter

    note = tmp_path / "post.md"
    note.write_text('{\n  "title": "JSON post",\n  "tags": ["a"]\n}\n\nThe body, kept.\n', encoding="utf-8")
    set_front_matter(note, "date", datetime(2024, 1, 2, 3, 4, tzinfo=UTC))
    split = split_front_matter(note.read_text(encoding="utf-8"))
    assert split.meta_format == "json"
    assert load_meta(split) == {"title": "JSON post", "tags": ["a"], "date": "2024-01-02T03:04:00+00:00"}
    assert split.body == "\nThe body, kept.\n"
