"""Paper notes: the `paper:` front matter as users write it, and notes about the same paper."""

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from notes_site.content.papers import Paper, read_paper, short_authors
from notes_site.same_paper import PaperCandidate, find_duplicates

NOTE = Path("/site/content/papers/clip.md")

CLIP_NOTE = """
title: CLIP 笔记
paper:
  title: Learning Transferable Visual Models From Natural Language Supervision
  authors: [Alec Radford, Jong Wook Kim, Chris Hallacy]
  year: 2021
  venue: ICML
  arxiv: 2103.00020
  doi: 10.48550/arXiv.2103.00020
  url: https://proceedings.mlr.press/v139/radford21a.html
  code: https://github.com/openai/CLIP
  bibtex: |
    @inproceedings{radford2021learning,
      title={Learning Transferable Visual Models From Natural Language Supervision},
      year={2021}
    }
  aliases: [CLIP]
  status: read          # to-read | reading | read
  rating: 5
"""


def read(front_matter: str, note_title: str = "My note"):
    """Read the paper of a note whose front matter (between the `---` lines) is `front_matter`."""
    meta_text = textwrap.dedent(front_matter).lstrip("\n")
    meta = yaml.safe_load(meta_text) or {}
    return read_paper(meta.get("paper"), meta_text, NOTE, note_title)


def read_one_warning(front_matter: str):
    paper, problems = read(front_matter)
    assert paper is not None
    (problem,) = problems
    assert problem.severity == "warning" and problem.path == NOTE
    return paper, problem


def test_a_paper_note_gives_every_field_typed():
    paper, problems = read(CLIP_NOTE, note_title="CLIP 笔记")
    assert problems == []
    assert paper.title == "Learning Transferable Visual Models From Natural Language Supervision"
    assert paper.authors == ("Alec Radford", "Jong Wook Kim", "Chris Hallacy")
    assert paper.year == 2021 and paper.venue == "ICML"
    assert paper.arxiv == "2103.00020"  # YAML reads it as the number 2103.0002; the zero is kept
    assert paper.doi == "10.48550/arXiv.2103.00020"
    assert paper.code == "https://github.com/openai/CLIP"
    assert paper.bibtex.startswith("@inproceedings{radford2021learning,") and paper.bibtex.endswith("}\n")
    assert paper.aliases == ("CLIP",) and paper.status == "read" and paper.rating == 5


def test_links_to_arxiv_and_doi():
    paper, _ = read(CLIP_NOTE)
    assert paper.arxiv_abs_url == "https://arxiv.org/abs/2103.00020"
    assert paper.arxiv_pdf_url == "https://arxiv.org/pdf/2103.00020"
    assert paper.doi_url == "https://doi.org/10.48550/arXiv.2103.00020"
    assert Paper("No links").arxiv_abs_url == Paper("No links").doi_url == ""


def test_the_paper_scaffold_with_nothing_filled_in_gives_no_warning():
    paper, problems = read(
        """
        title: "Attention Is All You Need"
        date: 2024-05-22 10:12:00
        categories: []
        tags: []
        paper:
          title: "Attention Is All You Need"
          authors: []
          year:
          venue:
          arxiv:
          doi:
          url:
          code:
          status: to-read
          rating:
        """
    )
    assert problems == []
    assert paper == Paper("Attention Is All You Need", status="to-read")


def test_a_paper_without_a_title_takes_the_notes_title_and_still_counts():
    paper, problems = read("title: CLIP 笔记\npaper: {}\n", note_title="CLIP 笔记")
    assert problems == [] and paper == Paper("CLIP 笔记")
    paper, _ = read("paper:\n  title:\n  year: 2021\n", note_title="CLIP")
    assert paper.title == "CLIP" and paper.year == 2021


def test_a_note_without_paper_metadata_has_no_paper():
    assert read("title: Just a note\n") == (None, [])


@pytest.mark.parametrize(
    "bad_line,field,shown,how",
    [
        ("authors: {first: Alec}", "authors", "a mapping", "authors: [Alec Radford, Jong Wook Kim]"),
        ("year: 21", "year", "`21`", "year: 2021"),
        ("year: twenty", "year", "`twenty`", "year: 2021"),
        ("rating: 7", "rating", "`7`", "rating: 4"),
        ("rating: 4.5", "rating", "`4.5`", "rating: 4"),
        ("status: done", "status", "`done`", "status: reading"),
        ("aliases: {short: CLIP}", "aliases", "a mapping", "aliases: [CLIP]"),
        ("venue: [ICML, 2021]", "venue", "a list", 'venue: "NeurIPS 2017"'),
    ],
)
def test_a_wrong_value_is_a_warning_on_its_line_and_the_field_stays_empty(bad_line, field, shown, how):
    paper, problem = read_one_warning(f"title: x\npaper:\n  title: Some Paper\n  {bad_line}\n  code: https://x.org\n")
    assert problem.line == 5  # line 1 is the opening `---`
    assert f"`paper.{field}`" in problem.message and shown in problem.message
    assert "left empty" in problem.message and how in problem.hint
    assert getattr(paper, field) in ("", (), None)
    assert paper.title == "Some Paper" and paper.code == "https://x.org"


