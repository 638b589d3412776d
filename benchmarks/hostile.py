"""A repeatable hostile pass over `notes-site build`: odd and malicious inputs, each checked the same way.

    python benchmarks/hostile.py                    # every case (about two minutes)
    python benchmarks/hostile.py --only inject      # the cases whose name contains "inject"
    python benchmarks/hostile.py --seconds 60       # stop starting new cases after a minute
    python benchmarks/hostile.py --markdown         # the table for docs/security.md

Run it from the repository: it runs `python -m notes_site` from the working tree, in a
temporary folder, and never uses the network. Cases that need root (a read-only or full
file system) are skipped, with the reason, for other users.

Each case writes a small site (a good note, the hostile input, settings with a full
`base_url` so feeds and the sitemap are written) and builds it. Then every case is
checked for what must always hold, whatever the input:

- the build ends by itself (a time limit), with exit code 0, 1 or 2, and never a traceback;
- nothing is written outside the site folder (its output and cache live inside it);
- every HTML page is free of the planted markup (a `<script>`, an `onerror=`, a
  `javascript:` link) and of control characters; every JSON-LD block and JSON file parses;
  every XML file (feeds, sitemap) parses; every BibTeX entry has balanced braces and no
  entry was planted; no file outside the site was copied into it (`root:x:0:0`);
- a case may add checks of its own (the message it should give, a page that must exist).

Like the other benchmarks it never asserts: it prints one line per case and exits 1 when a
case failed. What it found is recorded in docs/security.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETTINGS = "title: Hostile\nbase_url: https://example.org/notes/\n"
GOOD = "---\ntitle: Good\ndate: 2024-01-01\ntags: [good]\n---\n\nThe good note.\n"
SECRET = "root:x:0:0:planted-secret"
PLANTED_ENTRY = re.compile(r"^\s*@misc\s*\{\s*injected", re.I | re.M)  # a BibTeX entry of its own
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data:text/html)", re.I)
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Case:
    name: str
    what: str  # one line, for the table
    write: Callable[[Path], None]
    expect: Callable[[Path, Run], list[str]] = lambda _site, _run: []
    args: Callable[[Path], list[str]] = lambda _site: []
    root_only: bool = False
    run: Callable[[Path, list[str]], Run] | None = None  # a case that runs builds its own way
    failures: list[str] = field(default_factory=list)


def put(site: Path, relative: str, data: str | bytes) -> Path:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def note(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front}---\n\n{body}"


def build(site: Path, extra: list[str], timeout: float = 90) -> Run:
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "notes_site", "build", "--site", str(site), *extra],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            errors="replace",
        )
    except subprocess.TimeoutExpired as exc:
        return Run(-9, exc.stdout or "", f"timed out after {timeout} s", time.perf_counter() - started)
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


def says(text: str) -> Callable[[Path, Run], list[str]]:
    def check(_site: Path, run: Run) -> list[str]:
        return [] if text in run.text else [f"expected the message {text!r}; got: {run.err.strip()[-300:]}"]

    return check


def page_shows(path: str, text: str) -> Callable[[Path, Run], list[str]]:
    def check(site: Path, _run: Run) -> list[str]:
        target = site / "public" / path
        target = target / "index.html" if path.endswith("/") or not path else target
        if not target.is_file():
            return [f"/{path} was not written"]
        return [] if text in target.read_text("utf-8", "replace") else [f"/{path} does not show {text!r}"]

    return check


def both(*checks: Callable[[Path, Run], list[str]]) -> Callable[[Path, Run], list[str]]:
    return lambda site, run: [failure for check in checks for failure in check(site, run)]


# ---------------------------------------------------------------- what must always hold


def invariants(work: Path, site: Path, before: set[str], run: Run) -> list[str]:
    failures = []
    if run.code not in (0, 1, 2):
        failures.append(f"exit code {run.code}" + (" (timed out)" if run.code == -9 else ""))
    if "Traceback" in run.text:
        failures.append("traceback: " + run.err.strip().splitlines()[-1][:200])
    after = outside_output(work, site)
    if after - before:
        failures.append(f"wrote outside its output and cache: {sorted(after - before)[:3]}")
    public = site / "public"
    for path in public.rglob("*") if public.is_dir() else ():
        if not path.is_file() or path.is_symlink() or path.suffix in (".woff2", ".png", ".jpg", ".ico"):
            continue
        data = path.read_bytes()
        relative = path.relative_to(public)
        if SECRET.encode() in data:
            failures.append(f"/{relative} holds a file from outside the site")
        text = data.decode("utf-8", "replace")
        failures += content_failures(relative, path.suffix, text)
    return failures


class PlantedMarkup(HTMLParser):
    """What a browser would run: a script that calls alert, an on* attribute, a javascript: URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script" and ("type", "application/ld+json") not in attrs
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and SCRIPT_URL.match(value or ""):
                self.found.append(f"<{tag} {name}={value[:20]!r}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(1)" in data:
            self.found.append("<script>alert(1)")


def outside_output(work: Path, site: Path) -> set[str]:
    """Every file and folder under `work` but the default output and the caches."""
    own = (site / "public", site / ".public.notes-site-cache", site / ".notes-site-cache")
    return {
        str(p.relative_to(work))
        for p in work.rglob("*")
        if not any(p == folder or p.is_relative_to(folder) for folder in own)
    }


def content_failures(relative: Path, suffix: str, text: str) -> list[str]:
    failures = []
    if suffix in (".html", ".xml", ".json", ".js", ".bib", ".txt") and CONTROL.search(text):
        failures.append(f"/{relative} holds a control character (U+{ord(CONTROL.search(text).group()):04X})")
    if suffix == ".html":
        parser = PlantedMarkup()
        parser.feed(text)
        failures += [f"/{relative} runs planted markup: {found}" for found in dict.fromkeys(parser.found)]
        if re.search(r"\b49\b[^<]{0,40}planted-template", text):
            failures.append(f"/{relative} evaluated a planted template expression")
        for block in JSON_LD.findall(text):
            try:
                json.loads(block)
            except ValueError as exc:
                failures.append(f"/{relative}: its JSON-LD does not parse ({exc})")
    elif suffix == ".xml":
        try:
            tree = ElementTree.fromstring(text.encode("utf-8"))
        except ElementTree.ParseError as exc:
            failures.append(f"/{relative} is not well-formed XML ({exc})")
        else:
            for element in tree.iter():
                if element.tag.rsplit("}", 1)[-1] == "script" or any(a.startswith("on") for a in element.attrib):
                    failures.append(f"/{relative} has a planted element or attribute")
                if element.get("href") and SCRIPT_URL.match(element.get("href")):
                    failures.append(f"/{relative} links to {element.get('href')[:20]!r}")
    elif suffix == ".json":
        try:
            json.loads(text)
        except ValueError as exc:
            failures.append(f"/{relative} does not parse as JSON ({exc})")
    elif suffix == ".bib":
        failures += bib_failures(relative, text)
        if PLANTED_ENTRY.search(text):
            failures.append(f"/{relative} has a planted entry")
    return failures


def bib_failures(relative: Path, text: str) -> list[str]:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return [f"/{relative}: a `}}` closes more than was opened"]
    return [] if depth == 0 else [f"/{relative}: {depth} brace(s) never closed"]


# ---------------------------------------------------------------- the cases

PAYLOAD = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>]]>&amp;{{ 7*7 }} planted-template'


