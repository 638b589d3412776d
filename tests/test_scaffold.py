"""`notes-site new` and `notes-site init`, as a user starts a site and writes notes in it."""

import html
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from notes_site.build import BuildOptions, build_site
from notes_site.cli import main
from notes_site.config import SETTING_TYPES, load_config
from notes_site.errors import NotesSiteError, ThemeError
from notes_site.frontmatter import load_meta, split_front_matter
from notes_site.scaffold import NewNote, create_note, init_site

REPO = Path(__file__).resolve().parent.parent
# 23:30 UTC on the 21st is 07:30 on the 22nd in Shanghai: the date must follow the site.
LATE_EVENING_UTC = datetime(2024, 5, 21, 23, 30, 5, tzinfo=UTC)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def front_matter(path: Path) -> dict:
    return load_meta(split_front_matter(path.read_text(encoding="utf-8")))


def body(path: Path) -> str:
    return split_front_matter(path.read_text(encoding="utf-8")).body


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- notes-site new ---------------------------------------------------------------


def test_a_new_note_has_its_fields_and_the_date_in_the_sites_time_zone_and_builds(site):
    site.settings("timezone: Asia/Shanghai\n")
    request = NewNote(
        "Learning Transferable Visual Models", category="multimodal", tags=("clip", "对比学习"), draft=True
    )
    path = create_note(site.root, request, now=LATE_EVENING_UTC)

    assert path == site.root / "content/learning-transferable-visual-models.md"
    assert "date: 2024-05-22 07:30:05\n" in path.read_text(encoding="utf-8")
    meta = front_matter(path)
    assert meta["title"] == "Learning Transferable Visual Models"
    assert meta["categories"] == ["multimodal"] and meta["tags"] == ["clip", "对比学习"]
    assert meta["draft"] is True
    assert "<!-- more -->" in body(path)

    report = build_site(BuildOptions(site_root=site.root, drafts=True))
    assert report.errors == [] and report.warnings == [], report.problems
    page = site.page("2024/05/22/learning-transferable-visual-models/")
    assert "Learning Transferable Visual Models" in page and "对比学习" in page


def test_without_draft_the_note_has_no_draft_key_and_is_published(site):
    path = create_note(site.root, NewNote("BERT"), now=LATE_EVENING_UTC)
    meta = front_matter(path)
    assert "draft" not in meta and meta["categories"] == [] and meta["tags"] == []
    assert "date: 2024-05-21 23:30:05\n" in path.read_text(encoding="utf-8")  # default zone: UTC
    site.build()
    assert "BERT" in site.page("2024/05/21/bert/")


def test_the_command_prints_the_new_file_and_splits_the_tags(site):
    result = run("new", "CLIP", "--site", site.root, "--tags", "cv, 对比学习,", "--category", "multimodal")
    assert result.exit_code == 0, result.output
    path = site.root / "content/clip.md"
    assert f"Created {path}" in result.output
    meta = front_matter(path)
    assert meta["tags"] == ["cv", "对比学习"] and meta["categories"] == ["multimodal"]
    date_line = r"^date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"
    assert re.search(date_line, path.read_text(encoding="utf-8"), re.M)


def test_a_chinese_title_gets_a_readable_ascii_file_name(site):
    assert run("new", "多兴趣召回", "--site", site.root).exit_code == 0
    path = site.root / "content/duo-xing-qu-zhao-hui.md"
    assert front_matter(path)["title"] == "多兴趣召回"


def test_unicode_slugs_keep_the_chinese_file_name(site):
    site.settings("unicode_slugs: true\n")
    assert run("new", "多兴趣召回", "--site", site.root).exit_code == 0
    assert (site.root / "content/多兴趣召回.md").is_file()


def test_slug_chooses_the_file_name(site):
    result = run("new", "Attention Is All You Need", "--site", site.root, "--slug", "transformer")
    assert result.exit_code == 0
    path = site.root / "content/transformer.md"
    assert front_matter(path)["title"] == "Attention Is All You Need"


def test_new_note_dir_puts_notes_in_a_folder_and_dir_overrides_it(site):
    site.settings("new_note_dir: papers\n")
    assert run("new", "ViT", "--site", site.root).exit_code == 0
    assert (site.root / "content/papers/vit.md").is_file()
    assert run("new", "MAE", "--site", site.root, "--dir", "notes/2024").exit_code == 0
    assert (site.root / "content/notes/2024/mae.md").is_file()


def test_dir_cannot_leave_the_content_folder(site):
    result = run("new", "Escape", "--site", site.root, "--dir", "../elsewhere")
    assert result.exit_code == 2 and "inside content/" in result.output
    assert not (site.root / "elsewhere").exists()


