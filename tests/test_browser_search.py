"""In Chromium: the search box and page find notes in Chinese and English, from disk (file://)
and over http under a sub-path, with highlighted snippets, keyboard navigation and no request
leaving the site. The sites are written by hand: the index from build_search_index, the page
from the theme's search.html inside a minimal base template."""

from __future__ import annotations

import functools
import random
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import jinja2
import pytest
import yaml

from notes_site.pages.search import SearchDoc, build_search_index

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "themes" / "default"
GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"

pytestmark = pytest.mark.browser

# What every page carries, as the markup contract at the top of js/search.js says.
HEADER_BOX = """
<form class="search-form" role="search" action="{{ root }}search/" method="get">
  <label class="visually-hidden" for="site-search">{{ t.search }}</label>
  <input type="search" id="site-search" name="q" placeholder="{{ t.search_placeholder }}" autocomplete="off">
</form>
"""
BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ page.title }}</title>
<link rel="stylesheet" href="{{ root }}css/main.css">
<link rel="stylesheet" href="{{ root }}css/search.css">
</head>
<body>
<header class="site-header">HEADER_BOX</header>
<main id="content">{% block content %}{% endblock %}</main>
<script defer src="{{ root }}js/search.js"></script>
</body>
</html>
""".replace("HEADER_BOX", HEADER_BOX)
NOTE = '{% extends "base.html" %}{% block content %}<h1 class="post-title">{{ page.title }}</h1>{% endblock %}'
STRINGS = {
    "search": "Search",
    "search_placeholder": "Search notes",
    "search_loading": "Searching…",
    "search_results": "Notes matching “{q}”: {n}",
    "search_none": "No notes match “{q}”.",
    "search_more": "More results",
    "search_error": "The search index could not be loaded.",
    "search_needs_js": "Search needs JavaScript.",
}

# key, title, path, category, text
NOTES = [
    SearchDoc(*fields)
    for fields in [
        ("a.md", "多兴趣召回", "2024/05/22/duo-xing-qu-zhao-hui/", "推荐系统",
         "多兴趣召回用多个向量表示一个用户。值得注意的是，MIND 用胶囊网络做动态路由。"),
        ("b.md", "Attention Is All You Need", "2017/06/12/attention/", "NLP",
         "Transformer 完全基于注意力机制，去掉了循环结构。多头注意力让模型同时关注不同位置。"),
        ("c.md", "CLIP", "2021/02/26/clip/", "多模态", "CLIP 用对比学习把图像和文本对齐到同一个空间。"),
        ("d.md", "SimCLR", "2020/02/13/simclr/", "CV", "SimCLR 是视觉自监督的对比学习框架，数据增强很关键。"),
        ("e.md", "ViT", "2020/10/22/vit/", "CV",
         "ViT 把图像切成 16x16 的块，和 CLIP 的图像编码器相同。Vision Transformer。"),
        ("f.md", "YouTube DNN", "2016/09/15/youtube-dnn/", "推荐系统",
         "YouTube 的深度神经网络分成召回和排序两个阶段。"),
        ("g.md", "Transfer Learning Survey", "2019/01/01/transfer/", "", "迁移学习 transfers knowledge between tasks."),
    ]
]  # fmt: skip


def write_site(root: Path, docs: list[SearchDoc], note_pages: bool = True) -> Path:
    """A home page, the search page, one page per note, the theme's CSS and JS and the index."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.DictLoader({"base.html": BASE, "note.html": NOTE}), jinja2.FileSystemLoader(THEME / "templates")]
        ),
        autoescape=True,
    )

    def page(path: str, template: str, title: str) -> None:
        root_prefix = "../" * path.count("/")
        html = env.get_template(template).render(root=root_prefix, t=STRINGS, page={"title": title})
        target = root / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")

    page("", "note.html", "Home")
    page("search/", "search.html", "Search")
    for doc in docs if note_pages else ():
        page(doc.path, "note.html", doc.title)
    for folder in ("css", "js"):
        shutil.copytree(THEME / "static" / folder, root / folder, dirs_exist_ok=True)
    for path, text in build_search_index(docs).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The same small site on disk and served at http://127.0.0.1:PORT/notes/."""
    served = tmp_path_factory.mktemp("served")
    site = write_site(served / "notes", NOTES)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"file": site.as_uri() + "/", "http": f"http://127.0.0.1:{server.server_address[1]}/notes/"}
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_page(browser):
    """A fresh page that records every request and every script error."""
    pages = []

    def opener(url: str):
        page = browser.new_page()
        page.requests, page.errors = [], []
        page.on("request", lambda request: page.requests.append(request.url))
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.goto(url)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        assert page.errors == []
        page.close()


