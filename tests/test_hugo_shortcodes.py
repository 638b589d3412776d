"""Notes brought from a Hugo site keep their `{{< shortcodes >}}`: figures, refs, highlights, details, videos,
and the boxes of its theme (alerts, notices, tabs, expands)."""

import re
from pathlib import Path

from notes_site.markup.pipeline import MarkdownPipeline
from notes_site.markup.tokens import LINK_CLOSE, LINK_OPEN, LinkRef
from tests.test_obsidian import assert_well_formed

pipeline = MarkdownPipeline()
FIXTURES = Path(__file__).parent / "fixtures" / "real_blog_markup"


def html(text: str) -> str:
    out = pipeline.render(text).body_html.replace(LINK_OPEN, "").replace(LINK_CLOSE, "")
    assert_well_formed(out)
    return out


def test_a_figure_in_a_page_bundle_shows_its_image_title_caption_and_credit(site):
    site.write("content/posts/trip/map.png", "not really a png")
    site.note(
        "posts/trip/index.md",
        "title: Trip\ndate: 2024-01-02",
        """\
        {{< figure src="map.png" link="map.png" target="_blank" width="300" class="wide"
            title="The map" caption="Drawn *by hand*" attr="OSM" attrlink="https://osm.org" >}}

        Where we went.

        <!--more-->

        The rest.
        """,
    )
    report = site.build()
    assert report.problems == []
    assert (site.public / "2024/01/02/trip/map.png").is_file()
    image = "../../../../2024/01/02/trip/map.png"
    assert (
        f'<figure class="wide">\n<a href="{image}" target="_blank">'
        f'<img src="{image}" alt="Drawn by hand" width="300" /></a>\n<figcaption>\n<h4>The map</h4>\n'
        '<p>Drawn <em>by hand</em> <a href="https://osm.org">OSM</a></p>\n</figcaption>\n</figure>'
    ) in site.page("2024/01/02/trip/")
    assert '<img src="./2024/01/02/trip/map.png" alt="Drawn by hand" width="300" />' in site.page("")


def test_figures_are_images_and_links_for_check_and_the_word_count():
    rendered = pipeline.render(
        'Intro.\n\n{{< figure\n    src="a b.png"\n    alt="A plot" >}}\n\n{{< figure src="c.png" >}}\n'
    )
    assert rendered.links == (LinkRef("a%20b.png", 3, True), LinkRef("c.png", 7, True))
    assert '<figure>\n<img src="c.png" alt="" />\n</figure>' in html('{{< figure src="c.png" >}}')
    assert html('{{< figure src="javascript:alert(1)" link="javascript:alert(2)" >}}').count('src=""') == 1


def test_a_figure_in_a_table_cell_or_a_sentence_uses_spans():
    out = html('| plot |\n|---|\n| {{< figure src="a.png" caption="Loss **curve**" >}} |\n')
    assert (
        '<td><span class="figure"><img src="a.png" alt="Loss curve" /> '
        '<span class="figcaption">Loss <strong>curve</strong></span></span></td>'
    ) in out


def test_ref_and_relref_link_to_notes_in_other_folders(site):
    site.note(
        "posts/a.md",
        "title: A\ndate: 2024-01-02",
        """\
        See [the method]({{< relref "notes/b.md#method" >}}), {{< ref "b" >}}
        and [the trip]({{% ref path="/posts/trip" %}}).
        """,
    )
    site.note("posts/trip/index.md", "title: Trip\ndate: 2024-01-03")
    site.note("notes/b.md", "title: B\ndate: 2024-01-01", 'Back to [A]({{< ref "../posts/a.md" >}}).\n\n## Method\n')
    report = site.build()
    assert report.problems == []
    page = site.page("2024/01/02/a/")
    assert '<a class="wikilink" href="../../../../2024/01/01/b/#method">the method</a>' in page
    assert '<a class="wikilink" href="../../../../2024/01/01/b/">b</a>' in page
    assert '<a class="wikilink" href="../../../../2024/01/03/trip/">the trip</a>' in page
    assert '<a href="../../../../2024/01/02/a/">A</a>' in site.page("2024/01/01/b/")


