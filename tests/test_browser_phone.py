"""In Chromium, on a 390×844 phone and a 1366×900 desktop, light and dark: the first screen shows the
content (the menu folds behind a button), a note shows its title before its contents, the reading list
and the map fit, and nothing moves once the page has loaded. Positions are measured, not eyeballed."""

from pathlib import Path

import pytest
from conftest import SiteFolder, copy_example_site

from notes_site.build import BuildOptions, build_site

pytestmark = pytest.mark.browser

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
SCHEMES = ["light", "dark"]
MENU = ["Home", "Tags", "Categories", "Archives", "Papers", "Graph", "About"]  # the example site adds About
NOTE = "2024/01/24/clip/index.html"

# What moved since the page started loading (buffered layout-shift entries, as Chromium counts them for
# CLS), outside a note's text: there, a display formula grows when the math font arrives (math.css's
# business, not the page frame's).
LAYOUT_SHIFT = """() => new Promise(done => {
  const moved = [];
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) for (const source of entry.sources) {
      const node = source.node && (source.node.nodeType === 1 ? source.node : source.node.parentElement);
      if (!node || !node.closest('.post-body')) moved.push(node ? node.outerHTML.slice(0, 80) : '?');
    }
  }).observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => done(moved)));
})"""
RECT = "e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height} }"


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """The example site in its own folder (its map and note are the ones measured here)."""
    root = copy_example_site(tmp_path_factory.mktemp("example-phone"))
    report = build_site(BuildOptions(site_root=root))
    assert report.errors == [], report.problems
    return root / "public"


def open_page(browser, public: Path, path: str, screen: str, scheme: str, **options):
    page = browser.new_page(viewport=SCREENS[screen], color_scheme=scheme, **options)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((public / path).as_uri())
    page.wait_for_load_state("load")
    return page, errors


def visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_the_home_page_shows_notes_first_and_a_menu_in_the_origin_order(browser, public, screen, scheme):
    page, errors = open_page(browser, public, "index.html", screen, scheme)
    try:
        assert page.evaluate(LAYOUT_SHIFT) == []
        button = page.locator(".menu-toggle")
        first_card = page.locator("main .post-block").first.evaluate(RECT)
        if screen == "phone":
            header = page.locator(".site-header").evaluate(RECT)
            assert header["h"] <= 80, header  # NexT's bar is about 75 px
            assert first_card["y"] < 100
            assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
            assert button.evaluate("b => b.tagName") == "BUTTON"
            assert page.locator("#" + button.get_attribute("aria-controls")).count() == 1
            assert button.evaluate(RECT)["w"] >= 44 and button.evaluate(RECT)["h"] >= 44
            assert not visible(page, ".site-nav") and not visible(page, "#site-search")
            button.focus()
            page.keyboard.press("Enter")  # a keyboard opens it
            assert button.get_attribute("aria-expanded") == "true"
            assert visible(page, ".site-nav") and visible(page, "#site-search")
            page.locator(".site-nav a").first.focus()
            page.keyboard.press("Escape")  # and closes it, back on the button
            assert button.get_attribute("aria-expanded") == "false" and not visible(page, ".site-nav")
            assert page.evaluate("document.activeElement.className") == "menu-toggle"
            button.click()
        else:
            assert not button.is_visible()
            assert visible(page, ".site-nav")
        assert page.locator(".site-nav .menu-item a").all_inner_texts() == MENU

        # an excerpt's headings stay smaller than its card's title
        sizes = page.eval_on_selector_all(
            "main .post-block",
            """cards => cards.map(card => [
                parseFloat(getComputedStyle(card.querySelector('.post-title')).fontSize),
                [...card.querySelectorAll('.post-body :is(h1, h2, h3, h4, h5, h6)')]
                    .map(h => parseFloat(getComputedStyle(h).fontSize))])""",
        )
        headings = [(title, size) for title, heads in sizes for size in heads]
        assert headings and all(size <= 0.85 * title for title, size in headings), headings

        # dates: the full time in a title, a dotted underline
        time = page.locator(".post-meta time").first
        assert time.get_attribute("title").startswith("Created: " + time.inner_text() + " ")
        assert time.evaluate("t => getComputedStyle(t).textDecorationStyle") == "dotted"
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_a_note_shows_its_title_then_its_contents_and_marks_the_section_being_read(browser, public, screen, scheme):
    page, errors = open_page(browser, public, NOTE, screen, scheme)
    try:
        assert page.evaluate(LAYOUT_SHIFT) == []
        title = page.locator("main .post-title").evaluate(RECT)
        body = page.locator("main .post-body").evaluate(RECT)
        if screen == "phone":
            assert title["y"] < 120  # right under the bar (it was at 455 of 844)
            toc = page.locator(".post-toc-inline").evaluate(RECT)
            assert title["y"] + title["h"] <= toc["y"] < body["y"]
            assert not visible(page, ".post-toc-sidebar")
            page.locator(".post-toc-inline summary").click()
            toc_links = ".post-toc-inline a"
        else:
            toc = page.locator(".post-toc-sidebar").evaluate(RECT)
            assert toc["x"] + toc["w"] <= title["x"]  # in the sidebar, left of the note
            assert not visible(page, ".post-toc-inline")
            toc_links = ".post-toc-sidebar a"

        before = page.eval_on_selector_all(toc_links, f"links => links.map({RECT})")
        hrefs = page.eval_on_selector_all(toc_links, "links => links.map(a => a.getAttribute('href'))")
        for href in (hrefs[1], hrefs[-1]):
            page.evaluate("id => document.getElementById(decodeURIComponent(id)).scrollIntoView()", href[1:])
            page.wait_for_function(
                "([sel, href]) => document.querySelector(sel + '[href=\"' + href + '\"]')"
                ".getAttribute('aria-current') === 'location'",
                arg=[toc_links, href],
            )
            current = page.eval_on_selector_all(
                f"{toc_links}[aria-current]", "links => links.map(a => a.getAttribute('href'))"
            )
            assert current == [href]
        page.evaluate("window.scrollTo(0, 0)")
        after = page.eval_on_selector_all(toc_links, f"links => links.map({RECT})")
        assert after == before  # the highlight moves nothing
        assert errors == []
    finally:
        page.close()