def injection(key: str, value: str) -> Callable[[Path], None]:
    return lambda site: put(site, "content/bad.md", note(f"title: Bad\ndate: 2024-01-02\n{key}: {value}\n"))


def quoted(text: str) -> str:
    return json.dumps(text)


def inject_cases() -> list[Case]:
    cases = [
        Case("inject-title", "markup, `]]>` and `{{ }}` in a title", injection("title", quoted(PAYLOAD))),
        Case("inject-tags", "the same in tags", injection("tags", f"[{quoted(PAYLOAD)}, ok]")),
        Case("inject-category", "the same in a category", injection("categories", f"[{quoted(PAYLOAD)}]")),
        Case("inject-description", "the same in the description", injection("description", quoted(PAYLOAD))),
        Case("inject-extra", "the same in an unknown key (theme `extra`)", injection("cover", quoted(PAYLOAD))),
        Case(
            "inject-paper",
            "the same in every paper field",
            injection(
                "paper",
                "{"
                + ", ".join(
                    f"{k}: {quoted(PAYLOAD)}" for k in ("title", "venue", "authors", "abstract", "arxiv", "doi")
                )
                + "}",
            ),
        ),
        Case(
            "inject-paper-url",
            "`javascript:` in paper.url and paper.code, in mixed case",
            injection("paper", '{title: P, url: " JaVaScRiPt:alert(1)", code: "\\tjavascript:alert(1)"}'),
        ),
        Case(
            "inject-bibtex",
            "a pasted BibTeX entry that closes early and adds another",
            injection(
                "paper", quoted("{title: P, bibtex: '@article{a, title={x}}}, @misc{injected, title={y}'}")[1:-1]
            ),
        ),
        Case(
            "inject-bibtex-fields",
            "braces and `@` in the paper fields written to BibTeX",
            injection("paper", '{title: "x}}, @misc{injected, title={y", authors: ["A } B", "@misc{injected"]}'),
        ),
        Case(
            "inject-json-ld-separators",
            "U+2028, U+2029 and `</script` in a title (JSON-LD)",
            injection("title", quoted("a\u2028b\u2029c</script ><!-- d")),
        ),
        Case(
            "inject-title-control",
            "BEL, ESC, NUL, DEL in title and tags (escapes)",
            injection("title", '"a\\a\\e\\0\\x7f b"\ntags: ["t\\x1b"]'),
        ),
        Case(
            "inject-body-control",
            "control characters in the Markdown body",
            lambda site: put(
                site, "content/bad.md", note("title: Bad\ndate: 2024-01-02\n", "bell \x07 esc \x1b del \x7f\n")
            ),
        ),
        Case(
            "inject-markdown-links",
            "`javascript:` links and images in Markdown, entity-encoded, in autolinks and references",
            lambda site: put(
                site,
                "content/bad.md",
                note(
                    "title: Bad\ndate: 2024-01-02\n",
                    "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](&#106;avascript:alert(1)) "
                    "[d](java\tscript:alert(1)) <javascript:alert(1)> ![e](javascript:alert(1)) "
                    "[f][r] [g](data:text/html;base64,PHNjcmlwdD4=) [h](vbscript:msgbox)\n\n"
                    "[r]: javascript:alert(1)\n",
                ),
            ),
        ),
        Case(
            "inject-wikilink",
            "markup in a wikilink's target and label",
            lambda site: put(
                site,
                "content/bad.md",
                note(
                    "title: Bad\ndate: 2024-01-02\n", '[[<img src=x onerror=alert(1)>|"><script>alert(1)</script>]]\n'
                ),
            ),
        ),
        Case(
            "inject-settings",
            "markup in the site title, author and menu (settings)",
            lambda site: put(
                site,
                "notes-site.yaml",
                SETTINGS.replace("title: Hostile", f"title: {quoted(PAYLOAD)}\nauthor: {quoted(PAYLOAD)}")
                + f"menu:\n  {quoted(PAYLOAD)}: /\n  x: 'javascript:alert(1)'\n",
            ),
        ),
        Case(
            "inject-liquid-template",
            "Jinja-looking text in a note body and title",
            lambda site: put(
                site,
                "content/bad.md",
                note(
                    'title: "{{ 7*7 }} planted-template"\ndate: 2024-01-02\n',
                    "{{ 7*7 }} planted-template {% raw %}{{ config }}{% endraw %}\n",
                ),
            ),
        ),
    ]
    return cases


