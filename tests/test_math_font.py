"""The math font a site ships holds the characters its formulas show, and only those (issue 16):
a reader on a phone fetches 20 to 50 KB instead of the whole font. The font follows the notes through
an incremental build and `notes-site serve`, and its brackets still stretch in Chromium."""

from __future__ import annotations

import io
import time

import pytest
from fontTools.ttLib import TTFont

from notes_site.build import BuildOptions, BuildSession, build_site
from notes_site.serve.live import patch_notes

FONT = "fonts/latinmodern-math.woff2"


def characters_of(path) -> set[str]:
    return {chr(code) for code in TTFont(io.BytesIO(path.read_bytes())).getBestCmap()}


def test_the_font_holds_the_characters_of_the_sites_formulas_and_no_others(site):
    loss = r"The loss $\mathcal{L} = \sum_i \lVert x_i \rVert + \log p$." "\n"
    site.note("loss.md", "title: Loss\ndate: 2024-01-02", loss)
    site.note("plain.md", "title: Plain\ndate: 2024-01-03", "No formulas, but ∫ and ℝ in the text.\n")
    assert site.build().errors == []
    shown = characters_of(site.public / FONT)
    assert {"ℒ", "∑", "‖", "=", "l", "o", "g"} <= shown  # l, o, g: the upright name of \log
    assert {"\U0001d465", "\U0001d456", "\U0001d45d"} <= shown  # 𝑥, 𝑖, 𝑝: a one-letter <mi> is drawn in italic
    assert not {"x", "i", "p"} & shown  # ... so its upright letter is never drawn
    assert "\u2061" not in shown  # the function application after \log is drawn as nothing
    assert not {"∫", "ℝ", "α", "\U0001d6fc"} & shown  # the prose's symbols are not the formulas'
    assert (site.public / FONT).stat().st_size < 30_000  # the whole font is 197 KB


def test_a_site_without_formulas_ships_no_font(site):
    site.note("plain.md", "title: Plain\ndate: 2024-01-03", "Just words.\n")
    assert site.build().errors == []
    assert not (site.public / FONT).exists()
    assert "math.css" not in site.page("2024/01/03/plain/")


def test_a_new_symbol_reaches_the_font_in_an_incremental_build_and_no_change_writes_nothing(site):
    note = site.note("loss.md", "title: Loss\ndate: 2024-01-02", "The loss $a + b$.\n")
    site.build()
    assert "∫" not in characters_of(site.public / FONT)
    note.write_text(note.read_text(encoding="utf-8") + "\nIts integral $\\int_0^1 a$.\n", encoding="utf-8")
    report = site.build()
    assert "∫" in characters_of(site.public / FONT) and report.files_copied == 1  # the font, rewritten
    again = site.build()
    assert again.pages_written == 0 and again.files_copied == 0


def test_in_serve_an_edit_with_a_new_symbol_rebuilds_the_font_and_one_without_does_not(site, tmp_path):
    note = site.note("loss.md", "title: Loss\ndate: 2024-01-02", "The loss $a + b$.\n")
    options = BuildOptions(site_root=site.root, cache_dir=tmp_path / "serve-cache", publish_with_errors=False)
    session = BuildSession()
    build_site(options, session)
    time.sleep(0.01)  # a new modification time, as an editor's save gives
    note.write_text(note.read_text(encoding="utf-8").replace("$a + b$", "$b + a$"), encoding="utf-8")
    assert patch_notes(session, [note]) is not None  # same characters: the quick path of serve
    note.write_text(note.read_text(encoding="utf-8").replace("$b + a$", "$a \\otimes b$"), encoding="utf-8")
    assert patch_notes(session, [note]) is None  # a character the font lacks: serve runs the full build
    build_site(options, session)
    assert "⊗" in characters_of(site.public / FONT)


@pytest.mark.browser
def test_from_disk_brackets_stretch_and_sums_grow_with_the_cut_font(site, browser):
    site.note(
        "tall.md",
        "title: Tall\ndate: 2024-01-02",
        "$$\\left( \\frac{\\frac{a}{b}}{\\frac{c}{d}} \\right) \\sum_i x_i$$\n\nInline $(a) \\sum_i x_i$.\n",
    )
    assert site.build().errors == []
    page = browser.new_page()
    fonts = []
    page.on("request", lambda request: fonts.append(request.url) if request.url.endswith(".woff2") else None)
    page.goto((site.public / "2024/01/02/tall/index.html").as_uri())
    page.evaluate("document.fonts.ready")
    heights = page.evaluate(
        """() => [...document.querySelectorAll('.post-body math')].map(math =>
            Object.fromEntries([...math.querySelectorAll('mo')].filter(mo => '(∑'.includes(mo.textContent))
              .map(mo => [mo.textContent, mo.getBoundingClientRect().height])))"""
    )
    loaded = page.evaluate("document.fonts.check('16px \"Latin Modern Math\"')")
    page.close()
    display, inline = heights
    assert loaded and [url.rsplit("/", 1)[1] for url in fonts] == ["latinmodern-math.woff2"]
    assert display["("] > 2.5 * inline["("]  # the bracket stretched around the stacked fractions
    assert display["∑"] > 1.3 * inline["∑"]  # the display-size sum, a variant from the MATH table


def test_the_example_sites_font_weighs_what_the_docs_say(example_public):
    """docs/papers.md: "23 KB for the example site"."""
    assert 20_000 < (example_public / FONT).stat().st_size <= 23_500
