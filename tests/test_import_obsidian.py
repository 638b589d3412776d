"""An Obsidian user turns a vault into a site with one command; its links, images, tags and dates survive.

The vault is tests/fixtures/import/obsidian/ (its PNGs are tiny real images, written
with zlib and struct). Here it is copied, put into git the way its owner keeps it (some
notes committed on known dates, others not yet), imported with the CLI and built once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pagetools import files_of, links_of, local_target, text_of

from notes_site.build import BuildOptions, BuildReport, build_site
from notes_site.cli import main
from notes_site.frontmatter import decode_text, load_meta, split_front_matter

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "obsidian"
ADDED = "2024-05-01T10:00:00+08:00"  # the commit that put Papers/ and 读书笔记/ into git
EDITED = "2024-06-15T09:30:00+08:00"  # the commit that changed ViT.md again
INBOX_SAVED = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)  # Inbox.md is not committed yet
# Every note of the vault (not its templates, not its trash) and where its page is.
PAGES = {
    "Papers/CLIP.md": "papers/clip/",
    "Papers/Vision/ViT.md": "papers/vision/vit/",
    "Papers/Vision/MAE.md": "papers/vision/mae/",
    "读书笔记/注意力机制.md": "读书笔记/注意力机制/",
    "Inbox.md": "inbox/",
    "Daily/2024-03-01.md": "daily/2024-03-01/",
}


@dataclass
class Imported:
    vault: Path
    site: Path
    output: str  # what `notes-site import` printed
    vault_before: str
    vault_after: str
    build: BuildReport

    @property
    def public(self) -> Path:
        return self.site / "public"

    def page(self, path: str) -> str:
        return (self.public / path / "index.html").read_text(encoding="utf-8")

    def copy_of(self, note: str) -> bytes:
        return (self.site / "content" / note).read_bytes()

    def front_matter(self, note: str) -> dict:
        return load_meta(split_front_matter(decode_text(self.copy_of(note))))


def git(vault: Path, *args: str, date: str = ADDED) -> None:
    who = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org", "GIT_COMMITTER_NAME": "Ada"}
    when = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_COMMITTER_EMAIL": "ada@example.org"}
    command = ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args]
    subprocess.run(command, cwd=vault, check=True, capture_output=True, env={**os.environ, **who, **when})


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Imported:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("obsidian")
    vault = root / "Paper Vault"
    shutil.copytree(FIXTURE, vault)
    git(vault, "init", "-q")
    git(vault, "add", "Papers", "读书笔记")
    git(vault, "commit", "-q", "-m", "Notes so far")
    with (vault / "Papers/Vision/ViT.md").open("a", encoding="utf-8") as note:
        note.write("\nA second look at the patch size.\n")
    git(vault, "commit", "-q", "-am", "More on ViT", date=EDITED)
    os.utime(vault / "Inbox.md", (INBOX_SAVED.timestamp(), INBOX_SAVED.timestamp()))
    before = files_of(vault)
    result = CliRunner().invoke(main, ["import", "obsidian", str(vault), "--to", str(root / "site")])
    assert result.exit_code == 0, result.output
    after = files_of(vault)
    report = build_site(BuildOptions(site_root=root / "site"))
    return Imported(vault, root / "site", result.output, before, after, report)


def anchors(html: str) -> dict[str, str]:
    """Link text -> href of every link on the page."""
    return {text_of(text): href for href, text in re.findall(r'<a\b[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)}


def opens(imported: Imported, page: str, href: str) -> Path:
    target = local_target(imported.public, page, href)
    assert target is not None and target.is_file(), f"{href} on {page} opens nothing"
    return target


def test_every_note_gets_a_page_at_its_path_in_the_vault_and_the_vault_is_untouched(imported):
    assert imported.vault_after == imported.vault_before
    notes = {
        path.relative_to(imported.vault).as_posix()
        for path in imported.vault.rglob("*.md")
        if not path.relative_to(imported.vault).as_posix().startswith((".", "Templates/"))
    }
    assert notes == set(PAGES)
    assert imported.build.errors == []
    for page in PAGES.values():
        assert (imported.public / page / "index.html").is_file(), page


def test_every_image_and_embedded_file_opens_its_copy(imported):
    shown = {}
    for page in PAGES.values():
        for tag, url in links_of(imported.page(page)):
            if tag == "img" or url.endswith(".pdf"):
                shown[(page, url)] = opens(imported, page, url)
    copied = {target.relative_to(imported.public).as_posix() for target in shown.values()}
    assert copied == {
        "attachments/clip-architecture.png",  # in the attachment folder: ![[clip-architecture.png|300]]
        "attachments/损失曲线.png",  # by its name alone, from another folder: ![[损失曲线.png]]
        "assets/diagrams/vit-patches.png",  # by its path from the vault's root
        "attachments/paper.pdf",  # ![[paper.pdf]] is a link to the file
    }
    for target in shown.values():
        assert target.read_bytes() == (imported.vault / target.relative_to(imported.public)).read_bytes()
    assert 'width="300"' in imported.page("papers/clip/")


def test_wikilinks_lead_to_the_right_pages_and_a_broken_one_is_text_with_a_warning(imported):
    expected = {
        ("papers/clip/", "ViT"): "papers/vision/vit/",
        ("papers/clip/", "attention"): "读书笔记/注意力机制/",  # [[注意力机制|attention]]
        ("papers/vision/vit/", "CLIP's method"): "papers/clip/",  # [[CLIP#Method|…]]
        ("papers/vision/vit/", "Contrastive Language-Image Pretraining"): "papers/clip/",  # an alias
        ("inbox/", "Papers/CLIP"): "papers/clip/",  # with its folder
        ("inbox/", "ViT"): "papers/vision/vit/",  # in another folder
        ("读书笔记/注意力机制/", "CLIP"): "papers/clip/",  # ![[CLIP]]: a link, not an embed
        ("读书笔记/注意力机制/", "ViT 笔记"): "papers/vision/vit/",  # [ViT 笔记](ViT.md), by name
        ("papers/vision/mae/", "ViT"): "papers/vision/vit/",
    }
    for (page, text), target in expected.items():
        href = anchors(imported.page(page))[text]
        assert opens(imported, page, href) == imported.public / target / "index.html", (page, text)
    assert anchors(imported.page("papers/vision/vit/"))["CLIP's method"].endswith("#method")
    assert 'id="method"' in imported.page("papers/clip/")

    attention = imported.page("读书笔记/注意力机制/")
    assert '<span class="wikilink wikilink-broken">不存在的笔记</span>' in attention
    assert "不存在的笔记" not in anchors(attention)
    copy = imported.copy_of("读书笔记/注意力机制.md").decode("utf-8")
    line = copy[: copy.index("[[不存在的笔记]]")].count("\n") + 1
    (warning,) = imported.build.warnings
    assert warning.path == imported.site / "content/读书笔记/注意力机制.md" and warning.line == line
    assert "[[不存在的笔记]]" in warning.message


def test_inline_tags_get_tag_pages_listing_their_notes(imported):
    for page, tags in {"papers/clip/": ("ml/cv", "多模态", "paper"), "读书笔记/注意力机制/": ("深度学习",)}.items():
        html = imported.page(page)
        title = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))
        for tag in tags:
            assert f'<span class="tag">#{tag}</span>' in html or tag == "paper"
            (href,) = [href for text, href in anchors(html).items() if "tags/" in href and text.endswith(tag)]
            tag_page = opens(imported, page, href).read_text(encoding="utf-8")
            assert title in text_of(tag_page)


def test_callouts_show_and_comments_do_not(imported):
    clip = imported.page("papers/clip/")
    assert re.search(r'<div class="callout callout-note"[^>]*>\s*<p class="callout-title">Zero-shot</p>', clip)
    folded = re.search(
        r'<details class="callout callout-tip"[^>]*>\s*<summary class="callout-title">(.*?)</summary>', clip
    )
    assert folded and folded.group(1) == "Why it transfers" and " open" not in folded.group(0)
    assert "appendix" not in clip and "%%" not in clip
    attention = imported.page("读书笔记/注意力机制/")
    assert "私人批注" not in attention and "%%" not in attention


def test_templates_trash_and_obsidian_settings_are_left_out_and_reported(imported):
    content = imported.site / "content"
    assert not (content / "Templates").exists() and not (content / ".trash").exists()
    assert not (content / ".obsidian").exists() and not (content / ".git").exists()
    every_page = " ".join(path.read_text(encoding="utf-8") for path in imported.public.rglob("*.html"))
    assert "Template body" not in every_page and "An old idea" not in every_page
    output = imported.output
    assert f"not converted: {imported.vault / 'Templates'}: the templates folder (1 template) was left out" in output
    assert f"not converted: {imported.vault / '.trash'}: Obsidian's trash (1 deleted note) was left out" in output


def test_notes_without_a_date_get_one_and_keep_their_text(imported):
    vault = imported.vault
    # no front matter: one is made, from git (added, last changed); the title is the file name
    vit = (vault / "Papers/Vision/ViT.md").read_bytes()
    dates = b"---\ndate: 2024-05-01 10:00:00+08:00\nupdated: 2024-06-15 09:30:00+08:00\n---\n"
    assert imported.copy_of("Papers/Vision/ViT.md") == dates + vit
    assert re.search(r'<h1 class="post-title">\s*ViT\s*</h1>', imported.page("papers/vision/vit/"))
    assert re.search(r'<h1 class="post-title">\s*注意力机制\s*</h1>', imported.page("读书笔记/注意力机制/"))
    # Obsidian's `created` property is the date; the body is untouched below the front matter
    clip = (vault / "Papers/CLIP.md").read_bytes()
    added = b"date: 2024-01-24T20:35\nupdated: 2024-05-01 10:00:00+08:00\n"
    assert imported.copy_of("Papers/CLIP.md") == b"---\n" + added + clip[len(b"---\n") :]
    # not committed: the file's time; a daily note: its name
    inbox = imported.front_matter("Inbox.md")
    assert datetime.fromisoformat(inbox["date"]) == INBOX_SAVED and inbox["tags"] == ["todo"]
    assert imported.front_matter("Daily/2024-03-01.md")["date"] == "2024-03-01"
    # a note with a date is copied as it is
    assert imported.copy_of("Papers/Vision/MAE.md") == (vault / "Papers/Vision/MAE.md").read_bytes()
    # and the pages show those dates, in the site's time zone
    settings = yaml.safe_load((imported.site / "notes-site.yaml").read_text(encoding="utf-8"))
    zone = zoneinfo.ZoneInfo(settings.get("timezone", "UTC"))
    shown = datetime.fromisoformat(ADDED).astimezone(zone).strftime("%Y-%m-%d")
    assert f">{shown}</time>" in imported.page("papers/vision/vit/")
    output = imported.output
    assert "guessed: 2 notes without a `date`: dated by the file's first commit (git)" in output
    assert "guessed: 1 note without a `date`: dated by the file's times" in output
    assert "guessed: 1 note: `date` from the `created` property" in output
    assert "guessed: 1 note without a `date`: dated by the file's name (daily notes)" in output


def test_settings_keep_the_vault_paths_as_urls_and_say_what_was_guessed(imported):
    settings = (imported.site / "notes-site.yaml").read_text(encoding="utf-8")
    for line in ("title: Paper Vault", "language: en", "permalink: :title/", "unicode_slugs: true"):
        assert line in settings
    app_json = imported.vault / ".obsidian/app.json"
    assert f"converted: {app_json}: `attachmentFolderPath: attachments`" in imported.output
    assert f"converted: {app_json}: `newLinkFormat: shortest`" in imported.output
    assert "guessed: `language: en`" in imported.output


def test_a_plain_folder_of_chinese_notes_is_imported_as_a_guess(tmp_path):
    folder = tmp_path / "笔记"
    (folder / "论文").mkdir(parents=True)
    (folder / "论文/对比学习.md").write_text("对比学习让相似的样本靠近，不相似的样本远离。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "obsidian", str(folder), "--to", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert f"guessed: {folder}: no .obsidian/ folder: read as a plain folder of Markdown notes" in result.output
    settings = (tmp_path / "site/notes-site.yaml").read_text(encoding="utf-8")
    assert "title: 笔记" in settings and "language: zh-CN" in settings


def test_import_writes_only_into_an_empty_folder_outside_the_vault(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURE, vault)
    (tmp_path / "site").mkdir()
    (tmp_path / "site/mine.txt").write_text("keep")
    for target in (tmp_path / "site", vault / "site"):
        result = CliRunner().invoke(main, ["import", "obsidian", str(vault), "--to", str(target)])
        assert result.exit_code == 2, result.output
    assert not (vault / "site").exists()
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["import", "obsidian", str(tmp_path / "empty"), "--to", str(tmp_path / "x")])
    assert result.exit_code == 2 and "not an Obsidian vault" in result.output


def test_a_vault_built_as_it_is_finds_images_by_name_and_by_vault_path(tmp_path):
    """`notes-site build` on a site whose content/ is the vault, with no import."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site / "content")
    shutil.rmtree(site / "content/Templates")  # Obsidian's `{{date}}` is no YAML: the import leaves it out
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    public = site / "public"
    images = {}
    for name in ("clip", "vit", "zhu-yi-li-ji-zhi"):  # at the default :year/:month/:day/:slug/
        (page_file,) = public.glob(f"**/{name}/index.html")
        page = page_file.parent.relative_to(public).as_posix() + "/"
        for tag, url in links_of(page_file.read_text(encoding="utf-8")):
            if tag == "img":
                images[url.rsplit("/", 1)[-1]] = local_target(public, page, url)
    assert images["clip-architecture.png"] == public / "attachments/clip-architecture.png"  # shortest name
    assert images["vit-patches.png"] == public / "assets/diagrams/vit-patches.png"  # vault-absolute path
    assert images["%E6%8D%9F%E5%A4%B1%E6%9B%B2%E7%BA%BF.png"] == public / "attachments/损失曲线.png"
    assert all(path.is_file() for path in images.values())
    checked = CliRunner().invoke(main, ["check", "--site", str(site)])
    assert "leads to no file" not in checked.output and "could mean" not in checked.output


