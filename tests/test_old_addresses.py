"""A moved note keeps its old links: `aliases` and `redirect_from` write pages that lead to it,
Obsidian's `aliases` are names for wikilinks, and a hand-written summary is the excerpt."""

from __future__ import annotations

import re

import pytest
from pagetools import local_target


def refresh_target(site, page: str) -> str:
    """Where the redirect page at `page` sends the browser, checked to be a built page."""
    html = site.page(page)
    match = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    assert match, html
    target = local_target(site.public, page, match.group(1))
    assert target.is_file(), match.group(1)
    assert 'name="robots" content="noindex"' in html
    return target.relative_to(site.public).as_posix()


def test_hugo_aliases_and_jekyll_redirect_from_lead_to_the_note(site):
    site.settings("permalink: notes/:slug/\nbase_url: https://notes.example.com/blog/\n")
    site.note(
        "clip.md",
        """
        title: CLIP
        date: 2024-01-24
        aliases: [/2021/03/01/clip/, /posts/CLIP.html]
        """,
    )
    site.note("vit.md", "title: ViT\ndate: 2024-01-25\nredirect_from: /old/vit\n")
    report = site.build()
    assert not report.problems, report.problems
    assert refresh_target(site, "2021/03/01/clip/") == "notes/clip/index.html"
    assert refresh_target(site, "posts/CLIP.html") == "notes/clip/index.html"
    assert refresh_target(site, "old/vit/") == "notes/vit/index.html"
    redirect = site.page("2021/03/01/clip/")
    assert '<link rel="canonical" href="https://notes.example.com/blog/notes/clip/">' in redirect
    assert '<a href="../../../../notes/clip/">CLIP</a>' in redirect
    sitemap = site.page("sitemap.xml")
    assert "notes/clip/" in sitemap and "2021/03/01" not in sitemap  # an old address is not a page to index


def test_a_page_of_the_site_wins_over_a_redirect_with_a_warning_naming_the_line(site):
    site.settings("permalink: :slug/\n")
    site.note("clip.md", "title: CLIP\ndate: 2024-01-24\n")
    site.note(
        "vit.md",
        "title: ViT\ndate: 2024-01-25\naliases:\n  - /clip/\n  - /archives/\n  - https://old.example.com/vit/\n",
    )
    report = site.build()
    messages = [(p.path.name, p.line, p.message) for p in report.warnings]
    assert ("vit.md", 4, "no redirect was written at /clip/: a page of the site is there.") in messages
    assert ("vit.md", 4, "no redirect was written at /archives/: a page of the site is there.") in messages
    assert any("old.example.com" in message and line == 4 for _name, line, message in messages)
    assert "<h1" in site.page("clip/") and "refresh" not in site.page("clip/")
    assert not report.errors


def test_obsidian_aliases_are_names_a_wikilink_can_use(site):
    site.note(
        "radford21.md", "title: Learning Transferable Visual Models\ndate: 2024-01-24\naliases: [CLIP, 对比学习]\n"
    )
    site.note("vit.md", "title: ViT\ndate: 2024-01-25\n", "Compare with [[CLIP]] and [[对比学习|the CJK alias]].\n")
    report = site.build()
    assert not report.problems, report.problems
    (vit,) = site.public.glob("*/*/*/vit/index.html")
    html = vit.read_text(encoding="utf-8")
    assert re.search(r'<a class="wikilink" href="[^"]*/radford21/">CLIP</a>', html)
    assert re.search(r'<a class="wikilink" href="[^"]*/radford21/">the CJK alias</a>', html)
    assert not list(site.public.glob("CLIP*"))  # names are not addresses