def test_a_ref_with_folders_finds_the_note_below_the_linking_note_first_as_hugo_does(site):
    site.settings('permalink: ":title/"\n')
    site.note("posts/a.md", "title: A\ndate: 2024-01-02", 'See [x]({{< ref "sub/x.md" >}}) and [[cv/vit]].\n')
    site.note("posts/sub/x.md", "title: Posts X\ndate: 2024-01-03")
    site.note("notes/sub/x.md", "title: Notes X\ndate: 2024-01-04")
    site.note("notes/cv/vit/index.md", "title: ViT\ndate: 2024-01-05")
    report = site.build()
    assert report.problems == []
    page = site.page("posts/a/")
    assert '<a class="wikilink" href="../../posts/sub/x/">x</a>' in page
    assert '<a class="wikilink" href="../../notes/cv/vit/">cv/vit</a>' in page
    site.note("notes/b.md", "title: B\ndate: 2024-01-06", 'See [x]({{< ref "sub/x.md" >}}).\n')
    assert '<a class="wikilink" href="../../notes/sub/x/">x</a>' in (site.build(), site.page("notes/b/"))[1]
    site.note("c.md", "title: C\ndate: 2024-01-07", 'See [x]({{< ref "sub/x.md" >}}).\n')
    (problem,) = site.build().warnings  # from the top of content/, both are as near: ambiguous
    assert "matches 2 notes" in problem.message and problem.path.name == "c.md"


def test_a_ref_to_a_missing_note_is_broken_text_and_a_warning(site):
    path = site.note("a.md", "title: A\ndate: 2024-01-02", 'Intro.\n\nSee [the old post]({{< ref "gone.md" >}}).\n')
    report = site.build()
    assert '<span class="wikilink wikilink-broken">the old post</span>' in site.page("2024/01/02/a/")
    assert [str(p).split(" it is")[0] for p in report.warnings] == [f"{path}:8: the wikilink [[gone]] matches no note;"]


def test_highlight_is_highlighted_code_and_its_options_are_ignored():
    out = html('{{< highlight go "linenos=table,hl_lines=2" >}}\nfunc main() {}\n{{< /highlight >}}\n')
    assert out.startswith('<pre class="highlight" tabindex="0"><code class="language-go"><span class="kd">func</span>')
    assert "linenos" not in out and "{{" not in out
    assert '<code class="language-python">' in html(
        "- item\n\n  {{% highlight python %}}\n  x = 1\n  {{% /highlight %}}\n"
    )


def test_details_fold_markdown_under_a_summary():
    out = html('{{< details summary="More *detail*" open=true >}}\n**Hidden** text.\n\n- a list\n{{< /details >}}\n')
    assert out == (
        "<details open><summary>More <em>detail</em></summary>\n"
        "<p><strong>Hidden</strong> text.</p>\n<ul>\n<li>a list</li>\n</ul>\n</details>\n"
    )
    nested = html("{{< details >}}\nouter\n{{< details summary=Inner >}}\ninner\n{{< /details >}}\n{{< /details >}}\n")
    assert nested.count("<details>") == 2 and "<summary>Details</summary>" in nested


def test_videos_are_plain_links_to_their_pages():
    out = html('{{< youtube w7Ft2ymGmfc >}}\n\n{{< youtube id="abc" title="The talk" >}} and {{< vimeo 146022717 >}}\n')
    assert '<p><a href="https://www.youtube.com/watch?v=w7Ft2ymGmfc">YouTube video</a></p>' in out
    assert '<a href="https://www.youtube.com/watch?v=abc">The talk</a>' in out
    assert '<a href="https://vimeo.com/146022717">Vimeo video</a>' in out
    assert "<iframe" not in out


def test_unknown_shortcodes_are_shown_as_written_and_reported_with_their_line(site):
    path = site.note(
        "a.md",
        "title: A\ndate: 2024-01-02",
        """\
        Intro.

        {{< figure
            src="a.png" >}}

        Text {{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}
        {{% notice warning %}}Careful.{{% /notice %}}

        {{< details summary="Never closed" >}}
        """,
    )
    report = site.build()  # the front matter and a blank line take lines 1 to 5
    page = site.page("2024/01/02/a/")
    assert "Text {{&lt; tweet user=&quot;SanDiegoZoo&quot; id=&quot;1453110110599868418&quot; &gt;}}" in page
    assert "{{% notice warning %}}Careful.{{% /notice %}}" in page
    assert [str(p) for p in report.warnings] == [
        f"{path}:11: the Hugo shortcode `{{{{< tweet >}}}}` is not supported, so it is shown as written. "
        "Replace it with Markdown (a link, an image or a quote), or remove it.",
        f"{path}:12: the Hugo shortcode `{{{{% notice %}}}}` is not supported, so it is shown as written. "
        "Replace it with Markdown (a link, an image or a quote), or remove it.",
        f"{path}:14: the shortcode `{{{{< details >}}}}` has no matching `{{{{< /details >}}}}` on a line of its own, "
        "so it is shown as written. Put `{{< details >}}` and `{{< /details >}}` each on a line of its own.",
    ]


def test_the_escaped_form_shows_the_shortcode_itself_even_in_code():
    out = html(
        'Write {{</* figure src="x.png" */>}} or `{{%/* ref "a.md" */%}}`:\n\n'
        "```go-html-template\n{{</* highlight go */>}}\n```\n"
    )
    assert "Write {{&lt; figure src=&quot;x.png&quot; &gt;}} or <code>{{% ref &quot;a.md&quot; %}}</code>" in out
    assert '<code class="language-go-html-template">' in out and "{{&lt; highlight go &gt;}}" in out
    assert "/*" not in out and pipeline.render("{{</* tweet 1 */>}}").markup_warnings == ()


