"""`notes-site serve`: what it serves, what it refuses, and how it follows edits."""

import http.client
import os
import threading
import time
from pathlib import Path

import pytest

from notes_site.serve.server import DevServer
from notes_site.serve.watch import Debouncer, classify


@pytest.fixture
def served(site):
    site.note("clip.md", "title: CLIP\ndate: 2024-01-24\ntags: [cv]", "Intro.\n\n<!-- more -->\n\nRest.\n")
    site.note("draft.md", "title: Secret draft\ndate: 2024-01-25\ndraft: true")
    server = DevServer(site.root, port=0, log=lambda message: None)
    server.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.site = site
    yield server
    server.shutdown()
    thread.join(timeout=5)
    assert not server.workdir.exists()


def get(server, path, method="GET"):
    host, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_pages_are_served_with_types_and_the_reload_script(served):
    status, headers, body = get(served, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'id="notes-site-live-reload"' in body
    assert b"Secret draft" in body  # drafts show while serving
    status, headers, _ = get(served, "/css/main.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"


def test_served_pages_are_the_built_pages_plus_only_the_script(served):
    site = served.site
    site.build(drafts=True)
    for path in ("", "2024/01/24/clip/", "tags/cv/", "archives/"):
        _status, _headers, body = get(served, "/" + path)
        script_start = body.index(b'<script id="notes-site-live-reload">')
        script_end = body.index(b"</script>\n", script_start) + len(b"</script>\n")
        served_without_script = body[:script_start] + body[script_end:]
        assert served_without_script == (site.public / path / "index.html").read_bytes()
        assert b"notes-site-live-reload" not in (site.public / path / "index.html").read_bytes()


def test_no_drafts_flag(site):
    site.note("draft.md", "title: Secret draft\ndate: 2024-01-25\ndraft: true")
    server = DevServer(site.root, port=0, drafts=False, log=lambda m: None)
    try:
        server.start()
        assert "Secret draft" not in (server.output / "index.html").read_text(encoding="utf-8")
    finally:
        server.shutdown()


def test_a_folder_without_slash_redirects(served):
    status, headers, _ = get(served, "/tags")
    assert status == 301 and headers["Location"] == "/tags/"


def test_missing_paths_get_the_themes_404_page(served):
    status, headers, body = get(served, "/no/such/page/")
    assert status == 404 and b"Page not found" in body and headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        "/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2fetc/passwd",
        "//etc/passwd",
        "/css/..%2f..%2f..%2fetc/passwd",
        "/..%5c..%5cetc/passwd",
        "/%00index.html",
    ],
)
def test_path_traversal_attempts_are_refused(served, path):
    status, _headers, body = get(served, path)
    assert status in (403, 404) and b"root:" not in body


def test_symlinks_out_of_the_output_are_refused(served, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    os.symlink(secret, served.output / "leak.txt")
    os.symlink(tmp_path, served.output / "leakdir")
    assert get(served, "/leak.txt")[0] == 404
    assert get(served, "/leakdir/secret.txt")[0] == 404
    assert get(served, "/leakdir/")[0] == 404


def test_head_and_other_methods(served):
    status, headers, body = get(served, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert get(served, "/", method="POST")[0] == 405


def test_an_edit_rebuilds_and_bumps_the_generation(served):
    generation = served.state.generation
    note = served.site.root / "content/clip.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nA fresh paragraph.\n", encoding="utf-8")
    assert wait_for(lambda: served.state.generation > generation)
    assert b"A fresh paragraph." in get(served, "/2024/01/24/clip/")[2]


def test_a_broken_note_keeps_the_last_good_site_and_reports_the_file(served):
    note = served.site.root / "content/clip.md"
    good = note.read_text(encoding="utf-8")
    generation = served.state.generation
    note.write_text(good.replace("date: 2024-01-24", "date: [broken"), encoding="utf-8")
    assert wait_for(lambda: served.state.problems)
    assert "clip.md" in served.state.problems[0]["file"]
    assert get(served, "/2024/01/24/clip/")[0] == 200  # still the last good site
    note.write_text(good, encoding="utf-8")
    assert wait_for(lambda: not served.state.problems and served.state.generation > generation)


def test_a_deleted_note_disappears_everywhere(served):
    (served.site.root / "content/clip.md").unlink()
    assert wait_for(lambda: get(served, "/2024/01/24/clip/")[0] == 404)
    assert b"CLIP" not in get(served, "/")[2] and get(served, "/tags/cv/")[0] == 404


def test_a_settings_change_rebuilds_everything(served):
    generation = served.state.generation
    served.site.settings("title: Renamed Notes\n")
    assert wait_for(lambda: served.state.generation > generation)
    assert b"Renamed Notes" in get(served, "/tags/cv/")[2]


def test_the_events_stream_says_reload_after_a_rebuild(served):
    host, port = served.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", f"/__notes-site/events?since={served.state.generation}")
    response = connection.getresponse()
    assert response.getheader("Content-Type").startswith("text/event-stream")
    assert response.readline() == b"event: hello\n"
    response.readline(), response.readline()
    note = served.site.root / "content/clip.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    lines = [response.readline() for _ in range(2)]
    assert lines[0] == b"event: reload\n"
    connection.close()


def test_a_burst_of_events_makes_one_rebuild():
    calls = []
    debouncer = Debouncer(0.05, calls.append)
    for index in range(20):  # an editor's save: temp file, rename, chmod, backup...
        debouncer.add(index)
        time.sleep(0.005)
    assert wait_for(lambda: calls)
    time.sleep(0.1)
    assert calls == [list(range(20))]


def test_change_kinds_and_ignored_files(tmp_path):
    root, output = tmp_path, tmp_path / "public"
    assert classify(root / "content/a.md", root, output) == "content"
    assert classify(root / "notes-site.yaml", root, output) == "settings"
    assert classify(root / "themes/default/templates/base.html", root, output) == "theme"
    for ignored in (
        "content/.a.md.swp",
        "content/a.md~",
        "content/.#a.md",
        "content/4913",
        "public/index.html",
        "README.md",
    ):
        assert classify(root / ignored, root, output) is None, ignored


def test_a_broken_template_is_reported_with_its_name_and_line(served):
    template = served.site.root / "themes/default/templates/note.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text("{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n")
    assert wait_for(lambda: served.state.problems)
    assert "note.html:3" in served.state.problems[0]["message"]
    assert get(served, "/2024/01/24/clip/")[0] == 200
    template.unlink()
    assert wait_for(lambda: not served.state.problems)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("a.html", "text/html; charset=utf-8"),
        ("a.css", "text/css; charset=utf-8"),
        ("a.js", "text/javascript; charset=utf-8"),
        ("atom.xml", "application/atom+xml; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("fig.svg", "image/svg+xml; charset=utf-8"),
        ("fig.png", "image/png"),
        ("photo.JPG", "image/jpeg"),
        ("paper.pdf", "application/pdf"),
        ("cite.bib", "application/x-bibtex; charset=utf-8"),
        ("font.woff2", "font/woff2"),
    ],
)
def test_content_types(name, expected):
    from notes_site.serve.server import content_type

    assert content_type(Path(name)) == expected


def test_the_command_prints_its_url_and_stops_cleanly_on_ctrl_c(site, tmp_path):
    import signal
    import subprocess
    import sys

    site.note("a.md", "title: A\ndate: 2024-01-01")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "notes_site", "serve", "--site", str(site.root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        line = ""
        deadline = time.monotonic() + 30
        while "Serving" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
        assert "http://127.0.0.1:" in line
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        assert port != 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("notes-site-serve-")] == []
