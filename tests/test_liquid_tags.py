"""Hexo, NexT and Jekyll `{% tag %}` syntax in notes brought from those sites."""

from pathlib import Path

from test_markdown import assert_well_formed

from notes_site.markup.liquid import liquid_tags_plugin
from notes_site.markup.pipeline import MarkdownPipeline
from notes_site.markup.tokens import LINK_CLOSE, LINK_OPEN, WIKI_CLOSE, WIKI_OPEN, WIKI_SPLIT, WikiRef

FIXTURES = Path(__file__).parent / "fixtures" / "real_blog_markup"
pipeline = MarkdownPipeline()
liquid_tags_plugin(pipeline.md)


def html(text: str) -> str:
    return pipeline.render(text).body_html.replace(LINK_OPEN, "").replace(LINK_CLOSE, "")


def test_asset_img_is_an_image_next_to_the_note_with_title_and_alt():
    rendered = pipeline.render(
        '{% asset_img fig.png A plot of loss %}\n\n{% asset_img b.png 300 "Loss title" "alt text" %}\n'
    )
    assert (
        f'<img src="{LINK_OPEN}fig.png{LINK_CLOSE}" alt="A plot of loss" title="A plot of loss" />'
        in rendered.body_html
    )
    assert '<img src="b.png" alt="alt text" title="Loss title" width="300" />' in html(
        '{% asset_img b.png 300 "Loss title" "alt text" %}'
    )
    assert [(link.url, link.line, link.image) for link in rendered.links] == [("fig.png", 1, True), ("b.png", 3, True)]


def test_asset_link_and_asset_path_are_marked_relative_urls():
    out = html(
        '{% asset_link paper.pdf The paper %} at {% asset_path data.csv %}\n\n<img src="{% asset_path f.png %}">\n'
    )
    assert '<a href="paper.pdf">The paper</a> at data.csv' in out
    assert '<img src="f.png">' in out
    assert f"{LINK_OPEN}data.csv{LINK_CLOSE}" in pipeline.render("{% asset_path data.csv %}").body_html


def test_post_link_and_post_url_are_wikilinks_collected_with_their_lines():
    rendered = pipeline.render(
        "Intro.\n\nSee {% post_link vit-notes The ViT notes %}\nand {% post_url 2024-01-01-x %}.\n"
    )
    assert rendered.wikilinks == (WikiRef("vit-notes", "", 3), WikiRef("2024-01-01-x", "", 4))
    assert f"{WIKI_OPEN}vit-notes{WIKI_SPLIT}The ViT notes{WIKI_CLOSE}" in rendered.body_html
    assert f"{WIKI_OPEN}2024-01-01-x{WIKI_SPLIT}2024-01-01-x{WIKI_CLOSE}" in rendered.body_html


def test_jekyll_tags_as_markdown_link_destinations():
    text = "[the post]({% post_url 2024-01-01-x %}), [file]({{ site.baseurl }}{% link _posts/2024-01-01-y.md %})\n"
    rendered = pipeline.render(text + "\n![a plot]({% asset_path f.png %})\n")
    assert f"{WIKI_OPEN}2024-01-01-x{WIKI_SPLIT}the post{WIKI_CLOSE}" in rendered.body_html
    out = html(text)
    assert '<a href="2024-01-01-y.md">file</a>' in out
    assert '<img src="f.png" alt="a plot" />' in html("![a plot]({% asset_path f.png %})")
    assert [link.url for link in rendered.links] == ["2024-01-01-y.md", "f.png"]


def test_codeblock_and_highlight_are_highlighted_code_with_a_caption():
    out = html("{% codeblock Array.map lang:js https://example.org docs %}\nconst a = 1;\n{% endcodeblock %}\n")
    assert '<figure class="code-figure"><figcaption><span>Array.map</span>' in out
    assert '<a href="https://example.org">docs</a>' in out and '<code class="language-js">' in out
    assert '<code class="language-python"><span class="n">x</span>' in html(
        "{% codeblock python %}\nx = 1\n{% endcodeblock %}\n"
    )
    ruby = html("{% highlight ruby linenos %}\ndef f; end\n{% endhighlight %}\n")
    assert ruby.startswith('<pre class="highlight" tabindex="0"><code class="language-ruby"><span class="k">def</span>')
    assert_well_formed(out)


def test_blockquote_renders_markdown_and_cites_its_source():
    out = html("{% blockquote David Levithan, Wide Awake %}\nDo not *just* read.\n{% endblockquote %}\n")
    assert "<p>Do not <em>just</em> read.</p>" in out
    assert "<footer><strong>David Levithan</strong> <cite>Wide Awake</cite></footer>\n</blockquote>" in out
    assert_well_formed(out)


def test_next_notes_and_tabs_render_their_markdown_without_javascript():
    out = html("{% note warning %}\n**Careful**\n{% endnote %}\n\n{% note %}\nplain\n{% endnote %}\n")
    assert '<div class="note note-warning">\n<p><strong>Careful</strong></p>\n</div>' in out
    assert '<div class="note note-default">' in out
    tabs = html(
        "{% tabs Demo, 2 %}\n<!-- tab -->\n**one**\n<!-- endtab -->\n"
        "<!-- tab Second @x -->\ntwo\n<!-- endtab -->\n{% endtabs %}\n"
    )
    assert '<details class="tab"><summary>Demo 1</summary>\n<p><strong>one</strong></p>' in tabs
    assert '<details class="tab" open><summary>Second</summary>\n<p>two</p>' in tabs
    assert_well_formed(out + tabs)


