"""An import never copies what a link inside the old blog points at outside it (the build's own rule)."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from notes_site.build import BuildOptions, build_site
from notes_site.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SECRET = "root:x:0:0:the-secret-of-the-importing-user"
# (importer, fixture, folder of its notes, folder of its other files)
BLOGS = [
    ("hexo", "hexo", "source/_posts", "source"),
    ("hugo", "hugo", "content/notes", "content"),
    ("jekyll", "jekyll", "_posts", "assets"),
    ("obsidian", "obsidian", "Papers", "assets"),
]


def every_text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("kind, fixture, notes, files", BLOGS)
def test_links_that_leave_the_blog_are_reported_and_never_copied_or_published(tmp_path, kind, fixture, notes, files):
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "secret-note.md").write_text(f"---\ntitle: Leak\ndate: 2024-01-01\n---\n{SECRET}\n", encoding="utf-8")
    blog = tmp_path / "blog"
    shutil.copytree(FIXTURES / fixture, blog)
    (blog / files / "passwd.txt").symlink_to(outside / "passwd")
    (blog / notes / "leak.md").symlink_to(outside / "secret-note.md")
    (blog / notes / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    inside = next(p for p in sorted((blog / notes).rglob("*.md")) if not p.is_symlink())
    (blog / notes / "same-note-again.md").symlink_to(inside)  # a link inside the blog is followed

    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["import", kind, str(blog), "--to", str(site)])
    assert result.exit_code == 0, result.output
    assert "leak.md" in result.output and "passwd.txt" in result.output and "outside the blog" in result.output
    build_site(BuildOptions(site_root=site))
    assert SECRET not in every_text(site)
    assert not any(p.is_symlink() for p in site.rglob("*"))
    copies = [p for p in (site / "content").rglob("same-note-again.md")]
    last_line = inside.read_text(encoding="utf-8").strip().splitlines()[-1]
    assert copies and last_line in copies[0].read_text(encoding="utf-8")
