"""Every image and link of an imported blog leads somewhere (issue 14, items 1, 2, 3 and 9).

Raw HTML images as Typora writes them, Jekyll's `relative_url` in raw HTML, Hugo's `static/`
figures written from the site's root, and links to notes whose addresses hold CJK or spaces:
each site is built into tmp_path, and every link is followed to a file on disk from the note's
page, the home page and a tag page (and, in a browser, the images are seen to load).
"""

from __future__ import annotations

import html
import re
import shutil
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from click.testing import CliRunner
from conftest import SiteFolder
from pagetools import local_target

from notes_site.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
BASE_URL = "https://ada.github.io/blog/"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour, so a browser can show it."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class FileUrls(HTMLParser):
    """(tag, attribute, url) of every href, src, poster and srcset URL, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "poster"):
                self.found.append((tag, name, value))
            elif name == "srcset":
                self.found += [(tag, name, part.split()[0]) for part in value.split(",") if part.strip()]


def urls_in(html: str) -> list[tuple[str, str, str]]:
    parser = FileUrls()
    parser.feed(html)
    return parser.found


def body_of(html: str) -> str:
    """The note texts of a page (the note's body, or the cards of a listing), without the theme around them."""
    parts = re.findall(
        r'<div class="post-body">(.*?)</div>\s*(?=<aside|<footer|</article>|<div class="post-button">)', html, re.S
    )
    assert parts, "the page shows no note text"
    return "\n".join(parts)


def assert_files_exist(public: Path, page: str, urls: list[str]) -> None:
    for url in urls:
        target = local_target(public, page, url.split("#")[0])
        assert target is not None and target.is_file(), f"{url!r} on {page or 'the home page'} leads to no file"


def page_html(public: Path, path: str) -> str:
    return (public / path / "index.html").read_text(encoding="utf-8")


def image_urls(html: str) -> list[str]:
    return [url for tag, attribute, url in urls_in(body_of(html)) if attribute != "href"]


# ---------- item 1: raw HTML images and links, resolved like Markdown ones ----------

CLIP_BODY = """\
Typora: <img src="clip/arch.png" style="zoom:60%"> and a link to <a href="vit.md#method">ViT</a>.

<div align="center">
<img src="clip/arch.png" alt="a &amp; b" />
<video src="clip/demo.mp4" poster='clip/arch.png' controls></video>
<picture><source srcset="clip/arch.png 2x, clip/arch.png 1x"><img src="clip/arch.png"></picture>
<!-- <img src="clip/old.png"> -->
<img src="/images/logo.png" alt="from the site's root"> <a href="/other-project/">another site</a>
</div>

<!-- more -->

Code keeps it as written: `<img src="clip/arch.png">`.

<img src="clip/missing.png" alt="broken">
"""


@pytest.fixture(scope="module")
def typora(tmp_path_factory) -> SiteFolder:
    site = SiteFolder(tmp_path_factory.mktemp("typora"))
    site.settings(f"title: Notes\nbase_url: {BASE_URL}\n")
    site.note("clip.md", "title: CLIP\ndate: 2024-05-22\ntags: [cv]", CLIP_BODY)
    site.note("vit.md", "title: ViT\ndate: 2024-05-01\ntags: [cv]", "## Method\n\nPatches.\n")
    (site.root / "content" / "clip").mkdir()
    (site.root / "content" / "clip" / "arch.png").write_bytes(png(6, 4, (200, 30, 30)))
    (site.root / "content" / "clip" / "demo.mp4").write_bytes(b"\0\0\0\x18ftypmp42")
    (site.root / "content" / "images").mkdir()
    (site.root / "content" / "images" / "logo.png").write_bytes(png(2, 2, (30, 30, 200)))
    report = site.build()
    assert not report.errors, report.errors
    return site


def test_raw_html_images_and_links_lead_to_files_on_the_note_index_and_tag_pages(typora):
    for page in ("2024/05/22/clip/", "", "tags/cv/"):
        html = page_html(typora.public, page)
        found = [(tag, attribute) for tag, attribute, url in urls_in(body_of(html))]
        # the excerpt (home and tag pages) ends at <!-- more -->
        assert found.count(("img", "src")) >= 4 and ("source", "srcset") in found, (page, found)
        assert ("video", "src") in found and ("video", "poster") in found
        urls = [url for tag, attribute, url in urls_in(body_of(html)) if url != "/other-project/"]
        assert_files_exist(typora.public, page, [url for url in urls if "missing" not in url])
    note = page_html(typora.public, "2024/05/22/clip/")
    assert re.search(r'<img src="[^"]*arch\.png" style="zoom:60%">', note)  # other attributes kept
    assert 'href="/other-project/"' in note  # a path from the root that names nothing of the site: untouched
    assert "<code>&lt;img src=&quot;clip/arch.png&quot;&gt;</code>" in note
    assert '<!-- <img src="clip/old.png"> -->' in note


def test_a_raw_html_link_to_a_note_keeps_its_fragment_and_makes_a_backlink(typora):
    note = page_html(typora.public, "2024/05/22/clip/")
    (vit,) = [url for tag, _a, url in urls_in(body_of(note)) if tag == "a" and "method" in url]
    assert vit.endswith("#method")
    assert local_target(typora.public, "2024/05/22/clip/", vit.split("#")[0]).parent.name == "vit"
    backlinks = re.search(
        r'<section class="backlinks">.*?</section>', page_html(typora.public, "2024/05/01/vit/"), re.S
    )
    assert backlinks and ">CLIP</a>" in backlinks.group(0)


def test_raw_html_images_in_the_feed_resolve_against_the_entry_base(typora):
    feed = (typora.public / "atom.xml").read_text(encoding="utf-8")
    entry = re.search(r'<entry xml:base="([^"]+)">(.*?)</entry>', feed, re.S)
    assert entry and "clip" in entry.group(1)
    content = re.search(r'<content type="html">(.*?)</content>', entry.group(2), re.S).group(1)
    sources = [
        url for _t, attribute, url in urls_in(html.unescape(content)) if attribute != "href" and "missing" not in url
    ]
    assert len(sources) >= 6, sources
    for source in sources:
        url = urljoin(entry.group(1), source)
        assert url.startswith(BASE_URL), url
        assert (typora.public / unquote(url.removeprefix(BASE_URL))).is_file(), url


def test_check_names_a_raw_html_image_that_leads_nowhere_with_its_line(typora):
    result = CliRunner().invoke(main, ["check", "--site", str(typora.root)])
    written = (typora.root / "content" / "clip.md").read_text(encoding="utf-8").splitlines()
    line = written.index('<img src="clip/missing.png" alt="broken">') + 1
    assert re.search(rf"clip\.md:{line}: the image `clip/missing\.png` leads to no file", result.output), result.output
    assert "old.png" not in result.output  # inside a comment
    assert "other-project" not in result.output  # a link from the root may lead to another site on the host
    assert result.output.count("warning:") == 1, result.output


# ---------- item 2: Jekyll's relative_url, absolute_url and site.baseurl in raw HTML ----------

JEKYLL = FIXTURES / "jekyll-liquid-urls"


def jekyll_pages_resolve(public: Path, note: str) -> None:
    for page in (note, "", "tags/vision/"):
        html = page_html(public, page)
        assert "{{" not in body_of(html) and "| relative_url" not in html, page
        urls = image_urls(html)
        assert len(urls) == 3, (page, urls)
        assert_files_exist(public, page, urls)


def test_jekyll_urls_in_raw_html_work_in_a_plain_build_of_a_dropped_in_post(tmp_path):
    site = SiteFolder(tmp_path)
    site.settings(f"title: Notes\nbase_url: {BASE_URL}\n")
    shutil.copytree(JEKYLL / "_posts", site.root / "content")
    shutil.copytree(JEKYLL / "assets", site.root / "content" / "assets")
    report = site.build()
    assert not report.errors and not report.warnings, (report.errors, report.warnings)
    jekyll_pages_resolve(site.public, "2024/05/22/clip/")


def test_jekyll_urls_in_raw_html_work_after_import(tmp_path):
    result = CliRunner().invoke(main, ["import", "jekyll", str(JEKYLL), "--to", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    built = CliRunner().invoke(main, ["build", "--site", str(tmp_path / "site")])
    assert built.exit_code == 0, built.output
    jekyll_pages_resolve(tmp_path / "site" / "public", "2024/05/22/clip/")


# ---------- item 3: Hugo's static/ (and the assets/ files notes name) ----------

HUGO = FIXTURES / "hugo-static"


@pytest.fixture(scope="module")
def hugo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hugo") / "site"
    result = CliRunner().invoke(main, ["import", "hugo", str(HUGO), "--to", str(root)])
    assert result.exit_code == 0, result.output
    built = CliRunner().invoke(main, ["build", "--site", str(root)])
    assert built.exit_code == 0, built.output
    return root


def test_hugo_import_copies_static_and_the_assets_files_notes_name(hugo):
    content = hugo / "content"
    for rel in ("ox-hugo/fig.png", "images/logo.png", "images/used.png"):
        assert (content / rel).read_bytes()[:4] == b"\x89PNG", rel
    assert not (content / "images" / "unused.png").exists()
    assert not (content / "scss").exists()
    note = (content / "posts" / "figures.md").read_text(encoding="utf-8")
    assert '{{< figure src="../ox-hugo/fig.png"' in note
    assert '<img src="/ox-hugo/fig.png"> stays as written in code' in note


def test_hugo_static_figures_resolve_under_a_sub_path_from_every_page(hugo):
    public = hugo / "public"
    for page in ("posts/figures/", "", "tags/vision/"):
        urls = image_urls(page_html(public, page))
        assert len(urls) == 3, (page, urls)
        assert_files_exist(public, page, urls)


def test_a_path_from_the_site_root_to_a_content_file_is_made_relative_at_build(tmp_path):
    """Without an import: a note that keeps writing `/images/x.png` works under a sub-path."""
    site = SiteFolder(tmp_path)
    site.settings(f"title: Notes\nbase_url: {BASE_URL}\n")
    site.note("a/deep/x.md", "title: X\ndate: 2024-01-02\ntags: [t]", "![](/images/x.png) [y](/2024/01/01/y/)\n")
    site.note("y.md", "title: Y\ndate: 2024-01-01", "Y.\n")
    (site.root / "content" / "images").mkdir()
    (site.root / "content" / "images" / "x.png").write_bytes(png(1, 1, (1, 2, 3)))
    assert not site.build().errors
    for page in ("2024/01/02/x/", "", "tags/t/"):
        urls = [url for _tag, _attribute, url in urls_in(body_of(page_html(site.public, page)))]
        assert len(urls) == 2 and not any(url.startswith("/") for url in urls), urls
        assert_files_exist(site.public, page, urls)


# ---------- item 9: links to notes whose addresses hold CJK characters or spaces ----------


@pytest.fixture(scope="module")
def spaced(tmp_path_factory) -> SiteFolder:
    site = SiteFolder(tmp_path_factory.mktemp("spaced"))
    site.settings("title: Notes\nrelated_notes: 5\n")
    paper = "paper:\n  title: {title}\n  year: 2020\n"
    site.note(
        "Pandas入门.md",
        "title: Pandas入门\ndate: 2022-08-19\npermalink: /2022/08/19/Pandas入门/\ntags: [python]\n"
        + paper.format(title="Pandas"),
        "Data frames.\n",
    )
    site.note(
        "args & kwargs.md",
        "title: args & kwargs\ndate: 2017-12-29\npermalink: /2017/12/29/args & kwargs/\ntags: [python]\n"
        + paper.format(title="Arguments"),
        "Star args.\n",
    )
    site.note(
        "index-note.md",
        "title: Python\ndate: 2023-01-01\ntags: [python]",
        "See [Pandas](Pandas入门.md) and [args](<args & kwargs.md>).\n",
    )
    report = site.build()
    assert not report.errors, report.errors
    return site


def section_links(html: str, css_class: str) -> list[str]:
    section = re.search(rf'<section class="{css_class}">(.*?)</section>', html, re.S)
    assert section, css_class
    return [url for _tag, _attr, url in urls_in(section.group(1))]


def test_related_notes_and_backlinks_to_cjk_and_spaced_addresses_lead_to_their_pages(spaced):
    public = spaced.public
    python = "2023/01/01/index-note/"
    related = section_links(page_html(public, python), "related-notes")
    assert len(related) == 2, related
    assert not any("%25" in url for url in related), related
    opened = {local_target(public, python, url).parent.name for url in related}
    assert opened == {"Pandas入门", "args & kwargs"}
    for page in ("2022/08/19/Pandas入门/", "2017/12/29/args & kwargs/"):
        (back,) = section_links(page_html(public, page), "backlinks")
        assert local_target(public, page, back) == public / python / "index.html"
        (other,) = section_links(page_html(public, page), "related-notes")[:1] or [None]
        assert local_target(public, page, other).is_file(), other


def test_the_reading_list_and_bibtex_links_of_cjk_and_spaced_addresses_lead_to_files(spaced):
    public = spaced.public
    papers = page_html(public, "papers/")
    links = [url for _tag, _attr, url in urls_in(papers) if "Pandas" in unquote(url) or "args" in url]
    assert len(links) >= 2 and not any("%25" in url for url in links), links
    assert_files_exist(public, "papers/", links)
    note = page_html(public, "2022/08/19/Pandas入门/")
    (bib,) = [url for _tag, _attr, url in urls_in(note) if url.endswith(".bib")]
    assert local_target(public, "2022/08/19/Pandas入门/", bib).read_text(encoding="utf-8").startswith("@")


# ---------- in a browser, from disk ----------


def test_the_images_load_in_chromium_from_disk(typora, hugo, tmp_path, browser):
    jekyll = tmp_path / "jekyll"
    assert CliRunner().invoke(main, ["import", "jekyll", str(JEKYLL), "--to", str(jekyll)]).exit_code == 0
    assert CliRunner().invoke(main, ["build", "--site", str(jekyll)]).exit_code == 0
    pages = [
        typora.public / "2024/05/22/clip/index.html",
        typora.public / "index.html",
        hugo / "public/posts/figures/index.html",
        jekyll / "public/2024/05/22/clip/index.html",
    ]
    tab = browser.new_page()
    try:
        for page in pages:
            tab.goto(page.as_uri())
            images = tab.evaluate(
                "Array.from(document.querySelectorAll('.post-body img'))"
                ".map(i => [i.getAttribute('src'), i.complete ? i.naturalWidth : -1])"
            )
            shown = [(src, width) for src, width in images if "missing" not in src]
            assert len(shown) >= 3, (page, images)
            assert all(width > 0 for _src, width in shown), (page, images)
    finally:
        tab.close()


def test_a_windows_backslash_in_a_raw_html_path_is_a_slash_as_browsers_read_it(site):
    """hexo-next-typora's DeepCover.md, written in Typora on Windows: `<img src="DeepCover\\Fig3.png">`,
    which their site (and any browser, for an http URL) showed as DeepCover/Fig3.png."""
    site.note(
        "DeepCover.md",
        "title: DeepCover\ndate: 2020-08-24",
        '<img src="DeepCover\\Fig3.png" alt="Fig3" style="zoom:60%;" />\n',
    )
    (site.root / "content/DeepCover").mkdir()
    (site.root / "content/DeepCover/Fig3.png").write_bytes(png(2, 2, (30, 30, 200)))
    report = site.build()
    assert report.errors == [] and report.warnings == [], report.problems
    note = page_html(site.public, "2020/08/24/deepcover/")
    (url,) = image_urls(note)
    assert "\\" not in url and "%5C" not in url
    assert_files_exist(site.public, "2020/08/24/deepcover/", [url])
