"""The docs run: every shell block and every quoted output of README.md and docs/*.md.

sqlite-utils keeps its docs true with cog; ours are kept true by running them. The
convention, for whoever writes a page (docs/architecture.md, "Docs that run", says the same):

- A ```sh block runs with bash (`set -e`), in order, in one temporary folder per page
  that stands for the reader's home folder (`~`, `$HOME`); a `cd` carries over to the
  next block. `notes-site` on its PATH is this checkout (`python -m notes_site`).
- A ```text block right after a ```sh block (only blank lines between) is that block's
  output (standard output and error together), compared line by line.
- A ```text block whose first line starts with `$ ` is a transcript: each `$ ` line is
  run, and the lines under it are its output.
- HTML comments right before a block change it:
  `<!-- not run: why -->` skips it (every skipped block is a skipped test, with its
  reason, so `pytest -rs` lists them); `<!-- setup: command -->` runs a command first,
  unseen and unchecked; `<!-- write: path -->` writes the block's text to that file (a
  settings example becomes the site's settings); `<!-- exit: N -->` expects the last
  command of the block to exit with N instead of 0; `<!-- not output: why -->` marks a
  ```text block that is not anyone's output (a folder tree, a usage line).
- Every other ```text block must be one of those: an unmarked one fails the test, so
  a quoted output cannot silently stop being checked. Blocks in other languages
  (yaml, markdown, jinja…) are examples of files, not run unless `write:` says so.
- Before comparing, both sides are normalised for what legitimately varies: the
  temporary folder and `/home/ada` become `~`; durations (`0.53 s`) become `N s`;
  dates and times (`2024-05-22`, `2024-05-22 10:12:31`) become `YYYY-MM-DD`; git
  commit hashes after `commit ` become `<hash>`; trailing spaces go. A line holding
  only `…` in the docs matches any number of lines.
- The paper services are local: `<!-- setup: offline-papers -->` points the site's
  `metadata:` settings at recorded answers (tests/fixtures/metadata) served on 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
DIRECTIVE = re.compile(r"^\s*<!--\s*(not run|not output|setup|write|exit)\s*:\s*(.*?)\s*-->\s*$")
COMMAND_TIMEOUT = 60
HOW_TO_MARK = (
    "Mark a block that is not meant to run with `<!-- not run: why -->` on the line before it, "
    "a ```text block that is nobody's output with `<!-- not output: why -->`; see tests/test_docs.py."
)


@dataclass
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    info: str
    text: str
    directives: list[tuple[str, str]] = field(default_factory=list)
    output_of: Block | None = None  # a ```text block right after a ```sh block
    output: Block | None = None

    @property
    def where(self) -> str:
        return f"{shown(self.page)}:{self.line}"

    def directive(self, name: str) -> list[str]:
        return [value for key, value in self.directives if key == name]

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    @property
    def is_transcript(self) -> bool:
        return self.language == "text" and self.text.lstrip("\n").startswith("$ ")


def shown(page: Path) -> str:
    return str(page.relative_to(REPO)) if page.is_relative_to(REPO) else str(page)


def read_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a page, with the directives above each and sh/output pairs linked."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    previous_end = -10
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = index + 1
        while end < len(lines) and not re.match(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[end]):
            end += 1
        body = [line[indent:] if line[:indent].strip() == "" else line for line in lines[index + 1 : end]]
        directives = []
        above = index - 1
        while above >= 0 and (not lines[above].strip() or DIRECTIVE.match(lines[above])):
            if match := DIRECTIVE.match(lines[above]):
                directives.insert(0, (match[1], match[2]))
            above -= 1
        block = Block(page, index + 1, opening["info"].strip(), "\n".join(body) + "\n", directives)
        between = lines[previous_end + 1 : index]
        if blocks and block.language == "text" and not block.is_transcript and all(not x.strip() for x in between):
            if blocks[-1].language == "sh":
                block.output_of, blocks[-1].output = blocks[-1], block
        blocks.append(block)
        previous_end = end
        index = end + 1
    return blocks


def role(block: Block) -> str:
    """run, transcript, output, write, skipped, or example; `unmarked` is a docs error."""
    if block.directive("not run") or block.directive("not output"):
        return "skipped"
    if block.directive("write"):
        return "write"
    if block.language == "sh":
        return "run"
    if block.is_transcript:
        return "transcript"
    if block.output_of is not None:
        return "skipped" if role(block.output_of) == "skipped" else "output"
    if block.language == "text":
        return "unmarked"
    return "example"


# --- normalising -----------------------------------------------------------------------------

DURATION = re.compile(r"\b\d+(?:\.\d+)? s\b")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\b")
COMMIT = re.compile(r"\bcommit [0-9a-f]{7,40}\b")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def normalise(text: str, home: Path) -> list[str]:
    text = ANSI.sub("", text).replace(str(home), "~").replace(str(home.resolve()), "~").replace("/home/ada", "~")
    text = COMMIT.sub("commit <hash>", DATE.sub("YYYY-MM-DD", DURATION.sub("N s", text)))
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line `…` (or `...`) in `expected` takes any number of lines."""
    if not expected:
        return not actual
    if expected[0].strip() in ("…", "..."):
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


