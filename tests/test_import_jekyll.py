"""A Jekyll blog moves over with one command: every post keeps the URL Jekyll gave it.

The site is tests/fixtures/import/jekyll/; expected-urls.txt there is what Jekyll 4.3
itself produced for it, rebuilt by tests/fixtures/import/regenerate_jekyll_urls.sh.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pagetools import files_of, local_target, text_of

from notes_site.build import BuildOptions, BuildReport, build_site
from notes_site.cli import main

SITE = Path(__file__).resolve().parent / "fixtures" / "import" / "jekyll"


class Imported:
    def __init__(self, root: Path) -> None:
        before = files_of(SITE)
        self.root = root
        result = CliRunner().invoke(main, ["import", "jekyll", str(SITE), "--to", str(root)])
        self.exit_code, self.output = result.exit_code, result.output
        self.report = build_site(BuildOptions(site_root=root)) if result.exit_code == 0 else BuildReport()
        self.drafts_report = build_site(BuildOptions(site_root=root, output=root / "with-drafts", drafts=True))
        self.source_unchanged = files_of(SITE) == before

    @property
    def public(self) -> Path:
        return self.root / "public"

    def page(self, path: str) -> str:
        target = self.public / path
        return (target / "index.html" if path.endswith("/") else target).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Imported:
    return Imported(tmp_path_factory.mktemp("jekyll") / "site")


def expected_urls() -> list[str]:
    lines = (SITE / "expected-urls.txt").read_text(encoding="utf-8").splitlines()
    return [line.lstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def test_the_import_reports_and_names_the_build_command(imported):
    assert imported.exit_code == 0, imported.output
    assert "cd " in imported.output and "notes-site build" in imported.output
    assert re.search(r"converted: .*: 1 standalone page \(about\.md\) copied with `layout: page`", imported.output)
    assert re.search(r"converted: .*index\.md: the home page: notes-site makes its own", imported.output)
    assert "`excerpt_separator` as excerpt.separator" in imported.output
    assert imported.source_unchanged


def test_settings_carry_over(imported):
    settings = (imported.root / "notes-site.yaml").read_text(encoding="utf-8")
    for line in (
        "title: 读论文的笔记",
        "author: Ada",
        "language: zh-CN",
        "timezone: Asia/Shanghai",
        "base_url: https://ada.github.io/notes/",
        "per_page: 5",
        "permalink: :categories/:year/:month/:day/:slug.html",
        "  separator: <!--excerpt-->",
    ):
        assert line in settings.splitlines() or line in settings


def test_every_post_keeps_the_url_jekyll_gave_it(imported):
    assert not imported.report.errors, imported.report.errors
    urls = expected_urls()
    assert len(urls) == 6
    for url in urls:
        assert (imported.public / url / "index.html" if url.endswith("/") else imported.public / url).is_file(), url


def test_images_and_files_from_the_site_root_load_on_the_page(imported):
    url = next(u for u in expected_urls() if u.endswith("CLIP.html"))
    html = imported.page(url)
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == 2
    for src in sources:
        assert local_target(imported.public, url, src).read_bytes()[:4] == b"\x89PNG"
    (pdf,) = re.findall(r'<a href="([^"]+\.pdf)"', html)
    assert local_target(imported.public, url, pdf).is_file()
    assert "site.baseurl" not in html and "relative_url" not in html


def test_post_url_and_link_lead_to_the_posts(imported):
    url = next(u for u in expected_urls() if u.endswith("CLIP.html"))
    html = imported.page(url)
    targets = {
        text_of(text): local_target(imported.public, url, href).relative_to(imported.public).as_posix()
        for href, text in re.findall(r'<a[^>]*href="([^"#]+)"[^>]*>(.*?)</a>', html)
        if text_of(text) in ("the ViT notes", "attention")
    }
    assert targets == {
        "the ViT notes": "computer vision/2023/12/04/vit.html",
        "attention": "2023/08/22/attention-is-all-you-need.html",
    }


def test_highlight_is_highlighted_code(imported):
    html = imported.page(next(u for u in expected_urls() if u.endswith("CLIP.html")))
    assert re.search(r'<pre[^>]*>.*class="[^"]*".*image_features', html, re.S)
    assert "{% highlight" not in html


def test_excerpts_end_at_the_site_and_the_note_separators(imported):
    home = "".join(
        p.read_text(encoding="utf-8") for p in (imported.public / "index.html", imported.public / "page/2/index.html")
    )
    cards = {
        text_of(re.search(r'<h2 class="post-title">(.*?)</h2>', card, re.S).group(1)): card
        for card in re.findall(r"<article.*?</article>", home, re.S)
    }
    clip = cards["CLIP: Learning Transferable Visual Models"]
    assert "同一个空间" in clip and "方法" not in clip and "阅读全文" in clip
    attention = cards["Attention Is All You Need"]
    assert "Self-attention only." in attention and "Multi-head" not in attention
    assert "Second paragraph." in cards["ViT"]  # no separator in it: shown in full, as notes-site does


def test_folder_and_front_matter_categories_make_category_pages(imported):
    assert "多兴趣召回" in text_of(imported.page("categories/ml/recsys/"))
    assert "Swin Transformer V2" in text_of(imported.page("categories/ml/"))
    assert "CLIP" in text_of(imported.page("categories/multimodal/pretraining/"))
    assert "CLIP" in text_of(imported.page("tags/zero-shot/"))  # `tags: contrastive zero-shot` is two tags


def test_unknown_tags_stay_visible_with_file_and_line(imported):
    (warning,) = [p for p in imported.report.warnings if "include" in p.message]
    assert warning.path.name == "2023-08-22-attention-is-all-you-need.md"
    assert "{% include figure.html %}" in warning.path.read_text(encoding="utf-8").splitlines()[warning.line - 1]
    assert "{% include figure.html %}" in imported.page("2023/08/22/attention-is-all-you-need.html")


def test_unpublished_posts_and_drafts_are_drafts(imported):
    built = {p.relative_to(imported.public).as_posix() for p in imported.public.rglob("*.html")}
    assert not any("hidden" in path or "idea" in path for path in built)
    with_drafts = {p.name for p in (imported.root / "with-drafts").rglob("*.html")}
    assert "hidden.html" in with_drafts and "idea.html" in with_drafts
