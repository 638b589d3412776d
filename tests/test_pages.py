"""The site a user gets: note pages, listings, pagination, categories, tags, archives, links."""

import re

from pagetools import all_pages, links_of, local_target, text_of


def make_notes(site, count, category="ml"):
    for day in range(1, count + 1):
        site.note(
            f"n{day:02d}.md",
            f"title: Note {day}\ndate: 2024-01-{day:02d}\ncategories: [{category}]\ntags: [t{day % 2}]",
            f"Intro {day}.\n\n<!-- more -->\n\nRest {day}.\n",
        )


def test_every_link_on_every_page_leads_to_a_file(site):
    make_notes(site, 12)
    site.note(
        "sub/bundle/index.md",
        "title: Bundle\ndate: 2023-05-05\ncategories: [[ml, cv]]",
        "![fig](fig.png) see [note 3](../../n03.md)\n",
    )
    site.write("content/sub/bundle/fig.png", "png")
    site.build()
    pages = all_pages(site.public)
    assert len(pages) > 20
    for page in pages:
        page_path = page[: -len("index.html")] if page.endswith("index.html") else page
        if page == "404.html":
            continue
        for tag, url in links_of((site.public / page).read_text(encoding="utf-8")):
            target = local_target(site.public, page_path, url)
            if target is not None:
                assert target.is_file(), f"{page}: <{tag}> {url} -> missing {target}"


def test_index_is_paginated_newest_first(site):
    make_notes(site, 12)
    site.build()
    first, second = text_of(site.page("")), text_of(site.page("page/2/"))
    assert first.index("Note 12") < first.index("Note 3")
    assert "Note 2 " not in first and "Note 2 " in second and "Note 1 " in second
    assert 'href="../../"' in site.page("page/2/")  # back to page 1
    assert not (site.public / "page/1").exists()


def test_per_page_setting(site):
    site.settings("per_page: 5\n")
    make_notes(site, 12)
    site.build()
    assert (site.public / "page/3/index.html").exists() and not (site.public / "page/4").exists()


def test_read_more_only_for_notes_with_more(site):
    site.note("long.md", "title: Long\ndate: 2024-01-02", "Intro.\n\n<!-- more -->\n\nHidden rest.\n")
    site.note("short.md", "title: Short\ndate: 2024-01-01", "Everything shows.\n\nAll of it.\n")
    site.build()
    index = site.page("")
    assert index.count("Read more") == 1
    assert "Hidden rest" not in index and "All of it." in index


def test_note_page_has_meta_tags_and_neighbours(site):
    make_notes(site, 3)
    site.build()
    page = site.page("2024/01/02/n02/")
    text = text_of(page)
    assert "Posted on 2024-01-02" in text and "In ml" in text
    assert "Intro 2." in text and "Rest 2." in text
    assert 'href="../../../../2024/01/03/n03/"' in page and 'href="../../../../2024/01/01/n01/"' in page
    assert 'href="../../../../tags/t0/"' in page


def test_edited_is_shown_only_when_it_is_another_day(site):
    site.note("same.md", "title: Same\ndate: 2024-01-01 08:00\nupdated: 2024-01-01 20:00")
    site.note("later.md", "title: Later\ndate: 2024-01-02\nupdated: 2024-02-03")
    site.build()
    assert "Edited on" not in text_of(site.page("2024/01/01/same/"))
    assert "Edited on 2024-02-03" in text_of(site.page("2024/01/02/later/"))


def test_category_and_tag_pages_with_overviews_and_counts(site):
    make_notes(site, 3, category="机器学习")
    site.note("deep.md", "title: Deep\ndate: 2023-01-01\ncategories: [机器学习, 视觉]\ntags: [t1]")
    site.build()
    category = text_of(site.page("categories/ji-qi-xue-xi/"))
    assert all(f"Note {n}" in category for n in (1, 2, 3)) and "Deep" in category
    child = text_of(site.page("categories/ji-qi-xue-xi/shi-jue/"))
    assert "Deep" in child and "Note 1" not in child
    overview = text_of(site.page("categories/"))
    assert "机器学习" in overview and "视觉" in overview and "4" in overview
    tags = text_of(site.page("tags/t1/"))
    assert "Note 1" in tags and "Note 3" in tags and "Deep" in tags and "Note 2 " not in tags
    assert "t0" in text_of(site.page("tags/"))