# --- running ---------------------------------------------------------------------------------


class Shell:
    """One page's temporary home: bash commands run in it, the working folder carried over."""

    def __init__(self, home: Path, papers: str) -> None:
        self.home = home
        self.cwd = home
        bin_dir = home / ".docs-bin"
        bin_dir.mkdir()
        shim = bin_dir / "notes-site"
        shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m notes_site "$@"\n')
        offline = bin_dir / "offline-papers"
        offline.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(__file__)} offline-papers\n")
        shim.chmod(0o755)
        offline.chmod(0o755)
        example = bin_dir / "example-site"  # example-site DIR: a copy of the repository's example site
        example.write_text(
            f'#!/bin/sh\nset -e\nmkdir -p "$1"\ncp -r {shlex.quote(str(REPO / "content"))} '
            f'{shlex.quote(str(REPO / "notes-site.yaml"))} "$1"/\n'
        )
        example.chmod(0o755)
        (home / ".gitconfig").write_text(
            "[user]\n\tname = Ada\n\temail = ada@example.org\n[init]\n\tdefaultBranch = main\n"
        )
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(home),
            "PYTHONPATH": str(REPO),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "DOCS_PAPER_SERVICES": papers,
            "FIXTURES": str(REPO / "tests" / "fixtures"),  # the importers' fixture blogs, for setup lines
            "GIT_CONFIG_NOSYSTEM": "1",
        }

    def run(self, script: str, where: str) -> tuple[str, int]:
        state = self.home / ".docs-cwd"
        wrapped = (
            f"set -e -o pipefail\ncd {shlex.quote(str(self.cwd))}\n"
            f"trap 'pwd > {shlex.quote(str(state))}' EXIT\n{script}"
        )
        try:
            done = subprocess.run(
                ["bash", "-c", wrapped],
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                timeout=COMMAND_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"{where}: still running after {COMMAND_TIMEOUT} s. {HOW_TO_MARK}")
        if state.exists():
            self.cwd = Path(state.read_text().strip())
        return done.stdout, done.returncode


def transcript(block: Block) -> list[tuple[int, str, str]]:
    """(line, command, expected output) for each `$ ` line of a transcript block."""
    steps: list[tuple[int, str, list[str]]] = []
    for offset, line in enumerate(block.text.splitlines(), start=1):
        if line.startswith("$ "):
            steps.append((block.line + offset, line[2:], []))
        elif steps:
            steps[-1][2].append(line)
    return [(line, command, "\n".join(output)) for line, command, output in steps]


def check_output(shell: Shell, where: str, expected: str, actual: str) -> None:
    want, got = normalise(expected, shell.home), normalise(actual, shell.home)
    if not matches(want, got):
        pytest.fail(
            f"{where}: the output differs from the docs (after normalising times, dates, paths and hashes).\n"
            f"--- the docs say:\n" + "\n".join(want) + "\n--- the command printed:\n" + "\n".join(got) + "\n---\n"
            "Fix the docs (or the program). " + HOW_TO_MARK,
            pytrace=False,
        )


def expected_exit(block: Block) -> int:
    codes = block.directive("exit")
    return int(codes[-1]) if codes else 0


