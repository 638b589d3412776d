"""Feeds, sitemap and head metadata: what feed readers, crawlers, link previews and Zotero see of Lin's notes.

Lin writes paper notes in Chinese at https://example.com/notes/, in Shanghai time.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from notes_site.content.papers import Paper
from notes_site.pages.feeds import (
    ArticleMeta,
    FeedCategory,
    FeedEntry,
    FeedInfo,
    MetaTag,
    PageMeta,
    PaperMeta,
    SitemapUrl,
    atom_feed,
    citation_meta,
    host_of,
    note_json_ld,
    open_graph,
    paper_json_ld,
    robots_txt,
    sitemap_xml,
    tag_uri,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE = "https://example.com/notes/"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
MARKERS = "\ue000\ue001\ue002\ue003\ue004\ue005"

SITE_FEED = FeedInfo(
    title="林的论文笔记",
    subtitle="读过的论文 & 想法",
    author="林",
    site_url=SITE,
    feed_url=SITE + "atom.xml",
    id=SITE,
    language="zh-CN",
    generator_version="0.1.0",
)
CATEGORIES = SITE + "categories/"


def note_entry(source: str, title: str, path: str, posted: datetime, edited: datetime, **fields) -> FeedEntry:
    """A note as the build would hand it to the feed: id from host, posted day and source file."""
    return FeedEntry(
        title=title,
        url=SITE + path,
        id=tag_uri(host_of(SITE), posted, source),
        published=posted,
        updated=edited,
        author="林",
        **fields,
    )


def lins_notes() -> list[FeedEntry]:
    return [
        note_entry(
            "posts/clip.md",
            "CLIP：对比学习 ]]> </script>",
            "posts/clip/",
            datetime(2024, 1, 24, 9, 30, tzinfo=SHANGHAI),
            datetime(2024, 2, 1, 22, 0, tzinfo=SHANGHAI),
            categories=(FeedCategory("多模态", scheme=CATEGORIES), FeedCategory("对比学习", scheme=SITE + "tags/")),
            summary="图文对比学习：a < b & c",
            content='<p>比 <a href="../../vit/">ViT</a> 更好：<code>a &lt; b &amp;&amp; c</code></p>',
        ),
        note_entry(
            "posts/vit.md",
            "ViT 笔记",
            "vit/",
            datetime(2023, 12, 31, 23, 59, tzinfo=SHANGHAI),
            datetime(2023, 12, 31, 23, 59, tzinfo=SHANGHAI),
            content="<p>一张图值 16×16 个词。</p>",
        ),
    ]


def test_a_feed_of_chinese_notes_reads_cleanly_in_a_feed_reader():
    text = atom_feed(SITE_FEED, lins_notes())
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')

    parsed = feedparser.parse(text)

    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "林的论文笔记"
    assert parsed.feed.language == "zh-CN"
    assert [entry.title for entry in parsed.entries] == ["CLIP：对比学习 ]]> </script>", "ViT 笔记"]
    for entry in parsed.entries:
        for field in ("title", "link", "id", "published", "updated", "content"):
            assert entry.get(field), f"{entry.get('title')} has no {field}"
    clip = parsed.entries[0]
    assert clip.link == SITE + "posts/clip/"
    assert clip.summary == "图文对比学习：a < b & c"
    assert "<code>a &lt; b &amp;&amp; c</code>" in clip.content[0].value
    assert [(tag.term, tag.scheme) for tag in clip.tags] == [("多模态", CATEGORIES), ("对比学习", SITE + "tags/")]


def test_dates_keep_their_shanghai_offset():
    parsed = feedparser.parse(atom_feed(SITE_FEED, lins_notes()))

    clip = parsed.entries[0]
    assert clip.published == "2024-01-24T09:30:00+08:00"
    assert clip.published_parsed[:5] == (2024, 1, 24, 1, 30)  # the same moment in UTC
    assert clip.updated == "2024-02-01T22:00:00+08:00"
    assert parsed.feed.updated == "2024-02-01T22:00:00+08:00"  # the newest edit, not the build time


def test_links_inside_a_note_resolve_against_the_note_page():
    parsed = feedparser.parse(atom_feed(SITE_FEED, lins_notes()))

    assert 'href="https://example.com/notes/vit/"' in parsed.entries[0].content[0].value


def test_every_url_in_the_feed_is_absolute_and_ids_do_not_move():
    first = atom_feed(SITE_FEED, lins_notes())
    root = ET.fromstring(first.encode("utf-8"))

    urls = [link.get("href") for link in root.iter(f"{ATOM}link")]
    urls += [entry.get(XML_BASE) for entry in root.iter(f"{ATOM}entry")]
    urls += [category.get("scheme") for category in root.iter(f"{ATOM}category")]
    assert all(urlsplit(url).scheme == "https" and urlsplit(url).netloc for url in urls), urls
    ids = [element.text for element in root.iter(f"{ATOM}id")]
    assert ids == [SITE, "tag:example.com,2024-01-24:/posts/clip.md", "tag:example.com,2023-12-31:/posts/vit.md"]

    assert atom_feed(SITE_FEED, lins_notes()) == first


def test_a_note_keeps_its_id_when_its_url_changes():
    before = lins_notes()[0]
    moved = note_entry("posts/clip.md", before.title, "2024/01/clip.html", before.published, before.updated)

    assert moved.id == before.id


def test_tag_ids_are_valid_for_any_host_and_file_name():
    posted = datetime(2024, 1, 24, 0, 30, tzinfo=SHANGHAI)

    assert tag_uri("Example.com:8000", posted, "论文/多模态 CLIP.md") == (
        "tag:example.com,2024-01-24:/%E8%AE%BA%E6%96%87/%E5%A4%9A%E6%A8%A1%E6%80%81%20CLIP.md"
    )


def test_build_markers_never_reach_a_reader():
    leaky = FeedEntry(
        title="标题\ue000\x01",
        url=SITE + "posts/leaky/",
        id=tag_uri("example.com", datetime(2024, 3, 1, tzinfo=SHANGHAI), "posts/leaky.md"),
        published=datetime(2024, 3, 1, tzinfo=SHANGHAI),
        updated=datetime(2024, 3, 1, tzinfo=SHANGHAI),
        summary="摘要\ue005\x0b",
        # a link still waiting for its page (ROOT_MARK), and a wikilink that was never resolved
        content='<p><a href="\ue002posts/clip/">CLIP</a> 和 \ue003vit\ue004ViT 笔记\ue005\x00</p>',
    )

    text = atom_feed(SITE_FEED, [leaky])

    assert not any(marker in text for marker in MARKERS + "\x00\x01\x0b")
    parsed = feedparser.parse(text)
    assert not parsed.bozo
    assert parsed.entries[0].title == "标题"
    assert 'href="https://example.com/notes/posts/clip/"' in parsed.entries[0].content[0].value
    assert "和 ViT 笔记" in parsed.entries[0].content[0].value


@given(st.text(), st.text())
def test_any_text_gives_well_formed_xml_and_safe_json(title, body):
    entry = FeedEntry(
        title=title,
        url=SITE + "posts/x/",
        id="tag:example.com,2024-01-01:/posts/x.md",
        published=datetime(2024, 1, 1, tzinfo=SHANGHAI),
        updated=datetime(2024, 1, 1, tzinfo=SHANGHAI),
        summary=body,
        content=body,
    )
    ET.fromstring(atom_feed(SITE_FEED, [entry]).encode("utf-8"))
    page = PageMeta(title, body, SITE + "posts/x/", "站点", "zh-CN")
    text = note_json_ld(page, ArticleMeta(entry.published, entry.updated, "林"))
    assert "<" not in text
    json.loads(text)


def test_a_category_feed_follows_its_page_and_an_empty_feed_has_a_fixed_date():
    page = CATEGORIES + "duo-mo-tai/"
    feed = FeedInfo("多模态 - 林的论文笔记", "", "林", SITE, page + "atom.xml", page, "zh-CN", page_url=page)

    root = ET.fromstring(atom_feed(feed, []).encode("utf-8"))

    assert root.find(f"{ATOM}id").text == page
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == page
    assert root.find(f"{ATOM}updated").text == "1970-01-01T00:00:00+00:00"
    assert atom_feed(feed, []) == atom_feed(feed, [])


def test_mistakes_in_the_callers_data_are_named():
    entry = lins_notes()[0]
    with pytest.raises(ValueError, match="absolute URL"):
        atom_feed(SITE_FEED, [FeedEntry(**{**entry.__dict__, "url": "posts/clip/"})])
    with pytest.raises(ValueError, match="time zone"):
        atom_feed(SITE_FEED, [FeedEntry(**{**entry.__dict__, "updated": datetime(2024, 2, 1)})])


def test_the_sitemap_lists_pages_with_their_last_edit():
    text = sitemap_xml(
        [
            SitemapUrl(SITE, datetime(2024, 2, 1, 22, 0, tzinfo=SHANGHAI)),
            SitemapUrl(SITE + "posts/多模态/", datetime(2024, 1, 24, 9, 30, tzinfo=SHANGHAI)),
            SitemapUrl(SITE + "archives/"),
        ]
    )

    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SITEMAP}urlset"
    urls = root.findall(f"{SITEMAP}url")
    assert [url.find(f"{SITEMAP}loc").text for url in urls] == [
        SITE,
        SITE + "posts/%E5%A4%9A%E6%A8%A1%E6%80%81/",
        SITE + "archives/",
    ]
    lastmods = [url.findtext(f"{SITEMAP}lastmod") for url in urls]
    assert lastmods[:2] == ["2024-02-01T22:00:00+08:00", "2024-01-24T09:30:00+08:00"]
    assert all(RFC3339.match(lastmod) for lastmod in lastmods[:2])
    assert lastmods[2] is None


def test_robots_txt_allows_everything_and_points_at_the_sitemap():
    text = robots_txt(SITE + "sitemap.xml")

    assert "User-agent: *\nAllow: /\n" in text
    assert "Sitemap: https://example.com/notes/sitemap.xml" in text.splitlines()


CLIP_PAGE = PageMeta(
    title="CLIP 笔记 </script><script>alert(1)</script>",
    description="图文对比学习 & 零样本分类",
    url=SITE + "posts/clip/",
    site_name="林的论文笔记",
    language="zh-CN",
)
CLIP_ARTICLE = ArticleMeta(
    published=datetime(2024, 1, 24, 9, 30, tzinfo=SHANGHAI),
    modified=datetime(2024, 2, 1, 22, 0, tzinfo=SHANGHAI),
    author="林",
    section="多模态",
    tags=("对比学习", "CLIP"),
)
CLIP_PAPER = PaperMeta.of(
    Paper(
        "Learning Transferable Visual Models From Natural Language Supervision",
        authors=("Alec Radford", "Jong Wook Kim", "Chris Hallacy"),
        year=2021,
        venue="ICML 2021",
        arxiv="2103.00020",
        doi="10.48550/arXiv.2103.00020",
    )
)


def test_json_ld_describes_the_note_and_its_paper_and_cannot_break_out_of_its_script():
    text = paper_json_ld(CLIP_PAGE, CLIP_ARTICLE, CLIP_PAPER)

    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == CLIP_PAGE.title
    assert data["datePublished"] == "2024-01-24T09:30:00+08:00"
    assert data["url"] == SITE + "posts/clip/"
    assert data["keywords"] == ["对比学习", "CLIP"]
    paper = data["about"]
    assert paper["@type"] == "ScholarlyArticle"
    assert [author["name"] for author in paper["author"]] == list(CLIP_PAPER.authors)
    assert paper["datePublished"] == "2021"
    assert paper["publication"] == {"@type": "PublicationEvent", "name": "ICML 2021"}
    assert paper["url"] == "https://arxiv.org/abs/2103.00020"
    assert paper["sameAs"] == ["https://doi.org/10.48550/arXiv.2103.00020"]
    assert {(i["propertyID"], i["value"]) for i in paper["identifier"]} == {
        ("arXiv", "2103.00020"),
        ("DOI", "10.48550/arXiv.2103.00020"),
    }


def test_a_journal_paper_is_part_of_a_periodical_and_unknown_fields_are_left_out():
    paper = PaperMeta("Deep learning", ("Yann LeCun",), 2015, "Nature")

    data = json.loads(paper_json_ld(CLIP_PAGE, CLIP_ARTICLE, paper))["about"]

    assert data["isPartOf"] == {"@type": "Periodical", "name": "Nature"}
    assert "identifier" not in data and "sameAs" not in data and "url" not in data


def test_a_note_without_a_paper_is_a_plain_blog_posting():
    data = json.loads(note_json_ld(CLIP_PAGE, CLIP_ARTICLE))

    assert data["@type"] == "BlogPosting" and "about" not in data
    assert data["author"] == {"@type": "Person", "name": "林"}


def by_name(tags: list[MetaTag]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in tags:
        found.setdefault(tag.name, []).append(tag.content)
    return found


def test_citation_tags_let_zotero_save_the_paper():
    tags = citation_meta(CLIP_PAPER)

    assert all(tag.attribute == "name" for tag in tags)
    meta = by_name(tags)
    assert meta["citation_author"] == ["Alec Radford", "Jong Wook Kim", "Chris Hallacy"]
    assert meta["citation_title"] == [CLIP_PAPER.title]
    assert meta["citation_publication_date"] == ["2021"]
    assert meta["citation_conference_title"] == ["ICML 2021"]
    assert "citation_journal_title" not in meta
    assert meta["citation_arxiv_id"] == ["2103.00020"]
    assert meta["citation_doi"] == ["10.48550/arXiv.2103.00020"]
    assert meta["citation_pdf_url"] == ["https://arxiv.org/pdf/2103.00020"]


@pytest.mark.parametrize(
    ("venue", "tag"),
    [
        ("CVPR 2022", "citation_conference_title"),
        ("Proceedings of the 60th Annual Meeting", "citation_conference_title"),
        ("IEEE Transactions on Pattern Analysis and Machine Intelligence", "citation_journal_title"),
        ("Nature", "citation_journal_title"),
    ],
)
def test_the_venue_is_a_conference_or_a_journal(venue, tag):
    meta = by_name(citation_meta(PaperMeta("A paper", ("A. Author",), venue=venue)))

    assert meta[tag] == [venue]
    assert set(meta) == {"citation_title", "citation_author", tag}


def test_an_arxiv_preprint_names_no_venue():
    meta = by_name(citation_meta(PaperMeta("A preprint", venue="arXiv preprint", arxiv="2401.00001")))

    assert "citation_conference_title" not in meta and "citation_journal_title" not in meta
    assert meta["citation_arxiv_id"] == ["2401.00001"]


def test_a_shared_note_previews_as_an_article_with_its_times():
    tags = open_graph(CLIP_PAGE, CLIP_ARTICLE)

    meta = by_name(tags)
    assert meta["og:type"] == ["article"]
    assert meta["og:locale"] == ["zh_CN"]
    assert meta["og:url"] == [SITE + "posts/clip/"]
    assert meta["article:published_time"] == ["2024-01-24T09:30:00+08:00"]
    assert meta["article:modified_time"] == ["2024-02-01T22:00:00+08:00"]
    assert meta["article:tag"] == ["对比学习", "CLIP"]
    assert meta["twitter:card"] == ["summary"]
    assert meta["twitter:title"] == [CLIP_PAGE.title]
    assert {tag.attribute for tag in tags if tag.name.startswith("twitter:")} == {"name"}
    assert {tag.attribute for tag in tags if tag.name.startswith(("og:", "article:"))} == {"property"}


def test_other_pages_preview_as_the_website_and_leave_out_what_is_unknown():
    page = PageMeta("Archives", "", "archives/", "Lin's notes", "en")

    meta = by_name(open_graph(page))

    assert meta["og:type"] == ["website"]
    assert meta["og:locale"] == ["en_US"]
    assert "og:url" not in meta  # a relative URL means nothing in a link preview
    assert "og:description" not in meta and "twitter:description" not in meta
    assert not any(name.startswith("article:") for name in meta)
