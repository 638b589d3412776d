"""A researcher's notes know their papers: paper cards, the reading list, BibTeX, wikilinks,
backlinks, related notes, the map, tables of contents, word counts and typeset math."""

from __future__ import annotations

import re

from click.testing import CliRunner
from pagetools import links_of, local_target, text_of

from notes_site.cli import main

CLIP = """\
title: CLIP 笔记
date: 2024-01-24
tags: [多模态, 对比学习]
paper:
  title: Learning Transferable Visual Models From Natural Language Supervision
  authors: [Alec Radford, Jong Wook Kim, Chris Hallacy, Aditya Ramesh]
  year: 2021
  venue: ICML
  arxiv: "2103.00020"
  doi: 10.48550/arXiv.2103.00020
  code: https://github.com/openai/CLIP
  aliases: [CLIP]
  status: read
  rating: 5
"""

CLIP_BODY = """\
Contrastive pre-training.

## 方法

InfoNCE over a batch.

## 实验

Zero-shot ImageNet.
"""

TRANSFORMER = """\
title: Attention Is All You Need
date: 2023-08-22
tags: [transformer]
paper:
  authors: [Ashish Vaswani, Noam Shazeer]
  year: 2017
  venue: NeurIPS
  arxiv: "1706.03762"
  status: to-read
"""


def paper_site(site):
    site.note("clip.md", CLIP, CLIP_BODY)
    site.note("attention.md", TRANSFORMER, "Self-attention.\n")
    site.note(
        "vit.md",
        "title: Vision Transformer\ndate: 2023-12-03\ntags: [transformer, cv]",
        "Built on [[Attention Is All You Need|the Transformer paper]] and used by [[clip]].\n\n"
        "See [[CLIP#方法]] and [[多兴趣召回]].\n",
    )
    site.note("recall.md", "title: 多兴趣召回\ndate: 2024-05-22\ntags: [召回]", "Back to [ViT](vit.md).\n")
    return site


def note_page(site, slug: str) -> str:
    (path,) = site.public.glob(f"*/*/*/{slug}/index.html")
    return path.read_text(encoding="utf-8")


def page_link(site, html: str, page: str, text: str) -> str:
    """The href of the link whose text is `text`, checked to open an existing file."""
    match = re.search(r'<a[^>]*href="([^"]*)"[^>]*>' + re.escape(text) + "</a>", html)
    assert match, f"no link {text!r}"
    url = match.group(1)
    target = None if url.startswith("#") else local_target(site.public, page, url.split("#")[0])
    assert target is None or target.is_file(), url
    return match.group(1)


# ---------- paper fields ----------


def test_a_paper_note_shows_a_paper_card_with_shortened_authors_and_links(site):
    paper_site(site)
    report = site.build()
    assert report.errors == [] and report.warnings == [], report.problems
    page = note_page(site, "clip")
    card = re.search(r'<section class="paper-card".*?</section>', page, re.S).group(0)
    assert "Learning Transferable Visual Models From Natural Language Supervision" in card
    assert "Alec Radford, Jong Wook Kim, Chris Hallacy et al." in card  # 4 authors, 3 shown
    assert 'title="Alec Radford, Jong Wook Kim, Chris Hallacy, Aditya Ramesh"' in card
    assert "ICML · 2021" in text_of(card)
    hrefs = [url for _tag, url in links_of(card)]
    assert "https://arxiv.org/abs/2103.00020" in hrefs and "https://arxiv.org/pdf/2103.00020" in hrefs
    assert "https://doi.org/10.48550/arXiv.2103.00020" in hrefs and "https://github.com/openai/CLIP" in hrefs
    assert any(href.endswith("/clip/cite.bib") for href in hrefs) and "radford2021clip" in card


def test_the_number_of_authors_shown_is_a_setting(site):
    paper_site(site)
    site.settings("papers:\n  authors_shown: 0\n")
    site.build()
    assert "Chris Hallacy, Aditya Ramesh</p>" in note_page(site, "clip")


def test_a_malformed_arxiv_id_is_a_warning_naming_the_line_and_the_note_still_builds(site):
    site.note("bad.md", "title: Bad\ndate: 2024-01-01\npaper:\n  year: 2021\n  arxiv: 2103.0002x")
    report = site.build()
    (problem,) = report.warnings
    assert problem.path.name == "bad.md" and problem.line == 6 and "arxiv" in problem.message
    assert note_page(site, "bad")


# ---------- reading list ----------