def test_description_or_summary_is_the_excerpt_of_a_note_without_a_more_marker(site):
    site.note("a.md", "title: A\ndate: 2024-01-01\ndescription: A short <b>plain</b> summary.\n", "Full text A.\n")
    site.note("b.md", "title: B\ndate: 2024-01-02\nsummary: Hugo's *own* summary.\n", "Full text B.\n")
    site.note(
        "c.md", "title: C\ndate: 2024-01-03\ndescription: Ignored here.\n", "Before.\n\n<!-- more -->\n\nAfter.\n"
    )
    site.note("d.md", "title: D\ndate: 2024-01-04\n", "Full text D.\n")
    report = site.build()
    assert not report.problems, report.problems
    index = site.page("")
    cards = dict(
        re.findall(
            r'<h2 class="post-title"><a href="[^"]*">(\w)</a>.*?(<div class="post-body">.*?</article>)', index, re.S
        )
    )
    assert "A short &lt;b&gt;plain&lt;/b&gt; summary." in cards["A"] and "Full text A" not in cards["A"]
    assert "Hugo's <em>own</em> summary." in cards["B"] and "Full text B" not in cards["B"]
    assert "Before." in cards["C"] and "Ignored here" not in cards["C"] and "After." not in cards["C"]
    assert "Full text D." in cards["D"]
    assert [letter for letter in "ABCD" if "Read more" in cards[letter]] == ["A", "B", "C"]
    (a_page,) = site.public.glob("*/*/*/a/index.html")
    assert "Full text A." in a_page.read_text(encoding="utf-8")


def test_a_note_with_its_own_permalink_keeps_that_address_whatever_the_pattern(site):
    site.settings('permalink: ":year/:month/:day/:slug/"\n')
    site.note("own.md", "title: Own\ndate: 2024-01-05\npermalink: /own/path/\n")
    site.note("hugo.md", "title: Hugo\ndate: 2024-01-06\nurl: /about-hugo.html\n")
    site.note("tokens.md", "title: Tokens\ndate: 2024-01-07\npermalink: /papers/:year/:slug/\n")
    site.note("bad.md", "title: Bad\ndate: 2024-01-08\npermalink: /x/:nope/\n")
    report = site.build()
    assert "Own" in site.page("own/path/")
    assert "Hugo" in site.page("about-hugo.html")
    assert "Tokens" in site.page("papers/2024/tokens/")
    assert "Bad" in site.page("2024/01/08/bad/")
    (problem,) = report.warnings
    assert (problem.path.name, problem.line) == ("bad.md", 4) and ":nope is unknown" in problem.message


def test_two_notes_claiming_one_permalink_is_an_error_naming_both(site):
    site.note("a.md", "title: A\ndate: 2024-01-05\npermalink: /same/\n")
    site.note("b.md", "title: B\ndate: 2024-01-04\npermalink: /same/\n")
    report = site.build()
    (problem,) = report.errors
    assert "a.md" in problem.message and "b.md" in problem.message


def test_jekyll_categories_token_leaves_no_folder_for_a_note_without_categories(site):
    site.settings('permalink: ":categories/:year/:month/:day/:slug.html"\n')
    site.note("2024-05-22-clip.md", "title: CLIP\ncategories: [ML, CV]\n")
    site.note("2024-05-21-plain.md", "title: Plain\n")
    assert not site.build().problems
    assert "CLIP" in site.page("ml/cv/2024/05/22/clip.html")
    assert "Plain" in site.page("2024/05/21/plain.html")


@pytest.mark.browser
def test_a_browser_opening_an_old_address_lands_on_the_note_from_disk_and_over_http(browser, example_public):
    """The example's BERT note lived at /notes/bert/; Chromium follows the redirect page there."""
    import http.server
    import threading
    from functools import partial

    page = browser.new_page()
    page.goto((example_public / "notes/bert/index.html").as_uri())
    page.wait_for_url("**/2023/09/12/bert/index.html")
    assert page.title().startswith("BERT")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(example_public))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/notes/bert/")
        page.wait_for_url("**/2023/09/12/bert/")
        assert page.locator("h1").first.inner_text().startswith("BERT")
    finally:
        server.shutdown()
        page.close()