def traversal_cases() -> list[Case]:
    def fm(front: str) -> Callable[[Path], None]:
        return lambda site: put(site, "content/bad.md", note(f"title: Bad\ndate: 2024-01-02\n{front}"))

    values = [
        ("slug-dotdot", "slug: ../../../../pwned\n"),
        ("slug-slash", "slug: a/../../b\n"),
        ("permalink-dotdot", "permalink: /../../../pwned/\n"),
        ("permalink-encoded", "permalink: /%2e%2e/%2e%2e/pwned/\n"),
        ("permalink-absolute-host", "permalink: //evil.example/x/\n"),
        ("permalink-backslash", "permalink: '/..\\\\..\\\\pwned/'\n"),
        ("alias-dotdot", "aliases: [/../../../pwned/]\n"),
        ("alias-encoded", "aliases: ['/%2e%2e/%2e%2e/pwned.html']\n"),
        ("alias-index", "aliases: [/index.html]\n"),
        ("alias-cache", "aliases: [/../.public.notes-site-cache/state.pickle]\n"),
        ("alias-fullwidth-dots", "aliases: ['/\uff0e\uff0e/\uff0e\uff0e/pwned/']\n"),
        ("category-dotdot", "categories: ['..', '..', pwned]\n"),
        ("tag-dotdot", "tags: ['..', '.', '/', '\\\\', '%2e%2e']\n"),
        ("redirect-from-url", "redirect_from: ['https://evil.example/', '/ok/']\n"),
    ]
    return [Case(f"path-{name}", front.strip(), fm(front)) for name, front in values]


