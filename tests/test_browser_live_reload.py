"""In a real Chromium: save a note and the open page shows it; break it and an overlay says where."""

import threading
import time

import pytest

from notes_site.serve.server import DevServer

pytestmark = pytest.mark.browser


@pytest.fixture
def served(site):
    site.note("clip.md", "title: CLIP\ndate: 2024-01-24\ntags: [cv]", "对比学习的开篇。\n\n<!-- more -->\n\nRest.\n")
    server = DevServer(site.root, port=0, log=lambda message: None)
    server.start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, site
    server.shutdown()


def test_a_saved_edit_shows_without_reloading_and_errors_show_in_an_overlay(served, browser):
    server, site = served
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "2024/01/24/clip/")
    page.wait_for_function("() => document.querySelector('main') !== null")
    time.sleep(0.3)  # let the page's event stream connect
    note = site.root / "content/clip.md"
    good = note.read_text(encoding="utf-8")

    saved = time.monotonic()
    note.write_text(good + "\n一段新加的文字 appended while the page was open.\n", encoding="utf-8")
    page.get_by_text("一段新加的文字 appended while the page was open.").wait_for(timeout=2000)
    assert time.monotonic() - saved < 2.0

    note.write_text(good.replace("date: 2024-01-24", "date: 2024-01-24\ntags: [unclosed"), encoding="utf-8")
    overlay = page.locator("#notes-site-error-overlay")
    overlay.wait_for(state="visible", timeout=3000)
    assert "clip.md" in overlay.inner_text()
    assert "一段新加的文字" in page.locator("main").inner_text()  # the last good page stays

    note.write_text(good + "\nFixed and current again.\n", encoding="utf-8")
    page.get_by_text("Fixed and current again.").wait_for(timeout=3000)
    assert page.locator("#notes-site-error-overlay").count() == 0
    assert errors == []
