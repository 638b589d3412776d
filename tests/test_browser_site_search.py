"""A reader types into the search box of a site notes-site built: the example site and a
1,000-note site from the standard corpus, from disk, with no request leaving the site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from notes_site.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def example(example_public):
    return example_public


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    if not CORPUS.is_file():
        pytest.skip(f"the corpus generator is not at {CORPUS}")
    root = tmp_path_factory.mktemp("corpus")
    command = [sys.executable, str(CORPUS), str(root / "content"), "--notes", "1000", "--flavor", "plain"]
    subprocess.run(command, check=True, capture_output=True)
    report = build_site(BuildOptions(site_root=root))
    assert report.errors == []
    return root / "content", root / "public"


def search(browser, home: Path, query: str) -> list[str]:
    """Type into the header box of the home page, press Enter, read the result titles."""
    page = browser.new_page()
    outside = []
    page.on("request", lambda request: request.url.startswith(("http:", "https:")) and outside.append(request.url))
    page.goto(home.as_uri())
    page.get_by_role("searchbox").first.fill(query)
    page.get_by_role("searchbox").first.press("Enter")
    page.wait_for_selector("ol.search-results li, .search-status:has-text('No notes')")
    titles = page.eval_on_selector_all("a.search-result-title", "els => els.map(e => e.textContent.trim())")
    assert outside == []
    page.close()
    return list(dict.fromkeys(titles))


def test_chinese_substrings_find_notes_by_title_and_body(browser, example):
    assert search(browser, example / "index.html", "召回")[0] == "多兴趣召回"
    bodies = [path for path in (REPO / "content").glob("*.md") if "注意力" in path.read_text(encoding="utf-8")]
    assert len(bodies) == 2  # bert.md and 视频理解综述.md: neither has it in its title
    assert sorted(search(browser, example / "index.html", "注意力")) == ["BERT", "视频理解综述"]


def test_a_mixed_query_ranks_notes_with_both_words_first(browser, example):
    found = search(browser, example / "index.html", "CLIP 对比学习")
    assert found[0] == "CLIP Learning transferable visual models from natural language supervision"


def test_english_is_case_insensitive_with_prefixes(browser, example):
    assert "Swin Transformer" in search(browser, example / "index.html", "SWIN")
    assert "Swin Transformer" in search(browser, example / "index.html", "transf")


def test_a_1000_note_site_finds_a_note_by_its_title(browser, corpus_site):
    content, public = corpus_site
    note = sorted(content.glob("*.md"))[123]
    text = note.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:")).split(":", 1)[1].strip().strip('"')
    assert title in search(browser, public / "index.html", title)[:3]