def test_a_status_that_is_nearly_right_suggests_the_right_one():
    _, problem = read_one_warning("paper:\n  status: raeding\n")
    assert problem.hint == "Did you mean status: reading?"


def test_statuses_and_numbers_written_loosely_are_understood():
    paper, problems = read("paper:\n  status: To Read\n  rating: '4'\n  year: '2017'\n")
    assert problems == []
    assert (paper.status, paper.rating, paper.year) == ("to-read", 4, 2017)


@pytest.mark.parametrize(
    "written,expected",
    [
        ("Alec Radford and Jong Wook Kim and Chris Hallacy", ("Alec Radford", "Jong Wook Kim", "Chris Hallacy")),
        ("Alec Radford, Jong Wook Kim, Chris Hallacy", ("Alec Radford", "Jong Wook Kim", "Chris Hallacy")),
        ("Alec Radford, Jong Wook Kim and Chris Hallacy", ("Alec Radford", "Jong Wook Kim", "Chris Hallacy")),
        ("Radford, Alec and Kim, Jong Wook", ("Alec Radford", "Jong Wook Kim")),  # BibTeX's own order
        ("何恺明、张祥雨、任少卿", ("何恺明", "张祥雨", "任少卿")),
        ("Ashish Vaswani", ("Ashish Vaswani",)),
    ],
)
def test_authors_written_as_one_text_are_split(written, expected):
    paper, problems = read(f"paper:\n  authors: {written}\n")
    assert problems == [] and paper.authors == expected


def test_an_author_that_is_not_a_name_is_left_out_with_a_warning():
    paper, problem = read_one_warning("paper:\n  title: T\n  authors: [Alec Radford, [x], Jong Wook Kim]\n")
    assert paper.authors == ("Alec Radford", "Jong Wook Kim")
    assert problem.line == 4 and "left out" in problem.message


def test_aliases_as_one_text():
    paper, _ = read("paper:\n  aliases: CLIP, ViT-L/14\n")
    assert paper.aliases == ("CLIP", "ViT-L/14")


@pytest.mark.parametrize(
    "written,expected",
    [
        ("2103.00020", "2103.00020"),
        ("'2103.00020'", "2103.00020"),
        ("2103.00020v2", "2103.00020v2"),
        ("arXiv:2103.00020", "2103.00020"),
        ("https://arxiv.org/abs/2103.00020", "2103.00020"),
        ("https://arxiv.org/pdf/2103.00020v1.pdf", "2103.00020v1"),
        ("0704.0001", "0704.0001"),  # YAML reads it as the number 704.0001
        ("1412.6980", "1412.6980"),  # 4 digits after the dot before 2015
        ("cs/0112017", "cs/0112017"),
        ("math.GT/0309136", "math.GT/0309136"),
    ],
)
def test_arxiv_ids_are_kept_bare(written, expected):
    paper, problems = read(f"paper:\n  arxiv: {written}\n")
    assert problems == [] and paper.arxiv == expected


@pytest.mark.parametrize("written", ["2103.0002", "2113.00020", "1412.69801", "clip", "2103", "cs/112017"])
def test_a_malformed_arxiv_id_is_a_warning_and_left_empty(written):
    paper, problem = read_one_warning(f"title: x\npaper:\n  title: T\n  arxiv: {written}\n")
    assert paper.arxiv == "" and problem.line == 5
    assert f"`{written}`" in problem.message and "2103.00020" in problem.hint


@pytest.mark.parametrize(
    "written",
    [
        "10.48550/arXiv.2103.00020",
        "doi:10.48550/arXiv.2103.00020",
        "DOI: 10.48550/arXiv.2103.00020",
        "https://doi.org/10.48550/arXiv.2103.00020",
        "http://dx.doi.org/10.48550%2FarXiv.2103.00020",
    ],
)
def test_dois_are_kept_bare(written):
    paper, problems = read(f"paper:\n  doi: '{written}'\n")
    assert problems == [] and paper.doi == "10.48550/arXiv.2103.00020"


@pytest.mark.parametrize("written", ["11.1234/x", "10.12/x", "https://example.com/paper", "10.1234"])
def test_a_malformed_doi_is_a_warning_and_left_empty(written):
    paper, problem = read_one_warning(f"paper:\n  doi: {written}\n")
    assert paper.doi == "" and problem.line == 3 and "not a DOI" in problem.message