def search_url(base: str, query: str = "") -> str:
    url = base + ("search/index.html" if base.startswith("file:") else "search/")
    return url + (f"?q={quote(query)}" if query else "")


def search(page, query: str) -> list[str]:
    """Type a query into the search page and wait until its results are drawn; the titles, in order."""
    page.get_by_role("searchbox", name="Search").last.fill(query)
    return shown_titles(page, query)


def shown_titles(page, query: str) -> list[str]:
    page.wait_for_selector(f'ol.search-results[data-query="{query}"]', state="attached")
    return page.locator("ol.search-results a.search-result-title").all_text_contents()


@pytest.mark.parametrize("where", ["file", "http"])
def test_chinese_and_english_queries_find_the_right_notes_first(open_page, sites, where):
    page = open_page(search_url(sites[where]))

    assert search(page, "召回") == ["多兴趣召回", "YouTube DNN"]  # the title match first
    assert page.locator(".search-status").text_content() == "Notes matching “召回”: 2"
    first = page.locator("li.search-result").first
    assert first.locator("a mark").text_content() == "召回"
    assert first.locator(".search-result-category").text_content() == "推荐系统"

    assert search(page, "注意力") == ["Attention Is All You Need"]  # not 多兴趣召回, with 注意 but no 意力
    assert page.locator(".search-result-snippet mark").first.text_content() == "注意力"

    titles = search(page, "CLIP 对比学习")
    assert titles[0] == "CLIP" and sorted(titles[1:]) == ["SimCLR", "ViT"]  # both words beat either one

    titles = search(page, "Transf")  # a prefix, in any case
    assert titles[0] == "Transfer Learning Survey" and sorted(titles[1:]) == ["Attention Is All You Need", "ViT"]
    assert page.locator(".search-result-snippet mark", has_text="Transformer").count() == 2

    assert search(page, "注意事项") == []  # 注意 is in two notes, 意事 and 事项 in none
    assert search(page, "量子计算") == []
    assert page.locator(".search-status").text_content() == "No notes match “量子计算”."

    site = sites[where]
    assert page.requests and all(url.startswith(site) for url in page.requests), page.requests


@pytest.mark.parametrize("where", ["file", "http"])
def test_the_header_box_opens_the_search_page_with_the_results(open_page, sites, where):
    page = open_page(sites[where] + ("index.html" if where == "file" else ""))
    page.get_by_role("searchbox", name="Search").fill("召回")
    page.keyboard.press("Enter")
    assert shown_titles(page, "召回") == ["多兴趣召回", "YouTube DNN"]
    assert page.get_by_role("searchbox", name="Search").last.input_value() == "召回"
    assert all(url.startswith(sites[where]) for url in page.requests)


def test_arrow_keys_move_through_the_results_enter_opens_and_escape_clears(open_page, sites):
    page = open_page(search_url(sites["file"], "召回"))
    shown_titles(page, "召回")
    box = page.locator("#search-page-input")
    box.focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "多兴趣召回"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "YouTube DNN"
    page.keyboard.press("ArrowDown")  # stays on the last one
    assert page.evaluate("document.activeElement.textContent") == "YouTube DNN"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-page-input"

    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert box.input_value() == ""
    assert page.locator("li.search-result").count() == 0
    assert page.locator(".search-status").text_content() == ""
    assert page.evaluate("document.activeElement.id") == "search-page-input"

    box.fill("召回")
    shown_titles(page, "召回")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/duo-xing-qu-zhao-hui/index.html")
    assert page.locator("h1").text_content() == "多兴趣召回"


