"""`notes-site serve` against a hostile client: raw HTTP to a real server on 127.0.0.1 (docs/security.md)."""

import socket
import tempfile
import threading
import time
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from notes_site.cli import main
from notes_site.serve.server import DevServer


@pytest.fixture
def served(site):
    site.settings("title: Notes\nunicode_slugs: true\n")
    site.note("clip.md", "title: CLIP\ndate: 2024-01-24\ntags: [对比学习]")
    site.note("draft.md", "title: Secret draft\ndate: 2024-01-25\ndraft: true")
    logged: list[str] = []
    server = DevServer(site.root, port=0, log=logged.append)
    server.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.logged = logged
    yield server
    server.shutdown()
    thread.join(timeout=5)


def exchange(server, data: bytes, seconds: float = 2.0) -> bytes:
    """Send raw bytes, then read until the server closes or `seconds` pass."""
    port = server.httpd.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as connection:
        connection.sendall(data)
        received = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
    return received


def request(server, target: str, host: str | None = None, extra: str = "", method: str = "GET") -> bytes:
    host = host if host is not None else f"127.0.0.1:{server.httpd.server_address[1]}"
    head = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"
    return exchange(server, head.encode("utf-8"))


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def header(response: bytes, name: str) -> str | None:
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.lower() == name.lower():
            return value.strip()
    return None


def test_a_folder_with_an_encoded_name_redirects_to_itself_with_a_slash(served):
    folder = "/tags/" + quote("对比学习")
    response = request(served, folder + "?page=1")
    assert status_of(response) == 301
    assert header(response, "Location") == folder + "/?page=1"
    assert status_of(request(served, header(response, "Location"))) == 200


def test_a_request_hidden_in_a_body_is_never_answered(served):
    port = served.httpd.server_address[1]
    smuggled = f"GET /tags/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    first = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(smuggled)}\r\n\r\n".encode()
    response = exchange(served, first + smuggled)
    assert response.count(b"HTTP/1.1 ") == 1 and status_of(response) == 400
    assert b"cannot have a body" in response


def test_a_chunked_get_is_refused_and_the_connection_closed(served):
    port = served.httpd.server_address[1]
    smuggled = f"GET /tags/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    first = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    response = exchange(served, first + b"0\r\n\r\n" + smuggled)
    assert response.count(b"HTTP/1.1 ") == 1 and status_of(response) == 400


def test_a_post_with_a_body_gets_one_405_with_the_allowed_methods(served):
    port = served.httpd.server_address[1]
    smuggled = f"GET /tags/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    first = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(smuggled)}\r\n\r\n".encode()
    response = exchange(served, first + smuggled)
    assert response.count(b"HTTP/1.1 ") == 1 and status_of(response) == 405
    assert header(response, "Allow") == "GET, HEAD"


def test_a_very_long_address_gets_414_and_no_traceback(served, capsys):
    response = request(served, "/" + "a" * 6000)
    assert status_of(response) == 414
    assert status_of(request(served, "/__notes-site/events?since=" + "9" * 5000)) == 414
    assert "Traceback" not in capsys.readouterr().err


def test_a_file_name_too_long_for_the_disk_is_simply_not_found(served, capsys):
    assert status_of(request(served, "/" + "a" * 300 + "/")) == 404
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("since", ["9" * 4000, "-1", "1e3", "١٢"], ids=["4000 digits", "negative", "float", "arabic"])
def test_a_bad_since_gets_400_and_no_traceback(served, capsys, since):
    response = request(served, f"/__notes-site/events?since={since}")
    assert status_of(response) == 400 and b"since=" in response
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}", "localhost:1", "127.0.0.1", "x"],
)
def test_requests_for_another_host_are_refused(served, host):
    port = served.httpd.server_address[1]
    for target in ("/", "/2024/01/25/draft/", "/__notes-site/events"):
        response = request(served, target, host=host.format(port=port))
        assert status_of(response) == 403, (host, target)
        assert b"Secret draft" not in response
        assert b"addressed to 127.0.0.1, localhost, [::1] on port" in response


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST.:{port}", "[::1]:{port}"])
def test_requests_for_this_server_are_answered(served, host):
    response = request(served, "/2024/01/25/draft/", host=host.format(port=served.httpd.server_address[1]))
    assert status_of(response) == 200 and b"Secret draft" in response


