"""`notes-site new --bib` and `notes-site import bibtex`: Zotero and Google Scholar exports, no network."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from notes_site.cli import main
from notes_site.frontmatter import load_meta, split_front_matter

EXPORTS = Path(__file__).parent / "fixtures" / "bibtex"
ZOTERO = EXPORTS / "zotero-better-bibtex.bib"
SCHOLAR = EXPORTS / "google-scholar.bib"
NOWHERE = "metadata:\n  arxiv_api: http://127.0.0.1:9/api/query\n  crossref_api: http://127.0.0.1:9\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def front_matter(path: Path) -> dict:
    return load_meta(split_front_matter(path.read_text(encoding="utf-8")))


def notes(site) -> dict[str, dict]:
    return {p.name: front_matter(p) for p in sorted((site.root / "content").rglob("*.md"))}


# --- new --bib --key -------------------------------------------------------------------------


def test_new_bib_takes_the_paper_from_a_zotero_export_without_the_network(site):
    site.settings(NOWHERE)  # a lookup would fail loudly: there is none
    result = run("new", "--bib", ZOTERO, "--key", "vaswaniAttentionAllYou2023", "--site", site.root)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    path = site.root / "content/attention-is-all-you-need.md"
    meta = front_matter(path)
    assert meta["title"] == "Attention Is All You Need"  # {{Is All You Need}} braces gone
    paper = meta["paper"]
    assert paper["authors"][0] == "Ashish Vaswani" and "Łukasz Kaiser" in paper["authors"]
    assert len(paper["authors"]) == 8 and paper["year"] == 2023
    assert paper["arxiv"] == "1706.03762" and paper["doi"] == "10.48550/arXiv.1706.03762"
    assert "https://arxiv.org/pdf/1706.03762" in path.read_text(encoding="utf-8")
    assert "> The dominant sequence transduction models" in path.read_text(encoding="utf-8")
    assert site.build().warnings == []


def test_accents_and_braces_of_a_google_scholar_export_become_text(site):
    result = run("new", "--bib", SCHOLAR, "--key", "jegou2010product", "--site", site.root)
    assert result.exit_code == 0, result.output
    paper = front_matter(site.root / "content/product-quantization-for-nearest-neighbor-search.md")["paper"]
    assert paper["authors"] == ["Hervé Jégou", "Matthijs Douze", "Cordelia Schmid"]
    assert paper["venue"] == "IEEE transactions on pattern analysis and machine intelligence"
    result = run("new", "Label smoothing", "--bib", SCHOLAR, "--key", "muller2019does", "--site", site.root)
    assert result.exit_code == 0, result.output
    meta = front_matter(site.root / "content/label-smoothing.md")
    assert meta["title"] == "Label smoothing" and meta["paper"]["title"] == "When does label smoothing help?"
    assert meta["paper"]["authors"][0] == "Rafael Müller"


def test_an_unknown_key_names_the_file_and_a_close_key(site):
    result = run("new", "--bib", SCHOLAR, "--key", "He2016Deep", "--site", site.root)
    assert result.exit_code == 2
    assert f"{SCHOLAR} has no entry with the key `He2016Deep`" in result.output
    assert "Did you mean `he2016deep`?" in result.output
    result = run("new", "--bib", SCHOLAR, "--site", site.root)
    assert result.exit_code == 2 and "--bib and --key go together" in result.output


# --- import bibtex ----------------------------------------------------------------------------


def existing_notes(site) -> None:
    """A CLIP note (by arXiv id, under another title) and a ResNet note (by title only)."""
    site.note("clip.md", 'title: CLIP 笔记\ndate: 2024-01-24\npaper:\n  arxiv: "2103.00020"\n  status: read\n')
    site.note("resnet.md", "title: Deep Residual Learning for Image Recognition\ndate: 2024-02-01\n")


def test_import_bibtex_adds_a_to_read_note_per_paper_not_yet_noted(site):
    existing_notes(site)
    result = run("import", "bibtex", SCHOLAR, "--site", site.root)
    assert result.exit_code == 0, result.output
    made = set(notes(site)) - {"clip.md", "resnet.md"}
    assert made == {
        "an-image-is-worth-16x16-words.md",
        "product-quantization-for-nearest-neighbor-search.md",
        "when-does-label-smoothing-help.md",
    }
    for name in made:
        assert notes(site)[name]["paper"]["status"] == "to-read"
    vit = notes(site)["an-image-is-worth-16x16-words.md"]["paper"]
    assert vit["arxiv"] == "2010.11929" and vit["venue"] is None  # "arXiv preprint …" is no venue
    assert f"skipped: {SCHOLAR}:1 `he2016deep`: already noted in {site.root / 'content/resnet.md'}" in result.output
    assert f"{SCHOLAR}:35 `radford2021learning`: already noted in {site.root / 'content/clip.md'}" in result.output
    assert "same arXiv id 2103.00020" in result.output
    assert "3 note(s) created, 2 entries skipped." in result.output

    report = site.build()
    assert report.errors == [] and report.warnings == [], report.problems
    reading_list = site.page("papers/")
    assert "Product quantization for nearest neighbor search" in reading_list and "Hervé Jégou" in reading_list
    assert reading_list.count("to-read") >= 3

    again = run("import", "bibtex", SCHOLAR, "--site", site.root)
    assert again.exit_code == 0 and "0 note(s) created, 5 entries skipped." in again.output


def test_a_dry_run_lists_the_notes_and_writes_nothing(site):
    existing_notes(site)
    before = notes(site)
    result = run("import", "bibtex", SCHOLAR, "--site", site.root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"would create: {site.root / 'content/when-does-label-smoothing-help.md'}" in result.output
    assert "3 note(s) to create, 2 entries skipped. Nothing was written" in result.output
    assert notes(site) == before


def test_a_paper_in_two_exports_gets_one_note(site):
    assert run("import", "bibtex", ZOTERO, "--site", site.root).exit_code == 0
    assert "learning-transferable-visual-models-from-natural.md" in notes(site)
    result = run("import", "bibtex", SCHOLAR, "--site", site.root)
    clip = site.root / "content/learning-transferable-visual-models-from-natural.md"
    assert f"`radford2021learning`: already noted in {clip} (titles match" in result.output
    assert sum("transferable" in name for name in notes(site)) == 1


def test_a_broken_entry_is_named_and_the_rest_imported(site, tmp_path):
    broken = tmp_path / "library.bib"
    shutil.copy(SCHOLAR, broken)
    broken.write_text(
        broken.read_text(encoding="utf-8") + "\n@article{broken2020,\n  title={Unclosed,\n  year={2020}\n",
        encoding="utf-8",
    )
    result = run("import", "bibtex", broken, "--site", site.root)
    assert result.exit_code == 0, result.output
    assert f"warning: {broken}:4" in result.output and "could not be read" in result.output
    assert "5 note(s) created" in result.output


def test_import_bibtex_wants_a_file_and_site_imports_a_folder(site, tmp_path):
    result = run("import", "bibtex", tmp_path, "--site", site.root)
    assert result.exit_code == 2 and "is not a .bib file" in result.output
    result = run("import", "hexo", SCHOLAR)
    assert result.exit_code == 2 and "is not the site's folder" in result.output