def test_a_pasted_text_that_is_not_a_bibtex_entry_is_left_out():
    paper, problem = read_one_warning("paper:\n  bibtex: Radford et al. 2021\n")
    assert paper.bibtex == "" and problem.line == 3 and "`@type{key,`" in problem.hint


def test_an_unknown_field_suggests_the_known_one():
    paper, problem = read_one_warning("paper:\n  title: T\n  author: [Alec Radford]\n")
    assert problem.line == 4 and "`paper.author`" in problem.message
    assert problem.hint.startswith("Did you mean `authors`?")
    assert "title, authors, year, venue, arxiv, doi, url, code, bibtex, aliases, status, rating" in problem.hint
    assert paper.authors == ()


def test_a_paper_that_is_not_a_block_of_fields_is_ignored_with_a_warning():
    paper, problems = read("title: x\npaper: https://arxiv.org/abs/2103.00020\n")
    (problem,) = problems
    assert paper is None and problem.line == 3 and "`paper` must hold the paper's fields" in problem.message


def test_the_line_falls_back_to_the_paper_line_when_fields_are_written_inline():
    _, problem = read_one_warning("title: x\ndate: 2024-01-01\npaper: {title: T, year: 21}\n")
    assert problem.line == 4


def test_the_line_of_a_field_in_toml_front_matter():
    meta_text = 'title = "x"\n\n[paper]\ntitle = "T"\nyear = 21\n'
    _, (problem,) = read_paper({"title": "T", "year": 21}, meta_text, NOTE, "x")
    assert problem.line == 6


def test_lines_inside_a_pasted_bibtex_entry_are_not_mistaken_for_fields():
    front = "paper:\n  bibtex: |\n    @misc{k,\n    year: 1\n    }\n  year: 21\n"
    _, problem = read_one_warning(front)
    assert problem.line == 7


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from(["title", "authors", "year", "arxiv", "doi", "x"]), values) | values)
def test_reading_a_paper_never_fails_whatever_is_written(value):
    paper, problems = read_paper(value, "paper:\n  year: 1\n", NOTE, "Note")
    assert paper is None or paper.title
    assert all(problem.severity == "warning" for problem in problems)


@pytest.mark.parametrize(
    "shown,expected",
    [
        (3, "Alec Radford, Jong Wook Kim, Chris Hallacy et al."),
        (1, "Alec Radford et al."),
        (4, "Alec Radford, Jong Wook Kim, Chris Hallacy, Aditya Ramesh"),
        (0, "Alec Radford, Jong Wook Kim, Chris Hallacy, Aditya Ramesh"),
    ],
)
def test_short_author_lists(shown, expected):
    authors = ("Alec Radford", "Jong Wook Kim", "Chris Hallacy", "Aditya Ramesh")
    assert short_authors(authors, shown) == expected


def test_short_author_lists_of_few_or_no_authors():
    assert short_authors(("Ashish Vaswani",), 3) == "Ashish Vaswani"
    assert short_authors((), 3) == ""


# Notes about the same paper ---------------------------------------------------------------


def note(source: str, title: str, paper: Paper | None = None) -> PaperCandidate:
    return PaperCandidate(source, title, paper)


def test_the_clip_note_written_twice_under_two_titles_is_found_once():
    duplicates = find_duplicates(
        [
            note("2021/clip.md", "CLIP Learning transferable visual models from natural language supervision"),
            note("2023/vit.md", "ViT", Paper("An Image Is Worth 16x16 Words")),
            note("2024/clip-again.md", "Learning transferable visual models from natural language supervision"),
        ]
    )
    (duplicate,) = duplicates
    assert duplicate.sources == ("2021/clip.md", "2024/clip-again.md")
    assert duplicate.reason.startswith("titles match: “CLIP Learning transferable")


def test_a_note_title_can_match_another_notes_paper_title():
    clip = Paper("Learning Transferable Visual Models From Natural Language Supervision")
    (duplicate,) = find_duplicates(
        [
            note("a.md", "CLIP 笔记", clip),
            note("b.md", "CLIP: Learning Transferable Visual Models from Natural Language"),
        ]
        + [note("c.md", "Learning transferable visual models from natural-language supervision")]
    )
    assert duplicate.sources == ("a.md", "c.md")


def test_a_reading_notes_suffix_or_an_acronym_prefix_is_ignored():
    (duplicate,) = find_duplicates(
        [note("a.md", "Attention Is All You Need"), note("b.md", "Attention Is All You Need (reading notes)")]
    )
    assert duplicate.sources == ("a.md", "b.md")
    (duplicate,) = find_duplicates(
        [
            note("c.md", "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks"),
            note("d.md", "Rethinking model scaling for convolutional neural networks"),
        ]
    )
    assert duplicate.sources == ("c.md", "d.md")


