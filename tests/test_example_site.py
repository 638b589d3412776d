"""The repository's own example site reproduces the origin blog's index page."""

import re
import shutil
from pathlib import Path

import pytest
from pagetools import text_of

from notes_site.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent
ORIGIN = REPO.parent / "shared" / "reference" / "origin-blog-index.txt"
ENTRY = re.compile(r"^(?P<title>.+?) Posted on (?P<posted>\S+) Edited on (?P<edited>\S+) In (?P<category>\S+) ")


def origin_entries():
    """(title, posted, edited, category, has_read_more) for each line of the origin page."""
    if not ORIGIN.is_file():
        pytest.skip(f"the origin page is not at {ORIGIN}")
    entries = []
    for line in ORIGIN.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            entries.append(
                (
                    match["title"],
                    match["posted"],
                    match["edited"],
                    match["category"],
                    line.rstrip().endswith("Read more »"),
                )
            )
    assert len(entries) == 15
    return entries


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """A copy of the example site (settings, content, theme), built into a temporary folder."""
    root = tmp_path_factory.mktemp("example")
    shutil.copy(REPO / "notes-site.yaml", root)
    shutil.copytree(REPO / "content", root / "content")
    report = build_site(BuildOptions(site_root=root))
    assert report.errors == [] and report.warnings == [], report.problems
    return root / "public"


def listed_entries(public: Path):
    """What the index pages show, page after page: (title, posted, edited, category, read more)."""
    entries, page = [], public / "index.html"
    while True:
        html = page.read_text(encoding="utf-8")
        for article in re.findall(r"<article.*?</article>", html, re.S):
            title = text_of(re.search(r'class="post-title"[^>]*>(.*?)</h2>', article, re.S).group(1))
            dates = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', article)
            category = text_of(re.search(r'href="[^"]*categories/[^"]*">([^<]+)</a>', article).group(1))
            entries.append(
                (title, dates[0], dates[1] if len(dates) > 1 else dates[0], category, "Read more »" in article)
            )
        next_link = re.search(r'<a[^>]+href="([^"]+)"[^>]*rel="next"', html) or re.search(
            r'<a[^>]+rel="next"[^>]*href="([^"]+)"', html
        )
        if not next_link:
            return entries
        page = (page.parent / next_link.group(1) / "index.html").resolve()


def test_index_pages_list_the_fifteen_notes_like_the_origin(example):
    assert listed_entries(example) == origin_entries()


def test_the_instructgpt_note_shows_in_full_on_the_index(example):
    index = (example / "page/2/index.html").read_text(encoding="utf-8")
    start = index.index("Training language models to follow instructions")
    article = index[start : index.index("</article>", start)]
    assert "Read more" not in article
    note = next(example.glob("2023/08/23/*/index.html")).read_text(encoding="utf-8")
    last_paragraph = re.findall(r"<p>(.*?)</p>", note, re.S)[-1]
    assert last_paragraph in index


def test_the_example_exercises_code_tables_and_math(example):
    pages = "\n".join(p.read_text(encoding="utf-8") for p in example.glob("20*/**/index.html"))
    assert '<pre class="highlight"' in pages and "<table" in pages
    assert 'class="math display"' in pages and 'class="math inline"' in pages


def test_cjk_file_names_get_readable_ascii_urls(example):
    assert (example / "2024/05/22/duo-xing-qu-zhao-hui/index.html").is_file()
