"""Markup from real Hexo, Hugo and Jekyll blogs renders as their own sites showed it (issue 14).

The inputs are the smallest ones quoted from the measured blogs (tests/fixtures/real_blog_markup/,
docs/migrating.md "Real blogs, measured"): escaped math delimiters, `{#id}` headings,
`<!-- more -->` at the end of a heading, and inline math at the start of a list item.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from unittest.mock import patch

import pytest

from notes_site.markup import math as math_markup
from notes_site.markup.math import typeset_formula
from notes_site.markup.pipeline import MarkdownPipeline

FIXTURES = Path(__file__).parent / "fixtures" / "real_blog_markup"
FRONT_MATTER = re.compile(r"\A(\+\+\+|---)\n.*?\n\1\n", re.DOTALL)
TEX_LEFT = re.compile(r"\\\(|\\\[|\\begin\{|\$")

pipeline = MarkdownPipeline()


def body_of(name: str) -> str:
    return FRONT_MATTER.sub("", (FIXTURES / name).read_text(encoding="utf-8"), count=1)


def formulas(text: str) -> list[str]:
    """The TeX of every formula the note's page typesets, in the page's order.

    The page does not repeat the TeX (notes_site/markup/math.py), so it is taken as the renderer hands
    it to the typesetter; the excerpt, rendered again from the same tokens, is left out.
    """
    typeset: list[str] = []

    def recording(tex: str, display: bool, line: int, env: dict) -> str | None:
        if not env.get("excerpt"):
            typeset.append(tex)
        return typeset_formula(tex, display, line, env)

    with patch.object(math_markup, "typeset_formula", recording):
        html = pipeline.render(text).body_html
    assert html.count("<math") == len(typeset), "a formula failed or was typeset twice"
    return typeset


def shown_text(html: str) -> str:
    """What a reader sees: no formulas, no tags."""
    without_math = re.sub(r"<math.*?</math>", "", html, flags=re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", "", without_math))


def outside_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


# 1. Math delimiters other than `$`


@pytest.mark.parametrize(
    ("name", "delimiters"),
    [
        ("ox-hugo-math.md", (r"\\(", r"\\[", r"\begin{align}")),
        ("kramdown-math.md", (r"\\(",)),
    ],
)
def test_escaped_math_delimiters_are_typeset(name, delimiters):
    text = body_of(name)
    rendered = pipeline.render(text)
    assert rendered.formula_failures == ()
    assert len(formulas(text)) == sum(text.count(d) for d in delimiters)
    assert not TEX_LEFT.search(shown_text(rendered.body_html)), shown_text(rendered.body_html)


def test_escaped_math_gets_the_tex_mathjax_saw_on_their_site():
    """ox-hugo writes `C\\_i` and `\\\\\\\\`: Markdown made them `C_i` and `\\\\` before MathJax read them."""
    hugo = formulas(body_of("ox-hugo-math.md"))
    assert r"\nabla C(\theta) = \frac{1}{m} \sum_{i=1}^{m} \nabla C_i(\theta)" in hugo
    environment = next(tex for tex in hugo if tex.startswith(r"\begin{align}"))
    assert r"\text{FLOP}_{\text{chunk-attn}}" in environment and r"(sC) \\" + "\n" in environment
    kramdown = formulas(body_of("kramdown-math.md"))
    assert r"\left|V\right|" in kramdown and "G = (V, E)" in kramdown


def test_display_math_on_lines_of_its_own_is_a_display_block():
    html = pipeline.render(body_of("ox-hugo-math.md")).body_html
    blocks = re.findall(r'<div class="math display"', html)
    assert len(blocks) == body_of("ox-hugo-math.md").count("\\\\[") + 1  # and the \begin{align}
    assert '<p><span class="math display"' not in html


def test_an_ox_hugo_note_builds_with_every_formula_typeset(site):
    site.write("content/batch-gd.md", body_of_file("ox-hugo-math.md"))
    report = site.build()
    assert list(report.warnings) == []
    page = site.page("2026/02/16/batch-gd/")
    text = body_of("ox-hugo-math.md")
    assert page.count("<math") == sum(text.count(d) for d in (r"\\(", r"\\[", r"\begin{align}"))
    assert 'id="batch-gradient-descent"' in page


def test_plain_backslash_delimiters_are_math_but_escaped_brackets_stay_text():
    text = body_of("plain-backslash-math.md")
    rendered = pipeline.render(text)
    assert rendered.formula_failures == ()
    assert formulas(text) == [
        r"E \rightarrow E + E",
        r"\begin{align} E &\rightarrow E + E \\ &\rightarrow (E) \end{align}",
    ]
    shown = shown_text(rendered.body_html)
    assert "A reference such as [1] and a parenthesis such as (see above) stay text" in shown
    assert r"\(x\)" in shown  # the code span


def test_an_environment_inside_a_dollar_block_that_continues_a_paragraph_stays_that_formula():
    """Hexo users write `$$` right under a sentence; the `\\begin{align}` inside is not a formula of its own."""
    text = body_of("align-in-dollar-block.md")
    rendered = pipeline.render(text)
    assert rendered.formula_failures == ()
    assert len(formulas(text)) == 2  # $c_k$ and the $$ block
    block = formulas(text)[1]
    assert block.startswith(r"\begin{align}") and r"{P(D)}\\&=arg" in block  # Markdown undid no escape


@pytest.mark.parametrize(
    "text",
    [
        "`\\\\(x\\\\)` and `\\(x\\)` and `\\[x\\]`\n",
        "```\n\\\\[\nx\n\\\\]\n```\n",
        "    \\[\n    x\n    \\]\n",
        "```\n\\begin{align}\nx\n\\end{align}\n```\n",
    ],
)
def test_delimiters_in_code_are_left_alone(text):
    html = pipeline.render(text).body_html
    assert "<math" not in html and "<code" in html


@pytest.mark.parametrize(
    ("text", "tex"),
    [
        ("a \\\\(x \\\\\\\\ y\\\\) b\n", "x \\\\ y"),  # an escaped TeX line break is no closer
        ("a \\(x \\\\ y\\) b\n", "x \\\\ y"),
        ("a \\\\[x+1\\\\] b\n", "x+1"),  # displayed, inside the sentence
        ("\\\\[\nx = 1 \\\\\\\\\ny = 2\n\\\\]\n", "x = 1 \\\\\ny = 2"),
    ],
)
def test_closers_are_found_as_tex_finds_them(text, tex):
    assert formulas(text) == [tex]


def test_an_unclosed_delimiter_stays_text():
    html = pipeline.render("\\\\[\nx = 1\n\nnext paragraph \\\\(y\n").body_html
    assert "<math" not in html and "\\[" in html and "\\(y" in html


# 2. Heading attributes


def test_heading_attributes_set_the_anchor_and_never_show_or_tag():
    rendered = pipeline.render(body_of("heading-attributes.md"))
    assert [(anchor, text) for _level, anchor, text in rendered.headings] == [
        ("interference", "the interference problem"),
        ("core-idea", "chunked prefill: the core idea"),
    ]
    assert 'id="core-idea"' in rendered.body_html and 'href="#core-idea"' in rendered.body_html
    assert "{#" not in shown_text(rendered.body_html)
    assert rendered.inline_tags == ()


def test_heading_classes_and_kramdown_form():
    rendered = pipeline.render("## 方法 {: #fangfa .important .wide}\n\n## Sets {a, b}\n")
    assert '<h2 id="fangfa" class="important wide">方法' in rendered.body_html
    assert '<h2 class="important wide">方法</h2>' in rendered.excerpt_html  # excerpts keep classes, not ids
    assert "Sets {a, b}" in rendered.body_html  # braces that are not attributes are text


def test_a_heading_id_used_twice_is_a_warning_with_both_lines():
    (warning,) = pipeline.render("# A {#same}\n\ntext\n\n# B {#same}\n").markup_warnings
    assert warning.line == 5 and "line 1" in warning.message and "{#same}" in warning.message


def test_the_note_page_and_its_table_of_contents_use_the_written_id(site):
    site.settings("toc:\n  min_headings: 2\n")
    site.write("content/chunked-prefill.md", body_of_file("heading-attributes.md"))
    report = site.build()
    assert list(report.warnings) == []
    page = site.page("2026/02/20/chunked-prefill/")
    # the heading's "#", and the contents (folded above the text on a phone, in the sidebar on a wide screen)
    assert 'id="core-idea"' in page and page.count('href="#core-idea"') == 3
    assert "{#" not in shown_text(page)
    assert not (site.public / "tags").exists() or not list((site.public / "tags").glob("core-idea*"))


# 3. <!-- more --> wherever it stands


def test_more_at_the_end_of_a_heading_cuts_after_the_heading():
    rendered = pipeline.render(body_of("more-in-heading.md"))
    assert rendered.has_more
    assert "共同参数或变量总结" in rendered.excerpt_html and "初始输入种子集合相关变量" not in rendered.excerpt_html
    assert "初始输入种子集合相关变量" in rendered.body_html


@pytest.mark.parametrize(
    ("text", "kept", "cut"),
    [
        ("- a\n- b <!-- more -->\n- c\n\nrest\n", "<li>c</li>", "rest"),
        ("| a | b |\n|---|---|\n| 1 <!-- more --> | 2 |\n\nrest\n", "<td>2</td>", "rest"),
        ("> quote\n>\n> <!-- more -->\n\nrest\n", "quote", "rest"),
        ("one *two <!-- more --> three* four\n\nrest\n", "four", "rest"),
        ("- item\n\n  <!--more-->\n\n  more of it\n\nrest\n", "more of it", "rest"),
    ],
)
def test_more_inside_a_block_cuts_after_its_top_level_block(text, kept, cut):
    rendered = pipeline.render(text)
    assert rendered.has_more and kept in rendered.excerpt_html and cut not in rendered.excerpt_html
    assert cut in rendered.body_html


def test_more_in_code_is_no_marker():
    rendered = pipeline.render("`<!-- more -->`\n\n```\n<!-- more -->\n```\n\nrest\n")
    assert not rendered.has_more and "rest" in rendered.excerpt_html


def test_the_index_shows_the_excerpt_of_a_note_with_more_in_a_heading(site):
    site.write("content/Variables-Comparison.md", body_of_file("more-in-heading.md"))
    site.build()
    index = site.page("")
    assert "共同参数或变量总结" in index and "初始输入种子集合相关变量" not in index and "Read more" in index
    assert "初始输入种子集合相关变量" in site.page("2020/08/20/variables-comparison/")


# 4. Inline math at the start of a paragraph (mdit-py-plugins' dollarmath reads src[-1] there)


@pytest.mark.parametrize(
    "text",
    [
        body_of("dollar-at-start.md"),
        "$k$ a=3\n",
        "$k$ ends in a backslash\\\n",
        "> $x$ of 2\n",
        "| $n$ = 10 | a |\n|---|---|\n| $m$ = 20 | b |\n",
    ],
)
def test_inline_math_at_the_start_of_a_block_ending_in_a_digit_is_typeset(text):
    rendered = pipeline.render(text)
    assert len(formulas(text)) == outside_code(text).count("$") // 2
    assert "$" not in shown_text(rendered.body_html)


@pytest.mark.parametrize("text", ["costs 5$ or $10\n", "$10 and $20 in 2024\n"])
def test_dollars_of_money_are_still_no_formula(text):
    assert "<math" not in pipeline.render(text).body_html


def body_of_file(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (body_of("triple-dollar.md"), [r"L=-y\log\hat{y}-(1-y)\log (1-\hat{y})", None, r"\gamma"]),
        ("Text\n\n$$$L=y^2$$$\n\nnext\n", ["L=y^2"]),
        ("a $$$x$$$ b and $$$y$$$\n", ["x", "y"]),
        ("对于10$$Mbps$$的以太网，在争用期内可以发送512$$bit$$，也即64字节。\n", ["Mbps", "bit"]),
        (  # hexo-archer-abbrlink, 《计算机网络安全教程》读书笔记.md line 493
            "- DES算法的基本流程：64位明文输入$$\\rightarrow$$初始变换$$IP\\rightarrow$$16轮Feistel乘积变换"
            "$$\\rightarrow$$逆初始变换$$IP^{-1}\\rightarrow$$64位密文输出。即\n",
            ["\\rightarrow", "IP\\rightarrow", "\\rightarrow", "IP^{-1}\\rightarrow"],
        ),
    ],
    ids=["hexo-archer-abbrlink", "block", "inline", "double-after-a-digit", "double-before-a-digit"],
)
def test_the_dollar_forms_kramed_typeset_are_display_formulas(text, expected):
    rendered = pipeline.render(text)
    assert rendered.formula_failures == ()
    found = formulas(text)
    assert len(found) == len(expected)
    assert all(tex.strip() == want.strip() for tex, want in zip(found, expected, strict=True) if want)
    assert "$" not in shown_text(rendered.body_html)
    assert 'class="math display"' in rendered.body_html


@pytest.mark.parametrize(
    "text",
    [
        body_of("dollar-block-past-blank-line.md"),
        "Loss:\n$$\na_{t=1} \\\\\n\nb_{t=1}\n$$\n",
        "- item\n$$\na_{t=1}\n\nb_{t=1}\n$$\n",
    ],
    ids=["hexo-keep-large", "paragraph", "list-item"],
)
def test_a_dollar_block_under_a_paragraph_line_reaches_past_a_blank_line_as_in_kramed(text):
    rendered = pipeline.render(text)
    assert rendered.formula_failures == ()
    (tex,) = formulas(text)
    assert "\n\n" in tex and "_{" in tex and "$" not in shown_text(rendered.body_html)
    assert re.search(r"<(p|ul)>[^$]*<div class=\"math display", rendered.body_html)  # the text above keeps its block


@pytest.mark.parametrize(
    ("text", "paragraphs", "count"),
    [
        ("Loss:\n$$\na_{t=1}\n$$\nNext.\n", 1, 1),
        ("Loss:\n$$\na_{t=1}\n$$\n\nText, not math.\n\n$$\nb_{t=1}\n$$\n", 2, 2),  # the closing $$ opens nothing
    ],
)
def test_a_dollar_line_inside_a_paragraph_without_a_blank_line_stays_in_the_paragraph(text, paragraphs, count):
    html = pipeline.render(text).body_html
    assert html.count("<p>") == paragraphs and len(formulas(text)) == count
    assert "Text, not math." in html or paragraphs == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (body_of("dollar-block-with-equals-line.md"), "setext"),
        ("Proof:\n$$\na\n- b\n$$\n", "list"),
        ("Proof:\n$$\na\n> b\n$$\n", "quote"),
    ],
    ids=["hexo-keep-large", "list", "quote"],
)
def test_a_dollar_block_with_a_line_markdown_would_end_the_paragraph_on_is_one_formula(text, kind):
    html = pipeline.render(text).body_html
    assert "<h1" not in html and "<h2" not in html and "<ul" not in html and "<blockquote" not in html
    assert "$" not in shown_text(html) and "math-error" not in html
    assert re.search(r"<p>[^$]*</p>\n<div class=\"math display", html), html  # the sentence above stays a paragraph


# Labels and references: ox-hugo exports Org's \label into every numbered environment.


def test_labelled_equations_are_typeset_and_references_show_their_numbers():
    rendered = pipeline.render(body_of("ox-hugo-labels.md"))
    assert rendered.formula_failures == ()
    html = rendered.body_html
    assert re.search(r'<mtr id="eq:3">.*?<mtext>\(1\)</mtext>', html, re.DOTALL)  # the label is the row's anchor
    assert re.search(r'<mtr id="eq:1">.*?<mtext>\(3\)</mtext>', html, re.DOTALL)  # the second align row is (2)
    last_paragraph = html[html.rindex("<p>") :]
    assert [text for text in re.findall(r"<mtext>([^<]*)</mtext>", last_paragraph)] == ["(1)", "(3)", "3"]
    assert "\\label" not in shown_text(html) and "\ue021" not in html


def test_a_backslash_at_the_end_of_a_line_is_a_space_as_in_tex_not_a_failure():
    """The author wrote `\\\\` where ox-hugo needed four; Hugo left MathJax `\\` and a line end: a control space."""
    html = pipeline.render(body_of("ox-hugo-labels.md")).body_html
    cases = formulas(body_of("ox-hugo-labels.md"))[2]
    assert cases.startswith("\\begin{equation}\nM_{ij}")
    assert "math-error" not in html


# `$$x$$` inside a sentence, on a site that says kramed or kramdown showed it inline.

kramed = MarkdownPipeline(double_dollar_in_text="inline")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (  # hexo-archer-abbrlink, 《计算机网络安全教程》读书笔记.md line 493
            "64位明文输入$$\\rightarrow$$初始变换$$IP\\rightarrow$$16轮\n$$$E_k(m)=IP\\cdot T_{16}(m)$$$\n",
            ["inline", "inline", "display"],
        ),
        (  # hexo-keep-large, AdaBoost.md lines 26-29: their site displays it, inside the list item
            "1. 初始化样本集权重为：\n$$\nD(1)=\\left(w_{11}, w_{12}, \\ldots w_{1 m}\\right)\n$$\n",
            ["display"],
        ),
        ("Loss $$L$$ here,\n$$L = -\\log p$$\nand more.\n", ["inline", "display"]),
    ],
    ids=["in-sentences", "own-lines-in-a-list-item", "own-line-in-a-paragraph"],
)
def test_double_dollars_in_a_sentence_are_inline_and_on_lines_of_their_own_display_as_kramed_showed_them(text, shown):
    html = kramed.render(text).body_html
    assert re.findall(r'class="math (inline|display)"', html) == shown
    assert re.findall(r'class="math (inline|display)"', pipeline.render(text).body_html) == ["display"] * len(shown)


@pytest.mark.parametrize("tag", ["<hr>", "<br>", "<hr/>", "<BR />"])
def test_a_lone_rule_or_break_ends_with_its_line_so_the_markdown_under_it_is_markdown(tag):
    text = body_of("hr-before-a-list.md").replace("<hr>", tag)
    html = kramed.render(text).body_html
    assert "<pre" not in html and "- 接收窗口" not in html
    assert re.findall(r'class="math (inline|display)"', html)[-2:] == ["display", "display"]
    assert f"{tag}\n<ul>" in html


def test_a_rule_with_more_html_on_its_line_is_still_an_html_block_as_commonmark_says():
    assert pipeline.render("<hr class=x>\n*text*\n").body_html == "<hr class=x>\n*text*\n"
