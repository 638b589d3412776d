"""What `notes-site check` says, read as a user reads it: a fresh site passes, duplicates and headings explained."""

from __future__ import annotations

from click.testing import CliRunner

from notes_site.cli import main
from notes_site.content.papers import Paper
from notes_site.same_paper import PaperCandidate, find_duplicates


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_a_fresh_site_from_init_passes_its_own_check(tmp_path):
    assert run("init", tmp_path / "my-notes").exit_code == 0
    result = run("check", "--site", tmp_path / "my-notes")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s), 0 likely duplicate(s)" in result.output
    # the same settings build with no warning, and check says what a base_url of / means without failing
    assert "warning:" not in result.output
    assert "note: `base_url: /` is not a full URL, so the site has no Atom feed" in result.output


def test_a_full_base_url_gets_no_note(site):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    site.settings("base_url: https://me.github.io/notes/\n")
    result = run("check", "--site", site.root)
    assert result.exit_code == 0 and "base_url" not in result.output


def test_the_titles_that_matched_are_named_once_each_after_a_single_titles_match():
    clip = Paper("Learning Transferable Visual Models From Natural Language Supervision", arxiv="2103.00020")
    title = "Learning transferable visual models from natural language supervision"
    pair = [PaperCandidate("clip.md", f"CLIP {title}", clip), PaperCandidate("l.md", title, clip)]
    (duplicate,) = find_duplicates(pair)
    assert duplicate.reason.count("titles match") == 1
    assert duplicate.reason == (
        "same arXiv id 2103.00020; titles match: “Learning Transferable Visual Models From Natural Language "
        "Supervision” and “CLIP Learning transferable visual models from natural language supervision”"
    )


def clip_pair(site, body: str = "Body.\n") -> None:
    paper = "paper:\n  title: Learning Transferable Visual Models From Natural Language Supervision\n"
    paper += "  arxiv: '2103.00020'"
    site.note("first.md", f"title: CLIP, first reading\ndate: 2023-07-22\n{paper}")
    site.note("second.md", f"title: CLIP, second reading\ndate: 2024-01-24\n{paper}", body)
    site.settings("base_url: https://me.github.io/notes/\n")


def test_two_notes_on_one_paper_that_do_not_link_are_a_likely_duplicate(site):
    clip_pair(site)
    result = run("check", "--site", site.root)
    assert result.exit_code == 1
    assert "are likely notes on the same paper (same arXiv id 2103.00020" in result.output
    assert "link one note to the other ([[other-note]]) and check accepts them" in result.output


def test_a_second_reading_that_links_to_the_first_is_the_same_paper_on_purpose(site):
    clip_pair(site, "The first reading: [[first]].\n")
    result = run("check", "--site", site.root)
    assert result.exit_code == 0, result.output
    assert "first.md and " in result.output and "link to each other, so they are not duplicates" in result.output
    assert "0 likely duplicate(s)" in result.output


def test_a_heading_link_to_a_note_without_headings_says_it_has_none(site):
    site.note("plain.md", "title: Plain\ndate: 2024-01-01", "No headings here.\n")
    site.note("a.md", "title: A\ndate: 2024-01-02", "See [[plain#Method]].\n")
    site.settings("base_url: https://me.github.io/notes/\n")
    result = run("check", "--site", site.root)
    assert "names a heading that plain.md does not have" in result.output
    assert "The note has no headings: link to the note itself, [[plain]], or add the heading to it." in result.output
    assert "spelling: \n" not in result.output and not result.output.rstrip().endswith("spelling:")


def test_a_heading_link_to_a_note_with_headings_lists_them(site):
    site.note("notes.md", "title: Notes\ndate: 2024-01-01", "## Method\n\n## Results\n")
    site.note("a.md", "title: A\ndate: 2024-01-02", "See [[notes#Methods]].\n")
    result = run("check", "--site", site.root)
    assert "Check the heading's spelling: Method, Results." in result.output