def test_a_note_opened_at_a_section_marks_that_section(browser, public):
    page = browser.new_page(viewport=SCREENS["desktop"])
    try:
        page.goto((public / NOTE).as_uri())
        hrefs = page.eval_on_selector_all(".post-toc-sidebar a", "links => links.map(a => a.getAttribute('href'))")
        page.goto((public / NOTE).as_uri() + hrefs[1])
        page.wait_for_function(
            "href => document.querySelector('.post-toc-sidebar a[href=\"' + href + '\"]')"
            ".getAttribute('aria-current') === 'location'",
            arg=hrefs[1],
        )
    finally:
        page.close()


# Records every read of a position or size made by the page's scripts before the load event, outside
# the callbacks of an IntersectionObserver or ResizeObserver (which the browser calls with the layout
# already done). Such a read forces the layout of the whole page, formulas and all, in the script's own
# task: on a phone that task blocks the first taps (Lighthouse's blocking time).
LAYOUT_READS = """(() => {
  const reads = window.__layoutReads = [];
  let inObserver = 0;
  const record = name => { if (!inObserver && document.readyState !== 'complete') reads.push(name); };
  const wrapMethod = (proto, name) => {
    const original = proto[name];
    proto[name] = function (...args) { record(name); return original.apply(this, args); };
  };
  const wrapGetter = (proto, name) => {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    Object.defineProperty(proto, name, {...descriptor, get() { record(name); return descriptor.get.call(this); }});
  };
  ['getBoundingClientRect', 'getClientRects'].forEach(name => wrapMethod(Element.prototype, name));
  ['scrollWidth', 'scrollHeight', 'scrollLeft', 'scrollTop', 'clientWidth', 'clientHeight']
    .forEach(name => wrapGetter(Element.prototype, name));
  ['offsetWidth', 'offsetHeight', 'offsetTop', 'offsetLeft', 'innerText']
    .forEach(name => wrapGetter(HTMLElement.prototype, name));
  for (const name of ['IntersectionObserver', 'ResizeObserver']) {
    const Original = window[name];
    window[name] = function (callback, options) {
      return new Original((...args) => { inObserver++; try { callback(...args); } finally { inObserver--; } }, options);
    };
  }
})()"""


