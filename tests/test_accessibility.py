"""A reader with a screen reader, a keyboard or weak eyes can use every kind of page, in light and
dark colour schemes alike: axe-core finds nothing serious on them in Chromium."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser

PAGES = {
    "home": "index.html",
    # the CLIP note has math, code, a table, a paper card, a TOC, backlinks and a neighbourhood map
    "note": "2024/01/24/clip/index.html",
    "archive": "archives/index.html",
    "tags": "tags/index.html",
    "tag": "tags/duo-mo-tai/index.html",
    "papers": "papers/index.html",
    "graph": "graph/index.html",
    "search": "search/index.html",  # built while search is on; opened with results for ?q=clip
    "not found": "404.html",
}
BLOCKING = ("serious", "critical")
# The pages a reader meets first (issue 19): no violation of any impact, minor and moderate included.
SPOTLESS = {"home", "note", "papers", "graph", "search"}
# WCAG 2.2 A and AA, which axe's defaults leave partly off (target-size), and axe's best practices.
RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
# On a phone the sidebar folds above the note and wide formulas, code and tables scroll.
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 800}}


def axe_or_skip():
    in_ci = os.environ.get("CI", "").lower() == "true"
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        if in_ci:
            raise
        pytest.skip("axe-playwright-python is not installed: pip install '.[test]'")
    return Axe()


@pytest.fixture(scope="module")
def public(example_public):
    return example_public


@pytest.fixture(scope="module")
def axe():
    return axe_or_skip()


def serve_from_site_root(page, public: Path) -> None:
    """The 404 page links from the site root (a server shows it at any address); on disk, the
    root is the output folder."""

    def fulfil(route):
        path = Path(unquote(urlparse(route.request.url).path))
        target = public / path.relative_to("/")
        if not path.is_relative_to(public) and target.is_file():
            route.fulfill(path=target)
        else:
            route.continue_()

    page.route("file:///**", fulfil)


def describe(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        lines.append(f"    {' '.join(node['target'])}    {node['html'][:100]}")
        lines.append(f"      {' '.join(node.get('failureSummary', '').split())}")
    return "\n".join(lines)


def open_as_a_reader(page, kind: str, public: Path) -> None:
    path = public / PAGES[kind]
    if kind == "not found":
        serve_from_site_root(page, public)
    if kind == "search":  # the page as a reader sees it once results are listed
        page.goto(path.as_uri() + "?q=clip")
        page.wait_for_selector(".search-results li")
    else:
        page.goto(path.as_uri())


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_nothing_serious_on_each_kind_of_page(browser, axe, public, kind, scheme, screen):
    if not (public / PAGES[kind]).is_file():
        pytest.skip(f"the example site has no {PAGES[kind]} yet")
    page = browser.new_page(color_scheme=scheme, viewport=SCREENS[screen])
    try:
        open_as_a_reader(page, kind, public)
        # No preload: axe would fetch the stylesheets with XHR, which Chromium refuses on file://.
        results = axe.run(page, options={"runOnly": RULES, "resultTypes": ["violations"], "preload": False})
    finally:
        page.close()

    blocking = [v for v in results.response["violations"] if kind in SPOTLESS or v["impact"] in BLOCKING]
    if blocking:
        pytest.fail(f"{PAGES[kind]}, {scheme} scheme, {screen} screen:\n" + "\n".join(map(describe, blocking)))


BOXES = """\
Notes brought from other tools keep their boxes.

> [!warning] Obsidian callout
> With **bold** text and a [link](https://example.org).

{% note info %}
A NexT note.
{% endnote %}

{{< notice success "A Hugo theme's notice" >}}
Its Markdown, with `code`.
{{< /notice >}}

{{< expand "A fold from a Hugo theme" >}}
Folded text.
{{< /expand >}}

{{< tabs "First" "Second" >}}
{{< tab >}}
One.
{{< /tab >}}
{{< tab >}}
Two.
{{< /tab >}}
{{< /tabs >}}

{{< callout-card >}}
A theme box notes-site does not know: a plain box, [with a link](https://example.org).
{{< /callout-card >}}

{% echarts 400 '90%' %}
{ series: [{ type: 'pie' }] }
{% endecharts %}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_boxes_brought_from_other_tools_are_readable_in_both_schemes(browser, axe, site, scheme):
    """Callouts, NexT notes, Hugo theme boxes, folds, tabs and a chart's source: no violation of any impact."""
    site.note("boxes.md", "title: Boxes\ndate: 2024-01-02", BOXES)
    report = site.build()
    assert report.errors == [], report.problems
    page = browser.new_page(color_scheme=scheme, viewport=SCREENS["phone"])
    try:
        page.goto((site.public / "2024/01/02/boxes/index.html").as_uri())
        shown = page.locator(
            ".callout-warning, .note-info, .callout-success, details.callout, .tabs, "
            ".shortcode-callout-card, code.language-echarts"
        )
        assert shown.count() == 7 and "{{" not in page.inner_text(".post-body")
        for fold in page.locator(".post-body details").all():  # what is folded is checked open too
            fold.evaluate("element => element.open = true")
        results = axe.run(page, options={"runOnly": RULES, "resultTypes": ["violations"], "preload": False})
    finally:
        page.close()
    violations = results.response["violations"]
    assert not violations, "\n".join(map(describe, violations))
