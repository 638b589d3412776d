"""A Hexo + NexT blog using every construct the importer reads moves over, and its URLs are the ones Hexo made.

The blog is tests/fixtures/import/hexo/; expected-urls.txt there is what Hexo 8 + NexT
produced for it (TZ=UTC), rebuilt by tests/fixtures/import/regenerate_hexo_urls.sh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from pagetools import files_of, links_of, local_target, text_of

from notes_site.build import BuildOptions, BuildReport, build_site
from notes_site.cli import main

BLOG = Path(__file__).resolve().parent / "fixtures" / "import" / "hexo"
POSTS = BLOG / "source" / "_posts"


@dataclass
class Imported:
    """The blog imported and built once for the whole module."""

    output: str = field(repr=False)  # what `notes-site import hexo` printed
    exit_code: int
    site: Path
    report: BuildReport = field(repr=False)
    files_before: dict[str, str] = field(repr=False)

    @property
    def public(self) -> Path:
        return self.site / "public"

    def page(self, path: str) -> str:
        return (self.public / path / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Imported:
    before = files_of(BLOG)
    site = tmp_path_factory.mktemp("imported") / "site"
    result = CliRunner().invoke(main, ["import", "hexo", str(BLOG), "--to", str(site)])
    report = build_site(BuildOptions(site_root=site)) if result.exit_code == 0 else BuildReport()
    return Imported(result.output, result.exit_code, site, report, before)


def expected_urls() -> list[str]:
    lines = (BLOG / "expected-urls.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def front_matter(path: Path, key: str) -> str:
    match = re.search(rf"^{key}: (.+)$", path.read_text(encoding="utf-8"), re.M)
    return match.group(1).strip() if match else ""


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def home_articles(imported: Imported) -> dict[str, str]:
    """The home page's posts in order: title → the article's HTML."""
    home = (imported.public / "index.html").read_text(encoding="utf-8")
    articles = re.findall(r"<article.*?</article>", home, re.S)
    return {text_of(re.search(r'<h2 class="post-title">(.*?)</h2>', a, re.S).group(1)): a for a in articles}


def page_path_of(imported: Imported, title: str) -> str:
    """The site path of a post's page, found the way a reader does: by its link on the home page."""
    article = home_articles(imported)[title]
    href = re.search(r'<h2 class="post-title"><a href="([^"]+)"', article).group(1)
    target = local_target(imported.public, "", href)
    assert target is not None and target.is_file(), f"the home page links {title!r} to {href!r}, which is missing"
    return target.parent.relative_to(imported.public).as_posix() + "/"


def title_of(page: Path) -> str:
    return text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S).group(1))


def test_the_import_succeeds_and_the_site_builds_with_only_the_unknown_tag_warned_about(imported):
    assert imported.exit_code == 0, imported.output
    assert imported.report.errors == [], imported.report.problems
    assert [str(p) for p in imported.report.warnings] == [
        f"{imported.site / 'content/a-talk.md'}:{line_of(imported.site / 'content/a-talk.md', '{% youtube abc %}')}: "
        "the Hexo/Jekyll tag `{% youtube %}` is not supported, so it is shown as written. "
        "Remove it, or replace it with Markdown."
    ]


def test_every_post_keeps_the_url_hexo_gave_it(imported):
    # Hexo keeps capitals (CLIP.md → /CLIP/), Chinese names and the sub-folder (reading/bert.md → /reading/bert/),
    # and dates URLs on the machine's clock: 2024-05-22 02:12 in Shanghai is /2024/05/21/ on a UTC machine.
    pages = [url.strip("/") + "/index.html" for url in expected_urls()]
    assets = ["2024/01/24/CLIP/arch.png", "2024/01/24/CLIP/clip-paper.pdf"]  # where Hexo put CLIP/'s files
    missing = [path for path in pages + assets if not (imported.public / path).is_file()]
    assert missing == [], f"not built where Hexo put them: {missing}"


def test_pages_show_the_date_and_updated_date_in_the_blogs_zone(imported):
    # the URL says 05/21 (Hexo's UTC machine), the page the Shanghai date the post was written
    page = imported.page(page_path_of(imported, "多兴趣召回"))
    assert re.search(r'<time datetime="2024-05-22T02:12:00\+08:00"[^>]*>2024-05-22</time>', page)
    assert re.search(r'<time datetime="2024-06-01T10:00:00\+08:00"[^>]*>2024-06-01</time>', page)