def test_the_reading_list_has_every_paper_with_year_venue_title_authors_and_the_note(site):
    paper_site(site)
    site.build()
    table = site.page("papers/")
    rows = re.findall(r"<tr data-status=.*?</tr>", table, re.S)
    assert len(rows) == 2  # the two notes with a paper, newest first
    assert [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.S)] == [
        "2021",
        "ICML",
        "Learning Transferable Visual Models From Natural Language Supervision",
        "Alec Radford, Jong Wook Kim, Chris Hallacy et al.",
        "Read",
        "CLIP 笔记",
    ]
    assert 'data-status="to-read"' in rows[1]
    page_link(site, table, "papers/", "CLIP 笔记")


def test_the_reading_list_is_also_grouped_by_year_and_by_venue(site):
    paper_site(site)
    site.build()
    by_year = text_of(site.page("papers/by-year/"))
    assert by_year.index("2021 (1)") < by_year.index("2017 (1)")
    by_venue = text_of(site.page("papers/by-venue/"))
    assert by_venue.index("ICML (1)") < by_venue.index("NeurIPS (1)")


def test_a_site_without_papers_says_how_to_add_one(site):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    site.build()
    assert "paper:" in site.page("papers/")


# ---------- BibTeX ----------


def test_each_paper_note_has_a_cite_bib_beside_its_page_and_the_site_a_papers_bib(site):
    paper_site(site)
    site.build()
    (cite,) = site.public.glob("*/*/*/clip/cite.bib")
    entry = cite.read_text(encoding="utf-8")
    assert entry.startswith("@inproceedings{radford2021clip,")
    assert "booktitle = {ICML}" in entry and "{{Learning Transferable Visual Models" in entry
    everything = (site.public / "papers.bib").read_text(encoding="utf-8")
    assert entry in everything and "@inproceedings{vaswani2017attention," in everything


def test_citation_keys_are_unique_across_the_site_and_stay_when_a_newer_note_arrives(site):
    paper_site(site)
    site.build()
    site.note(
        "clip-again.md",
        "title: CLIP once more\ndate: 2024-06-01\npaper:\n  authors: [Alec Radford]\n  year: 2021\n  aliases: [CLIP]",
    )
    site.build()
    keys = re.findall(r"^@\w+\{([^,]+),", (site.public / "papers.bib").read_text(encoding="utf-8"), re.M)
    assert sorted(keys) == ["radford2021clip", "radford2021clipb", "vaswani2017attention"]
    assert "@inproceedings{radford2021clip," in next(site.public.glob("*/*/*/clip/cite.bib")).read_text()
    assert "radford2021clipb" in next(site.public.glob("*/*/*/clip-again/cite.bib")).read_text()


def test_a_pasted_bibtex_entry_is_used_as_written(site):
    site.note(
        "gpt.md",
        "title: GPT-3\ndate: 2024-01-01\npaper:\n  bibtex: |\n    @article{brown2020language,\n"
        "      title={Language Models are Few-Shot Learners},\n      year={2020}\n    }",
    )
    site.build()
    entry = next(site.public.glob("*/*/*/gpt/cite.bib")).read_text(encoding="utf-8")
    assert entry.startswith("@article{brown2020language,") and "Few-Shot Learners" in entry


# ---------- wikilinks ----------


def test_wikilinks_resolve_by_title_alias_file_name_cjk_title_and_heading(site):
    paper_site(site)
    site.build()
    vit = note_page(site, "vit")
    page = next(site.public.glob("*/*/*/vit/index.html")).relative_to(site.public).parent.as_posix()
    assert page_link(site, vit, page + "/", "the Transformer paper").endswith("attention/")
    assert page_link(site, vit, page + "/", "clip").endswith("clip/")  # file name, any case
    assert page_link(site, vit, page + "/", "CLIP › 方法").endswith("clip/#%E6%96%B9%E6%B3%95")
    assert page_link(site, vit, page + "/", "多兴趣召回").endswith("recall/")
    clip = note_page(site, "clip")
    assert 'id="方法"' in clip  # the anchor the wikilink points at exists


def test_an_unresolved_wikilink_is_a_warning_with_its_line_and_visibly_broken_text(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "Intro.\n\nSee [[Swim Transformer]] here.\n")
    report = site.build()
    (problem,) = report.warnings
    assert problem.path.name == "a.md" and problem.line == 8 and "[[Swim Transformer]]" in problem.message
    page = note_page(site, "a")
    assert '<span class="wikilink wikilink-broken">Swim Transformer</span>' in page
    assert "Swim Transformer</a>" not in page