def file_cases() -> list[Case]:
    names = [
        ("dash", "-rf.md"),
        ("newline", "new\nline.md"),
        ("carriage-return", "cr\r.md"),
        ("long", "x" * 250 + ".md"),
        ("dots", "..md"),
        ("reserved-windows", "CON.md"),
        ("percent-slash", "a%2F..%2Fb.md"),
        ("html-name", "<img src=x onerror=alert(1)>.md"),
        ("quote-name", "a\"b'c.md"),
    ]
    cases = [
        Case(
            f"file-name-{label}",
            f"a note named {name!r}",
            lambda site, name=name: put(site, f"content/{name}", note("date: 2024-01-02\n")),
        )
        for label, name in names
    ]
    cases.append(
        Case(
            "file-asset-names",
            "assets named `<script>.png`, `../x.png`-like and with quotes, linked from a note",
            lambda site: (
                put(site, "content/a/<script>alert(1)<x>.png", b"\x89PNG"),
                put(site, "content/a/q\"'.png", b"\x89PNG"),
                put(
                    site,
                    "content/a/n.md",
                    note("title: N\ndate: 2024-01-02\n", "![x](%3Cscript%3Ealert(1)%3Cx%3E.png) ![y](q%22'.png)\n"),
                ),
            ),
        )
    )
    return cases


def encoding_cases() -> list[Case]:
    def raw(data: bytes) -> Callable[[Path], None]:
        return lambda site: put(site, "content/bad.md", data)

    head = b"---\ntitle: Enc\ndate: 2024-01-02\n---\n\n"
    return [
        Case("enc-gbk", "GBK bytes", raw(head + "中文笔记".encode("gbk"))),
        Case("enc-latin1", "Latin-1 bytes", raw(head + "caf\xe9".encode("latin-1"))),
        Case("enc-utf16-bom", "UTF-16 with BOM", raw(note("title: W\ndate: 2024-01-02\n").encode("utf-16"))),
        Case("enc-nul-body", "a NUL byte in the body", raw(head + b"a\x00b\n")),
        Case("enc-lone-cr", "old Mac line ends (CR only)", raw(head.replace(b"\n", b"\r") + b"text\r")),
        Case("enc-overlong", "an overlong UTF-8 sequence", raw(head + b"\xc0\xaf")),
        Case("enc-surrogate", "an encoded surrogate", raw(head + b"\xed\xa0\x80")),
        Case("enc-bom-twice", "two BOMs", raw(b"\xef\xbb\xbf\xef\xbb\xbf" + head)),
        Case("enc-bidi", "right-to-left overrides in a title", raw(head.replace(b"Enc", "a\u202eb".encode()))),
    ]


