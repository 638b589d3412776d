"""The repository's own example site reproduces the origin blog's index page."""

import re
from pathlib import Path

import pytest
from pagetools import text_of

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
def example(example_public):
    return example_public


def listed_entries(public: Path):
    """What the index pages show, page after page: (title, posted, edited, category, read more)."""
    entries, page = [], public / "index.html"
    while True:
        html = page.read_text(encoding="utf-8")
        for article in re.findall(r"<article.*?</article>", html, re.S):
            title = text_of(re.search(r'class="post-title"[^>]*>(.*?)</h2>', article, re.S).group(1))
            dates = re.findall(r'<time datetime="[^"]+"[^>]*>([^<]+)</time>', article)
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


def test_the_example_has_a_reading_list_backlinks_and_a_map(example):
    papers = (example / "papers/index.html").read_text(encoding="utf-8")
    assert papers.count("<tr data-status=") == 11 and "Deep Residual Learning for Image Recognition" in papers
    vit = (example / "2023/12/03/vit/index.html").read_text(encoding="utf-8")
    backlinks = re.search(r'<section class="backlinks">.*?</section>', vit, re.S).group(0)
    assert "Swin Transformer" in backlinks and "多模态串讲" in backlinks
    assert '<section class="paper-card"' in vit and "dosovitskiy2021vit" in vit
    assert "@inproceedings{he2016resnet," in (example / "papers.bib").read_text(encoding="utf-8")
    assert (example / "graph/index.html").is_file()


def test_check_passes_on_the_example_site_whose_second_clip_note_links_to_the_first(tmp_path):
    """The origin blog has CLIP twice; the second reading links to the first, so it is on purpose."""
    from click.testing import CliRunner
    from conftest import copy_example_site

    from notes_site.cli import main

    result = CliRunner().invoke(main, ["check", "--site", str(copy_example_site(tmp_path))])
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.splitlines() if line.startswith("duplicate:")]
    (line,) = [line for line in result.output.splitlines() if "link to each other" in line]
    assert "content/clip.md and " in line and "content/learning-transferable-visual-models.md" in line
    assert "0 error(s), 0 warning(s), 0 likely duplicate(s)" in result.output