def run_block(shell: Shell, block: Block) -> None:
    for setup in block.directive("setup"):
        output, code = shell.run(setup, block.where)
        assert code == 0, f"{block.where}: the setup `{setup}` failed (exit code {code}):\n{output}"
    kind = role(block)
    if kind == "write":
        target = shell.cwd / block.directive("write")[-1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")
    elif kind == "run":
        output, code = shell.run(block.text, block.where)
        if code != expected_exit(block):
            pytest.fail(
                f"{block.where}: the block exited with {code}, not {expected_exit(block)}; it printed:\n{output}\n"
                + HOW_TO_MARK,
                pytrace=False,
            )
        if block.output is not None and role(block.output) == "output":
            where = f"{block.output.where} (the output of the block at line {block.line})"
            check_output(shell, where, block.output.text, output)
    elif kind == "transcript":
        steps = transcript(block)
        for number, (line, command, expected) in enumerate(steps, start=1):
            output, code = shell.run(command, f"{shown(block.page)}:{line}")
            wanted = expected_exit(block) if number == len(steps) else 0
            where = f"{shown(block.page)}:{line} (`$ {command}`)"
            if code != wanted:
                message = f"{where}: exited with {code}, not {wanted}; it printed:\n{output}\n" + HOW_TO_MARK
                pytest.fail(message, pytrace=False)
            check_output(shell, where, expected, output)


# --- the paper services, recorded --------------------------------------------------------------


@pytest.fixture(scope="module")
def paper_services():
    from test_paper_lookup import Replay

    handler = type("DocsReplay", (Replay,), {"log": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def offline_papers(base: str, settings: Path) -> None:
    """Point a site's `metadata:` settings at the recorded paper services (the `offline-papers` command)."""
    urls = {
        "arxiv_api": f"{base}/arxiv/api/query",
        "crossref_api": f"{base}/crossref",
        "acl_anthology": f"{base}/acl",
        "openreview_api": f"{base}/openreview",
    }
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    if re.search(r"^metadata:", text, re.M):
        for key, url in urls.items():
            text = re.sub(rf"^(\s+{key}:\s*)\S+", lambda m, url=url: m[1] + url, text, flags=re.M)
    else:
        text += "metadata:\n" + "".join(f"  {key}: {url}\n" for key, url in urls.items())
    settings.write_text(text, encoding="utf-8")


# --- the tests -----------------------------------------------------------------------------------

ALL = [block for page in PAGES for block in read_blocks(page)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_shell_block_and_quoted_output_runs_as_written(page, tmp_path, paper_services):
    shell = Shell(tmp_path, paper_services)
    for block in read_blocks(page):
        if role(block) in ("run", "transcript", "write"):
            run_block(shell, block)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_text_block_is_an_output_or_marked(page):
    unmarked = [block.where for block in read_blocks(page) if role(block) == "unmarked"]
    assert not unmarked, (
        f"these ```text blocks are neither after a ```sh block, nor a `$ ` transcript, nor marked: {unmarked}. "
        + HOW_TO_MARK
    )


SKIPPED = [block for block in ALL if role(block) == "skipped"]


@pytest.mark.parametrize("block", SKIPPED, ids=lambda block: block.where)
def test_blocks_marked_not_run(block):
    reason = (block.directive("not run") or block.directive("not output") or [""])[-1]
    if block.output_of is not None and not reason:
        reason = f"the output of the block at line {block.output_of.line}, which is not run"
    assert reason, f"{block.where}: say why the block is not run: <!-- not run: why -->"
    pytest.skip(f"{block.where}: {reason}")


def test_the_index_and_the_readme_list_every_docs_page():
    index = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pages = [page.name for page in PAGES[1:] if page.name != "index.md"]
    assert [name for name in pages if f"]({name})" not in index] == [], "docs/index.md does not list these pages"
    assert [name for name in pages if f"](docs/{name})" not in readme] == [], "README.md does not list these pages"


def test_the_runner_notices_a_changed_output(tmp_path, paper_services):
    """A docs test that cannot fail checks nothing: change one expected output and it must fail."""
    page = tmp_path / "page.md"
    page.write_text("```sh\nnotes-site --version\n```\n\n```text\nnotes-site, version 9.9.9\n```\n", encoding="utf-8")
    (home := tmp_path / "home").mkdir()
    shell = Shell(home, paper_services)
    block, output = read_blocks(page)
    assert block.output is output and role(output) == "output"
    with pytest.raises(pytest.fail.Exception, match="the output differs from the docs"):
        run_block(shell, block)
    from notes_site import __version__

    page.write_text(page.read_text().replace("9.9.9", __version__), encoding="utf-8")
    run_block(shell, read_blocks(page)[0])


def test_normalising_keeps_what_matters():
    home = Path("/tmp/x")
    assert normalise("Read 1 notes … in 0.53 s.\nat /tmp/x/my-notes on 2024-05-22 10:12:31", home) == [
        "Read 1 notes … in N s.",
        "at ~/my-notes on YYYY-MM-DD",
    ]
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"]) and not matches(["a", "…", "d"], ["a", "b"])
    assert not matches(["wrote 9 pages"], ["wrote 18 pages"])


if __name__ == "__main__" and sys.argv[1:] == ["offline-papers"]:
    offline_papers(os.environ["DOCS_PAPER_SERVICES"], Path.cwd() / "notes-site.yaml")
