"""Fuzz the whole pipeline: random sites in, `build_site` out. Anything but a NotesSiteError is a crash.

    python benchmarks/fuzz.py                                      # 2,000 random sites (about 4 minutes)
    python benchmarks/fuzz.py --iterations 100                     # a quick look
    timeout 900 python benchmarks/fuzz.py --seconds 600 --iterations 1000000   # ten minutes, bounded
    python benchmarks/fuzz.py --seed 7 --start 1234 --iterations 1             # replay one crash alone

Run it from the repository; it imports notes_site from the working tree. It stops at
whichever of --iterations and --seconds comes first.

Each site is a settings file (valid or not) and a few notes: random front matter (valid
YAML, broken YAML, TOML, none, random bytes), random Markdown made of the fragments people
really write (headings, nested lists, quotes, closed and unclosed fences, balanced and
unbalanced `$`/`$$`, footnotes, tables, raw HTML, `<!-- more -->` anywhere), in UTF-8,
UTF-8 with BOM, UTF-16 or a legacy encoding, with LF, CRLF or CR, beside assets with
awkward names. Most sites are built again after one note changed: incrementally, with
--clean, with --strict, or patched live the way `serve` does it.

Crashes are exceptions other than NotesSiteError, and also the bugs a build turns into
messages so the other notes still build: an exception while parsing a note ("a bug in
notes-site"), inside a template of the built-in theme (ThemeError) or while writing into
the fuzz's own temporary folder (OutputError).

Site i of a run comes from `random.Random(f"{seed}:{i}")`, so a crash replays alone with
`--seed S --start i --iterations 1`. A crash prints the seed, the iteration, the traceback
and the smallest set of files that still crashes, and saves them under
`benchmarks/fuzz-crashes/<timestamp>/` (not tracked by git: delete it when done). Like the
other benchmarks it never asserts: it prints what it found, and exits 1 when something
crashed. The test suite runs a brief version (tests/test_properties.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # always fuzz the working tree

from notes_site.build import BuildOptions, BuildSession, build_site  # noqa: E402
from notes_site.content import notes  # noqa: E402
from notes_site.errors import NotesSiteError, OutputError, ThemeError  # noqa: E402
from notes_site.serve.live import patch_notes  # noqa: E402

CRASH_DIR = REPO / "benchmarks" / "fuzz-crashes"
KEEP_PER_KIND = 3  # saved examples of one crash signature; the rest are only counted
BUILD_TIMEOUT = 60  # seconds; a build that takes longer is reported as a hang

WORDS = ["paper", "ViT", "loss", "注意力", "多兴趣召回", "🙂", "x_i", "a*b", "**", "_", "`", "$", "$$", "\\", "|"]
WORDS += ["[", "]", "(", ")", "!", "<", ">", "&", "&amp;", "#", ":", "~~", "5$", "'", '"', "\u200b", "\t", "\x7f"]
LANGUAGES = ["", "python", "js", "c++", "no-such-lang", "math", "{.python}", "py title='a'"]
RAW_HTML = ["<div>", "</div>", '<div class="note">', "<span>", "</p>", "<details><summary>s", "<script>x()</script>"]
RAW_HTML += ["<table><tr><td>", "<pre>", "<!-- more", "-->", "<em>", "<style>p{}</style>", "<?php ?>", "<![CDATA[x"]
NAMES = [
    "note",
    "b c",
    "#x",
    "what?",
    "100%",
    "🙂",
    "笔记",
    "多兴趣召回",
    "index",
    "_index",
    "a.b",
    "UPPER",
    "-",
    "con",
]
NAMES += ["x" * 120, " lead", "trail ", "tab\tname", "dots..", "émigré", "a&b", "semi;colon", "quote'"]
NAMES += ["多兴趣召回" * 16, os.fsdecode(b"bad\xffname"), "CAPS Title", "😀" * 60, "a" * 250]
FOLDERS = ["", "", "", "posts/", "sub/", "posts/2024/", "多兴趣/", "a b/", "#tag/", "bundle/"]
TOKENS = [":year", ":month", ":day", ":i_month", ":i_day", ":hour", ":minute", ":second"]
TOKENS += [":slug", ":title", ":name", ":category"]
DATES = ["2024-05-22", "2024-05-22 10:30", "2024-05-22T10:30:00+08:00", "2023-02-30", "yesterday", "2024/5/1"]
DATES += ["0001-01-01", "9999-12-31 23:59", "2024-01-01 10:00 +25:00", "２０２４-01-01", "2024-13-01", "", "10:30"]
DATES += ["2024-05-22T10:30:00Z", "2024.05.22", "1970-01-01", "2038-01-19 03:14:08", "2024-05-22 10:30 -0530"]


class Hang(Exception):
    """A build that ran past BUILD_TIMEOUT."""


class ReportedBug(Exception):
    """A problem in the build report that says it is a bug in notes-site."""


# A build turns an exception while parsing one note into a problem ("a bug in notes-site"), so
# the other notes still build. The fuzz wants the exception itself, with its traceback.
swallowed: list[Exception] = []
parse_note = notes.parse_note


def recording_parse_note(*args, **kwargs):
    try:
        return parse_note(*args, **kwargs)
    except Exception as exc:
        swallowed.append(exc)
        raise


notes.parse_note = recording_parse_note


class SiteMaker:
    """One random site: `files` maps site-relative paths to bytes."""

    def __init__(self, rng: random.Random, tidy: bool = False) -> None:
        self.rng = rng
        self.tidy = tidy  # a site without errors: the only kind `serve` patches live
        self.notes: list[str] = []

    def word(self) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            return rng.choice(WORDS)
        return "".join(
            chr(rng.choice([rng.randint(32, 126), rng.randint(0x80, 0x2FFF), rng.randint(0x4E00, 0x9FFF)]))
            for _ in range(rng.randint(1, 6))
        )

    def url(self) -> str:
        rng = self.rng
        own = [name for name in self.notes] + ["img.png", "fig 1.png", "../up.md", "#sec", "a%20b.png", "?v=1"]
        url = rng.choice(own + ["https://example.com/a?b=1", "mailto:me@x", "%2e%2e/%2e%2e/x", "/abs", "", "./"])
        return url + rng.choice(["", "", "#frag", "?q=1#f"])

    def inline(self) -> str:
        rng = self.rng
        pieces = []
        for _ in range(rng.randint(1, 8)):
            w = self.word()
            pieces.append(
                rng.choice(
                    [w, w, f"*{w}*", f"**{w}**", f"_{w}_", f"**{w}", f"`{w}`", f"~~{w}~~", f"${w}$", f"$${w}$$"]
                    + [f"${w}", f"[{w}]({self.url()})", f"![{w}]({self.url()})", f"[^{rng.randint(1, 3)}]"]
                    + ["<https://example.com>", "  \n", "<!-- more -->", f"<{rng.choice(['b', 'i', 'kbd'])}>{w}"]
                    + [f"[{w}][ref]", f"\\{w}", f"&#{rng.randint(0, 0x10FFFF + 5)};", "&nosuch;"]
                )
            )
        return " ".join(pieces)

    def nested_list(self) -> str:
        rng = self.rng
        if rng.random() < 0.05:  # very deep
            return "\n".join("  " * i + "- " + self.word() for i in range(rng.randint(50, 120)))
        lines, depth = [], 0
        for _ in range(rng.randint(1, 8)):
            depth = rng.randint(0, min(depth + 1, 6))
            bullet = rng.choice(["- ", "* ", "+ ", "1. ", "2) ", "- [ ] ", "- [x] ", "10. "])
            lines.append(" " * (depth * rng.choice([2, 3, 4])) + bullet + self.inline())
        return "\n".join(lines)

    def block(self) -> str:
        rng = self.rng
        kind = rng.randrange(22)
        fence = rng.choice(["```", "~~~", "````"])
        code = "\n".join(self.word() for _ in range(rng.randint(0, 4)))
        return [
            lambda: self.inline(),
            lambda: self.inline(),
            lambda: "#" * rng.randint(1, 7) + " " + self.inline(),
            lambda: self.inline() + "\n" + rng.choice(["===", "---"]),
            lambda: self.nested_list(),
            lambda: "\n".join(">" * rng.randint(1, 4) + " " + self.inline() for _ in range(rng.randint(1, 3))),
            lambda: f"{fence}{rng.choice(LANGUAGES)}\n{code}\n{fence}",
            lambda: f"{fence}{rng.choice(LANGUAGES)}\n{code}",  # never closed
            lambda: "    " + code.replace("\n", "\n    "),
            lambda: f"$$\n{self.inline()}\n$$" + rng.choice(["", " (1)", " (eq:a)"]),
            lambda: f"$$\n{self.inline()}",  # never closed
            lambda: self.table(),
            lambda: f"[^{rng.randint(1, 3)}]: {self.inline()}\n\n    {self.inline()}",
            lambda: f"{self.word()}\n: {self.inline()}",
            lambda: rng.choice(["---", "***", "[ref]: https://example.com", "<!-- c -->", "\\", "   ", "***bold"]),
            lambda: rng.choice(["<!-- more -->", "<!--more-->", "  <!-- MORE -->  ", "<!-- more -->\n<!-- more -->"]),
            lambda: rng.choice(RAW_HTML),
            lambda: f"<div>\n\n{self.inline()}\n\n</div>",
            lambda: "<script>\n" + self.inline() + "\n</script>",
            lambda: self.word() * rng.randint(1000, 200_000) if rng.random() < 0.1 else self.inline(),  # long line
            lambda: "$" * rng.randint(1, 9) + self.inline() + "$" * rng.randint(0, 9),
            lambda: "+++\n" + self.inline() + "\n+++",
        ][kind]()

    def table(self) -> str:
        rng = self.rng
        columns = rng.randint(1, 4)
        rows = [" | ".join(self.inline() for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 3))]
        separator = "|" + "|".join(rng.choice(["---", ":--", "--:", ":-:", "-"]) for _ in range(columns)) + "|"
        return "\n".join(["| " + " | ".join(f"h{i}" for i in range(columns)) + " |", separator, *rows])

    def markdown(self) -> str:
        rng = self.rng
        return "".join(self.block() + rng.choice(["\n", "\n\n", "\n\n", "\n\n\n"]) for _ in range(rng.randint(0, 12)))

    def value(self, depth: int = 0) -> object:
        rng = self.rng
        simple = [None, True, False, rng.randint(-5, 10**20), rng.random() * 1e6, self.word(), self.inline(), ""]
        simple += [rng.choice(DATES), dt.date(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28))]
        if depth < 2 and rng.random() < 0.3:
            return [self.value(depth + 1) for _ in range(rng.randint(0, 3))]
        if depth < 2 and rng.random() < 0.1:
            return {self.word(): self.value(depth + 1)}
        return rng.choice(simple)

    def meta(self) -> dict:
        rng = self.rng
        if self.tidy or rng.random() < 0.5:  # well typed: the note gets past its front matter to its pages
            meta = {"title": self.inline(), "date": rng.choice(DATES[:3] + DATES[-5:])}
            optional = {
                "tags": [self.word() for _ in range(rng.randint(0, 4))],
                "categories": rng.choice([self.word(), [self.word(), self.word()], [[self.word()], [self.word()]]]),
                "slug": f"{self.word()}-{rng.randrange(10**6)}",
                "updated": rng.choice(DATES[:3]),
                "draft": rng.random() < 0.2,
                "description": self.inline(),
                "cover": self.url(),
            }
            return meta | {key: optional[key] for key in rng.sample(list(optional), rng.randint(0, len(optional)))}
        keys = ["title", "date", "updated", "tags", "categories", "category", "slug", "draft", "description"]
        keys += ["lastmod", "posted", "edited", "mathjax", "cover", "toc"]
        meta = {key: self.value() for key in rng.sample(keys, rng.randint(0, 7))}
        if rng.random() < 0.5:
            meta["date"] = rng.choice(DATES)
        return meta

    def front_matter(self) -> str:
        import yaml

        rng = self.rng
        kind = 0 if self.tidy else rng.randrange(9)
        meta = self.meta()
        if kind <= 3:
            text = yaml.safe_dump(meta, allow_unicode=rng.random() < 0.5, default_flow_style=rng.random() < 0.2)
            if kind == 3:  # broken on purpose
                text = self.mutate(text)
            return "---\n" + text + rng.choice(["---\n"] if self.tidy else ["---\n", "---\n", "...\n", "--- \n", ""])
        if kind == 4:
            lines = [f"{k} = {self.toml_value(v)}" for k, v in meta.items()]
            return "+++\n" + "\n".join(lines) + "\n" + rng.choice(["+++\n", "+++\n", ""])
        if kind == 5:
            return "---\n" + "\n".join(self.inline() for _ in range(rng.randint(0, 4))) + "\n---\n"
        if kind == 6:
            return rng.choice(["---\n---\n", "---\n", "--- x\n", "---\ntitle: x", "\n---\ntitle: x\n---\n", ""])
        return ""

    def toml_value(self, value: object) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, (int, float)) and self.rng.random() < 0.8:
            return repr(value)
        if isinstance(value, list):
            return "[" + ", ".join(self.toml_value(v) for v in value) + "]"
        if isinstance(value, dt.date):
            return value.isoformat()
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def mutate(self, text: str) -> str:
        rng = self.rng
        for _ in range(rng.randint(1, 4)):
            at = rng.randint(0, len(text))
            text = (
                text[:at]
                + rng.choice(["\t", ":", "[", "{", "- ", "\n  ", '"', "'", "&a ", "*a", "!!int ", "%"])
                + text[at + rng.randint(0, 3) :]
            )
        return text

    def encode(self, text: str) -> bytes:
        rng = self.rng
        text = text.replace("\n", rng.choice(["\n", "\n", "\n", "\r\n", "\r"]))
        choice = rng.choice([0, 4]) if self.tidy else rng.randrange(10)
        if choice == 0:
            return text.encode("utf-8-sig", errors="replace")
        if choice == 1:
            return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]), errors="replace")
        if choice == 2:
            return text.encode(rng.choice(["gbk", "latin-1", "cp1252", "shift_jis"]), errors="replace")
        if choice == 3:  # damaged
            data = bytearray(text.encode("utf-8", errors="replace"))
            for _ in range(rng.randint(1, 5)):
                if data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
            return bytes(data)
        return text.encode("utf-8", errors="replace")

    def note_bytes(self) -> bytes:
        rng = self.rng
        if self.tidy:
            return self.encode(self.front_matter() + self.markdown())
        if rng.random() < 0.05:
            return rng.randbytes(rng.randint(0, 2000))
        if rng.random() < 0.03:
            return b""
        return self.encode(self.front_matter() + self.markdown())

    def settings(self) -> bytes | None:
        import yaml

        rng = self.rng
        if rng.random() < 0.2:
            return None
        permalink = "".join(
            rng.choice(TOKENS + ["/", "/", "-", ".html", "post", ".."]) for _ in range(rng.randint(1, 6))
        )
        options = {
            "title": self.word(),
            "permalink": rng.choice(
                ([] if self.tidy else [permalink]) + [":year/:month/:day/:slug/", ":title.html", "p/:category/:slug/"]
            ),
            "unicode_slugs": rng.random() < 0.5,
            "excerpt": {"auto_length": rng.choice([0, 0, 1, 50, 300])},
            "timezone": rng.choice(["UTC", "Asia/Shanghai", "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns"]),
            "date_format": rng.choice(["%Y-%m-%d", "YYYY年M月D日", "Do MMMM YYYY, h:mm a", "[at] HH:mm", "%", "x"]),
            "per_page": rng.choice([1, 2, 10]),
            "language": rng.choice(["en", "zh-CN"]),
            "base_url": rng.choice(["/", "/notes/", "https://me.example.com/notes/"]),
            "menu": rng.choice([None, {"Home": "/", "About": "about/ || user", "Ext": "https://example.com"}]),
            "new_note_dir": rng.choice(["", "posts"]),
        }
        chosen = {key: options[key] for key in rng.sample(list(options), rng.randint(0, len(options)))}
        chosen = {key: value for key, value in chosen.items() if value is not None}
        if rng.random() < 0.1 and not self.tidy:
            chosen[rng.choice(["titel", "permalnk", "theme"])] = self.word()
        return yaml.safe_dump(chosen, allow_unicode=True).encode("utf-8")

    def site(self) -> dict[str, bytes]:
        rng = self.rng
        paths = []
        for _ in range(rng.randint(1, 8)):
            folder = rng.choice(FOLDERS)
            name = rng.choice(NAMES) if rng.random() < 0.8 else self.word().replace("/", "_").replace("\0", "") or "n"
            if self.tidy:
                name = f"{name[:50]}-{len(paths)}"  # no two notes on one URL
            paths.append(f"content/{folder}{name}{rng.choice(['.md', '.md', '.markdown', '.MD'])}")
        self.notes = [p.removeprefix("content/").rsplit("/", 1)[-1] for p in paths]
        files = {path: self.note_bytes() for path in paths}
        for _ in range(rng.randint(0, 3)):
            folder = rng.choice(FOLDERS + ["bundle/", "note/"])
            name = rng.choice(["img.png", "fig 1.png", "a%20b.png", "#x.png"] + ["index.html", "archives/index.html"])
            if self.tidy and name.endswith(".html"):
                continue
            files[f"content/{folder}{name}"] = rng.randbytes(16)
        settings = self.settings()
        if settings is not None:
            files["notes-site.yaml"] = settings
        return files


def make_case(rng: random.Random) -> Case:
    mode = rng.choice(["build", "build", "strict", "clean", "serve", "serve"])
    maker = SiteMaker(rng, tidy=mode == "serve" and rng.random() < 0.7)
    files = maker.site()
    notes = [name for name in files if name.lower().endswith((".md", ".markdown"))]
    edit = None
    if notes and rng.random() < 0.6:
        name = rng.choice(notes)
        if mode == "serve" and rng.random() < 0.7:  # a new paragraph: the note keeps its place, `serve` patches it
            edit = (name, files[name] + maker.encode("\n\n" + maker.markdown()))
        else:
            edit = (name, maker.note_bytes())
    return Case(files, edit, mode, drafts=rng.random() < 0.3)


def write_site(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = root / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except (OSError, ValueError):
            pass  # a name this file system refuses: the site simply lacks that file


@dataclass
class Case:
    """One fuzz case: a site, and what happens to it."""

    files: dict[str, bytes]
    edit: tuple[str, bytes] | None  # a note rewritten after the first build
    mode: str  # "build", "strict", "clean" (the second build with --clean) or "serve" (patched live)
    drafts: bool

    def without(self, name: str) -> Case:
        edit = self.edit if self.edit and self.edit[0] != name else None
        return Case({k: v for k, v in self.files.items() if k != name}, edit, self.mode, self.drafts)


def build(case: Case) -> None:
    """Build the site (and again after the edit); raises what the build raises, NotesSiteError aside."""
    with tempfile.TemporaryDirectory(prefix="notes-site-fuzz-") as folder:
        root = Path(folder)
        (root / "content").mkdir()
        write_site(root, case.files)
        options = BuildOptions(site_root=root, drafts=case.drafts, strict=case.mode == "strict")
        session = None
        if case.mode == "serve":
            options.publish_with_errors = False  # as `serve` builds
            session = BuildSession()
        for attempt in range(2 if case.edit else 1):
            if attempt:
                write_site(root, dict([case.edit]))
                options.clean = case.mode == "clean"
                if session is not None and unwrapped(patch_notes, session, [root / case.edit[0]]):
                    continue  # the edit was patched into the live site, as `serve` does
            try:
                unwrapped(build_site, options, session)
            except NotesSiteError:
                return


def unwrapped(function, *args):
    """Call a build step; a bug it turned into a message is raised as the bug itself.

    A ThemeError or OutputError that wraps another exception counts too: the fuzz uses the
    built-in theme and a fresh folder of its own, so those only wrap bugs of notes-site.
    """
    swallowed.clear()
    try:
        report = function(*args)
    except (ThemeError, OutputError) as exc:
        if exc.__cause__ is not None and not isinstance(exc.__cause__, NotesSiteError):
            raise exc.__cause__ from exc
        raise
    if swallowed:
        raise swallowed[0]
    bugs = [str(p) for p in (report.problems if report else []) if "bug in notes-site" in p.message + p.hint]
    if bugs:
        raise ReportedBug("; ".join(bugs))
    return report


def signature(exc: BaseException) -> str:
    """Where a crash comes from: exception type and the innermost notes_site frame."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "notes_site" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def run_case(case: Case) -> BaseException | None:
    signal.alarm(BUILD_TIMEOUT)
    try:
        build(case)
    except Exception as exc:  # noqa: BLE001 - everything that is not a NotesSiteError is the finding
        return exc
    finally:
        signal.alarm(0)
    return None