def size_cases() -> list[Case]:
    def fm(front: str, body: str = "Body.\n") -> Callable[[Path], None]:
        return lambda site: put(site, "content/bad.md", note(front, body))

    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    return [
        Case(
            "size-10k-tags",
            "10,000 tags",
            fm(f"title: T\ndate: 2024-01-02\ntags: [{', '.join(f't{i}' for i in range(10000))}]\n"),
        ),
        Case("size-1mb-title", "a 1 MB title", fm(f"title: {'x' * 1_000_000}\ndate: 2024-01-02\n")),
        Case("size-deep-yaml", "5,000 nested lists", fm(f"title: T\ndate: 2024-01-02\n{deep}")),
        Case(
            "size-many-keys",
            "50,000 keys",
            fm("title: T\ndate: 2024-01-02\n" + "".join(f"k{i}: {i}\n" for i in range(50000))),
        ),
        Case(
            "size-alias-bomb",
            "a billion-laughs alias bomb",
            fm(
                "title: T\ndate: 2024-01-02\na: &a [x,x,x,x,x,x,x,x,x]\n"
                + "".join(
                    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
                )
            ),
        ),
        Case(
            "size-many-tag-lines",
            "20,000 lines each a tag, a shortcode or an <hr> with no closing anywhere",
            fm(
                "title: T\ndate: 2024-01-02\n",
                "".join(f"{{% asset_img f{i}.png %}}\n\n{{{{< box{i} >}}}}\n\n<hr>\n" for i in range(20000)),
            ),
        ),
        Case("size-long-tag", "a 100,000-character tag", fm(f"title: T\ndate: 2024-01-02\ntags: [{'t' * 100000}]\n")),
        Case(
            "size-years",
            "dates at the ends of the calendar",
            fm("title: T\ndate: 9999-12-31 23:59:59\nupdated: 0001-01-01\n"),
        ),
        Case(
            "size-deep-headings",
            "5,000 headings",
            fm("title: T\ndate: 2024-01-02\n", "".join(f"## h{i}\n\n" for i in range(5000))),
        ),
        Case(
            "size-nested-quotes", "10,000 nested block quotes", fm("title: T\ndate: 2024-01-02\n", ">" * 10000 + " x\n")
        ),
        Case(
            "size-nested-brackets",
            "50,000 nested brackets and emphasis",
            fm("title: T\ndate: 2024-01-02\n", "[" * 50000 + "*" * 50000 + "\n"),
        ),
        Case(
            "size-math-bomb",
            "a 20,000-level nested formula",
            fm("title: T\ndate: 2024-01-02\n", "$$" + "{" * 20000 + "}" * 20000 + "$$\n"),
        ),
    ]


def link_cases() -> list[Case]:
    def outside(site: Path) -> Path:
        secret = site.parent / "secret.txt"
        secret.write_text(SECRET + "\n")
        return secret

    return [
        Case(
            "link-image-outside",
            "images and links to ../../secret.txt and /etc/passwd",
            lambda site: (
                outside(site),
                put(
                    site,
                    "content/n.md",
                    note(
                        "title: N\ndate: 2024-01-02\n",
                        "![a](../../secret.txt) ![b](/etc/passwd) [c](../secret.txt) ![d](file:///etc/passwd)\n",
                    ),
                ),
            ),
        ),
        Case(
            "link-symlink-asset-outside",
            "an image that is a link to a file outside the site",
            lambda site: (
                os.symlink(outside(site), put(site, "content/x", b"").parent / "img.png"),
                put(site, "content/n.md", note("title: N\ndate: 2024-01-02\n", "![a](img.png)\n")),
            ),
        ),
        Case(
            "link-symlink-folder-root",
            "a folder in content that is a link to /",
            lambda site: os.symlink("/", put(site, "content/x", b"").parent / "root"),
        ),
        Case(
            "link-liquid-include",
            "Liquid and Hugo includes of files outside the site",
            lambda site: (
                outside(site),
                put(
                    site,
                    "content/n.md",
                    note(
                        "title: N\ndate: 2024-01-02\n",
                        "{% include_code ../../secret.txt %}\n\n{% include ../../secret.txt %}\n\n"
                        '{{< readfile file="../../secret.txt" >}}\n\n{% asset_img ../../secret.txt %}\n',
                    ),
                ),
            ),
        ),
        Case(
            "link-embed-outside",
            "Obsidian embeds of files outside the site",
            lambda site: (
                outside(site),
                put(
                    site,
                    "content/n.md",
                    note("title: N\ndate: 2024-01-02\n", "![[../../secret.txt]] ![[/etc/passwd]]\n"),
                ),
            ),
        ),
        Case(
            "link-theme-outside",
            "a theme template that includes a file outside the theme",
            lambda site: (
                outside(site),
                put(site, "themes/default/templates/partials/x.html", "{% include '../../../../secret.txt' %}"),
            ),
        ),
    ]