def test_a_missing_or_doubled_host_is_refused(served):
    port = served.httpd.server_address[1]
    assert status_of(exchange(served, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")) == 400
    doubled = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    assert status_of(exchange(served, doubled.encode())) == 400


def test_the_refusal_page_escapes_the_host_it_names(served):
    response = request(served, "/", host="<img src=x onerror=alert(1)>")
    assert status_of(response) == 403
    assert b"<img" not in response and b"&lt;img src=x onerror=alert(1)&gt;" in response


def test_the_reload_script_cannot_be_closed_by_the_base_url(site):
    site.settings('base_url: "https://example.org/a</script><b>x/"\n')
    site.note("a.md", "title: A\ndate: 2024-01-01")
    server = DevServer(site.root, port=0, log=lambda message: None)
    try:
        server.start()
        script = server.reload_script()
        assert script.count("</script>") == 1 and script.rstrip().endswith("</script>")
    finally:
        server.shutdown()


@pytest.mark.parametrize("path", ["/.notes-site-output", "/css/.hidden.css", "/.git/config"])
def test_dot_files_of_the_output_are_not_served(served, path):
    target = served.output / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_text("private")
    assert status_of(request(served, path)) == 404


def test_well_known_is_served(served):
    (served.output / ".well-known").mkdir()
    (served.output / ".well-known/security.txt").write_text("Contact: mailto:a@example.org\n")
    assert status_of(request(served, "/.well-known/security.txt")) == 200


def test_head_on_the_events_stream_ends(served):
    response = request(served, "/__notes-site/events", method="HEAD")
    assert status_of(response) == 200 and response.endswith(b"\r\n\r\n")


def test_a_port_in_use_is_a_clear_error_and_leaves_no_temporary_folder(site, tmp_path, monkeypatch):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--site", str(site.root), "--port", str(port)])
    assert result.exit_code == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output
    assert "--port 0" in result.output
    assert list(scratch.iterdir()) == []


def test_a_preview_on_another_loopback_address_answers_to_it(site):
    site.note("a.md", "title: A\ndate: 2024-01-01")
    server = DevServer(site.root, host="127.0.0.2", port=0, log=lambda message: None)
    server.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.httpd.server_address[1]
        with socket.socket() as connection:  # 127.0.0.2 is this machine too (all of 127/8 is loopback)
            connection.settimeout(5)
            connection.connect(("127.0.0.2", port))
            for host, expected in ((f"127.0.0.2:{port}", 200), (f"localhost:{port}", 200), ("127.0.0.3", 403)):
                connection.sendall(f"HEAD / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                assert connection.recv(4096).startswith(f"HTTP/1.1 {expected} ".encode()), host
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_on_every_interface_ip_addresses_are_accepted_but_names_are_not():
    from notes_site.serve.guard import host_is_allowed

    assert host_is_allowed("192.168.1.5", "0.0.0.0") and host_is_allowed("fe80::1", "::")
    assert not host_is_allowed("192.168.1.5", "127.0.0.1")
    assert not host_is_allowed("attacker.example", "0.0.0.0")
    assert host_is_allowed("notes.lan", "notes.lan")


def test_serving_beyond_this_computer_says_who_can_read_it():
    from notes_site.serve.guard import exposure

    assert exposure("127.0.0.1", drafts=True) is None and exposure("localhost", drafts=True) is None
    assert exposure("::1", drafts=True) is None
    warning = exposure("0.0.0.0", drafts=True)
    assert "anyone who can reach this computer" in warning and "drafts included" in warning
    assert "but not drafts" in exposure("192.168.1.5", drafts=False)


def test_a_body_is_not_invited_with_100_continue(served):
    response = request(served, "/", extra="Expect: 100-continue\r\nContent-Length: 10\r\n")
    assert not response.startswith(b"HTTP/1.1 100") and status_of(response) == 400


def test_a_silent_connection_is_closed(served):
    served.httpd.client_timeout = 0.5
    port = served.httpd.server_address[1]
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        assert connection.recv(100) == b""  # closed by the server, not by our 5 s timeout
    assert time.monotonic() - started < 3


def test_the_build_cache_and_the_sources_are_not_served(served):
    outside = [p for p in served.workdir.rglob("*") if p.is_file() and not p.is_relative_to(served.output)]
    assert outside, "the cache of the served build lives beside its output"
    for path in outside:
        relative = path.relative_to(served.workdir).as_posix()
        for target in (f"/../{relative}", "/%2e%2e/" + quote(relative), f"/{relative}"):
            assert status_of(request(served, target)) == 404, target
    for source in ("/content/clip.md", "/notes-site.yaml", "/../content/clip.md"):
        assert status_of(request(served, source)) == 404, source
    assert oct(served.workdir.stat().st_mode & 0o777) == "0o700"


def test_a_build_error_reaches_the_events_stream_as_one_line_of_json(served):
    import json

    site_note = served.site_root / "content/clip.md"
    hostile = r"</script><script>alert(1)</script>\n\nevent: reload\ndata: {}\n\n"
    site_note.write_text(f'---\ntitle: ["{hostile}"]\ndate: 2024-01-01\n---\n')  # an error quoting it
    deadline = time.monotonic() + 10
    while not served.state.problems and time.monotonic() < deadline:
        time.sleep(0.05)
    response = request(served, "/__notes-site/events")
    lines = response.split(b"\r\n\r\n", 1)[1].decode().split("\n")
    data = lines[lines.index("event: problem") + 1]
    assert data.startswith("data: ") and lines[lines.index("event: problem") + 2] == ""
    problems = json.loads(data[len("data: ") :])
    assert problems and all(set(problem) == {"file", "line", "message"} for problem in problems)
    assert "event: reload" not in lines
    assert "</script><script>alert(1)</script>\n\nevent: reload" in problems[0]["message"]
