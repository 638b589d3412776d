"""Import real public blogs with notes-site and compare the result with what their own generator published.

    python benchmarks/real_blogs.py                              # every blog of benchmarks/real_blogs.json
    python benchmarks/real_blogs.py --only hugo-ox-hugo --keep /tmp/real-blogs
    python benchmarks/real_blogs.py --json benchmarks/runs/real-blogs.json > real-blogs.md

A measuring tool for issue 14, never part of the test suite: it needs the blogs' repositories
fetched beforehand as git mirrors (`--mirrors`, one folder per repository named owner+name,
as the workplace's fetch makes them), and Jekyll from Debian for a blog without published output.
Nothing of the blogs is committed: the manifest holds names and commits only.

Each blog's source is checked out at its pinned commit (`git archive`), imported with
`python -m notes_site import KIND`, built with `python -m notes_site build` (run from this
repository, so the working tree is what gets measured) and compared post by post with their
published site. A post is found in their site by its title in <title>; the figures say how many
could not be found. See docs/migrating.md, "Real blogs, measured", for what each column means.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
MANIFEST = Path(__file__).with_name("real_blogs.json")
MIRRORS = Path("/work/.mirror")
LISTING_DIRS = {"page", "tags", "tag", "categories", "category", "archives", "archive", "series"}
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", "｜")
MORE_MARKER = re.compile(r"<!--\s*more\s*-->", re.I)
SHOWN_DAY = re.compile(r"\b(\d{4})[-/.](\d{2})[-/.](\d{2})\b")
EXAMPLES = 4
REDIRECT = re.compile(r"http-equiv=[\"']?refresh", re.I)  # an alias page: Hugo's `aliases`, a language root


# ---------------------------------------------------------------- the blogs' sources


@dataclass(frozen=True)
class SourcePost:
    path: str  # inside the source tree
    title: str
    has_more: bool
    formulas: int
    image_names: frozenset[str]


def checkout(mirrors: Path, tree: dict, into: Path, history: bool = False) -> list[str]:
    """Write one pinned tree of a mirrored repository into a folder, every file dated at the commit.

    Mirrors may lack large files (fetched snapshots leave out files of 4 MiB and more), so instead
    of `git archive`, which stops at the first missing one, the blobs are read one by one and the
    missing ones returned by path. With `history`, the folder is a clone at that commit, as a
    user's blog is: the import dates posts without `date` by their first commit.
    """
    git_dir = mirrors / tree["repo"].replace("/", "+") / "repo"
    git = ["git", "-C", str(git_dir)]
    if history:
        subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(git_dir), str(into)], check=True)
        subprocess.run(["git", "-C", str(into), "update-ref", "--no-deref", "HEAD", tree["commit"]], check=True)
        subprocess.run(["git", "-C", str(into), "read-tree", tree["commit"]], check=True)
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", tree["commit"], "--", tree["path"] or "."], check=True, capture_output=True
    ).stdout.decode("utf-8", "surrogateescape")
    blobs = [entry.split("\t", 1) for entry in listing.split("\0") if entry]
    blobs = [(meta.split()[2], path) for meta, path in blobs if meta.split()[1] == "blob" and meta[:6] != "120000"]
    stamp = int(
        subprocess.run([*git, "log", "-1", "--format=%ct", tree["commit"]], capture_output=True, text=True).stdout
    )
    reader = subprocess.run(
        [*git, "cat-file", "--batch"], input="".join(sha + "\n" for sha, _ in blobs).encode(), capture_output=True
    ).stdout
    missing, offset = [], 0
    for _, path in blobs:
        header_end = reader.index(b"\n", offset)
        header = reader[offset:header_end].split()
        if header[-1] == b"missing":
            missing.append(path)
            offset = header_end + 1
            continue
        size = int(header[2])
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(reader[header_end + 1 : header_end + 1 + size])
        os.utime(target, (stamp, stamp))
        offset = header_end + 2 + size
    return missing


def section_folders(kind: str, source: Path) -> set[str]:
    """Hugo's listing pages named after content folders: each section (`posts/`) and each language's home (`zh/`).

    A section is a top-level folder of content/ (or of a language's content/en/) that is not itself a page.
    """
    if kind != "hugo" or not (source / "content").is_dir():
        return set()
    folders = {folder for folder in (source / "content").iterdir() if folder.is_dir()}
    languages = {folder for folder in folders if (folder / "_index.md").is_file() and len(folder.name) <= 5}
    sections = {inner for language in languages for inner in language.iterdir() if inner.is_dir()}
    # a folder with an index.md is a page (a leaf bundle: about/), not a section
    return {f.name for f in folders | sections if not (f / "index.md").is_file() and any(f.rglob("*.md"))}


def post_files(kind: str, source: Path) -> list[Path]:
    """The files each generator publishes as posts (Hugo: every content page but section lists)."""
    if kind == "hexo":
        return sorted(p for p in (source / "source" / "_posts").rglob("*") if p.suffix in {".md", ".markdown"})
    if kind == "hugo":
        return sorted(p for p in (source / "content").rglob("*.md") if p.name != "_index.md")
    return sorted(p for p in source.rglob("*") if "_posts" in p.parts and p.suffix in {".md", ".markdown"})


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML between --- lines or TOML between +++ lines; an unreadable one counts as empty."""
    for fence, load in (("---", yaml.safe_load), ("+++", tomllib.loads)):
        if text.startswith(fence + "\n") or text.startswith(fence + "\r\n"):
            end = text.find("\n" + fence, len(fence))
            if end > 0:
                try:
                    data = load(text[len(fence) + 1 : end]) or {}
                except Exception:
                    data = {}
                return (data if isinstance(data, dict) else {}), text[end + len(fence) + 1 :]
    return {}, text


CODE = re.compile(r"^(```|~~~).*?^\1[^\n]*$|`[^`\n]+`", re.M | re.S)
FORMULA = re.compile(
    r"\$\$.+?\$\$|\\\\\[.+?\\\\\]|\\\\\(.+?\\\\\)|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$",
    re.S,
)
IMAGE_REFERENCE = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img[^>]*?\ssrc\s*=\s*[\"']?([^\"'\s>]+)|{%\s*asset_img\s+(\S+)"
    r"|{{<\s*figure[^>]*?src=\"([^\"]+)\"|\{\{\s*['\"]([^'\"]+)['\"]\s*\|\s*(?:relative|absolute)_url",
    re.I,
)


def read_source_post(path: Path, source: Path) -> SourcePost:
    text = path.read_text(encoding="utf-8", errors="replace")
    meta, body = split_front_matter(text)
    prose = CODE.sub("", body)
    names = set()
    for match in IMAGE_REFERENCE.finditer(body):
        target = next(group for group in match.groups() if group)
        if not re.match(r"[a-z]+:|//", target, re.I):
            names.add(unquote(target.split("?")[0].split("#")[0]).rsplit("/", 1)[-1])
    title = str(meta.get("title") or path.stem)
    return SourcePost(
        path=str(path.relative_to(source)),
        title=title,
        has_more=bool(MORE_MARKER.search(prose)),
        formulas=len(FORMULA.findall(prose)),
        image_names=frozenset(names),
    )


# ---------------------------------------------------------------- reading built pages


class PageScan(HTMLParser):
    """What the comparison needs from one HTML page, in one pass of the standard parser."""

    SKIP_TEXT = {"script", "style", "code", "pre", "math", "textarea"}
    VOID = {"img", "meta", "link", "br", "hr", "input", "source", "wbr", "area", "col", "embed", "track"}

    def __init__(self, body_class: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.body_class = body_class  # only this element's inside counts for text, math and images
        self.title = ""
        self.dates: list[str] = []
        self.dates_shown: list[str] = []  # dates in the text of an element classed as a time or date
        self._dated = 0
        self.published_meta = ""
        self.refresh = ""
        self.images: list[str] = []
        self.links: list[str] = []
        self.math = 0
        self.text: list[str] = []
        self._in_title = False
        self._skip = 0
        self._body_depth = 0 if body_class else 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag not in self.VOID and self.body_class:
            if self._body_depth:
                self._body_depth += 1
            elif self.body_class in attr.get("class", "").split():
                self._body_depth = 1
        self._in_title |= tag == "title"
        if tag not in self.VOID:
            classes = attr.get("class", "").lower()
            self._dated += self._dated > 0 or "time" in classes or "date" in classes
        self._skip += tag in self.SKIP_TEXT and self._body_depth > 0
        self._note_attributes(tag, attr)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._note_attributes(tag, {key: value or "" for key, value in attrs})

    def _note_attributes(self, tag: str, attr: dict[str, str]) -> None:
        if tag == "meta" and attr.get("property") == "article:published_time":
            self.published_meta = attr.get("content", "")
        if tag == "meta" and attr.get("http-equiv", "").lower() == "refresh":
            self.refresh = attr.get("content", "").partition("url=")[2].strip()
        if tag == "time" and attr.get("datetime"):
            self.dates.append(attr["datetime"])
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
        if self._body_depth and tag == "img":
            self.images.append(attr.get("data-src") or attr.get("data-original") or attr.get("src", ""))
        if self._body_depth and tag == "math":
            self.math += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP_TEXT and self._skip:
            self._skip -= 1
        self._in_title &= tag != "title"
        if tag not in self.VOID and self._dated:
            self._dated -= 1
        if self.body_class and self._body_depth and tag not in self.VOID:
            self._body_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._dated and (day := SHOWN_DAY.search(data)):
            self.dates_shown.append("-".join(day.groups()))
        if self._in_title:
            self.title += data
        elif self._body_depth and not self._skip:
            self.text.append(data)


def scan(path: Path, body_class: str | None = None) -> PageScan:
    return scan_html(read_page(path), body_class)


def scan_html(html: str, body_class: str | None = None) -> PageScan:
    page = PageScan(body_class)
    page.feed(html)
    return page


def read_page(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def page_file(root: Path, url_path: str) -> Path | None:
    """The file a URL path (relative to the site's base) is served from, if it exists."""
    url_path = unquote(url_path.split("#")[0].split("?")[0]).lstrip("/")
    candidate = root / url_path
    if url_path == "" or url_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if exists(candidate) and candidate.suffix == ".html" else None


def resolve(root: Path, page: Path, href: str, base_path: str) -> Path | None:
    """Where a local link or image of a page leads in the site; None for an external one."""
    if re.match(r"[a-z][a-z0-9+.-]*:|//|#|$", href, re.I):
        return None
    href = unquote(urlsplit(href).path)
    if href.startswith("/"):
        href = href[len(base_path) :] if href.startswith(base_path) else href.lstrip("/")
        return root / href
    return (page.parent / href).resolve()


def exists(target: Path) -> bool:
    """A file, or a folder with its index page; a name too long for the disk (say, encoded twice) is not there."""
    try:
        return target.is_file() or (target / "index.html").is_file()
    except OSError:
        return False


# ---------------------------------------------------------------- their site: posts by title


def url_of(root: Path, html: Path) -> str:
    relative = html.relative_to(root).as_posix()
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def titles_of(root: Path) -> dict[str, list[str]]:
    """Every page of a site that is not a listing, by its normalised <title>."""
    pages: dict[str, list[str]] = {}
    for html in sorted(root.rglob("*.html")):
        url = url_of(root, html)
        if not url or url.split("/", 1)[0] in LISTING_DIRS or re.match(r"(\d{4}/)+(\d{2}/)*$", url):
            continue
        title = normalise(scan(html).title)
        pages.setdefault(title, []).append(url)
    return pages


def normalise(title: str) -> str:
    return re.sub(r"\s+", " ", unescape(title)).strip().casefold()


def find_post(title: str, pages: dict[str, list[str]]) -> str | None:
    """Their URL of a post: the page whose <title> is the post's, alone or followed by the site's name."""
    wanted = normalise(title)
    exact = pages.get(wanted)
    if exact:
        return min(exact, key=len)
    matches = [
        url
        for page_title, urls in pages.items()
        for url in urls
        if any(page_title.startswith(wanted + separator.casefold()) for separator in TITLE_SEPARATORS)
    ]
    return min(matches, key=len) if matches else None


# ---------------------------------------------------------------- one post, theirs and ours


@dataclass
class PostResult:
    source: str
    their_url: str | None
    kept: bool = False
    our_file: str | None = None
    images_ours: tuple[int, int] = (0, 0)  # resolving, local ones the source names
    images_theirs: tuple[int, int] = (0, 0)
    formulas_source: int = 0
    math_ours: int = 0
    tex_left: int = 0
    template_left: list[str] = field(default_factory=list)
    date_theirs: str = ""
    date_ours: str = ""
    # formulas (display, inline): theirs where their HTML says which (kramed's <script type="math/tex">,
    # Pandoc's and KaTeX's classes, MathJax 3's display="true"); None when it holds raw TeX for the browser
    shown_theirs: tuple[int, int] | None = None
    shown_ours: tuple[int, int] = (0, 0)


THEIR_DISPLAY = re.compile(r'type="math/tex; ?mode=display"|class="katex-display"|<mjx-container[^>]*display="true"')
THEIR_INLINE = re.compile(r'type="math/tex"|class="math inline"|<mjx-container(?![^>]*display="true")')
THEIR_PANDOC_DISPLAY = re.compile(r'class="math display"')
PREAMBLE = re.compile(r"\$\$\s*(?:\\(?:newcommand|renewcommand|def|DeclareMathOperator)[^$]*)\$\$")
CODE_IN_HTML = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)
OUR_SHOWN = re.compile(r'class="math (display|inline)"')
TEX_LEFT = re.compile(r"\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]|(?<![\w$])\$[^$\s][^$]*?\$", re.S)  # one per formula
TEMPLATE_LEFT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#[\w:.-]+\}|\{\.[\w-]+\}")


def our_page(ours: Path, url: str) -> Path | None:
    """Our page at their URL, following one redirect page to the note it leads to."""
    found = page_file(ours, url)
    if found is None:
        return None
    refresh = scan(found).refresh
    if refresh:
        target = resolve(ours, found, refresh, "/")
        if target is not None:
            return page_file(target.parent, target.name + ("/" if target.is_dir() else ""))
    return found


def count_images(root: Path, page_path: Path, images: list[str], names: frozenset[str], base: str) -> tuple[int, int]:
    """Of the images a page shows that the post's source names, how many are local and how many resolve."""
    local = [src for src in images if resolve(root, page_path, src, base) is not None]
    named = [src for src in local if unquote(urlsplit(src).path).rsplit("/", 1)[-1] in names]
    return sum(exists(resolve(root, page_path, src, base)) for src in named), len(named)


def shown_date(page: PageScan, url: str) -> str:
    """The day a page shows its post under: its first <time datetime>, the first date shown in an
    element classed as a time or date (archer's `post-intro-time`), its meta (in UTC), or its URL."""
    for value in [*page.dates[:1], *page.dates_shown[:1], page.published_meta]:
        if value:
            return value[:10]
    dated = re.search(r"(\d{4})/(\d{2})/(\d{2})", url)
    return "-".join(dated.groups()) if dated else ""


def formulas_shown(html: str) -> tuple[int, int] | None:
    """(display, inline) formulas of their page, when its HTML says which; KaTeX's inline ones are `class="katex"`.

    Else MathJax's own delimiters left in the text, as kramdown and ox-hugo write them: `\\[` display, `\\(` inline;
    a page that also holds `$$` or a bare `\\begin{…}` says nothing certain.
    """
    display = len(THEIR_DISPLAY.findall(html)) + len(THEIR_PANDOC_DISPLAY.findall(html))
    inline = len(THEIR_INLINE.findall(html)) + html.count('class="katex"') - html.count('class="katex-display"')
    if not display and not inline:
        text = PREAMBLE.sub("", CODE_IN_HTML.sub("", html))  # jekyll-paper-blog's \newcommand lines in $$
        if "$$" in text or "\\begin{" in text:  # delimiters MathJax reads too, display or not by its settings
            return None
        display, inline = text.count("\\["), text.count("\\(")
    return (display, max(inline, 0)) if display or inline else None


def compare_post(post: SourcePost, their_url: str | None, theirs: Path, ours: Path, base: str) -> PostResult:
    result = PostResult(source=post.path, their_url=their_url, formulas_source=post.formulas)
    if their_url is None:
        return result
    their_file = page_file(theirs, their_url)
    their_html = read_page(their_file)
    their_page = scan_html(their_html)
    result.images_theirs = count_images(theirs, their_file, their_page.images, post.image_names, base)
    result.date_theirs = shown_date(their_page, their_url)
    result.shown_theirs = formulas_shown(their_html)
    mine = our_page(ours, their_url)
    if mine is None:
        return result
    result.kept = True
    result.our_file = mine.relative_to(ours).as_posix()
    our_html = read_page(mine)
    body = scan_html(our_html, "post-body")  # the note's own text; the date is shown outside it
    result.images_ours = count_images(ours, mine, body.images, post.image_names, "/")
    result.math_ours = body.math
    ours_shown = OUR_SHOWN.findall(our_html)
    result.shown_ours = (ours_shown.count("display"), ours_shown.count("inline"))
    text = " ".join(body.text)
    result.tex_left = len(TEX_LEFT.findall(text))
    result.template_left = TEMPLATE_LEFT.findall(text)
    result.date_ours = shown_date(scan_html(our_html), their_url)
    return result


# ---------------------------------------------------------------- one blog


@dataclass
class BlogResult:
    name: str
    kind: str
    compared_with: str
    import_exit: int = -1
    build_exit: int = -1
    messages: list[str] = field(default_factory=list)  # the import's and build's last lines on failure
    warnings: int = 0
    posts: list[PostResult] = field(default_factory=list)
    excerpts_whole: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    broken_link_count: int = 0
    pages_missing: list[str] = field(default_factory=list)
    pages_total: int = 0
    missing_in_mirror: list[str] = field(default_factory=list)  # files the snapshot lacks (4 MiB and more)


def notes_site(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The notes-site of this working tree, whatever else is installed."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "notes_site", *arguments], cwd=REPO, env=environment, capture_output=True, text=True
    )


def build_with_jekyll(source: Path, into: Path) -> None:
    """Their site as Debian's Jekyll makes it; --safe, so no plugin code of theirs runs."""
    subprocess.run(
        ["jekyll", "build", "--safe", "--quiet", "-s", str(source), "-d", str(into)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


def import_and_build(blog: dict, source: Path, site: Path, result: BlogResult) -> bool:
    imported = notes_site("import", blog["kind"], str(source), "--to", str(site))
    result.import_exit = imported.returncode
    if imported.returncode != 0 or not (site / "notes-site.yaml").is_file():
        result.messages += (imported.stdout + imported.stderr).strip().splitlines()[-3:]
        return False
    built = notes_site("build", "--site", str(site))
    result.build_exit = built.returncode
    output = built.stdout + built.stderr
    result.warnings = len(re.findall(r"^warning:", output, re.M))
    if built.returncode != 0:
        result.messages += output.strip().splitlines()[-3:]
    return built.returncode == 0


def listing_cards(ours: Path) -> dict[Path, bool]:
    """Each note shown on our paginated index, and whether its card ends in a "Read more" button."""
    cards: dict[Path, bool] = {}
    for index in [ours / "index.html", *sorted((ours / "page").glob("*/index.html"))]:
        if not index.is_file():
            continue
        for block in index.read_text(encoding="utf-8").split('<article class="post-block card">')[1:]:
            link = re.search(r'<h2 class="post-title"><a href="([^"]+)"', block)
            if link:
                target = resolve(ours, index, unescape(link.group(1)), "/")
                cards[target / "index.html" if target.is_dir() else target] = 'class="post-button"' in block
    return cards


def whole_on_index(posts: list[tuple[SourcePost, PostResult]], ours: Path) -> list[str]:
    """Posts with a more marker whose index card shows the whole post (no "Read more")."""
    cards = listing_cards(ours)
    return [
        post.path
        for post, result in posts
        if post.has_more and result.our_file and cards.get((ours / result.our_file).resolve()) is False
    ]


def broken_links(ours: Path, base: str) -> tuple[int, list[str]]:
    """Local <a href> of our pages that lead nowhere, counted once per page and link."""
    broken: list[str] = []
    for html in sorted(ours.rglob("*.html")):
        page = scan(html)
        for href in dict.fromkeys(page.links):
            target = resolve(ours, html, href, base)  # a 404 page links from the root
            if target is not None and not exists(target):
                broken.append(f"{html.relative_to(ours).as_posix()} → {href}")
    return len(broken), broken[:EXAMPLES]


def other_pages(theirs: Path, ours: Path, post_urls: set[str], listings: set[str]) -> tuple[int, list[str]]:
    """Their one-folder pages that are neither posts, listings nor redirects (About, Links …), and those we lack."""
    pages = [
        url_of(theirs, html)
        for html in theirs.glob("*/index.html")
        if html.parent.name not in LISTING_DIRS | listings
        and not html.parent.name.isdigit()
        and not REDIRECT.search(read_page(html)[:2000])
    ]
    pages = [url for url in pages if url not in post_urls]
    return len(pages), [url for url in pages if page_file(ours, url) is None]


def measure_blog(blog: dict, mirrors: Path, work: Path) -> BlogResult:
    published = blog["published"]
    compared = f"{published['repo']}@{published['commit'][:7]}" if published else f"{blog['kind']} built here"
    result = BlogResult(blog["name"], blog["kind"], compared)
    source, site, theirs = work / "source", work / "site", work / "theirs"
    result.missing_in_mirror = checkout(mirrors, blog["source"], source, history=True)
    if published:
        result.missing_in_mirror += checkout(mirrors, published, theirs)
    else:
        build_with_jekyll(source, theirs)
    if not import_and_build(blog, source, site, result):
        return result
    ours, base = site / "public", blog["base_path"]
    titles = titles_of(theirs)
    posts = [read_source_post(path, source) for path in post_files(blog["kind"], source)]
    pairs = [(post, compare_post(post, find_post(post.title, titles), theirs, ours, base)) for post in posts]
    result.posts = [post_result for _, post_result in pairs]
    result.excerpts_whole = whole_on_index(pairs, ours)
    result.broken_link_count, result.broken_links = broken_links(ours, base)
    post_urls = {post.their_url for post in result.posts if post.their_url}
    listings = section_folders(blog["kind"], source)
    result.pages_total, result.pages_missing = other_pages(theirs, ours, post_urls, listings)
    return result


# ---------------------------------------------------------------- the report


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def summary_row(blog: BlogResult) -> list[str]:
    if blog.build_exit != 0:
        failed = "import" if blog.import_exit != 0 else "build"
        status = f"**{failed} failed** (exit {max(blog.import_exit, blog.build_exit)})"
        return [blog.name, blog.kind, "–", status] + ["–"] * 7
    matched = [post for post in blog.posts if post.their_url]
    kept = [post for post in matched if post.kept]
    ours_ok, ours_all = map(sum, zip(*(post.images_ours for post in kept), strict=False)) if kept else (0, 0)
    theirs_ok, theirs_all = (
        map(sum, zip(*(post.images_theirs for post in matched), strict=False)) if matched else (0, 0)
    )
    math = sum(post.math_ours for post in kept)
    source_formulas = sum(post.formulas_source for post in kept)
    tex_left = sum(post.tex_left for post in kept)
    template = sum(len(post.template_left) for post in kept)
    dates = sum(1 for post in kept if post.date_theirs and post.date_ours and post.date_theirs != post.date_ours)
    told = [post for post in kept if post.shown_theirs is not None]
    display_theirs = sum(post.shown_theirs[0] for post in told)
    display_ours = sum(post.shown_ours[0] for post in told)
    display = f"{display_ours} ({display_theirs}) in {len(told)} posts" if told else "–"
    return [
        blog.name,
        blog.kind,
        f"{len(blog.posts)} ({len(matched)} found in theirs)",
        f"{percent(len(kept), len(matched))} ({len(kept)}/{len(matched)})",
        f"{ours_ok} of {ours_all} (theirs {theirs_ok} of {theirs_all})",
        f"{percent(math, math + tex_left)}: {math} `<math>`, {tex_left} left as TeX ({source_formulas} in source)",
        display,
        str(template),
        str(len(blog.excerpts_whole)),
        str(dates),
        str(blog.broken_link_count),
        f"{blog.pages_total - len(blog.pages_missing)} of {blog.pages_total}",
    ]


HEADER = [
    "blog",
    "kind",
    "posts",
    "URLs kept",
    "local images that resolve: ours (theirs)",
    "formulas",
    "display formulas: ours (theirs)",
    "template syntax shown",
    "excerpts shown whole",
    "dates differ",
    "broken internal links",
    "other pages kept",
]


def markdown_table(blogs: list[BlogResult]) -> str:
    rows = [HEADER, ["---"] * len(HEADER), *(summary_row(blog) for blog in blogs)]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def examples(blog: BlogResult) -> list[str]:
    """A few instances of each failure, to start from."""
    kept = [post for post in blog.posts if post.kept]
    lines = [f"### {blog.name} (compared with {blog.compared_with}; {blog.warnings} build warnings)"]
    lines += [f"- message: `{message}`" for message in blog.messages]
    if blog.missing_in_mirror:
        lines.append(f"- files missing from the mirror (left out): {len(blog.missing_in_mirror)}")
    found = {
        "not found in their site by title": [post.source for post in blog.posts if not post.their_url],
        "URL lost": [post.their_url for post in blog.posts if post.their_url and not post.kept],
        "images that do not resolve": [
            f"{post.their_url} ({post.images_ours[1] - post.images_ours[0]})"
            for post in kept
            if post.images_ours[0] < post.images_ours[1] or post.images_ours[1] < post.images_theirs[0]
        ],
        "TeX left as text": [f"{post.their_url} ({post.tex_left})" for post in kept if post.tex_left],
        "display formulas differ": [
            f"{post.their_url} (ours {post.shown_ours[0]}, theirs {post.shown_theirs[0]})"
            for post in kept
            if post.shown_theirs is not None and post.shown_ours[0] != post.shown_theirs[0]
        ],
        "template syntax shown": [f"{post.their_url}: {post.template_left[0]}" for post in kept if post.template_left],
        "shown whole on the index": blog.excerpts_whole,
        "dates (theirs → ours)": [
            f"{post.their_url}: {post.date_theirs} → {post.date_ours}"
            for post in kept
            if post.date_theirs and post.date_ours and post.date_theirs != post.date_ours
        ],
        "broken internal links": blog.broken_links,
        "pages missing": blog.pages_missing,
    }
    for label, items in found.items():
        if items:
            shown = ", ".join(f"`{item}`" for item in items[:EXAMPLES])
            count = blog.broken_link_count if label == "broken internal links" else len(items)
            lines.append(f"- {label}: {count} — {shown}")
    return lines


def commit_of_repo() -> str:
    described = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return described.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--mirrors", type=Path, default=MIRRORS, help="folder of git mirrors named owner+name/repo")
    parser.add_argument("--only", action="append", help="measure only this blog (repeatable)")
    parser.add_argument("--keep", type=Path, help="keep each blog's source, their site and ours under this folder")
    parser.add_argument("--json", type=Path, help="also write every figure, post by post, to this file")
    options = parser.parse_args()
    blogs = json.loads(options.manifest.read_text(encoding="utf-8"))["blogs"]
    blogs = [blog for blog in blogs if not options.only or blog["name"] in options.only]
    results = []
    scratch = Path(tempfile.mkdtemp(prefix="real-blogs-")) if options.keep is None else options.keep
    for blog in blogs:
        print(f"measuring {blog['name']} …", file=sys.stderr)
        work = scratch / blog["name"]
        shutil.rmtree(work, ignore_errors=True)
        results.append(measure_blog(blog, options.mirrors, work))
    if options.keep is None:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"Measured {datetime.now():%Y-%m-%d} at notes-site {commit_of_repo()}: `python benchmarks/real_blogs.py`\n")
    print(markdown_table(results))
    for result in results:
        print("\n" + "\n".join(examples(result)))
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps([asdict(result) for result in results], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
