"""In Chromium: the reading list sorts and filters, the table of contents sits where a reader
looks for it, and formulas are typeset without any script."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def public(example_public):
    return example_public


def visible_column(page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "table.reading-list tbody tr:not([hidden])", f"rows => rows.map(r => r.cells[{index}].textContent.trim())"
    )


def test_the_reading_list_sorts_by_a_column_and_filters_by_text_and_status(browser, public):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((public / "papers/index.html").as_uri())
    assert len(visible_column(page, 0)) == 11

    page.get_by_role("button", name="Year").click()
    years = visible_column(page, 0)
    assert years == sorted(years) and years[0] == "2014"
    assert page.locator("th", has_text="Year").get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Year").click()
    assert visible_column(page, 0) == sorted(years, reverse=True)

    page.get_by_role("button", name="Title").click()
    titles = visible_column(page, 2)
    assert titles == sorted(titles, key=str.lower)

    page.get_by_label("Filter").fill("swin")
    assert visible_column(page, 2) == ["Swin Transformer: Hierarchical Vision Transformer using Shifted Windows"]
    assert page.locator("#papers-shown").text_content() == "1 of 11 shown"

    page.get_by_label("Filter").fill("kaiming cvpr")  # every word must match
    assert sorted(visible_column(page, 2)) == [
        "Deep Residual Learning for Image Recognition",
        "Masked Autoencoders Are Scalable Vision Learners",
    ]

    page.get_by_label("Filter").fill("")
    page.get_by_label("Status").select_option("to-read")
    assert visible_column(page, 5) == ["I3D Two-Stream Inflated 3D ConvNet"]
    page.get_by_label("Status").select_option("")
    assert len(visible_column(page, 0)) == 11
    assert errors == []


def test_without_javascript_the_reading_list_is_complete(public):
    html = (public / "papers/index.html").read_text(encoding="utf-8")
    assert html.count("<tr data-status=") == 11
    assert '<div class="papers-filters" hidden>' in html  # the controls appear only when they work


def test_the_table_of_contents_is_in_the_sidebar_when_wide_and_under_the_title_when_narrow(browser, public):
    note = (public / "2024/01/24/clip/index.html").as_uri()
    wide = browser.new_page(viewport={"width": 1280, "height": 900})
    wide.goto(note)
    toc, article = wide.locator(".post-toc-sidebar").bounding_box(), wide.locator("main article").bounding_box()
    assert toc["x"] + toc["width"] <= article["x"]  # to the left of the note
    wide.get_by_role("link", name="方法", exact=True).first.click()
    assert wide.evaluate("decodeURIComponent(location.hash)") == "#方法"

    narrow = browser.new_page(viewport={"width": 400, "height": 800})
    narrow.goto(note)
    title = narrow.locator("main .post-title").bounding_box()
    toc, body = narrow.locator(".post-toc-inline").bounding_box(), narrow.locator("main .post-body").bounding_box()
    assert title["y"] + title["height"] <= toc["y"] and toc["y"] + toc["height"] <= body["y"]  # title, contents, note


def test_formulas_are_typeset_as_mathml_by_the_browser_itself(browser, public):
    page = browser.new_page()
    page.goto((public / "2024/01/24/clip/index.html").as_uri())
    scripts = page.eval_on_selector_all("script[src]", "els => els.map(s => s.getAttribute('src'))")
    # the search box's and the theme's (menu button, contents highlight); nothing typesets math in the browser
    assert scripts == ["../../../../js/search.js", "../../../../js/theme.js"]
    fraction = page.locator("math[display=block] mfrac").first.bounding_box()
    assert fraction["height"] > 20  # laid out as a fraction, not a line of TeX source