def output_cases() -> list[Case]:
    def link_output(site: Path) -> list[str]:
        (site / "precious").mkdir()
        (site / "precious/thesis.tex").write_text("years of work")
        os.symlink(site / "precious", site / "out-link")
        return ["--output", str(site / "out-link")]

    return [
        Case(
            "output-link-to-precious",
            "--output a link to a non-empty folder",
            lambda site: None,
            args=link_output,
            expect=lambda site, run: (
                []
                if (site / "precious/thesis.tex").read_text() == "years of work" and run.code == 1
                else ["the folder behind the link was touched"]
            ),
        ),
        Case(
            "output-proc",
            "--output /proc/self/x",
            lambda site: None,
            args=lambda site: ["--output", "/proc/self/x"],
            expect=says("it is inside /proc"),
        ),
        Case(
            "output-under-file",
            "--output under a file",
            lambda site: put(site, "file", "x"),
            args=lambda site: ["--output", str(site / "file/out")],
            expect=says("is a file, so there can be no folder inside it"),
        ),
        Case(
            "output-theme-static",
            "--output inside the theme's static folder",
            lambda site: None,
            args=lambda site: ["--output", str(site / "themes/default/static/out")],
            expect=says("inside the site's themes folder"),
        ),
        Case(
            "output-read-only",
            "--output on a read-only file system",
            lambda site: None,
            root_only=True,
            run=lambda site, _a: mounted_build(site, "ro"),
            expect=says("read-only file system"),
        ),
        Case(
            "output-disk-full",
            "--output on a full disk (a 300 kB tmpfs)",
            lambda site: put(site, "content/big.md", note("title: Big\ndate: 2024-01-03\n", "words " * 200_000)),
            root_only=True,
            run=lambda site, _a: mounted_build(site, "size=300k"),
            expect=full_disk_check,
        ),
        Case(
            "theme-absolute",
            "`theme: /etc`",
            lambda site: put(site, "notes-site.yaml", SETTINGS + "theme: /etc\n"),
            expect=says("is not the name of a theme"),
        ),
        Case(
            "theme-dangling",
            "a theme file that links to nothing",
            lambda site: os.symlink("/nowhere", put(site, "themes/default/static/x", b"").parent / "gone.css"),
            expect=says("which does not exist; the theme is used without it"),
        ),
        Case(
            "settings-nested",
            "`toc: {max_depth: x}`",
            lambda site: put(site, "notes-site.yaml", SETTINGS + "toc: {max_depth: x}\n"),
            expect=says("notes-site.yaml:3:"),
        ),
    ]


def mounted_build(site: Path, options: str) -> Run:
    target = site.parent / "mnt"
    target.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
    if mount.returncode != 0:
        return Run(0, "", "skipped: cannot mount", 0.0)
    try:
        run = build(site, ["--output", str(target / "out")])
        run.out += f"\n[left in mount: {sorted(p.name for p in target.iterdir())}]"
        return run
    finally:
        subprocess.run(["umount", str(target)], check=False)


def full_disk_check(_site: Path, run: Run) -> list[str]:
    if run.code != 1 or "No space left on device" not in run.err:
        return [f"expected a clear 'No space left' error, got {run.code}: {run.err.strip()[-200:]}"]
    if "left in mount: []" not in run.out:
        return ["a failed build left files on the full disk: " + run.out.rsplit("[", 1)[-1]]
    return []


def process_cases() -> list[Case]:
    return [
        Case(
            "concurrent-builds",
            "four builds of one site at once",
            lambda site: many_notes(site, 60),
            run=concurrent,
            expect=same_as_clean,
        ),
        Case(
            "signal-int",
            "Ctrl-C at random moments of a full build, then a build",
            lambda site: many_notes(site, 200),
            run=lambda s, _a: interrupted(s, signal.SIGINT),
            expect=same_as_clean,
        ),
        Case(
            "signal-term",
            "SIGTERM at random moments, then a build",
            lambda site: many_notes(site, 200),
            run=lambda s, _a: interrupted(s, signal.SIGTERM),
            expect=same_as_clean,
        ),
        Case(
            "signal-kill",
            "SIGKILL at random moments, then a build",
            lambda site: many_notes(site, 200),
            run=lambda s, _a: interrupted(s, signal.SIGKILL),
            expect=same_as_clean,
        ),
    ]