def test_check_names_a_file_name_two_folders_share_and_a_file_beside_the_note_wins(site):
    site.write("content/a/fig.png", "png")
    site.write("content/b/fig.png", "png")
    site.note("a/near.md", "title: Near\ndate: 2024-01-01", "![[fig.png]]\n")
    site.note("c/far.md", "title: Far\ndate: 2024-01-02", "Intro.\n\n![[fig.png]]\n")
    site.write("content/hexo.md", "---\ntitle: Hexo\ndate: 2024-01-03\n---\n![](fig.png)\n")  # its asset folder
    site.write("content/hexo/fig.png", "png")
    site.settings("base_url: https://me.github.io/notes/\n")
    result = CliRunner().invoke(main, ["check", "--site", str(site.root)])
    far = site.root / "content/c/far.md"
    assert (
        f"{far}:8: the image `fig.png` could mean any of 3 files (a/fig.png, b/fig.png, hexo/fig.png)" in result.output
    )
    assert "Write the folder too, from content/: `a/fig.png`" in result.output
    assert "near.md" not in result.output and "hexo.md" not in result.output
    site.build()
    for page, copy in (("2024/01/01/near/", "a/fig.png"), ("2024/01/03/hexo/", "2024/01/03/hexo/fig.png")):
        (src,) = [url for tag, url in links_of(site.page(page)) if tag == "img"]
        assert local_target(site.public, page, src) == site.public / copy


def test_names_match_in_any_letter_case_as_in_obsidian_unless_the_case_tells_two_files_apart(site):
    site.write("content/attachments/Loss Curve.PNG", "png")
    site.write("content/a/Fig.png", "png")
    site.write("content/b/fig.png", "png")
    site.note(
        "notes/x.md", "title: X\ndate: 2024-01-01", "![[loss curve.png]] ![[Attachments/loss curve.png]] ![[fig.png]]\n"
    )
    site.build()
    page = "2024/01/01/x/"
    sources = [local_target(site.public, page, url) for tag, url in links_of(site.page(page)) if tag == "img"]
    assert sources == [
        site.public / "attachments/Loss Curve.PNG",
        site.public / "attachments/Loss Curve.PNG",
        site.public / "b/fig.png",  # the exact case wins over a.md's Fig.png
    ]
