"""The Markdown pipeline: CommonMark plus what paper notes need, math kept intact."""

from html.parser import HTMLParser

from notes_site.markup.math import tex_to_mathml
from notes_site.markup.pipeline import MarkdownPipeline
from notes_site.markup.tokens import LINK_CLOSE, LINK_OPEN

pipeline = MarkdownPipeline()


def html(text: str) -> str:
    return pipeline.render(text).body_html.replace(LINK_OPEN, "").replace(LINK_CLOSE, "")


VOID = {"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "embed", "source", "track", "wbr"}


class TagBalance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(tag)
        else:
            self.stack.pop()


def assert_well_formed(fragment: str) -> None:
    checker = TagBalance()
    checker.feed(fragment)
    checker.close()
    assert checker.errors == [] and checker.stack == [], fragment


def test_tables_strikethrough_task_lists_and_definition_lists():
    out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n- [ ] todo\n\nTerm\n: Meaning\n")
    assert '<table tabindex="0">' in out and "<td>1</td>" in out
    assert "<s>old</s>" in out
    assert 'class="task-list-item"' in out and 'checked="checked"' in out
    assert "<dt>Term</dt>" in out and "<dd>Meaning</dd>" in out


def test_footnotes():
    out = html("Claim[^1].\n\n[^1]: Source.\n")
    assert 'href="#fn1"' in out and 'id="fn1"' in out and "Source." in out


def test_heading_anchors_are_stable_and_keep_cjk():
    out = html("## 方法\n\n## Model Design\n\n## 方法\n")
    assert '<h2 id="方法">' in out
    assert '<h2 id="model-design">' in out
    assert '<h2 id="方法-1">' in out


MATH_SOURCE = r"Inline $\mathcal{L}_{\text{InfoNCE}} = -\log x_i^2$ and" + "\n\n$$\n\\sum_{i=1}^{N} a_i \\\\ b_*\n$$\n"


def test_math_is_typeset_to_mathml_at_build_time():
    rendered = pipeline.render(MATH_SOURCE)
    out = rendered.body_html
    assert out.count("<math ") == 2 and 'display="block"' in out
    assert "<msub>" in out and "<munderover>" in out  # the subscript and the sum's limits
    assert tex_to_mathml(r"\mathcal{L}_{\text{InfoNCE}} = -\log x_i^2", False) in out
    assert rendered.formula_failures == () and "<em>" not in out


def test_a_formula_that_cannot_be_typeset_stays_readable_and_is_reported_with_its_line():
    rendered = pipeline.render("Intro.\n\nThe loss $\\frac{a}{$ and $\\notacommand x$.\n")
    assert "math-error" in rendered.body_html and "\\(\\notacommand x\\)" in rendered.body_html
    assert [(f.line, f.tex) for f in rendered.formula_failures] == [(3, "\\frac{a}{"), (3, "\\notacommand x")]
    assert "unknown command \\notacommand" in rendered.formula_failures[1].reason


def test_with_katex_math_survives_untouched_for_the_browser():
    out = MarkdownPipeline(math="katex").render(MATH_SOURCE).body_html
    assert r"\(\mathcal{L}_{\text{InfoNCE}} = -\log x_i^2\)" in out
    assert "\\[\\sum_{i=1}^{N} a_i \\\\ b_*\\]" in out
    assert "<em>" not in out


def test_dollar_amounts_are_not_math():
    assert "math" not in html("It costs 5$ or 6$ today.")


def test_code_is_highlighted_with_css_classes():
    out = html("```python\ndef f(x):\n    return x\n```\n")
    assert '<pre class="highlight" tabindex="0"><code class="language-python">' in out
    assert '<span class="k">def</span>' in out


def test_unknown_language_falls_back_to_plain_text():
    out = html("```no-such-language\na < b\n```\n")
    assert "a &lt; b" in out and "language-no-such-language" in out


def test_raw_html_is_allowed_in_the_body():
    assert '<div class="note">hi</div>' in html('<div class="note">hi</div>\n')


def test_excerpt_is_the_part_before_the_more_marker():
    rendered = pipeline.render("First paragraph.\n\n<!-- more -->\n\nSecond paragraph.\n")
    assert "First" in rendered.excerpt_html and "Second" not in rendered.excerpt_html
    assert "First" in rendered.body_html and "Second" in rendered.body_html
    assert rendered.has_more


def test_hugo_style_marker_and_inline_marker():
    assert pipeline.render("One.\n<!--more-->\nTwo.\n").has_more
    rendered = pipeline.render("One sentence. <!-- more --> Two sentence.\n")
    assert "Two" not in rendered.excerpt_html and rendered.has_more
    assert_well_formed(rendered.excerpt_html)


def test_without_a_marker_the_whole_note_is_the_excerpt():
    rendered = pipeline.render("Only.\n\nAll of it.\n")
    assert rendered.excerpt_html.count("<p>") == 2 and not rendered.has_more


def test_automatic_excerpt_length_cuts_at_a_block_boundary():
    auto = MarkdownPipeline(auto_excerpt_length=20)
    rendered = auto.render("A first paragraph that is long enough.\n\n- a list\n- of two\n\nMore.\n")
    assert "first paragraph" in rendered.excerpt_html and "More." not in rendered.excerpt_html
    assert rendered.has_more
    assert_well_formed(rendered.excerpt_html)


def test_excerpts_are_valid_html_on_their_own_and_have_no_ids():
    text = "> quote with **bold\n> more[^n]\n\n## 总结\n\n- item\n  1. nested\n\n<!-- more -->\n\nrest\n\n[^n]: note\n"
    rendered = pipeline.render(text)
    assert_well_formed(rendered.excerpt_html)
    assert "id=" not in rendered.excerpt_html  # ids would clash on a page with several excerpts
    assert "#fn1" in rendered.excerpt_html  # the footnote ref still leads to the note
    assert "footnotes" not in rendered.excerpt_html


def test_display_math_inside_a_paragraph_stays_valid_html():
    out = html("The loss $$\\mathcal{L}=1$$ is small.\n")
    assert '<p>The loss <span class="math display" tabindex="0" role="group" aria-label="formula">' in out
    assert_well_formed(out)


def test_numbered_equations_keep_their_label():
    out = html("$$\nE = mc^2\n$$ (1)\n")
    assert 'id="eq-1"' in out and '<span class="math-label">(1)</span>' in out


def test_words_are_counted_in_linear_time_even_in_a_long_run_of_punctuation():
    """100,000 `[` took minutes to count (the word regex retried from every position); issue 15's hostile pass."""
    import time

    from notes_site.markup.tokens import count_words

    assert count_words("Attention is all you need 注意力 [x] -- 2017!") == 10
    started = time.perf_counter()
    assert count_words("[" * 100_000 + " word " + "*" * 100_000) == 1
    assert time.perf_counter() - started < 5  # linear: milliseconds; the quadratic regex took minutes
