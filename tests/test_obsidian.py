"""Notes written in Obsidian render as their author saw them: embeds, inline tags, callouts, hidden comments."""

import re

from pagetools import local_target

from notes_site.markup.obsidian import obsidian_plugin
from notes_site.markup.pipeline import MarkdownPipeline
from notes_site.markup.tokens import LINK_CLOSE, LINK_OPEN, LinkRef, WikiRef
from tests.test_markdown import TagBalance

pipeline = MarkdownPipeline()
obsidian_plugin(pipeline.md)


class VoidAwareBalance(TagBalance):
    """`<img ... />` opens nothing to close (the parser would report it as a start and an end tag)."""

    def handle_startendtag(self, tag, attrs):
        pass


def assert_well_formed(fragment: str) -> None:
    checker = VoidAwareBalance()
    checker.feed(fragment)
    checker.close()
    assert checker.errors == [] and checker.stack == [], fragment


def html(text: str) -> str:
    out = pipeline.render(text).body_html.replace(LINK_OPEN, "").replace(LINK_CLOSE, "")
    assert_well_formed(out)
    return out


def inline_tags(text: str) -> list[str]:
    env: dict = {}
    pipeline.parse(text, env)
    return env["inline_tags"]


def test_embedded_images_become_images_recorded_for_check():
    rendered = pipeline.render("![[image.png]]\n![[image.png|300]] ![[folder/fig 1.png|alt text]] ![[b.jpg|100x50]]\n")
    out = rendered.body_html.replace(LINK_OPEN, "").replace(LINK_CLOSE, "")
    assert '<img src="image.png" alt="image.png" />' in out
    assert '<img src="image.png" alt="image.png" width="300" />' in out
    assert '<img src="folder/fig%201.png" alt="alt text" />' in out
    assert 'alt="b.jpg" width="100" height="50"' in out
    assert LINK_OPEN + "folder/fig%201.png" + LINK_CLOSE in rendered.body_html  # resolved per page later
    assert rendered.links == (
        LinkRef("image.png", 1, True),
        LinkRef("image.png", 2, True),
        LinkRef("folder/fig%201.png", 2, True),
        LinkRef("b.jpg", 2, True),
    )


def test_an_embedded_note_is_a_wikilink_marked_as_an_embed_and_files_are_links():
    rendered = pipeline.render(
        "![[Other note]] and ![[Paper#Method|the method]]\n\n![[paper.pdf#page=3]] ![[talk.mp4|Talk]]\n"
    )
    assert rendered.wikilinks == (WikiRef("Other note", "", 1, embed=True), WikiRef("Paper", "Method", 1, embed=True))
    out = html("![[paper.pdf#page=3]] ![[talk.mp4|Talk]] ![[song.mp3]]")
    assert '<a href="paper.pdf#page=3">paper.pdf</a>' in out and '<a href="talk.mp4">Talk</a>' in out
    assert '<a href="song.mp3">song.mp3</a>' in out
    assert [(link.url, link.image) for link in rendered.links] == [("paper.pdf#page=3", False), ("talk.mp4", False)]


def test_an_embed_in_a_table_cell_escapes_its_bar():
    out = html("| figure |\n|---|\n| ![[a.png\\|200]] |\n")
    assert '<td><img src="a.png" alt="a.png" width="200" /></td>' in out


def test_inline_tags_are_shown_and_collected_in_order():
    text = "About #transformer and #多模态, see #ml/cv. Again #transformer.\n"
    out = html(text)
    assert '<span class="tag">#transformer</span>' in out and '<span class="tag">#多模态</span>' in out
    assert '<span class="tag">#ml/cv</span>.' in out
    assert inline_tags(text) == ["transformer", "多模态", "ml/cv"]


def test_what_is_not_a_tag():
    text = (
        "# Heading\n\nC# and page#3 and #123 and \\#escaped, `#code`, [site](https://a.org/x#frag), <https://a.org/#b>\n\n"
        "```\n#fenced\n```\n\n    #indented\n"
    )
    out = html(text)
    assert inline_tags(text) == []
    assert 'class="tag"' not in out
    assert "<h1" in out and "<code>#code</code>" in out and "#fenced" in out and "#indented" in out


def test_callouts_with_titles_and_markdown_bodies():
    out = html("> [!note]\n> Body *here* with #idea\n\n> [!warning] Be **careful**\n> line two\n")
    assert '<div class="callout callout-note" data-callout="note">\n<p class="callout-title">Note</p>' in out
    assert "<p>Body <em>here</em> with" in out
    assert '<p class="callout-title">Be <strong>careful</strong></p>\n<p>line two</p>' in out
    assert "<blockquote>" not in out and "[!" not in out
    assert inline_tags("> [!note]\n> Body with #idea\n") == ["idea"]


