"""In Chromium, the formula gallery (tests/fixtures/math-gallery, 169 formulas of ML papers) is
typeset the way TeX and KaTeX set it, checked by geometry rather than by eye: display formulas
centred, `=` of aligned rows at one x, numbers at the right margin, a gap after `log`, both bars
of a norm the same height, limits under their operator in display. One page load measures all."""

import gzip
import shutil
from pathlib import Path

import pytest
from test_lighthouse import serving  # the gzipped static server Lighthouse scores pages on

from notes_site.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent
GALLERY = REPO / "tests" / "fixtures" / "math-gallery"
FIRST_ROUND_TRIP = 10 * 1460  # bytes a server sends before the phone's first acknowledgement (RFC 6928)

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const box = (e) => e.getBoundingClientRect();
  const shown = (e) => e.closest("math").textContent.slice(0, 60);  // names the formula in a failure
  const out = {centred: [], aligned: [], numbers: [], gaps: [], norms: [], limits: [], inlineLimits: [], count: 0};
  const displays = [...document.querySelectorAll('.post-body .math.display')];
  out.count = document.querySelectorAll('.post-body math').length;
  for (const display of displays) {
    const math = display.querySelector('math');
    const content = math.firstElementChild;
    const table = math.querySelector('mtable.eqn-table');
    if (!table && display.scrollWidth <= display.clientWidth) {
      const a = box(display), b = box(content);
      out.centred.push({formula: shown(math), offset: (b.left + b.right) / 2 - (a.left + a.right) / 2});
    }
    for (const number of math.querySelectorAll('mtd.eqn-num mtext')) {
      out.numbers.push({formula: shown(math), text: number.textContent, gap: box(display).right - box(number).right});
    }
  }
  for (const table of document.querySelectorAll('.post-body mtable')) {
    if (table.parentElement.closest('mtable')) continue;
    const xs = [];
    for (const row of table.children) {
      const left = row.querySelector(':scope > mtd.col-l');
      const relation = left && [...left.querySelectorAll('mo')].find((mo) => /^[=≈≥≤←]$/.test(mo.textContent));
      if (relation) xs.push(box(relation).left);
    }
    if (xs.length > 1) out.aligned.push({formula: shown(table), xs});
  }
  for (const applied of document.querySelectorAll('.post-body mo')) {
    if (applied.textContent !== '\\u2061' || applied.getAttribute('rspace') === '0em') continue;
    const name = applied.previousElementSibling, argument = applied.nextElementSibling;
    const leaves = [...argument.querySelectorAll('*')].concat([argument]);
    const first = leaves.find((e) => !e.children.length && e.textContent.trim());
    const base = /^m(sub|sup|subsup|under|over|underover)$/.test(name.tagName) ? name.children[0] : name;
    out.gaps.push({formula: shown(applied), name: base.textContent,
      gap: box(first || argument).left - box(name).right});
  }
  for (const math of document.querySelectorAll('.post-body math')) {
    const bars = [...math.querySelectorAll('mo')]
      .filter((mo) => mo.textContent === '‖' && mo.getAttribute('stretchy') === 'false');
    for (let i = 0; i + 1 < bars.length; i += 2) {
      out.norms.push({formula: shown(math), heights: [box(bars[i]).height, box(bars[i + 1]).height]});
    }
  }
  for (const under of document.querySelectorAll('.post-body munder, .post-body munderover')) {
    const base = under.children[0], limit = under.children[1];
    if (base.tagName !== 'mo') continue;
    const b = box(base), l = box(limit);
    const entry = {formula: shown(under), name: base.textContent, baseBottom: b.bottom, limitTop: l.top,
                   limitCentre: (l.left + l.right) / 2, baseLeft: b.left, baseRight: b.right, limitLeft: l.left};
    // display style (a display formula, not inside a fraction or a script) sets limits under
    (getComputedStyle(under).mathStyle === 'normal' ? out.limits : out.inlineLimits).push(entry);
  }
  return out;
}"""


# math.css lays out a display formula only when it comes near the screen (content-visibility); the
# geometry is measured with every formula laid out, as a reader scrolling through sees them
EVERY_FORMULA_LAID_OUT = ".math.display { content-visibility: visible !important; }"


@pytest.fixture(scope="module")
def gallery(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gallery")
    shutil.copytree(GALLERY, root, dirs_exist_ok=True)
    report = build_site(BuildOptions(site_root=root))
    assert report.errors == [] and report.warnings == [], report.problems  # every formula of it typesets
    return root / "public"


@pytest.fixture(scope="module")
def measured(browser, gallery):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    fonts = []
    page.on("request", lambda request: fonts.append(request.url) if request.url.endswith(".woff2") else None)
    page.goto((gallery / "gallery/index.html").as_uri())
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate("document.fonts.check('16px \"Latin Modern Math\"')")
    page.add_style_tag(content=EVERY_FORMULA_LAID_OUT)
    result = page.evaluate(MEASURE)
    page.close()
    return result, fonts, loaded


def test_the_gallery_has_at_least_150_formulas_and_loads_the_math_font(measured):
    result, fonts, loaded = measured
    assert result["count"] >= 150
    # one file, cut to the gallery's characters (test_math_font.py), loaded from disk too
    assert [url.rsplit("/", 1)[1] for url in fonts] == ["latinmodern-math.woff2"] and loaded


def test_display_formulas_are_centred_in_their_box(measured):
    centred = measured[0]["centred"]
    assert len(centred) > 100
    off = [(round(c["offset"], 1), c["formula"][:60]) for c in centred if abs(c["offset"]) > 2]
    assert off == []


def test_the_relations_of_aligned_rows_stand_at_one_x(measured):
    aligned = measured[0]["aligned"]
    assert len(aligned) >= 8
    crooked = [(t["formula"][:60], t["xs"]) for t in aligned if max(t["xs"]) - min(t["xs"]) > 1]
    assert crooked == []


def test_equation_numbers_sit_at_the_right_margin_and_count_through_the_note(measured):
    numbers = measured[0]["numbers"]
    assert [n["text"] for n in numbers][:3] == ["(1)", "(2)", "(3)"]
    assert "(ELBO)" in [n["text"] for n in numbers] and "(7)" in [n["text"] for n in numbers]
    assert [n for n in numbers if abs(n["gap"]) > 2] == []


def test_a_function_name_stands_apart_from_its_argument(measured):
    gaps = measured[0]["gaps"]
    assert {"log", "exp", "sin", "max"} <= {g["name"] for g in gaps}
    glued = [(g["name"], round(g["gap"], 2), g["formula"][:50]) for g in gaps if g["gap"] < 1.5]
    assert glued == []


def test_both_bars_of_a_norm_are_the_same_height(measured):
    norms = measured[0]["norms"]
    assert len(norms) >= 20
    lopsided = [(n["formula"][:50], n["heights"]) for n in norms if abs(n["heights"][0] - n["heights"][1]) > 0.5]
    assert lopsided == []


def test_display_limits_go_under_their_operator_and_others_beside_it(measured):
    limits, inline = measured[0]["limits"], measured[0]["inlineLimits"]
    assert {"max", "min", "lim", "∑", "argmax", "arg\u2009max"} & {entry["name"] for entry in limits} >= {
        "max",
        "lim",
        "∑",
    }
    beside = [
        (e["name"], e["formula"][:50])
        for e in limits
        if e["limitTop"] < e["baseBottom"] - 1 or not e["baseLeft"] - 1 <= e["limitCentre"] <= e["baseRight"] + 1
    ]
    assert beside == []
    # in a line of text ($\max_x f(x)$) or in a fraction, as TeX does
    assert inline and [(e["name"], e["formula"][:50]) for e in inline if e["limitLeft"] < e["baseRight"] - 1] == []


def test_on_a_phone_a_wide_formula_scrolls_in_its_own_labelled_focusable_box(browser, gallery):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto((gallery / "gallery/index.html").as_uri())
    page.add_style_tag(content=EVERY_FORMULA_LAID_OUT)
    boxes = page.eval_on_selector_all(
        ".post-body .math.display",
        """boxes => boxes.map(b => ({wide: b.scrollWidth > b.clientWidth + 1, tab: b.tabIndex,
            role: b.getAttribute('role'), label: b.getAttribute('aria-label'),
            inside: b.getBoundingClientRect().right <= document.documentElement.clientWidth}))""",
    )
    page.close()
    wide = [b for b in boxes if b["wide"]]
    assert wide, "the gallery's wide formula should be wider than a phone"
    assert all(b["tab"] == 0 and b["role"] == "group" and b["label"] for b in boxes)
    assert all(b["inside"] for b in boxes)  # the page itself does not scroll sideways


def test_a_formula_off_screen_is_laid_out_when_the_reader_scrolls_to_it(browser, gallery):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto((gallery / "gallery/index.html").as_uri())
    last = "[...document.querySelectorAll('.post-body math')].at(-1)"
    rendered = f"() => {last}.checkVisibility({{contentVisibilityAuto: true}})"
    waiting = page.evaluate(rendered)
    page.evaluate(f"{last}.scrollIntoView()")
    page.wait_for_function(rendered, timeout=5000)  # typeset once in view
    page.close()
    assert not waiting  # skipped while far below


def test_the_first_formulas_are_laid_out_a_few_per_frame_and_nothing_on_screen_moves(browser, gallery):
    """math.css: the first 30 display formulas hold 10em until laid out, so the first frame lays out
    only those of the first screen and the next frames the rest, as each gives back its extra room."""
    page = browser.new_page(viewport={"width": 412, "height": 823})  # Lighthouse's phone
    page.add_init_script("""
      window.shifts = 0;
      new PerformanceObserver(list => { for (const entry of list.getEntries()) window.shifts += entry.value; })
        .observe({type: 'layout-shift', buffered: true});
      window.shownPerFrame = [];
      const count = () => {
        const shown = [...document.querySelectorAll('.post-body .math.display math')]
          .filter(m => m.checkVisibility({contentVisibilityAuto: true})).length;
        if (shown) window.shownPerFrame.push(shown);
        if (window.shownPerFrame.length < 12) requestAnimationFrame(count);
      };
      requestAnimationFrame(count);
    """)
    with serving(gallery) as site:  # over http, as a reader gets it: the font preloaded (from disk it swaps in)
        page.goto(site + "gallery/")
        page.wait_for_function("window.shownPerFrame.length >= 12")
        laid_out, shifts = page.evaluate("[window.shownPerFrame, window.shifts]")
    placeholder, later = page.evaluate("""() => {
      const displays = [...document.querySelectorAll('.post-body > .math.display')];
      return [displays[29], displays[30]].map(d => getComputedStyle(d).containIntrinsicBlockSize);
    }""")
    page.close()
    assert (placeholder, later) == ("auto 160px", "auto 40px")  # 10em and 2.5em of the 16px text
    # formulas laid out by each frame, counted at its start: with 2.5em everywhere, 22 in the first
    in_this_frame = [now - before for before, now in zip([0, *laid_out], laid_out, strict=False)]
    assert max(in_this_frame) <= 10 and laid_out[-1] >= 20, laid_out
    assert shifts == 0


def test_copying_a_formula_copies_the_symbols_it_shows(browser, gallery):
    """docs/papers.md: the page does not repeat the TeX, and nothing a reader copies ever held it."""
    page = browser.new_page()
    page.goto((gallery / "gallery/index.html").as_uri())
    copied = page.evaluate("""() => {
      const formula = document.querySelector('.post-body .math.display math');
      const range = document.createRange();
      range.selectNode(formula);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      return getSelection().toString();
    }""")
    page.close()
    assert "".join(copied.split()).startswith("ℒCE=−∑") and "\\" not in copied  # \mathcal{L}_{\mathrm{CE}} = -\sum
    assert "<annotation" not in (gallery / "gallery" / "index.html").read_text(encoding="utf-8")


def test_the_gallery_page_reaches_a_phone_in_the_first_round_trip(gallery):
    """170 formulas, gzipped as hosts serve them: within the congestion window a server starts with."""
    page = (gallery / "gallery" / "index.html").read_bytes()
    assert len(gzip.compress(page, 6)) <= FIRST_ROUND_TRIP


def test_in_the_dark_scheme_formulas_are_light_and_diagrams_sit_on_a_light_backdrop(browser, gallery):
    page = browser.new_page(color_scheme="dark")
    page.goto((gallery / "gallery/index.html").as_uri())
    colours = page.evaluate(
        """() => ({math: getComputedStyle(document.querySelector('.post-body math')).color,
                  card: getComputedStyle(document.querySelector('.post-body')).backgroundColor,
                  image: getComputedStyle(document.querySelector('.post-body img')).backgroundColor})"""
    )
    page.close()

    def lightness(css: str) -> float:
        red, green, blue = (int(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
        return (red + green + blue) / 3

    assert lightness(colours["math"]) > 180  # light text on the dark card
    assert lightness(colours["image"]) > 230  # the dark strokes of the diagram stay visible


def test_pages_without_math_load_no_font(browser, gallery):
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((gallery / "archives/index.html").as_uri())
    page.wait_for_load_state("networkidle")
    page.close()
    assert any(url.endswith("main.css") for url in requests)  # the page loaded, styles and all
    assert [url for url in requests if url.endswith((".woff2", ".woff", ".ttf", ".otf", "math.css"))] == []
