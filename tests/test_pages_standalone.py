"""Standalone pages (`layout: page`): an About page at its own address, in the menu and the sitemap,
and nowhere the notes are (listings, archive, terms, feeds, the map, search, backlinks).
Importers turn a blog's pages into them, keeping their addresses and the menu entries."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_html_validity import describe, errors_of, nu_messages, validator_or_skip
from test_incremental import bump, snapshot

from notes_site.build import BuildOptions, build_site
from notes_site.cli import main

SETTINGS = """\
title: Notes
base_url: https://ada.example.org/notes/
menu:
  home: /
  archives: /archives/
  关于: /about/ || fa fa-user
"""


def main_of(html: str) -> str:
    """The page's own content, without the sidebar (whose menu links to the page everywhere)."""
    return html.split('<main id="content"', 1)[1].split("</main>", 1)[0]


@pytest.fixture
def blog(site):
    site.settings(SETTINGS)
    site.note(
        "clip.md",
        "title: CLIP\ndate: 2024-01-24\ntags: [cv]\ncategories: [ml]",
        "Contrastive pre-training.\n\n<!-- more -->\n\n"
        "See [my page](about/index.md) and [[关于]].\n\n## 方法\n\nDetails.\n",
    )
    site.note("vit.md", "title: ViT\ndate: 2024-02-01\ntags: [cv]", "Patches, as in [[CLIP]].\n")
    site.note(
        "about/index.md",
        "title: 关于\nlayout: page\ndescription: Who writes these notes",
        """\
        I read papers: $\\mathcal{L} = -\\log p$, latest [[CLIP#方法]], and ![me](avatar.png).

        ```python
        print("hi")
        ```

        [ViT](../vit.md)
        """,
    )
    site.write("content/about/avatar.png", "png")
    report = site.build()
    assert report.errors == [] and report.warnings == [], report.problems
    return site


def test_the_page_is_built_at_its_address_with_its_own_template(blog):
    html = blog.page("about/")
    body = main_of(html)
    assert '<article class="post-block card post-full page-standalone">' in body
    assert '<h1 class="post-title">关于</h1>' in body
    assert "post-meta" not in body and "<time" not in body  # no post meta: no dates, no terms
    assert "<math" in body and 'class="language-python"' in body
    assert '<a class="wikilink" href="../2024/01/24/clip/#%E6%96%B9%E6%B3%95">CLIP › 方法</a>' in body
    assert '<a href="../2024/02/01/vit/">ViT</a>' in body
    assert '<img src="../about/avatar.png" alt="me"' in body and (blog.public / "about/avatar.png").is_file()
    assert "<title>关于 – Notes</title>" in html
    assert '<meta name="description" content="Who writes these notes">' in html
    assert '<a href="../about/" aria-current="page">关于</a>' in html  # the menu marks it as the current page


def test_notes_link_to_the_page_but_it_is_no_note(blog):
    clip = blog.page("2024/01/24/clip/")
    assert '<a href="../../../../about/">my page</a>' in clip
    assert '<a class="wikilink" href="../../../../about/">关于</a>' in clip
    for listing in ("", "archives/", "tags/cv/", "categories/ml/", "tags/", "categories/", "graph/", "papers/"):
        assert "关于" not in main_of(blog.page(listing)) and "about/" not in main_of(blog.page(listing)), listing
    feed = blog.page("atom.xml")
    assert feed.count("<entry ") == 2 and "<title>关于" not in feed and "I read papers" not in feed
    links = clip.split('<aside class="note-links"', 1)[1].split("</aside>", 1)[0]
    assert "ViT" in links and "about/" not in links and "关于" not in links  # backlinks and related: notes only
    assert '<span class="count">2</span> <span class="label">' in blog.page("")  # the sidebar counts 2 notes
    search = "".join(p.read_text(encoding="utf-8") for p in (blog.public / "search").rglob("*.js"))
    assert '"2024/01/24/clip/"' in search and '"about/"' not in search and "I read papers" not in search


def test_the_page_is_in_the_sitemap(blog):
    sitemap = blog.page("sitemap.xml")
    assert "<loc>https://ada.example.org/notes/about/</loc>" in sitemap