def test_foldable_callouts_are_details():
    out = html("> [!tip]- Hidden\n> folded\n\n> [!info]+\n>\n> - item\n")
    assert '<details class="callout callout-tip" data-callout="tip">\n<summary' in out
    assert '<summary class="callout-title">Hidden</summary>\n<p>folded</p>' in out
    assert '<details class="callout callout-info" data-callout="info" open>' in out
    assert '<summary class="callout-title">Info</summary>' in out
    assert "<li>item</li>" in out


def test_unknown_callouts_render_and_plain_quotes_stay_quotes():
    out = html("> [!Question-Mark]\n\n> just a quote\n\n> - [!note] not first\n")
    assert '<div class="callout callout-question-mark" data-callout="question-mark">' in out
    assert '<p class="callout-title">Question-mark</p>' in out
    assert out.count("<blockquote>") == 2


def test_nested_callouts_and_callouts_in_lists():
    out = html("> [!note] Outer\n> text\n> > [!tip]- Inner\n> > inner text\n\n- item\n\n  > [!todo]\n  > do it\n")
    assert out.count('class="callout ') == 3 and "<blockquote>" not in out
    assert "inner text" in out and "do it" in out


def test_callout_lines_are_counted_from_the_note():
    rendered = pipeline.render("Intro\n\n> [!note] See [[Title link]]\n> body [[Body link]]\n")
    assert rendered.wikilinks == (WikiRef("Title link", "", 3), WikiRef("Body link", "", 4))


def test_comments_are_removed_inline_and_across_paragraphs():
    text = "Kept %%hidden%% text, %%also\nhidden%% end.\n\n%%\nsecret\n\nmore secret [[Secret]]\n%%\n\nAfter.\n"
    rendered = pipeline.render(text)
    assert "hidden" not in rendered.body_html and "secret" not in rendered.body_html
    assert "Kept" in rendered.body_html and "end." in rendered.body_html and "<p>After.</p>" in rendered.body_html
    assert rendered.wikilinks == () and rendered.markup_warnings == ()


def test_comments_in_code_are_code():
    out = html("`%%a%%`\n\n```matlab\n%% cell\nx = 1\n%% next\n```\n")
    assert "<code>%%a%%</code>" in out and "%% cell" in out and "%% next" in out


def test_an_unclosed_comment_is_shown_and_warned_about_with_its_line():
    rendered = pipeline.render("Fine.\n\nText %%never closed\n")
    assert "%%never closed" in rendered.body_html
    [warning] = rendered.markup_warnings
    assert warning.line == 3 and "not closed" in warning.message


def test_an_embedded_note_shows_its_text_framed_with_its_links_made_for_the_host_page(site):
    site.write("content/img/fig.png", "png")
    site.note(
        "a.md",
        "title: A\ndate: 2024-01-02",
        "Before.\n\n![[B]]\n\n![[B#Method]]\n\nInline ![[B]] stays a link.\n\n![[Nowhere]]\n",
    )
    site.note(
        "b.md",
        "title: B\ndate: 2024-01-01",
        "B intro[^1] and ![fig](img/fig.png).\n\n## Method\n\nB method, back to ![[A]].\n\n## Other\n\nOther.\n\n"
        "[^1]: A footnote of B.\n",
    )
    report = site.build()
    assert [p.message for p in report.warnings] == [
        "the wikilink [[Nowhere]] matches no note; it is shown as broken text."
    ]
    page = site.page("2024/01/02/a/")
    whole, section = re.findall(r'<div class="note-embed">.*?</div>\n', page, re.S)
    assert '<a href="../../../../2024/01/01/b/">B</a>' in whole and "Other." in whole
    (src,) = re.findall(r'<img src="([^"]+)"', whole)
    assert local_target(site.public, "2024/01/02/a/", src) == site.public / "img/fig.png"
    assert "footnote" not in whole  # B's footnotes are B's page's
    assert '<a class="wikilink" href="#">A</a>' in whole  # B's embed of A, shown on A: a link, no loop
    assert "B › Method" in section and "B method" in section and "Other." not in section
    assert '<p>Inline <a class="wikilink" href="../../../../2024/01/01/b/">B</a> stays a link.</p>' in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # the embedded headings brought no second "method"