def test_chinese_titles_are_compared_character_by_character():
    (duplicate,) = find_duplicates(
        [note("a.md", "注意力机制就是你所需要的一切"), note("b.md", "【论文笔记】注意力机制就是你所需要的一切")]
    )
    assert duplicate.sources == ("a.md", "b.md")


@pytest.mark.parametrize(
    "first,second",
    [
        ("ViT", "Swin Transformer"),
        ("ViT", "ViT"),  # too short to tell: many notes are called "Notes" or "Summary"
        ("BERT notes", "BERT"),
        ("Large Language Models: A Survey", "Multimodal Large Language Models: A Survey"),
        ("Attention is all you need part 1", "Attention is all you need part 2"),
        ("Deep Residual Learning for Image Recognition", "Identity Mappings in Deep Residual Networks"),
        ("多兴趣召回", "多兴趣召回笔记"),
    ],
)
def test_different_or_too_short_titles_are_not_duplicates(first, second):
    assert find_duplicates([note("a.md", first), note("b.md", second)]) == []


def test_the_same_arxiv_paper_in_different_versions_is_found():
    (duplicate,) = find_duplicates(
        [
            note("b.md", "CLIP", Paper("CLIP", arxiv="2103.00020v1")),
            note("a.md", "对比学习", Paper("Contrastive", arxiv="2103.00020v3")),
            note("c.md", "Other", Paper("Other", arxiv="2103.00021")),
        ]
    )
    assert duplicate == duplicate.__class__(("a.md", "b.md"), "same arXiv id 2103.00020")


def test_the_same_doi_in_another_case_is_found():
    (duplicate,) = find_duplicates(
        [note("a.md", "x", Paper("x", doi="10.1145/ABC.123")), note("b.md", "y", Paper("y", doi="10.1145/abc.123"))]
    )
    assert duplicate.sources == ("a.md", "b.md") and duplicate.reason == "same DOI 10.1145/ABC.123"


def test_a_chain_of_matches_is_one_group_with_every_reason():
    (duplicate,) = find_duplicates(
        [
            note("a.md", "CLIP", Paper("CLIP", arxiv="2103.00020")),
            note("b.md", "Learning Transferable Visual Models", Paper("x", arxiv="2103.00020v2")),
            note("c.md", "Learning Transferable Visual Models (notes)"),
        ]
    )
    assert duplicate.sources == ("a.md", "b.md", "c.md")
    assert "same arXiv id 2103.00020" in duplicate.reason and "titles match" in duplicate.reason


def test_ten_thousand_notes_are_checked_in_one_pass():
    words = "deep sparse neural visual language graph learning retrieval model attention scaling".split()
    items = [
        note(
            f"n{i}.md",
            " ".join(words[(i * k) % len(words)] for k in range(1, 6)) + f" {i}",
            Paper(f"Paper number {i} about models", arxiv=f"{1501 + i % 800:04d}.{i:05d}"),
        )
        for i in range(10_000)
    ]
    items.append(note("copy.md", "Paper number 7 about models (notes)"))
    assert [d.sources for d in find_duplicates(items)] == [("copy.md", "n7.md")]


@pytest.mark.parametrize(
    "written",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        '"  javascript:alert(1)"',
        '"\\x01javascript:alert(1)"',
        '"java\\tscript:alert(1)"',
        '"java\\nscript:alert(1)"',
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
@pytest.mark.parametrize("field", ["url", "code"])
def test_a_paper_link_that_would_run_script_is_dropped_with_a_warning_on_its_line(field, written):
    paper, problem = read_one_warning(f"paper:\n  title: T\n  {field}: {written}\n")
    assert getattr(paper, field) == ""
    assert f"`paper.{field}` is not a link" in problem.message and problem.line == 4  # `---` is line 1


def test_paper_links_that_are_web_addresses_are_kept_and_normalised():
    paper, problems = read("paper:\n  url: https://例子.org/论文 1.pdf\n  code: https://github.com/openai/CLIP\n")
    assert problems == []
    assert paper.url == "https://xn--fsqu00a.org/%E8%AE%BA%E6%96%87%201.pdf"
    assert paper.code == "https://github.com/openai/CLIP"


@pytest.mark.parametrize(
    "entry, reason",
    [
        ("@article{a,\n  title={Unclosed,\n  year={2021}\n}", "a brace is never closed"),
        ("@article{a,\n  title={x}}}}, @misc{injected,\n  title={y}\n}", "text follows the entry's closing brace"),
        ("@article{a,\n  title={x}\n}\n@misc{injected,\n  title={y}\n}", "text follows the entry's closing brace"),
    ],
)
def test_a_pasted_bibtex_entry_that_would_break_or_extend_papers_bib_is_left_out(entry, reason):
    block = textwrap.indent(entry, "    ")
    paper, problem = read_one_warning(f"paper:\n  title: T\n  bibtex: |\n{block}\n")
    assert paper.bibtex == ""
    assert reason in problem.message and problem.line == 4