def test_nested_block_tags_inside_a_list_item():
    out = html("- item\n\n  {% note info %}\n  {% note danger %}\n  inner\n  {% endnote %}\n  {% endnote %}\n")
    assert out.count('<div class="note') == 2 and "<p>inner</p>" in out
    assert_well_formed(out)


def test_raw_keeps_tags_as_text_but_renders_markdown():
    rendered = pipeline.render(
        "{% raw %}\n{% note %} {{ x }} *em* {% post_link a %}\n{% endraw %}\n\nInline {% raw %}{% foo %}{% endraw %}.\n"
    )
    assert "<p>{% note %} {{ x }} <em>em</em> {% post_link a %}</p>" in rendered.body_html
    assert "<p>Inline {% foo %}.</p>" in rendered.body_html
    assert rendered.markup_warnings == () and rendered.wikilinks == ()


def test_tags_in_code_are_left_untouched():
    rendered = pipeline.render(
        "`{% asset_img a.png %}`\n\n```\n{% note %}\n```\n\n    {% foo %}\n\nand {{ liquid.output }}\n"
    )
    assert "<code>{% asset_img a.png %}</code>" in rendered.body_html
    assert "<code>{% note %}\n</code>" in rendered.body_html and "<code>{% foo %}\n</code>" in rendered.body_html
    assert "{{ liquid.output }}" in rendered.body_html
    assert rendered.markup_warnings == () and rendered.links == ()


def test_unknown_and_unclosed_tags_are_shown_as_written_and_reported_with_their_line():
    rendered = pipeline.render("Intro.\n\nText\n{% youtube abc %} and <b>x</b>\n\n{% note info %}\nnever closed\n")
    assert "{% youtube abc %}" in rendered.body_html and "{% note info %}" in rendered.body_html
    assert [(w.line, w.message) for w in rendered.markup_warnings] == [
        (4, "the Hexo/Jekyll tag `{% youtube %}` is not supported, so it is shown as written."),
        (6, "the tag `{% note %}` has no matching `{% endnote %}`, so it is shown as written."),
    ]
    assert rendered.markup_warnings[0].hint == "Remove it, or replace it with Markdown."
    assert_well_formed(rendered.body_html)


def test_a_plugins_chart_is_shown_as_its_source_code_and_reported():
    """hexo-keep-large's `{% echarts %}` (hexo-tag-echarts): the chart needs ECharts' script, which we never load."""
    text = (FIXTURES / "hexo-echarts.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    rendered = pipeline.render(text)
    out = rendered.body_html
    assert "{%" not in out and '<code class="language-echarts">' in out and "trigger" in out
    assert [(w.line, w.message) for w in rendered.markup_warnings] == [
        (
            6,  # the first line is the one after the front matter
            "the tag `{% echarts %}` is drawn by a Hexo plugin notes-site does not run, so its source is shown as a "
            "code block.",
        ),
    ]
    assert_well_formed(out)


def test_hexo_math_folds_and_theme_boxes_keep_their_content():
    rendered = pipeline.render(
        "{% math %}\n\\sum_{i=1}^n x_i\n{% endmath %}\n\n"
        "{% folding cyan open, 查看代码 %}\nSome **code**.\n{% endfolding %}\n\n"
        "{% btn_box %}\nA [link](https://example.org).\n{% endbtn_box %}\n\n"
        "{% comment %}\nNot for readers.\n{% endcomment %}\n\n"
        "{% if page.draft %}\nLiquid logic\n{% endif %}\n"
    )
    out = rendered.body_html
    assert '<div class="math display"' in out and "<munderover>" in out and rendered.formula_failures == ()
    assert (
        '<details class="callout callout-note" open><summary class="callout-title">查看代码</summary>\n'
        "<p>Some <strong>code</strong>.</p>\n</details>"
    ) in out
    assert '<div class="shortcode liquid-btn_box">\n<p>A <a href="https://example.org">link</a>.</p>\n</div>' in out
    assert "Not for readers" not in out and "{% if page.draft %}" in out  # logic stays visible, and reported
    assert [(w.line, w.message.split(";")[0].split(",")[0]) for w in rendered.markup_warnings] == [
        (9, "the tag `{% btn_box %}` comes from a Hexo plugin or theme"),
        (17, "the Hexo/Jekyll tag `{% if %}` is not supported"),
        (19, "the Hexo/Jekyll tag `{% endif %}` is not supported"),
    ]
    assert_well_formed(out)


def test_excerpts_stay_well_formed_around_block_tags():
    cut = MarkdownPipeline(auto_excerpt_length=5)
    liquid_tags_plugin(cut.md)
    rendered = cut.render("{% note info %}\nA long first paragraph.\n\nAnother one.\n{% endnote %}\n\nAfter.\n")
    assert_well_formed(rendered.excerpt_html)
    assert "After." not in rendered.excerpt_html


def test_a_tag_never_makes_a_script_link():
    out = html("{% asset_link javascript:alert(1) click %}\n")
    assert "href" not in out and "click" in out