def many_notes(site: Path, count: int) -> None:
    for i in range(count):
        put(
            site,
            f"content/n{i}.md",
            note(f"title: Note {i}\ndate: 2024-01-{1 + i % 28:02d}\ntags: [t{i % 7}]\n", f"Text {i}.\n" * 30),
        )


def concurrent(site: Path, _args: list[str]) -> Run:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "notes_site", "build", "--site", str(site)]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(4)
    ]
    results = [process.communicate(timeout=180) for process in processes]
    code = max(process.returncode for process in processes)
    return Run(
        code, "".join(out for out, _ in results), "".join(err for _, err in results), time.perf_counter() - started
    )


def interrupted(site: Path, sig: int) -> Run:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "notes_site", "build", "--site", str(site)]
    err = ""
    for attempt in range(6):
        put(site, "content/n0.md", note(f"title: Note 0 edit {attempt}\ndate: 2024-01-01\n"))
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(0.3 + 0.25 * attempt)
        process.send_signal(sig)
        _out, err_text = process.communicate(timeout=120)
        if "Traceback" in err_text and sig != signal.SIGKILL:
            err += err_text
    final = build(site, [])
    final.err = err + final.err
    return final


def same_as_clean(site: Path, run: Run) -> list[str]:
    if run.code != 0:
        return [f"the last build failed: {run.err.strip()[-200:]}"]
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".notes-site-") and "cache" not in p.name]
    public = site / "public"
    time.sleep(1)  # the replaced output is deleted in the background
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".notes-site-") and "cache" not in p.name]
    incremental = {str(p.relative_to(public)): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    clean = build(site, ["--clean"])
    rebuilt = {str(p.relative_to(public)): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    failures = [f"leftover folders: {leftovers}"] if leftovers else []
    if clean.code != 0 or incremental != rebuilt:
        differ = sorted(set(incremental) ^ set(rebuilt)) or [k for k in incremental if incremental[k] != rebuilt.get(k)]
        failures.append(f"the output differs from a clean build: {differ[:3]}")
    return failures


def all_cases() -> list[Case]:
    return (
        inject_cases()
        + traversal_cases()
        + file_cases()
        + encoding_cases()
        + size_cases()
        + link_cases()
        + output_cases()
        + process_cases()
    )


# ---------------------------------------------------------------- running them


def run_case(case: Case, work: Path) -> tuple[str, float]:
    site = work / "site"
    put(site, "content/good.md", GOOD)
    put(site, "notes-site.yaml", SETTINGS)
    if case.root_only and os.geteuid() != 0:
        return "skipped (needs root)", 0.0
    case.write(site)
    args = case.args(site)
    before = outside_output(work, site)
    run = case.run(site, args) if case.run else build(site, args)
    if run.err.startswith("skipped"):
        return run.err, 0.0
    if run.code == 0 and "good" not in str(list((site / "public").rglob("good"))) and not args and case.run is None:
        case.failures.append("the good note has no page")
    case.failures += invariants(work, site, before | {"mnt"}, run)
    case.failures += case.expect(site, run)
    return ("held" if not case.failures else "FAILED"), run.seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="run the cases whose name contains this text")
    parser.add_argument("--seconds", type=float, default=900, help="start no case after this many seconds")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    options = parser.parse_args()
    started = time.monotonic()
    failed = 0
    rows = []
    for case in all_cases():
        if options.only not in case.name:
            continue
        if time.monotonic() - started > options.seconds:
            print(f"time is up: {case.name} and later cases were not run")
            break
        with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
            try:
                result, seconds = run_case(case, Path(folder))
            except Exception as exc:  # the harness itself: report it, keep going
                result, seconds = "FAILED", 0.0
                case.failures.append(f"the case could not run: {type(exc).__name__}: {exc}")
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        failed += result == "FAILED"
        detail = "; ".join(case.failures)[:400]
        rows.append((case.name, case.what, result, detail))
        if not options.markdown:
            print(f"{result:8} {case.name:32} {seconds:6.1f} s  {detail}", flush=True)
    if options.markdown:
        print("| case | input | result |\n| --- | --- | --- |")
        for name, what, result, detail in rows:
            print(f"| `{name}` | {what} | {result}{': ' + detail if detail else ''} |")
    print(f"{len(rows)} cases, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