def test_category_pages_are_paginated(site):
    make_notes(site, 12)
    site.build()
    assert "Note 2" in text_of(site.page("categories/ml/page/2/"))


def test_archive_groups_by_year(site):
    make_notes(site, 2)
    site.note("old.md", "title: Old one\ndate: 2019-03-04")
    site.build()
    archive = text_of(site.page("archives/"))
    assert archive.index("2024") < archive.index("Note 2") < archive.index("2019") < archive.index("Old one")


def test_not_found_page_uses_absolute_links_from_the_base_path(site):
    site.settings("base_url: https://me.github.io/notes/\n")
    make_notes(site, 1)
    site.build()
    page = site.page("404.html")
    assert 'href="/notes/css/main.css"' in page


def test_links_work_under_a_sub_path_because_they_are_relative(site):
    site.settings("base_url: https://me.github.io/notes/\n")
    make_notes(site, 2)
    site.build()
    for page in ("", "2024/01/01/n01/", "tags/t1/"):
        for _tag, url in links_of(site.page(page)):
            assert not url.startswith("/"), (page, url)


def test_permalink_patterns(site):
    site.settings("permalink: ':category/:slug.html'\n")
    site.note("x.md", "title: X\ndate: 2024-01-01\ncategories: [Deep Learning]")
    site.build()
    assert (site.public / "deep-learning/x.html").is_file()


def test_hexo_title_permalink_keeps_subfolders(site):
    site.settings("permalink: ':year/:month/:day/:title/'\n")
    site.note("papers/clip.md", "title: CLIP\ndate: 2024-01-24")
    site.build()
    assert (site.public / "2024/01/24/papers/clip/index.html").is_file()