def test_an_ambiguous_wikilink_names_the_candidates(site):
    site.note("one/clip.md", "title: First\ndate: 2024-01-01")
    site.note("two/clip.md", "title: Second\ndate: 2024-01-02")
    site.note("a.md", "title: A\ndate: 2024-01-03", "[[clip]] or [[one/clip]]\n")
    report = site.build()
    (problem,) = report.warnings
    assert "matches 2 notes" in problem.message and "one/clip.md" in problem.message
    assert page_link(site, note_page(site, "a"), "2024/01/03/a/", "one/clip")


def test_with_strict_a_broken_wikilink_fails_the_build(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "[[nowhere]]\n")
    result = CliRunner().invoke(main, ["build", "--site", str(site.root), "--strict"])
    assert result.exit_code == 1 and "[[nowhere]]" in result.output


def test_a_heading_the_target_lacks_is_a_warning_and_the_link_goes_to_the_note(site):
    paper_site(site)
    site.note("b.md", "title: B\ndate: 2024-01-01", "[[CLIP#Results]]\n")
    report = site.build()
    (problem,) = report.warnings
    assert "Results" in problem.message and problem.line == 6


# ---------- backlinks, related notes, the map ----------


def test_backlinks_list_notes_linking_by_wikilink_or_markdown_link(site):
    paper_site(site)
    site.build()
    vit = note_page(site, "vit")
    backlinks = re.search(r'<section class="backlinks">.*?</section>', vit, re.S).group(0)
    assert "多兴趣召回" in backlinks  # an ordinary Markdown link to vit.md
    clip = note_page(site, "clip")
    assert "Vision Transformer" in re.search(r'<section class="backlinks">.*?</section>', clip, re.S).group(0)
    site.note("lonely.md", "title: Lonely\ndate: 2024-02-02")
    site.build()
    assert '<section class="backlinks">' not in note_page(site, "lonely")  # nothing links to it


def test_backlinks_follow_a_renamed_note(site):
    paper_site(site)
    site.build()
    site.note("vit.md", "title: ViT renamed\ndate: 2023-12-03\ntags: [transformer]", "Uses [[CLIP]].\n")
    site.build()
    assert "ViT renamed" in note_page(site, "clip")


def test_related_notes_share_tags_and_paper_authors(site):
    site.note("a.md", "title: A\ndate: 2024-01-01\ntags: [cv, transformer]")
    site.note("b.md", "title: B\ndate: 2024-01-02\ntags: [cv, transformer]")
    site.note("c.md", "title: C\ndate: 2024-01-03\ntags: [cv]")
    site.note("d.md", "title: D\ndate: 2024-01-04\ntags: [nlp]")
    site.note("e.md", "title: E\ndate: 2024-01-05\npaper:\n  authors: [Kaiming He]")
    site.note("f.md", "title: F\ndate: 2024-01-06\npaper:\n  authors: [Kaiming He]")
    site.build()
    related = re.search(r'<section class="related-notes">.*?</section>', note_page(site, "a"), re.S).group(0)
    assert text_of(related) == "Related notes B C"  # B shares two tags, C one; D none
    assert "F" in text_of(re.search(r'<section class="related-notes">.*?</section>', note_page(site, "e"), re.S)[0])


def test_the_map_shows_every_note_as_a_link_and_each_note_its_neighbourhood(site):
    paper_site(site)
    site.build()
    graph = site.page("graph/")
    svg = re.search(r'<svg class="graph graph-map.*?</svg>', graph, re.S).group(0)
    nodes = [url for tag, url in links_of(svg) if tag == "a"]
    assert len(nodes) == 4 and all(local_target(site.public, "graph/", url).is_file() for url in nodes)
    assert "4 notes and 3 links" in text_of(graph)
    neighbourhood = re.search(r'<section class="neighbourhood">.*?</section>', note_page(site, "clip"), re.S)
    assert neighbourhood and "Vision Transformer" in neighbourhood.group(0)


def test_the_neighbourhood_map_can_be_turned_off(site):
    paper_site(site)
    site.settings("graph:\n  note_neighbourhood: false\n")
    site.build()
    assert 'class="neighbourhood"' not in note_page(site, "clip")


# ---------- structure and reading ----------


