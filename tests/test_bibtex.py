"""BibTeX export: citation keys a user can cite from a draft for years, and entries to paste."""

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from notes_site.content.papers import Paper, read_paper
from notes_site.site.bibtex import BibSource, assign_keys, bibliography, bibtex_entry, citation_key

SHANGHAI = timezone(timedelta(hours=8))
CLIP = Paper(
    "Learning Transferable Visual Models From Natural Language Supervision",
    authors=("Alec Radford", "Jong Wook Kim", "Chris Hallacy"),
    year=2021,
    venue="ICML",
    arxiv="2103.00020",
    doi="10.48550/arXiv.2103.00020",
    aliases=("CLIP",),
)
RAW_CLIP = """@inproceedings{radford2021learning,
  title={Learning Transferable Visual Models From Natural Language Supervision},
  author={Radford, Alec and Kim, Jong Wook},
  year={2021}
}
"""


def written(source: str, paper: Paper, day: int | None) -> BibSource:
    """A note at content/`source`, posted on that day of January 2024 (None: no date)."""
    posted = datetime(2024, 1, day, tzinfo=SHANGHAI) if day else None
    return BibSource(source, Path("/site/content") / source, paper, posted)


def test_the_clip_key_is_family_name_year_and_alias():
    assert citation_key(CLIP) == "radford2021clip"