def test_relative_images_work_in_excerpts_on_every_listing(site):
    site.note(
        "mae.md",
        "title: MAE\ndate: 2024-01-28\ncategories: [cv]\ntags: [vision]",
        "![arch](mae/arch.svg) and ![same](arch.svg)\n\n<!-- more -->\n\nrest\n",
    )
    site.write("content/mae/arch.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.build()
    assert (site.public / "2024/01/28/mae/arch.svg").is_file()
    for page in ("", "categories/cv/", "tags/vision/", "2024/01/28/mae/"):
        page_path = page
        srcs = [url for tag, url in links_of(site.page(page)) if tag == "img"]
        assert len(srcs) == 2
        for url in srcs:
            assert local_target(site.public, page_path, url).is_file(), (page, url)


def test_links_to_other_note_files_become_links_to_their_pages(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "See [B](b.md#method).\n")
    site.note("b.md", "title: B\ndate: 2024-01-02", "## Method\n")
    site.build()
    assert 'href="../../../../2024/01/02/b/#method"' in site.page("2024/01/01/a/")


def test_files_elsewhere_in_content_keep_their_path(site):
    site.note("a.md", "title: A\ndate: 2024-01-01", "![x](images/x.png)\n")
    site.write("content/images/x.png", "png")
    site.build()
    assert (site.public / "images/x.png").is_file()
    assert 'src="../../../../images/x.png"' in site.page("2024/01/01/a/")


def test_two_notes_with_one_url_is_an_error_naming_both(site):
    site.note("a.md", "title: A\ndate: 2024-01-01\nslug: same")
    site.note("b.md", "title: B\ndate: 2024-01-01\nslug: same")
    report = site.build()
    (problem,) = report.errors
    assert "a.md" in str(problem) and "b.md" in str(problem) and "same URL" in str(problem)


def test_drafts_are_left_out_unless_asked_for(site):
    site.note("d.md", "title: Draft\ndate: 2024-01-01\ndraft: true")
    site.note("p.md", "title: Public\ndate: 2024-01-02")
    site.build()
    assert "Draft" not in site.page("") and not (site.public / "2024/01/01/d").exists()
    site.build(drafts=True)
    assert "Draft" in site.page("")


def test_titles_tags_and_categories_are_escaped_but_the_body_is_not(site):
    site.note(
        "x.md",
        "title: '<script>alert(1)</script>'\ndate: 2024-01-01\ntags: ['<b>t</b>']\ncategories: ['<i>c</i>']",
        '<span class="mine">raw</span>\n',
    )
    site.build()
    for page in ("", "2024/01/01/x/", "tags/", "categories/"):
        assert "<script>alert" not in site.page(page) and "<b>t</b>" not in site.page(page)
    assert "&lt;script&gt;" in site.page("")
    assert '<span class="mine">raw</span>' in site.page("2024/01/01/x/")


def test_chinese_ui_strings(site):
    site.settings("language: zh-CN\n")
    site.note("x.md", "title: X\ndate: 2024-01-01\nupdated: 2024-02-01\ncategories: [ml]", "a\n\n<!-- more -->\n\nb\n")
    site.build()
    page = site.page("")
    assert '<html lang="zh-CN"' in page
    for words in ("发表于", "更新于", "分类于", "阅读全文 »"):
        assert words in page


def test_a_site_theme_overrides_one_template_and_keeps_the_rest(site):
    site.note("x.md", "title: X\ndate: 2024-01-01")
    site.write(
        "themes/default/templates/404.html", "{% extends 'base.html' %}{% block content %}Lost here.{% endblock %}"
    )
    site.write("themes/default/static/css/extra.css", "body{}")
    site.build()
    assert "Lost here." in site.page("404.html")
    assert (site.public / "css/extra.css").is_file() and (site.public / "css/main.css").is_file()
    assert "Posted on" in site.page("")


def test_date_format_accepts_strftime_and_hexo_tokens(site):
    site.note("x.md", "title: X\ndate: 2024-03-05")
    site.settings("date_format: '%d.%m.%Y'\n")
    site.build()
    assert "05.03.2024" in text_of(site.page(""))
    site.settings("date_format: YYYY/MM/DD\n")
    site.build()
    assert "2024/03/05" in text_of(site.page(""))


def test_unknown_front_matter_reaches_templates_as_extra(site):
    site.note("x.md", "title: X\ndate: 2024-01-01\nvenue: ICML 2024")
    site.write(
        "themes/default/templates/note.html",
        "{% extends 'base.html' %}{% block content %}Venue: {{ note.extra.venue }}{% endblock %}",
    )
    site.build()
    assert "Venue: ICML 2024" in site.page("2024/01/01/x/")


def test_files_of_a_draft_stay_hidden_with_it(site):
    site.note("secret.md", "title: Secret\ndate: 2024-01-01\ndraft: true")
    site.write("content/secret/figure.png", "png")
    site.note("public.md", "title: Public\ndate: 2024-01-02")
    site.build()
    assert not list(site.public.rglob("figure.png"))
    site.build(drafts=True)
    assert (site.public / "2024/01/01/secret/figure.png").is_file()


def test_tags_that_share_a_url_show_once(site):
    site.note("x.md", "title: X\ndate: 2024-01-01\ntags: [CV, cv]")
    site.build()
    assert site.page("2024/01/01/x/").count('href="../../../../tags/cv/"') == 1


def test_a_note_cannot_take_the_url_of_a_generated_page(site):
    site.settings("permalink: ':slug/'\n")
    site.note("archives.md", "title: My archives note\ndate: 2024-01-01")
    site.note("ok.md", "title: Fine\ndate: 2024-01-02")
    report = site.build()
    (problem,) = report.errors
    assert "archives.md" in str(problem.path) and "/archives/" in problem.message
    assert "My archives note" not in site.page("archives/")


def test_a_content_file_cannot_overwrite_a_page(site):
    site.note("ok.md", "title: Fine\ndate: 2024-01-02")
    site.write("content/index.html", "<p>hand-made</p>")
    report = site.build()
    assert any("index.html" in str(p.path) for p in report.errors)
    assert "hand-made" not in site.page("")


def test_a_site_without_a_content_folder_gets_a_warning(tmp_path):
    from notes_site.build import BuildOptions, build_site

    report = build_site(BuildOptions(site_root=tmp_path))
    assert any("no content folder" in p.message for p in report.warnings)


def test_moment_style_date_formats_for_chinese_sites(site):
    site.note("x.md", "title: X\ndate: 2024-03-05")
    site.settings("date_format: YYYY年M月D日\n")
    site.build()
    assert "2024年3月5日" in text_of(site.page(""))


def test_pagination_links_the_first_last_and_nearby_pages(site):
    site.settings("per_page: 1\n")
    make_notes(site, 12)
    site.build()
    page = site.page("page/6/")
    numbers = re.findall(r'aria-label="Page (\d+)"', page)
    assert numbers == ["1", "4", "5", "7", "8", "12"]
    assert page.count("…") == 2
