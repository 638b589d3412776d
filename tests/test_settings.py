"""Settings: every key optional, mistakes reported all at once with a "did you mean"."""

import pytest

from notes_site.config import load_config
from notes_site.errors import ConfigError


def test_a_site_without_settings_gets_the_defaults(site):
    config = load_config(site.root)
    assert config.per_page == 10
    assert config.permalink == ":year/:month/:day/:slug/"
    assert config.language == "en"
    assert [entry.url for entry in config.menu] == ["", "tags/", "categories/", "archives/", "papers/", "graph/"]


def test_a_typo_in_a_key_gets_a_did_you_mean_with_its_line(site):
    site.settings("title: Notes\nper_pgae: 5\n")
    with pytest.raises(ConfigError) as raised:
        load_config(site.root)
    (problem,) = raised.value.problems
    assert problem.line == 2
    assert "unknown setting `per_pgae`" in problem.message
    assert "Did you mean `per_page`?" in problem.hint


def test_every_bad_setting_is_reported_at_once(site):
    site.settings("per_page: ten\nlanguage: fr\ntimezone: Mars/Base\ntheme: [a]\npermalink: ':year/:titel/'\n")
    with pytest.raises(ConfigError) as raised:
        load_config(site.root)
    text = "\n".join(str(p) for p in raised.value.problems)
    assert len(raised.value.problems) == 6, text
    assert "notes-site.yaml:1: `per_page` must be a whole number" in text
    assert "notes-site.yaml:4: `theme` must be text, not a list" in text
    assert "notes-site.yaml:2: `language: fr` is not supported" in text and "en, zh-CN" in text
    assert "notes-site.yaml:3: `timezone: Mars/Base` is not a known time zone" in text
    assert "permalink token `:titel` is unknown" in text and "Did you mean `:title`?" in text


def test_invalid_yaml_names_the_line(site):
    site.settings("title: Notes\nsubtitle: [unclosed\n")
    with pytest.raises(ConfigError, match=r"notes-site.yaml:\d+: the settings are not valid YAML"):
        load_config(site.root)


@pytest.mark.parametrize(
    "base_url,path",
    [
        ("https://me.github.io/notes", "/notes/"),
        ("https://me.github.io/notes/", "/notes/"),
        ("https://me.github.io", "/"),
        ("notes", "/notes/"),
        ("/a/b/", "/a/b/"),
        ("", "/"),
    ],
)
def test_base_url_with_a_sub_path(site, base_url, path):
    site.settings(f"base_url: '{base_url}'\n")
    assert load_config(site.root).base_path == path


def test_menu_accepts_hexo_style_entries(site):
    site.settings("menu:\n  Home: / || fa fa-home\n  About: /about/\n  GitHub: https://github.com/me\n")
    menu = load_config(site.root).menu
    assert [(m.title, m.url) for m in menu] == [("Home", ""), ("About", "about/"), ("GitHub", "https://github.com/me")]


def test_double_dollars_in_a_sentence_are_shown_display_or_inline_and_nothing_else(site):
    site.settings("title: Notes\nmath_double_dollar_in_text: sideways\n")
    with pytest.raises(ConfigError) as raised:
        load_config(site.root)
    (problem,) = raised.value.problems
    assert (
        problem.line == 2 and "`math_double_dollar_in_text: sideways` is not a way to show a formula" in problem.message
    )
    assert problem.hint == "Use one of: display, inline."
    site.settings("math_double_dollar_in_text: inline\n")
    assert load_config(site.root).math_double_dollar_in_text == "inline"
