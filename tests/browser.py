"""Launch Debian's Chromium through Playwright, or skip with a reason (never skip in CI)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google services on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    in_ci = os.environ.get("CI", "").lower() == "true"
    try:
        import playwright  # noqa: F401
    except ImportError:
        if in_ci:
            raise
        pytest.skip("Playwright is not installed: pip install '.[test]'")
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        if in_ci:
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing (.ci/run installs it).")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser tests")
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


@contextmanager
def chromium_browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