def test_shortcodes_in_code_are_left_untouched():
    rendered = pipeline.render(
        '`{{< figure src="a.png" >}}`\n\n```\n{{< tweet 1 >}}\n```\n\n    {{< details >}}\n\n{{ .Title }}\n'
    )
    assert "<code>{{&lt; figure src=&quot;a.png&quot; &gt;}}</code>" in rendered.body_html
    assert (
        "{{&lt; tweet 1 &gt;}}\n</code>" in rendered.body_html
        and "{{&lt; details &gt;}}\n</code>" in rendered.body_html
    )
    assert "<p>{{ .Title }}</p>" in rendered.body_html
    assert rendered.markup_warnings == () and rendered.links == ()


def test_excerpts_stay_well_formed_around_figures_and_details():
    rendered = pipeline.render('{{< figure src="a.png" caption="A *plot*" >}}\n\nIntro.\n\n<!--more-->\n\nRest.\n')
    assert rendered.has_more and "Rest." not in rendered.excerpt_html
    assert_well_formed(rendered.excerpt_html)
    cut = MarkdownPipeline(auto_excerpt_length=5).render(
        "{{< details >}}\nA long first paragraph.\n\nAnother one.\n{{< /details >}}\n\nAfter.\n"
    )
    assert_well_formed(cut.excerpt_html)
    assert "After." not in cut.excerpt_html


# A theme's paired shortcodes (sky-bro/blog-src, zzo theme): Hugo does not know them, their content is Markdown.


def test_a_themes_alerts_notices_tabs_and_expands_keep_their_content_as_callouts_tabs_and_details():
    text = (FIXTURES / "hugo-theme-shortcodes.md").read_text(encoding="utf-8").split("+++\n", 2)[2]
    rendered = pipeline.render(text)
    out = html(text)
    assert "{{" not in out and rendered.markup_warnings == ()
    assert '<div class="callout callout-success" data-callout="success">\n<p>this is a success.</p>\n</div>' in out
    assert '<div class="callout callout-info" data-callout="info">\n<p>this is a info.</p>\n</div>' in out
    assert (
        '<div class="callout callout-success" data-callout="success">\n'
        '<p class="callout-title">This is a success type of notice</p>\n<p>success notice.</p>\n</div>'
    ) in out
    assert '<div class="callout callout-note" data-callout="note">\n<p>Plain text</p>\n</div>' in out  # a box
    tabs = out[out.index('<div class="tabs">') :]
    assert [summary for summary in re.findall(r"<summary>([^<]*)</summary>", tabs)] == ["java", "javascript"]
    assert '<details class="tab" open><summary>java</summary>\n<pre class="highlight"' in tabs
    assert '<details class="callout callout-note"><summary class="callout-title">Expand me</summary>' in out
    assert '<code class="language-go">' in out


def test_a_tab_names_itself_or_takes_its_groups_names_in_order():
    out = html(
        '{{< tabs "uniqueid" >}}\n{{< tab "MacOS" >}}\nmac\n{{< /tab >}}\n{{< tab >}}\nother\n{{< /tab >}}\n'
        "{{< /tabs >}}\n"
    )
    assert re.findall(r"<summary>([^<]*)</summary>", out) == ["MacOS", "Tab 2"]


def test_any_other_paired_theme_shortcode_keeps_its_markdown_in_a_box_and_is_reported(site):
    path = site.note(
        "a.md",
        "title: A\ndate: 2024-01-02",
        """\
        Intro.

        {{< callout-card color="red" >}}
        Some **bold** text, [a link](https://example.org).
        {{< /callout-card >}}

        {{< neteasemusic id="1455273374" >}}
        """,
    )
    report = site.build()
    page = site.page("2024/01/02/a/")
    assert (
        '<div class="shortcode shortcode-callout-card">\n<p>Some <strong>bold</strong> text, '
        '<a href="https://example.org">a link</a>.</p>\n</div>'
    ) in page
    assert [str(p) for p in report.warnings] == [
        f"{path}:8: the shortcode `{{{{< callout-card >}}}}` comes from a Hugo theme; its content is shown in a plain "
        'box, <div class="shortcode shortcode-callout-card">. Style .shortcode-callout-card in your theme\'s CSS, '
        "or replace the shortcode with Markdown (a quote).",
        f"{path}:12: the Hugo shortcode `{{{{< neteasemusic >}}}}` is not supported, so it is shown as written. "
        "Replace it with Markdown (a link, an image or a quote), or remove it.",
    ]