def shrink(case: Case, kind: str) -> Case:
    """Drop files one at a time while the same crash still happens."""
    for name in sorted(case.files, key=lambda n: -len(case.files[n])):
        if len(case.files) == 1:
            break
        trial = case.without(name)
        found = run_case(trial)
        if found is not None and signature(found) == kind:
            case = trial
    return case


def show(data: bytes, limit: int = 600) -> str:
    text = repr(data[:limit])
    return text + (f" … ({len(data):,} bytes)" if len(data) > limit else "")


def save(folder: Path, files: dict[str, bytes], report: str) -> None:
    for relative, data in files.items():
        path = folder / "site" / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except (OSError, ValueError):
            (folder / "unsaved-names.txt").open("a", encoding="utf-8").write(repr(relative) + "\n")
    (folder / "crash.txt").write_text(report, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=2000, help="sites to build (default 2000)")
    parser.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    parser.add_argument("--seed", type=int, default=None, help="the run's seed (default: random, printed)")
    parser.add_argument("--start", type=int, default=0, help="first iteration (to replay one crash)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**9)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")

    def on_alarm(signum, frame):
        raise Hang(f"the build ran for more than {BUILD_TIMEOUT} s")

    signal.signal(signal.SIGALRM, on_alarm)
    print(f"fuzzing notes-site from {REPO} with seed {seed}", flush=True)
    started = time.monotonic()
    kinds: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    done = slowest = 0
    slowest_at = -1
    for iteration in range(args.start, args.start + args.iterations):
        if args.seconds is not None and time.monotonic() - started > args.seconds:
            break
        case = make_case(random.Random(f"{seed}:{iteration}"))
        began = time.monotonic()
        exc = run_case(case)
        took = time.monotonic() - began
        if took > slowest:
            slowest, slowest_at = took, iteration
        done += 1
        if exc is not None:
            kind = signature(exc)
            kinds[kind] += 1
            if kinds[kind] <= KEEP_PER_KIND:
                smallest = shrink(case, kind)
                trace = "".join(traceback.format_exception(exc))
                lines = [f"seed {seed}, iteration {iteration}: {kind}", trace, "files (after shrinking):"]
                lines += [f"  {name}: {show(data)}" for name, data in smallest.files.items()]
                if smallest.edit:
                    lines.append(f"  then, {smallest.mode} mode, edited {smallest.edit[0]}: {show(smallest.edit[1])}")
                lines.append(f"  mode {smallest.mode}, drafts {smallest.drafts}")
                lines.append(f"replay: python benchmarks/fuzz.py --seed {seed} --start {iteration} --iterations 1")
                report = "\n".join(lines) + "\n"
                print("\nCRASH " + report, flush=True)
                save(CRASH_DIR / stamp / f"iteration-{iteration}", smallest.files, report)
            first_seen.setdefault(kind, iteration)
        if done % 100 == 0:
            print(f"{done} sites, {sum(kinds.values())} crashes, {time.monotonic() - started:.0f} s", flush=True)
    seconds = time.monotonic() - started
    print(
        f"\n{done} sites in {seconds:.0f} s ({done / max(seconds, 1e-9):.1f}/s), seed {seed}; slowest build "
        f"{slowest:.2f} s (iteration {slowest_at}); {sum(kinds.values())} crashes of {len(kinds)} kinds."
    )
    for kind, count in kinds.most_common():
        print(f"  {count:5d} × {kind} (first at iteration {first_seen[kind]})")
    if kinds:
        print(f"Crashing inputs are in {CRASH_DIR / stamp} (not tracked by git; delete it when done).")
    return 1 if kinds else 0


if __name__ == "__main__":
    sys.exit(main())