def test_the_home_page_lists_the_posts_newest_first(imported):
    posts = sorted(POSTS.rglob("*.md"), key=lambda path: front_matter(path, "date"), reverse=True)
    assert list(home_articles(imported)) == [front_matter(path, "title") for path in posts]


def test_excerpts_stop_at_more_or_are_the_description_and_a_note_with_neither_is_shown_whole(imported):
    articles = home_articles(imported)
    cut_at_more = {
        "多兴趣召回": ("用胶囊网络为每个用户学出多个兴趣向量。", "动态路由"),
        "BERT": ("BERT pre-trains a bidirectional encoder", "Fine-tuning"),
        "Attention Is All You Need": ("The Transformer drops recurrence", "softmax"),
        "A talk worth watching": ("scaling laws in twenty minutes", "youtube"),
    }
    for title, (shown, hidden) in cut_at_more.items():
        assert shown in text_of(articles[title]) and hidden not in articles[title], title
        assert "阅读全文" in text_of(articles[title]), title
    clip = text_of(articles["CLIP"])  # no more marker: NexT shows the description
    assert "Contrastive image-text pre-training on 400 million pairs." in clip
    assert "The batch is a matrix" not in clip and "阅读全文" in clip
    whole = text_of(articles["Writing Jinja in notes"])
    assert "Write {{ page.title }} and {% if draft %}hidden{% endif %} as they are." in whole
    assert "so the index shows all of it." in whole and "阅读全文" not in whole


def test_asset_images_and_files_sit_next_to_their_page_and_its_links_lead_to_them(imported):
    page = page_path_of(imported, "CLIP")
    links = links_of(imported.page(page))
    images = [url for tag, url in links if tag == "img" and url.endswith("arch.png")]
    pdfs = [url for tag, url in links if tag == "a" and url.endswith("clip-paper.pdf")]
    assert images and pdfs
    for url in images + pdfs:
        target = local_target(imported.public, page, url)
        assert target is not None and target.is_file(), f"{url} on {page}"
        assert target.parent == imported.public / page, f"{url} is not next to {page}"
    assert (imported.public / page / "arch.png").read_bytes() == (POSTS / "CLIP/arch.png").read_bytes()


def test_images_of_source_are_copied_and_links_from_the_site_root_reach_them(imported):
    # vit.md writes ![…](/images/banner.png): Hexo serves source/images/ at /images/
    url = page_path_of(imported, "An Image is Worth 16x16 Words")
    (src,) = re.findall(r'<img src="([^"]+)" alt="The banner of the blog"', imported.page(url))
    assert not src.startswith("/")  # relative: it works under a sub-path and from disk too
    assert local_target(imported.public, url, src).read_bytes()[:4] == b"\x89PNG"
    assert "1 images and other files copied to the same paths" in imported.output


def test_post_links_lead_to_the_other_posts_page(imported):
    expected = {
        "An Image is Worth 16x16 Words": {"CLIP": "CLIP", "the attention notes": "Attention Is All You Need"},
        "Attention Is All You Need": {"BERT": "BERT"},  # {% post_link reading/bert BERT %}: a sub-folder post
    }
    for title, texts in expected.items():
        page = page_path_of(imported, title)
        html = imported.page(page)
        for text, other in texts.items():
            href = re.search(rf'<a class="wikilink" href="([^"]+)">{re.escape(text)}</a>', html)
            assert href, f"no link {text!r} on {title!r}"
            target = local_target(imported.public, page, href.group(1))
            assert target is not None and target.is_file() and title_of(target) == other


def test_a_post_link_without_text_shows_the_other_posts_title_as_hexo_does(imported):
    # {% post_link attention %} in reading/bert.md: Hexo writes the linked post's title
    links = re.findall(r'<a class="wikilink" href="([^"]+)">(.*?)</a>', imported.page(page_path_of(imported, "BERT")))
    assert [text for href, text in links if href.endswith("/attention/")] == ["Attention Is All You Need"]


