"""The `notes-site` command as a user runs it: summary line, exit codes, help and docs."""

import re
from pathlib import Path

from click.testing import CliRunner

from notes_site.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_build_prints_one_summary_line(site):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    result = run("build", "--site", site.root)
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Read 1 notes, wrote \d+ pages and \d+ files, 0 warning\(s\), 0 error\(s\) in [\d.]+ s\.", result.output
    )


def test_note_errors_exit_1_and_name_the_file(site):
    site.note("a.md", "title: [A, B]\ndate: 2024-02-03")
    result = run("build", "--site", site.root)
    assert result.exit_code == 1
    assert "a.md:2" in result.output and "must be text" in result.output


def test_strict_turns_warnings_into_a_failure(site):
    site.note("a.md", "title: A\ndate: 2024-01-01\ntags: 5")
    assert run("build", "--site", site.root).exit_code == 0
    assert run("build", "--site", site.root, "--strict").exit_code == 1


def test_settings_errors_exit_1_without_writing(site):
    site.settings("titel: x\n")
    result = run("build", "--site", site.root)
    assert result.exit_code == 1 and "Did you mean `title`?" in result.output
    assert not (site.root / "public").exists()


def test_usage_errors_exit_2(tmp_path):
    assert run("build", "--site", tmp_path / "nope").exit_code == 2
    assert run("build", "--no-such-flag").exit_code == 2


def test_output_option(site, tmp_path):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    assert run("build", "--site", site.root, "--output", tmp_path / "out").exit_code == 0
    assert (tmp_path / "out/index.html").is_file()


def test_every_command_has_help_and_a_docs_entry():
    docs = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    for name, command in main.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0 and command.help, name
        assert f"notes-site {name}" in docs, f"docs/ does not document `notes-site {name}`"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in docs, f"docs/ does not mention `{opt}` of `notes-site {name}`"