def test_a_note_with_enough_headings_has_a_table_of_contents_with_cjk_anchors(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "## 方法\n\n### 损失函数\n\n## 实验\n\n## Results\n")
    site.note("b.md", "title: B\ndate: 2024-01-02", "## Only one\n\n## Two\n")
    site.build()
    toc = re.search(r'<nav class="post-toc.*?</nav>', note_page(site, "a"), re.S).group(0)
    assert [href for _tag, href in links_of(toc)] == ["#方法", "#损失函数", "#实验", "#results"]
    assert re.search(r"方法</a>\s*<ol>\s*<li><a href=\"#损失函数\">", toc)  # nested under its parent
    assert "post-toc" not in note_page(site, "b")


def test_the_table_of_contents_follows_its_settings(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "## One\n\n### Deep\n\n## Two\n\n## Three\n")
    site.settings("toc:\n  max_depth: 1\n")
    site.build()
    toc = re.search(r'<nav class="post-toc.*?</nav>', note_page(site, "a"), re.S).group(0)
    assert "#deep" not in toc and "#three" in toc
    site.settings("toc:\n  min_headings: 0\n")
    site.build()
    assert "post-toc" not in note_page(site, "a")


def test_word_count_and_reading_time_count_cjk_characters_as_words(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "多兴趣召回 uses capsule networks.\n")
    site.build()
    assert "Reading time" not in note_page(site, "a")  # off by default
    site.settings("reading_time:\n  show: true\n  words_per_minute: 4\n")
    site.build()
    meta = re.search(r'<div class="post-meta">.*?</div>', note_page(site, "a"), re.S).group(0)
    assert "Words 8" in text_of(meta) and "Reading time 2 min" in text_of(meta)  # 5 characters + 3 words


def test_math_is_mathml_in_the_page_and_needs_no_script(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "$$\n\\sum_{i=1}^{n} \\frac{a}{b}\n$$\n")
    report = site.build()
    assert report.warnings == []
    page = note_page(site, "a")
    assert "<math " in page and "<mfrac>" in page and "katex" not in page.lower()


def test_a_formula_that_fails_is_kept_as_tex_with_a_warning_naming_the_line(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "Intro.\n\n$\\notacommand x$\n")
    report = site.build()
    (problem,) = report.warnings
    assert problem.line == 8 and "\\notacommand" in problem.message
    assert "\\(\\notacommand x\\)" in note_page(site, "a")


def test_katex_can_be_chosen_instead(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "$x^2$\n")
    site.settings("math: katex\n")
    site.build()
    page = note_page(site, "a")
    assert "\\(x^2\\)" in page and "katex.min.js" in page


# ---------- notes-site check ----------


def test_check_reports_broken_links_missing_images_notes_without_dates_and_writes_nothing(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "![fig](missing.png) and [[Nowhere]].\n")
    site.write("content/b.md", "# No front matter at all\n")
    site.settings("base_url: https://me.github.io/notes/\n")
    result = CliRunner().invoke(main, ["check", "--site", str(site.root)])
    assert result.exit_code == 1
    assert "a.md:6: the image `missing.png` leads to no file" in result.output
    assert "a.md:6: the wikilink [[Nowhere]] matches no note" in result.output
    assert "b.md: the note has no `date`" in result.output
    assert not site.public.exists() and not (site.root / ".public.notes-site-cache").exists()


def test_check_on_a_clean_site_exits_0(site):
    paper_site(site)
    site.settings("base_url: https://me.github.io/notes/\n")
    result = CliRunner().invoke(main, ["check", "--site", str(site.root)])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s), 0 likely duplicate(s)" in result.output


def test_a_paper_alias_finds_the_note_and_a_title_wins_over_an_alias(site):
    site.note("attention.md", "title: 注意力机制\ndate: 2023-08-22\npaper:\n  aliases: [Transformer, 变换器]")
    site.note("transformer-notes.md", "title: Transformer\ndate: 2023-09-01")
    site.note("a.md", "title: A\ndate: 2024-01-01", "[[变换器]] and [[transformer]] and [[注意力机制]]\n")
    report = site.build()
    assert report.warnings == []
    page = note_page(site, "a")
    assert page_link(site, page, "2024/01/01/a/", "变换器").endswith("2023/08/22/attention/")  # by alias
    assert page_link(site, page, "2024/01/01/a/", "transformer").endswith("2023/09/01/transformer-notes/")  # title
    assert page_link(site, page, "2024/01/01/a/", "注意力机制").endswith("2023/08/22/attention/")  # CJK title