def test_a_title_with_a_colon_quotes_and_a_hash_stays_valid_yaml(site):
    title = 'CLIP: "Learning" Visual Models #1 — it\'s 2103.00020'
    path = create_note(site.root, NewNote(title, category="多模态: CV", tags=("a: b", "#c")), now=LATE_EVENING_UTC)
    meta = front_matter(path)
    assert meta["title"] == title
    assert meta["categories"] == ["多模态: CV"] and meta["tags"] == ["a: b", "#c"]
    report = site.build()
    assert report.errors == [], report.problems
    page = site.page(f"2024/05/21/{path.stem}/")
    heading = re.search(r'<h1 class="post-title">(.*?)</h1>', page, re.S)
    assert html.unescape(heading.group(1)).strip() == title


def test_an_existing_note_is_never_overwritten(site):
    existing = site.write("content/clip.md", "my careful notes\n")
    result = run("new", "CLIP", "--site", site.root)
    assert result.exit_code == 1
    assert str(existing) in result.output and "--slug" in result.output
    assert existing.read_text(encoding="utf-8") == "my careful notes\n"


def test_a_paper_note_has_the_paper_fields_and_the_arxiv_links(site):
    result = run("new", "CLIP", "--site", site.root, "--kind", "paper", "--arxiv", "2103.00020")
    assert result.exit_code == 0, result.output
    path = site.root / "content/clip.md"
    paper = front_matter(path)["paper"]
    assert paper["title"] == "CLIP"
    assert paper["arxiv"] == "2103.00020"  # text, not the number 2103.0002
    assert paper["url"] == "https://arxiv.org/abs/2103.00020" and paper["status"] == "to-read"
    assert {"authors", "year", "venue", "doi", "code", "rating"} <= paper.keys()
    text = body(path)
    assert "https://arxiv.org/pdf/2103.00020" in text
    for heading in ("总结 / Summary", "方法 / Method", "实验 / Experiments", "思考 / Thoughts"):
        assert f"\n## {heading}\n" in text
    report = site.build()
    assert report.errors == [] and report.warnings == [], report.problems
    page = next(site.public.glob("*/*/*/clip/index.html")).read_text(encoding="utf-8")
    assert 'href="https://arxiv.org/pdf/2103.00020"' in page


def test_a_paper_note_without_arxiv_leaves_the_fields_empty(site):
    path = create_note(site.root, NewNote("Some Workshop Paper", kind="paper"))
    paper = front_matter(path)["paper"]
    assert paper["arxiv"] is None and paper["url"] is None
    assert "arxiv.org" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("arxiv", ["cs/0112017", "2103.00020v2", "arXiv:1706.03762"])
def test_old_and_versioned_arxiv_ids_are_accepted(site, arxiv):
    result = run("new", "Paper", "--site", site.root, "--kind", "paper", "--arxiv", arxiv)
    assert result.exit_code == 0, result.output
    pdf = "https://arxiv.org/pdf/" + arxiv.removeprefix("arXiv:")
    assert pdf in body(site.root / "content/paper.md")


def test_a_malformed_arxiv_id_is_a_usage_error_with_an_example(site):
    result = run("new", "CLIP", "--site", site.root, "--kind", "paper", "--arxiv", "2103.000200x")
    assert result.exit_code == 2
    assert "2103.000200x" in result.output and "2103.00020" in result.output
    assert not (site.root / "content/clip.md").exists()


def test_an_unknown_kind_lists_the_kinds_of_the_site_and_the_theme(site):
    site.write("scaffolds/review.md", "---\ntitle: {{ title | yaml }}\n---\n")
    result = run("new", "CLIP", "--site", site.root, "--kind", "papr")
    assert result.exit_code == 2
    assert "Available kinds: note, page, paper, review." in result.output
    assert "Did you mean `paper`?" in result.output
    assert not (site.root / "content/clip.md").exists()


def test_the_sites_own_scaffold_wins_over_the_themes(site):
    site.write(
        "scaffolds/note.md",
        """\
        ---
        title: {{ title | yaml }}
        date: {{ date }}
        reading_group: true
        ---
        My own layout for {{ slug }}.
        """,
    )
    path = create_note(site.root, NewNote("CLIP"), now=LATE_EVENING_UTC)
    assert front_matter(path)["reading_group"] is True
    assert body(path) == "My own layout for clip.\n"


def test_a_scaffold_that_makes_broken_front_matter_is_reported_and_nothing_written(site):
    scaffold = site.write("scaffolds/note.md", "---\ntitle: {{ title }}\n---\n")  # not quoted
    with pytest.raises(ThemeError) as failure:
        create_note(site.root, NewNote("CLIP: a: b"))
    assert str(scaffold) in str(failure.value)
    assert "not valid YAML" in str(failure.value.problems[0])
    assert list((site.root / "content").iterdir()) == []