def test_nested_categories_have_pages_with_their_parents(imported):
    # the category pages Hexo made: a list is one path, a list of lists several, a string one
    categories = {
        "cv": ["CLIP", "An Image is Worth 16x16 Words"],
        "cv/multimodal": ["CLIP"],
        "machine-learning": ["多兴趣召回", "对比学习入门", "Attention Is All You Need", "BERT"],
        "machine-learning/recsys": ["多兴趣召回"],
        "machine-learning/nlp": ["Attention Is All You Need", "BERT"],
        "papers": ["多兴趣召回"],
        "meta": ["Reading checklist"],
    }
    for category, titles in categories.items():
        page = text_of(imported.page(f"categories/{category}"))
        assert all(title in page for title in titles), category


def test_tags_have_pages_listing_their_posts(imported):
    tags = {
        "transformer": ["Attention Is All You Need", "BERT", "An Image is Worth 16x16 Words"],
        "cv": ["An Image is Worth 16x16 Words"],
        "召回": ["多兴趣召回"],
        "胶囊网络": ["多兴趣召回"],
        "对比学习": ["对比学习入门"],
        "pretraining": ["BERT"],
        "reading": ["Reading checklist"],
        "talks": ["A talk worth watching"],
        "tools": ["Writing Jinja in notes"],
    }
    for tag, titles in tags.items():
        page = text_of(imported.page(f"tags/{tag}"))
        assert all(title in page for title in titles), tag


def test_comma_separated_tags_are_one_tag_as_hexo_made_them(imported):
    # `tags: contrastive, vision-language` in CLIP.md: Hexo 8 made one tag, /tags/contrastive-vision-language/
    tags = sorted(page.parent.name for page in imported.public.glob("tags/*/index.html"))
    assert "contrastive-vision-language" in tags
    assert "CLIP" in text_of(imported.page("tags/contrastive-vision-language"))


def test_hexo_and_next_tags_show_as_their_content(imported):
    attention = imported.page(page_path_of(imported, "Attention Is All You Need"))
    assert "<figcaption><span>Scaled dot-product attention</span></figcaption>" in attention
    assert '<code class="language-python">' in attention
    assert "<footer><strong>Ashish Vaswani</strong> <cite>Attention Is All You Need</cite></footer>" in attention
    checklist = imported.page(page_path_of(imported, "Reading checklist"))
    assert '<div class="note note-info">' in checklist and "<strong>abstract</strong>" in checklist
    assert "<summary>Before</summary>" in checklist
    assert '<details class="tab" open><summary>After</summary>' in checklist  # {% tabs Checklist, 2 %}
    assert "<math" in imported.page(page_path_of(imported, "对比学习入门"))
    for title in ("Attention Is All You Need", "Reading checklist", "An Image is Worth 16x16 Words", "CLIP", "BERT"):
        assert "{%" not in text_of(imported.page(page_path_of(imported, title))), title


def test_the_unknown_tag_stays_visible_as_written(imported):
    assert "<p>{% youtube abc %}</p>" in imported.page(page_path_of(imported, "A talk worth watching"))


def test_the_draft_is_left_out_unless_drafts_are_built(imported, tmp_path):
    pages = imported.public.rglob("*.html")
    assert [page for page in pages if "An idea for later" in page.read_text(encoding="utf-8")] == []
    report = build_site(BuildOptions(site_root=imported.site, output=tmp_path / "with-drafts", drafts=True))
    assert report.errors == []
    pages = list((tmp_path / "with-drafts").glob("2024/06/10/**/index.html"))
    assert [title_of(page) for page in pages] == ["An idea for later"]


def test_the_about_page_is_imported_at_its_address_and_its_menu_entry_works(imported):
    assert "1 standalone page (about/index.md) copied with `layout: page`" in imported.output
    assert "the menu entry `about`" not in imported.output
    about = imported.page("about")
    assert "I read papers and write down what I learned." in about
    assert '<a href="../about/" aria-current="page">关于</a>' in about  # the menu's about entry (zh-CN), this page
    for listing in ("", "archives"):  # a page, not a post: the listings do not show it
        assert "about/" not in imported.page(listing).split('<main id="content"', 1)[1]
    assert f"converted: {BLOG / 'source/_posts'}: 9 posts and 2 other files" in imported.output


def test_the_blog_is_left_exactly_as_it_was(imported):
    assert files_of(BLOG) == imported.files_before
