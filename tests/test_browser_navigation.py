"""A reader opens public/index.html straight from disk and clicks through the whole site."""

import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def public(example_public):
    return example_public


def open_page(browser, url, problems):
    page = browser.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("request", lambda req: req.url.startswith(("http:", "https:")) and problems.append(f"request: {req.url}"))
    page.goto(url)
    return page


def test_every_page_is_reachable_by_clicking_from_the_home_page_on_disk(browser, public):
    problems = []
    page = open_page(browser, (public / "index.html").as_uri(), problems)
    start = page.url
    seen, queue = {start}, [start]
    while queue:
        url = queue.pop()
        page.goto(url)
        assert "Index of" not in page.title(), f"{url} opened a folder listing instead of a page"
        assert page.locator("main").count() == 1, url
        # getAttribute, not a.href: the map's links are SVG <a> elements; the search box is a form
        targets = "els => els.map(a => new URL(a.getAttribute('href') || a.getAttribute('action'), location.href).href)"
        for href in page.eval_on_selector_all("a[href], form[action]", targets):
            target = href.split("#")[0]
            if target.endswith(".bib"):  # BibTeX downloads, not pages
                assert Path(url2pathname(urlsplit(target).path)).is_file(), target
                continue
            if target.startswith("file://") and target not in seen:
                seen.add(target)
                queue.append(target)
    built = {  # an old address (a redirect page) is for links from elsewhere, not from the site
        p.as_uri() for p in public.rglob("index.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    }
    reached = {u for u in seen if u.endswith(".html")}
    assert built - reached == set(), f"pages no link leads to: {sorted(built - reached)[:5]}"
    assert problems == []


def test_the_mae_figure_shows_on_the_home_page(browser, public):
    problems = []
    page = open_page(browser, (public / "index.html").as_uri(), problems)
    image = page.locator("img[alt*='MAE']")
    assert image.count() == 1
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_read_more_and_pagination_by_clicking(browser, public):
    problems = []
    page = open_page(browser, (public / "index.html").as_uri(), problems)
    page.get_by_role("link", name=re.compile("^Read more »")).first.click()
    assert page.locator("h1").first.inner_text().strip() == "多兴趣召回"
    assert "dynamic routing" in page.locator("main").inner_text()
    page.go_back()
    page.locator("a[rel=next]").first.click()
    assert "Training language models to follow instructions" in page.locator("main").inner_text()
    assert problems == []
