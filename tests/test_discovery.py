"""Readers follow the site and search engines find it: Atom feeds, the sitemap, robots.txt,
canonical URLs, OpenGraph, Google Scholar's citation tags and schema.org JSON-LD."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from notes_site.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent
BASE = "https://notes.example.com/"


@pytest.fixture(scope="module")
def example(example_public):
    return example_public


def existing_file(public: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    path = public / unquote(urlsplit(url).path).lstrip("/")
    return path / "index.html" if url.endswith("/") else path


def test_the_atom_feed_parses_without_errors_and_has_every_field(example):
    feed = feedparser.parse((example / "atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Paper Notes" and len(feed.entries) == 15  # fewer than feed.entries (20)
    for entry in feed.entries:
        assert entry.title and entry.link.startswith(BASE) and entry.id.startswith("tag:notes.example.com,")
        assert entry.published_parsed and entry.updated_parsed and entry.content[0].value
        assert existing_file(example, entry.link).is_file()
    newest = feed.entries[0]
    assert newest.title == "多兴趣召回" and newest.published.endswith("+08:00")  # the site's time zone


def test_feed_content_is_the_whole_note_with_links_made_absolute(example):
    feed = feedparser.parse((example / "atom.xml").read_bytes())
    vit = next(e for e in feed.entries if e.title == "Vision Transformer")
    assert "<math" in vit.content[0].value  # formulas come as MathML, no script needed
    assert 'href="https://notes.example.com/2023/12/04/swin-transformer/"' in vit.content[0].value


def test_each_category_has_its_own_feed(example):
    feed = feedparser.parse((example / "categories/machine-learning/atom.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 15
    assert feed.feed.link == BASE + "categories/machine-learning/"


def test_the_ids_of_entries_stay_the_same_across_builds(example, tmp_path):
    root = example.parent
    first = (example / "atom.xml").read_text(encoding="utf-8")
    build_site(BuildOptions(site_root=root, output=tmp_path / "again", clean=True))
    assert re.findall(r"<id>[^<]+</id>", first) == re.findall(
        r"<id>[^<]+</id>", (tmp_path / "again/atom.xml").read_text(encoding="utf-8")
    )


def test_the_sitemap_lists_every_page_that_exists_and_robots_points_at_it(example):
    root = ET.parse(example / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [url.findtext("s:loc", namespaces=ns) for url in root.findall("s:url", ns)]
    assert len(locs) == len(set(locs)) > 40
    assert all(existing_file(example, loc).is_file() for loc in locs)
    pages = {
        p.relative_to(example).as_posix()
        for p in example.rglob("*.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")  # an old address leads elsewhere
    } - {"404.html"}
    folders = {page[: -len("index.html")] if page.endswith("index.html") else page for page in pages}
    assert {unquote(urlsplit(loc).path).lstrip("/") for loc in locs} == folders
    clip = next(u for u in root.findall("s:url", ns) if u.findtext("s:loc", namespaces=ns).endswith("/clip/"))
    assert clip.findtext("s:lastmod", namespaces=ns) == "2024-03-24T16:50:00+08:00"
    assert (example / "robots.txt").read_text() == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"


def test_every_page_has_its_canonical_url_language_and_feed_link(example):
    for path in ("index.html", "2024/01/24/clip/index.html", "tags/cv/index.html", "archives/index.html"):
        html = (example / path).read_text(encoding="utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        assert existing_file(example, canonical) == example / path
        assert '<html lang="en">' in html and 'type="application/atom+xml"' in html
        assert '<meta property="og:title"' in html and '<meta name="twitter:card" content="summary">' in html


def test_a_paper_note_carries_citation_meta_and_json_ld_about_the_paper(example):
    html = (example / "2024/01/24/clip/index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Learning Transferable Visual Models From Natural Language' in html
    assert html.count('<meta name="citation_author"') == 12
    assert '<meta name="citation_arxiv_id" content="2103.00020">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="article:published_time" content="2024-01-24T20:35:00+08:00">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "BlogPosting" and data["about"]["@type"] == "ScholarlyArticle"
    assert data["about"]["author"][0]["name"] == "Alec Radford"


def test_a_note_without_a_paper_has_no_citation_meta(example):
    html = (example / "2024/05/22/duo-xing-qu-zhao-hui/index.html").read_text(encoding="utf-8")
    assert "citation_title" not in html and '"@type":"BlogPosting"' in html.replace(" ", "")


def test_without_a_full_base_url_there_are_no_feeds_and_check_says_why(site):
    from click.testing import CliRunner

    from notes_site.cli import main

    site.note("a.md", "title: A\ndate: 2024-01-01")
    site.build()
    assert not (site.public / "atom.xml").exists() and not (site.public / "sitemap.xml").exists()
    assert "canonical" not in site.page("")
    result = CliRunner().invoke(main, ["check", "--site", str(site.root)])
    assert "base_url" in result.output and "feed" in result.output


def test_feeds_follow_their_settings(site):
    for day in range(1, 6):
        site.note(
            f"n{day}.md", f"title: N{day}\ndate: 2024-01-0{day}\ncategories: [ml]", "Intro.\n\n<!-- more -->\n\nRest.\n"
        )
    site.settings(
        "base_url: https://me.github.io/notes/\nfeed:\n  entries: 3\n  content: excerpt\n  categories: false\n"
    )
    site.build()
    feed = feedparser.parse((site.public / "atom.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["N5", "N4", "N3"]
    assert "Rest." not in feed.entries[0].content[0].value and "Intro." in feed.entries[0].content[0].value
    assert feed.entries[0].link == "https://me.github.io/notes/2024/01/05/n5/"
    assert not (site.public / "categories/ml/atom.xml").exists()
    assert not (site.public / "robots.txt").exists()  # only read at a host's root: /notes/robots.txt is useless