def test_the_search_page_is_labelled_and_announces_the_count(open_page, sites):
    page = open_page(search_url(sites["http"], "ViT"))
    shown_titles(page, "ViT")
    assert page.get_by_role("searchbox", name="Search").count() == 2  # the header box and the page's
    assert page.locator(".search-status").get_attribute("aria-live") == "polite"
    assert page.get_by_role("status").text_content() == "Notes matching “ViT”: 1"
    assert page.locator("ol.search-results > li").count() == 1


def read_corpus(folder: Path) -> list[SearchDoc]:
    """The standard corpus as the index sees it: front matter title and category, Markdown crudely stripped."""
    docs = []
    for path in sorted(folder.glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        body = re.sub(r"```.*?```|\$\$.*?\$\$", " ", body, flags=re.S)
        body = re.sub(r"!?\[([^\]]*)\]\([^)]*\)|<!--.*?-->|[#*`>|$_-]+", r" \1 ", body)
        docs.append(SearchDoc(path.name, str(meta["title"]), f"{path.stem}/", meta["categories"][0], body))
    return docs


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    if not GEN_CORPUS.exists():
        pytest.skip(f"no corpus generator at {GEN_CORPUS}")
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), str(folder / "content"), "--notes", "1000", "--flavor", "plain"],
        check=True,
        capture_output=True,
    )
    docs = read_corpus(folder / "content")
    return docs, write_site(folder / "site", docs, note_pages=False).as_uri() + "/"


def test_a_thousand_notes_of_the_standard_corpus(open_page, corpus_site):
    docs, site = corpus_site
    page = open_page(search_url(site))

    note = docs[123]
    assert search(page, note.title)[0] == note.title

    containing = [doc for doc in docs if "召回" in unicodedata.normalize("NFKC", doc.title + " " + doc.text)]
    assert containing
    search(page, "召回")  # two characters: one bigram, so the count is exact
    assert page.locator(".search-status").text_content() == f"Notes matching “召回”: {len(containing)}"
    assert page.locator("li.search-result").count() == 10
    assert page.locator("li.search-result mark").count() >= 10
    page.get_by_role("button", name="More results").click()
    page.wait_for_function("document.querySelectorAll('li.search-result').length === 20")
    eleventh = page.locator("a.search-result-title").nth(10).text_content()
    assert page.evaluate("document.activeElement.textContent") == eleventh  # focus moves to the first new one


def test_without_javascript_the_search_page_says_it_needs_it(sites):
    """Chromium under Playwright still parses <noscript> as if scripts ran, so read the page itself."""
    html = Path(unquote(urlparse(search_url(sites["file"])).path)).read_text(encoding="utf-8")
    assert '<noscript><p class="search-noscript">Search needs JavaScript.</p></noscript>' in html


RUN_QUERY = """async (query) => {
  const list = document.querySelector('ol.search-results');
  const done = new Promise(resolve => list.addEventListener('notes-search:results', resolve, {once: true}));
  const input = document.querySelector('#search-page-input');
  input.value = query;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  await done;
  return Array.from(list.querySelectorAll('a.search-result-title'), link => link.textContent);
}"""


def test_every_note_is_found_by_its_own_text_whatever_the_script(open_page, tmp_path):
    """The browser splits a query into terms the way the index split the note: any mix of scripts."""
    alphabet = "abcXYZ019 .,-_'é ßΩжд 召回注意力学习 の カタカナ 한국어 ＣＬＩＰ１ ｶﾀ 𠮷𩸽 々〇 ー ﬁ ① ™ 🙂 \u3000"
    rng = random.Random(20240611)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))).strip() for _ in range(40)]
    texts = [text for text in dict.fromkeys(texts) if text]
    docs = [SearchDoc(f"{i:02}.md", f"title {i:02}", f"n{i:02}/", "", text) for i, text in enumerate(texts)]
    page = open_page(search_url(write_site(tmp_path / "site", docs, note_pages=False).as_uri() + "/"))
    missed = []
    for doc in docs:
        titles = page.evaluate(RUN_QUERY, doc.text)
        has_terms = re.search(r"[^\W_]", unicodedata.normalize("NFKC", doc.text))
        if has_terms and doc.title not in titles:
            missed.append((doc.text, titles))
    assert missed == []