def test_a_permalink_and_a_slug_give_other_addresses(site):
    site.note("links.md", "title: Links\nlayout: page\npermalink: /friends.html", "Friends.\n")
    site.note("pages/cv.md", "title: CV\nlayout: Page\nslug: resume", "Work.\n")
    site.note("post.md", "title: Post\ndate: 2024-01-01\nlayout: post", "A post.\n")
    assert site.build().errors == []
    assert "Friends." in site.page("friends.html") and "Work." in site.page("resume/")
    assert "A post." in site.page("2024/01/01/post/")  # `layout: post` is a note


def test_a_page_cannot_take_a_generated_page_or_a_notes_address(site):
    site.note("tags.md", "title: Tags\nlayout: page\npermalink: /tags/", "Mine.\n")
    site.note("clip.md", "title: CLIP\ndate: 2024-01-01\npermalink: /about/", "The note.\n")
    site.note("about.md", "title: About\nlayout: page", "The page.\n")
    report = site.build()
    messages = [p.message for p in report.errors]
    assert any("the site's tag page" in m or "the site's tags page" in m for m in messages), messages
    assert any("/about/" in m and "about.md" in m for m in messages), messages
    assert "The note." in site.page("about/")  # the note keeps its address
    assert "Mine." not in site.page("tags/")


def test_an_edit_to_a_page_rerenders_it_and_equals_a_clean_build(blog):
    path = blog.root / "content/about/index.md"
    path.write_text(path.read_text(encoding="utf-8").replace("I read papers", "I read many papers"), "utf-8")
    bump(path)
    report = blog.build()
    assert "I read many papers" in blog.page("about/")
    assert 0 < report.pages_written <= 3  # the page, and the sitemap at most
    clean = blog.root.parent / "clean-output"
    shutil.rmtree(clean, ignore_errors=True)
    build_site(BuildOptions(site_root=blog.root, output=clean, clean=True))
    assert snapshot(blog.public) == snapshot(clean)


def test_a_note_turning_into_a_page_leaves_the_listings_in_an_incremental_build(blog):
    path = blog.root / "content/vit.md"
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [cv]", "tags: [cv]\nlayout: page"), "utf-8")
    bump(path)
    assert blog.build().errors == []
    assert "Patches" in blog.page("vit/") and "ViT" not in main_of(blog.page(""))
    clean = blog.root.parent / "clean-output"
    shutil.rmtree(clean, ignore_errors=True)
    build_site(BuildOptions(site_root=blog.root, output=clean, clean=True))
    assert snapshot(blog.public) == snapshot(clean)


def test_new_kind_page_scaffolds_a_page_in_content_itself(site):
    site.settings("new_note_dir: papers\n")
    result = CliRunner().invoke(main, ["new", "--kind", "page", "About Me", "--site", str(site.root)])
    assert result.exit_code == 0, result.output
    text = (site.root / "content/about-me.md").read_text(encoding="utf-8")
    assert "layout: page" in text and "title: About Me" in text
    assert site.build().errors == []
    assert "/about-me/" in site.page("about-me/")


def test_pages_are_valid_html(blog):
    validator = validator_or_skip()
    pages = [blog.public / "about/index.html", blog.public / "2024/01/24/clip/index.html"]
    errors = errors_of(nu_messages(validator, pages))
    assert not errors, "\n".join(describe(m, blog.public) for m in errors)


# --- importers -------------------------------------------------------------------------


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def import_and_build(kind: str, source: Path, target: Path) -> str:
    result = CliRunner().invoke(main, ["import", kind, str(source), "--to", str(target)])
    assert result.exit_code == 0, result.output
    report = build_site(BuildOptions(site_root=target))
    assert report.errors == [], report.errors
    return result.output