@pytest.mark.parametrize("path", [NOTE, "graph/index.html"])
def test_the_themes_scripts_read_no_position_while_the_page_loads(browser, public, path):
    page = browser.new_page(viewport=SCREENS["phone"])
    try:
        page.add_init_script(LAYOUT_READS)
        page.goto((public / path).as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("window.__layoutReads") == []
    finally:
        page.close()


def test_a_map_wider_than_a_phone_starts_scrolled_to_its_middle(browser, public):
    page, errors = open_page(browser, public, "graph/index.html", "phone", "light")
    try:
        figure = page.locator("main .graph-figure")
        page.wait_for_function("f => f.scrollLeft > 0", arg=figure.element_handle())
        width, visible_width, left = figure.evaluate("f => [f.scrollWidth, f.clientWidth, f.scrollLeft]")
        assert abs(left - (width - visible_width) / 2) <= 1
        assert errors == []
    finally:
        page.close()


def test_heading_anchors_show_on_a_touch_screen(browser, public):
    page, errors = open_page(browser, public, NOTE, "phone", "light", has_touch=True, is_mobile=True)
    try:
        assert page.evaluate("matchMedia('(hover: none)').matches")
        opacities = page.eval_on_selector_all(
            ".post-body .header-anchor", "a => a.map(e => getComputedStyle(e).opacity)"
        )
        assert opacities and set(opacities) == {"1"}
    finally:
        page.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_the_reading_list_fits_the_screen_and_says_its_order(browser, public, screen, scheme):
    page, errors = open_page(browser, public, "papers/index.html", screen, scheme)
    try:
        assert page.evaluate(LAYOUT_SHIFT) == []
        width = SCREENS[screen]["width"]
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        wrap = page.locator(".table-wrap").evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert wrap[0] <= wrap[1]  # no sideways scrolling inside the list either
        for column in ("rl-status", "rl-note", "rl-title"):
            cells = page.eval_on_selector_all(f"tbody td.{column}:not(:empty)", f"cells => cells.map({RECT})")
            assert cells and all(0 <= c["x"] and c["x"] + c["w"] <= width and c["w"] > 0 for c in cells), column

        order = page.locator("#papers-order")
        assert order.inner_text() == "Newest note first. Choose a column heading to sort by it."
        assert page.locator("th", has_text="Note").get_attribute("aria-sort") == "descending"
        dates = page.eval_on_selector_all("tbody td.rl-note", "cells => cells.map(c => c.dataset.value)")
        assert dates == sorted(dates, reverse=True)  # what the sentence says is true
        page.get_by_role("button", name="Year").click()
        assert order.inner_text() == "Sorted by Year, ascending."
        page.get_by_role("button", name="Note").click()
        assert order.inner_text() == "Sorted by Note, ascending."
        dates = page.eval_on_selector_all("tbody td.rl-note", "cells => cells.map(c => c.dataset.value)")
        assert dates == sorted(dates)
        assert errors == []
    finally:
        page.close()


MAP_CHECK = """() => {
  const svg = document.querySelector('svg.graph-map');
  const box = e => e.getBoundingClientRect();
  const hit = (a, b) => !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top);
  const nodes = [...svg.querySelectorAll('a')].map(a => ({
    dot: box(a.querySelector('circle')), label: a.querySelector('.graph-label'), href: a.getAttribute('href')}));
  const labels = nodes.filter(n => n.label).map(n => box(n.label));
  const clashes = [];
  labels.forEach((a, i) => labels.forEach((b, j) => { if (i < j && hit(a, b)) clashes.push([i, j]); }));
  nodes.forEach(n => nodes.forEach(m => {
    if (n !== m && m.label && hit(n.dot, box(m.label))) clashes.push([n.href, m.label.textContent]);
  }));
  const divider = svg.querySelector('.graph-divider');
  return {
    labelled: labels.length, nodes: nodes.length, clashes,
    fontPx: Math.min(...nodes.filter(n => n.label).map(n => parseFloat(getComputedStyle(n.label).fontSize)))
      * box(svg).width / svg.viewBox.baseVal.width,
    divider: divider ? box(divider).y : null,
    dots: nodes.map(n => ({href: n.href, top: n.dot.top, bottom: n.dot.bottom})),
  };
}"""


def notes_without_links() -> list[str]:
    """The example site's notes that link to no note and that no note links to, as site paths."""
    import tempfile

    from notes_site.build import BuildReport, gather, read_inputs
    from notes_site.output.cache import BuildCache

    with tempfile.TemporaryDirectory() as scratch:
        site = copy_example_site(Path(scratch))
        report = BuildReport()
        graph = gather(read_inputs(site, report), BuildOptions(site_root=site), BuildCache(), report).plan.cards.graph()
    return sorted(node.path for node in graph.nodes if not graph.neighbours[node.key])


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_the_map_labels_every_note_without_overlaps_and_sets_unlinked_notes_apart(browser, public, screen, scheme):
    page, errors = open_page(browser, public, "graph/index.html", screen, scheme)
    try:
        assert page.evaluate(LAYOUT_SHIFT) == []
        assert page.evaluate("document.scrollingElement.scrollWidth") <= SCREENS[screen]["width"]
        found = page.evaluate(MAP_CHECK)
        assert found["labelled"] == found["nodes"] == 15
        assert found["clashes"] == []
        assert found["fontPx"] >= 11.5  # as readable on a phone as on a desktop
        # the notes without links (no line in the neighbourhood of their page) sit under the divider
        unlinked = notes_without_links()
        below = sorted(dot["href"] for dot in found["dots"] if dot["top"] > found["divider"])
        above = [dot["href"] for dot in found["dots"] if dot["bottom"] < found["divider"]]
        assert unlinked and len(below) == len(unlinked) and len(above) == 15 - len(unlinked)
        assert all(any(href.startswith(f"../{path}") for href in below) for path in unlinked)
        assert errors == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def bare_site(tmp_path_factory) -> SiteFolder:
    """A site as `init` leaves it, no author, no description, with one note and no paper."""
    site = SiteFolder(tmp_path_factory.mktemp("bare"))
    site.settings('title: Bare\nauthor: ""\n')
    site.note("one.md", "title: One\ndate: 2024-05-01 10:00:00\ncategories: [ml]\ntags: [cv]")
    assert site.build().errors == []
    return site


def test_with_no_author_the_overview_card_has_no_blank_gap(browser, bare_site):
    page, errors = open_page(browser, bare_site.public, "index.html", "desktop", "light")
    try:
        card = page.locator(".site-overview").evaluate(RECT)
        counts = page.locator(".site-state").evaluate(RECT)
        padding = page.locator(".site-overview").evaluate("c => parseFloat(getComputedStyle(c).paddingTop)")
        assert counts["y"] - card["y"] <= padding + 0.5
        assert page.locator(".site-state .label").all_inner_texts() == ["post", "category", "tag"]
    finally:
        page.close()


def test_counts_of_one_are_singular_and_the_empty_reading_list_shows_code_not_backticks(bare_site):
    assert "1 note in total" in bare_site.page("archives/")
    assert '<p class="collection-count">1 category</p>' in bare_site.page("categories/")
    assert '<p class="collection-count">1 tag</p>' in bare_site.page("tags/")
    assert "1 note and 0 links between them" in bare_site.page("graph/")
    papers = bare_site.page("papers/")
    assert "No note has a <code>paper:</code> field yet." in papers and "`" not in papers


def test_without_javascript_the_phone_menu_stays_open(browser, public):
    context = browser.new_context(viewport=SCREENS["phone"], java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((public / "index.html").as_uri())
        assert not page.locator(".menu-toggle").is_visible()  # a button that could do nothing is not shown
        assert page.locator(".site-nav .menu-item a").all_inner_texts() == MENU
        assert page.locator(".site-nav").is_visible() and page.locator("#site-search").is_visible()
    finally:
        context.close()


def test_plural_forms_follow_each_language():
    from notes_site.pages.plurals import plural

    strings = {"archive_count": "{n} notes in total", "archive_count_one": "{n} note in total"}
    assert plural(strings, "en", "archive_count", 1) == "1 note in total"
    assert plural(strings, "en", "archive_count", 0) == "0 notes in total"
    assert plural(strings, "en", "archive_count", 2) == "2 notes in total"
    chinese = {**strings, "archive_count": "目前共计 {n} 篇日志"}  # English `_one` is merged below, unused
    assert plural(chinese, "zh-CN", "archive_count", 1) == "目前共计 1 篇日志"