def test_scaffold_template_errors_name_the_file_and_line(site):
    scaffold = site.write("scaffolds/note.md", "---\ntitle: {{ title | yaml }}\n{% if %}\n---\n")
    result = run("new", "CLIP", "--site", site.root)
    assert result.exit_code == 1 and f"{scaffold}:3" in result.output
    site.write("scaffolds/note.md", "---\ntitle: {{ titel }}\n---\n")
    result = run("new", "CLIP", "--site", site.root)
    assert result.exit_code == 1 and "titel" in result.output and "title, date" in result.output
    assert list((site.root / "content").iterdir()) == []


def test_new_outside_a_site_says_where_to_start(tmp_path):
    result = run("new", "CLIP", "--site", tmp_path)
    assert result.exit_code == 2 and "notes-site init" in result.output
    assert not (tmp_path / "content").exists()


# --- notes-site init --------------------------------------------------------------


def test_init_creates_the_settings_a_welcome_note_and_the_scaffolds(tmp_path):
    folder = tmp_path / "deep/my-notes"
    result = run("init", folder)
    assert result.exit_code == 0, result.output
    expected = ("notes-site.yaml", "content/welcome.md", "scaffolds/note.md", "scaffolds/paper.md")
    for relative in expected:
        assert (folder / relative).is_file(), relative
        assert f"Created {folder / relative}" in result.output
    last_lines = result.output.strip().splitlines()[-2:]
    assert "notes-site serve" in last_lines[0] and "notes-site build" in last_lines[1]
    assert f"cd {folder}" in last_lines[0]


def test_init_in_the_current_folder_needs_no_cd(tmp_path):
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        result = runner.invoke(main, ["init"])
        assert result.exit_code == 0, result.output
        assert Path("notes-site.yaml").is_file()
    assert "  notes-site serve" in result.output and "cd " not in result.output


def test_the_settings_file_gives_the_defaults_and_explains_every_setting(tmp_path):
    init_site(tmp_path / "site")
    (tmp_path / "empty").mkdir()
    started = load_config(tmp_path / "site")
    defaults = load_config(tmp_path / "empty")
    nowhere = {"root": Path(), "fingerprint": ""}
    assert replace(started, **nowhere) == replace(defaults, **nowhere)
    text = (tmp_path / "site/notes-site.yaml").read_text(encoding="utf-8")
    for key in SETTING_TYPES:
        explained = re.search(rf"^(# ?)?{key}:.*\s#\s+\S", text, re.M)
        assert explained, f"`{key}` is missing from the settings file or has no comment"


def test_the_scaffolds_are_copies_of_the_themes(tmp_path):
    init_site(tmp_path)
    for kind in ("note", "paper"):
        theirs = (REPO / f"themes/default/scaffolds/{kind}.md").read_text(encoding="utf-8")
        assert (tmp_path / f"scaffolds/{kind}.md").read_text(encoding="utf-8") == theirs


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "thesis.tex").write_text("\\documentclass{article}\n", encoding="utf-8")
    before = files_under(tmp_path)
    result = run("init", tmp_path)
    assert result.exit_code == 1
    assert str(tmp_path) in result.output and "not empty" in result.output
    assert files_under(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]


def test_init_refuses_an_existing_site(tmp_path):
    init_site(tmp_path)
    before = files_under(tmp_path)
    with pytest.raises(NotesSiteError, match="already has a notes-site.yaml"):
        init_site(tmp_path)
    assert files_under(tmp_path) == before


def test_init_accepts_an_empty_folder_or_a_fresh_clone(tmp_path):
    (tmp_path / "empty").mkdir()
    assert len(init_site(tmp_path / "empty")) == 5  # settings, welcome note, scaffolds note, page, paper
    (tmp_path / "clone/.git").mkdir(parents=True)
    assert len(init_site(tmp_path / "clone")) == 5


def test_the_new_site_builds_without_warnings_and_shows_off_the_features(tmp_path):
    init_site(tmp_path, now=LATE_EVENING_UTC)
    report = build_site(BuildOptions(site_root=tmp_path))
    assert report.errors == [] and report.warnings == [], report.problems
    page = (tmp_path / "public/2024/05/21/welcome/index.html").read_text(encoding="utf-8")
    assert "<table" in page and '<pre class="highlight"' in page
    assert 'class="math inline"' in page and 'class="math display"' in page
    assert 'id="fn1"' in page and 'type="checkbox"' in page and 'id="中文标题"' in page
    assert 'href="../../../../2024/05/21/welcome/"' in page  # the relative link to welcome.md
    home = (tmp_path / "public/index.html").read_text(encoding="utf-8")
    assert "Read more" in home  # the excerpt ends at <!-- more -->


def test_a_new_site_is_ready_for_notes_site_new(tmp_path):
    assert run("init", tmp_path).exit_code == 0
    result = run("new", "CLIP", "--site", tmp_path, "--kind", "paper", "--arxiv", "2103.00020")
    assert result.exit_code == 0, result.output
    assert front_matter(tmp_path / "content/clip.md")["paper"]["arxiv"] == "2103.00020"