def test_hexo_pages_keep_their_addresses_and_menu_entries(tmp_path):
    blog = tmp_path / "hexo"
    write(blog, "_config.yml", "title: Blog\npermalink: :year/:month/:day/:title/\n")
    write(
        blog,
        "_config.next.yml",
        """\
        menu:
          home: / || fa fa-home
          about: /about/ || fa fa-user
          links: /links/ || fa fa-link
          tags: /tags/ || fa fa-tags
          guestbook: /guestbook.html
        """,
    )
    write(blog, "source/_posts/clip.md", "---\ntitle: CLIP\ndate: 2024-01-24 10:00:00\n---\nA post.\n")
    write(blog, "source/about/index.md", "---\ntitle: about\ndate: 2020-01-01 00:00:00\n---\nAbout me.\n")
    write(blog, "source/links/index.md", "---\ntitle: 友链\n---\nFriends.\n")
    write(blog, "source/guestbook.md", "---\ntitle: 留言\n---\nSay hi.\n")
    write(blog, "source/tags/index.md", "---\ntitle: tags\ntype: tags\n---\n")
    output = import_and_build("hexo", blog, tmp_path / "site")
    public = tmp_path / "site/public"
    assert "About me." in (public / "about/index.html").read_text(encoding="utf-8")
    assert "Friends." in (public / "links/index.html").read_text(encoding="utf-8")
    assert "Say hi." in (public / "guestbook.html").read_text(encoding="utf-8")  # Hexo's address for source/x.md
    assert "not converted: the menu entry" not in output  # every entry leads somewhere
    assert "NexT's `type: tags` page: notes-site makes /tags/ itself" in output
    assert not (tmp_path / "site/content/tags/index.md").exists()
    index = main_of((public / "index.html").read_text(encoding="utf-8"))
    assert "CLIP" in index and "About me." not in index and "Friends." not in index


def test_hugo_pages_outside_the_sections_are_pages(tmp_path):
    site = tmp_path / "hugo"
    write(
        site,
        "hugo.toml",
        """\
        title = "Blog"
        [permalinks]
        posts = "/:year/:month/:slug/"
        [[menus.main]]
        name = "About"
        url = "/about/"
        [[menus.main]]
        name = "Projects"
        url = "/projects/"
        [[menus.main]]
        name = "Archives"
        url = "/archives/"
        """,
    )
    write(site, "content/posts/clip.md", "---\ntitle: CLIP\ndate: 2024-01-24\nslug: clip\n---\nA post.\n")
    write(site, "content/posts/_index.md", "---\ntitle: Posts\n---\n")
    write(site, "content/about.md", "---\ntitle: About\n---\nAbout me.\n")
    write(site, "content/projects/index.md", "---\ntitle: Projects\n---\nThings I built.\n")
    write(site, "content/archives.md", "---\ntitle: Archives\nlayout: archives\n---\n")
    output = import_and_build("hugo", site, tmp_path / "site")
    public = tmp_path / "site/public"
    assert "About me." in (public / "about/index.html").read_text(encoding="utf-8")
    assert "Things I built." in (public / "projects/index.html").read_text(encoding="utf-8")
    assert (public / "2024/01/clip/index.html").is_file()
    assert "not converted: the menu entry" not in output, output
    assert re.search(r"a page of the theme's own \(`archives`\): notes-site makes /archives/ itself", output)
    assert "About me." not in main_of((public / "index.html").read_text(encoding="utf-8"))


def test_jekyll_pages_keep_their_permalinks_and_get_menu_entries(tmp_path):
    site = tmp_path / "jekyll"
    write(site, "_config.yml", "title: Blog\nheader_pages:\n  - about.md\n  - projects.md\n")
    write(site, "_posts/2024-01-24-clip.md", "---\ntitle: CLIP\n---\nA post.\n")
    write(site, "about.md", "---\nlayout: page\ntitle: About\npermalink: /about/\n---\nAbout me.\n")
    write(site, "projects.md", "---\nlayout: default\ntitle: Projects\n---\nThings I built.\n")
    write(site, "index.md", "---\nlayout: home\n---\n")
    write(site, "archive.md", "---\ntitle: Archive\n---\n{% for post in site.posts %}{{ post.title }}{% endfor %}\n")
    output = import_and_build("jekyll", site, tmp_path / "site")
    public = tmp_path / "site/public"
    about = (public / "about/index.html").read_text(encoding="utf-8")
    assert "About me." in about
    assert "Things I built." in (public / "projects.html").read_text(encoding="utf-8")  # Jekyll's address
    assert '<a href="../projects.html">Projects</a>' in about and '<a href="./" aria-current' not in about
    assert "a listing of posts made with Liquid" in output
    assert not (tmp_path / "site/content/archive.md").exists()