@pytest.mark.parametrize(
    "paper,key",
    [
        (Paper("Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), 2017), "vaswani2017attention"),
        (Paper("An Image Is Worth 16x16 Words", ("Alexey Dosovitskiy",), 2021), "dosovitskiy2021image"),
        (Paper("Towards a Theory of Everything", ("Kaiming He",)), "hendtheory"),
        (Paper("The", ()), "anonnd"),
        (Paper("Deep Learning", ("LeCun, Yann",), 2015), "lecun2015deep"),
        (Paper("Letter", ("Martin Luther King Jr.",), 1963), "king1963letter"),
        (Paper("Über Müller", ("Jürgen Schmidhuber",), 1992, aliases=("LSTM-2",)), "schmidhuber1992lstm2"),
    ],
)
def test_keys_skip_small_title_words_and_are_plain_ascii(paper, key):
    assert citation_key(paper) == key


def test_chinese_author_names_give_ascii_keys():
    assert citation_key(Paper("深度残差学习", ("何恺明", "张祥雨"), 2016, aliases=("ResNet",))) == "he2016resnet"
    key = citation_key(Paper("多兴趣召回", ("李明",), 2024))
    assert key.isascii() and key.isalnum() and key.startswith("li2024")


def test_every_note_gets_a_key_and_the_order_of_the_input_does_not_matter():
    entries = [
        written("clip.md", CLIP, 3),
        written("attention.md", Paper("Attention Is All You Need", ("Ashish Vaswani",), 2017), 1),
        written("clip-again.md", CLIP, 5),
    ]
    keys, problems = assign_keys(entries)
    assert problems == []
    assert keys == {
        "clip.md": "radford2021clip",
        "attention.md": "vaswani2017attention",
        "clip-again.md": "radford2021clipb",
    }
    assert assign_keys(list(reversed(entries))) == (keys, [])


def test_three_papers_with_the_same_key_get_b_and_c_by_age():
    entries = [written("c.md", CLIP, 9), written("a.md", CLIP, None), written("b.md", CLIP, 2)]
    keys, _ = assign_keys(entries)
    assert keys == {"b.md": "radford2021clip", "c.md": "radford2021clipb", "a.md": "radford2021clipc"}
    assert len(set(keys.values())) == 3


def test_notes_posted_the_same_day_are_ordered_by_path():
    keys, _ = assign_keys([written("z.md", CLIP, 4), written("m.md", CLIP, 4)])
    assert keys == {"m.md": "radford2021clip", "z.md": "radford2021clipb"}


def test_a_newer_note_with_the_same_key_never_changes_the_older_notes_key():
    before, _ = assign_keys([written("clip.md", CLIP, 3)])
    after, problems = assign_keys([written("clip.md", CLIP, 3), written("clip-2.md", CLIP, 20)])
    assert before["clip.md"] == after["clip.md"] == "radford2021clip"
    assert after["clip-2.md"] == "radford2021clipb" and problems == []


def test_a_raw_bibtex_entry_keeps_its_own_key_and_text():
    paper = Paper(CLIP.title, bibtex=RAW_CLIP)
    keys, problems = assign_keys([written("clip.md", paper, 3)])
    assert keys == {"clip.md": "radford2021learning"} and problems == []
    assert bibtex_entry(paper, "radford2021learning") == RAW_CLIP


def test_a_bibtex_entry_pasted_in_the_front_matter_is_exported_as_pasted():
    meta_text = "title: CLIP\npaper:\n  bibtex: |\n" + "".join(f"    {line}\n" for line in RAW_CLIP.splitlines())
    paper, problems = read_paper(yaml.safe_load(meta_text)["paper"], meta_text, Path("clip.md"), "CLIP")
    assert problems == []
    keys, _ = assign_keys([written("clip.md", paper, 1)])
    assert bibtex_entry(paper, keys["clip.md"]) == RAW_CLIP


def test_two_raw_entries_with_one_key_warn_and_the_newer_gets_a_letter():
    older = written("2021/clip.md", Paper("CLIP", bibtex=RAW_CLIP), 1)
    newer = written("2024/clip.md", Paper("CLIP again", bibtex=RAW_CLIP), 2)
    keys, problems = assign_keys([newer, older])
    assert keys == {"2021/clip.md": "radford2021learning", "2024/clip.md": "radford2021learningb"}
    (problem,) = problems
    assert problem.severity == "warning" and problem.path == newer.path
    assert "2021/clip.md" in problem.message and "`radford2021learningb`" in problem.message
    entry = bibtex_entry(newer.paper, keys["2024/clip.md"])
    assert entry.startswith("@inproceedings{radford2021learningb,\n") and entry.endswith("}\n")


def test_a_generated_key_never_takes_a_key_a_raw_entry_uses():
    raw = Paper("CLIP", bibtex="@misc{radford2021clip,\n  title={CLIP}\n}\n")
    keys, problems = assign_keys([written("raw.md", raw, 5), written("generated.md", CLIP, 9)])
    assert keys == {"raw.md": "radford2021clip", "generated.md": "radford2021clipb"}
    assert problems == []


def test_a_newer_raw_entry_taking_an_older_notes_key_is_reported():
    raw = Paper("CLIP", bibtex="@misc{radford2021clip,\n  title={CLIP}\n}\n")
    keys, problems = assign_keys([written("generated.md", CLIP, 1), written("raw.md", raw, 9)])
    assert keys == {"raw.md": "radford2021clip", "generated.md": "radford2021clipb"}
    (problem,) = problems
    assert problem.path == Path("/site/content/generated.md")
    assert "raw.md" in problem.message and "`radford2021clipb`" in problem.message


def test_a_generated_entry_has_aligned_fields_and_keeps_capitals():
    assert bibtex_entry(CLIP, "radford2021clip") == (
        "@inproceedings{radford2021clip,\n"
        "  title     = {{Learning Transferable Visual Models From Natural Language Supervision}},\n"
        "  author    = {Alec Radford and Jong Wook Kim and Chris Hallacy},\n"
        "  booktitle = {ICML},\n"
        "  year      = {2021},\n"
        "  doi       = {10.48550/arXiv.2103.00020},\n"
        "  url       = {https://arxiv.org/abs/2103.00020}\n"
        "}\n"
    )


@pytest.mark.parametrize(
    "venue,kind,venue_field",
    [
        ("NeurIPS 2020", "inproceedings", "booktitle"),
        ("NIPS", "inproceedings", "booktitle"),
        ("CVPR", "inproceedings", "booktitle"),
        ("RecSys '23", "inproceedings", "booktitle"),
        ("Proceedings of the 38th International Conference on Machine Learning", "inproceedings", "booktitle"),
        ("ICLR Workshop on Trustworthy ML", "inproceedings", "booktitle"),
        ("Nature", "article", "journal"),
        ("Journal of Machine Learning Research", "article", "journal"),
        ("arXiv preprint", "misc", None),
        ("", "misc", None),
    ],
)
def test_the_entry_type_follows_the_venue(venue, kind, venue_field):
    entry = bibtex_entry(Paper("A Paper", ("Ada Lovelace",), 2020, venue=venue), "k")
    assert entry.startswith(f"@{kind}{{k,\n")
    if venue_field:
        assert re.search(rf"^  {venue_field} += \{{{re.escape(venue)}\}},$", entry, re.MULTILINE)
    else:
        assert "booktitle" not in entry and "journal" not in entry


def test_an_arxiv_only_paper_is_misc_with_its_eprint():
    entry = bibtex_entry(Paper("Attention Is All You Need", ("Ashish Vaswani",), 2017, arxiv="1706.03762"), "v")
    assert entry.startswith("@misc{v,\n")
    assert "  eprint        = {1706.03762},\n  archivePrefix = {arXiv},\n" in entry
    assert "  url           = {https://arxiv.org/abs/1706.03762}\n}\n" in entry


def test_the_url_is_the_papers_else_arxivs_else_the_notes():
    with_url = Paper("T", url="https://proceedings.mlr.press/v139/radford21a.html", arxiv="2103.00020")
    assert "{https://proceedings.mlr.press/v139/radford21a.html}" in bibtex_entry(with_url, "k", "https://me/clip/")
    assert "{https://arxiv.org/abs/2103.00020}" in bibtex_entry(Paper("T", arxiv="2103.00020"), "k", "https://me/")
    assert "url   = {https://me/clip/}" in bibtex_entry(Paper("T"), "k", "https://me/clip/")
    assert "url" not in bibtex_entry(Paper("T"), "k")


def test_bibtex_specials_are_escaped_and_unicode_is_kept():
    paper = Paper("50% of R&D: $x$ #1 in_place {set} ~ ^ \\ 注意力", ("Jürgen Schmidhuber", "何恺明"))
    entry = bibtex_entry(paper, "k")
    title = (
        r"50\% of R\&D: \$x\$ \#1 in\_place \textbraceleft{}set\textbraceright{} "
        r"\textasciitilde{} \textasciicircum{} \textbackslash{} 注意力"
    )
    assert f"title  = {{{{{title}}}}}," in entry
    assert "author = {Jürgen Schmidhuber and 何恺明}" in entry
    assert entry.count("{") == entry.count("}")


def test_urls_and_dois_are_written_as_they_are():
    paper = Paper("T", doi="10.1002/(SICI)1097-4571_x", url="https://x.org/a_b%20c#top")
    entry = bibtex_entry(paper, "k")
    assert "{10.1002/(SICI)1097-4571_x}" in entry and "{https://x.org/a_b%20c#top}" in entry


def test_the_bibliography_is_sorted_by_key_with_blank_lines_between():
    text = bibliography([("vaswani2017attention", Paper("Attention")), ("radford2021clip", CLIP)])
    first, second = text.split("\n\n")
    assert first.startswith("@inproceedings{radford2021clip,") and second.startswith("@misc{vaswani2017attention,")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert bibliography([]) == ""


def test_the_bibliography_takes_entries_already_made_for_each_notes_cite_file():
    clip = bibtex_entry(CLIP, "radford2021clip", "https://me/clip/")
    text = bibliography([("vaswani2017attention", Paper("Attention")), ("radford2021clip", clip)])
    assert text.startswith(clip + "\n@misc{vaswani2017attention,")
