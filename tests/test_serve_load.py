"""`serve` under load on loopback: complete pages, no errors, flat memory, rude clients ignored."""

import http.client
import socket
import threading
import time
from pathlib import Path

import pytest

from notes_site.serve.server import DevServer

CLIENTS = 50
REQUESTS = 10_000


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.fixture
def served(site):
    for day in range(1, 29):
        site.note(
            f"n{day:02d}.md",
            f"title: Note {day}\ndate: 2024-02-{day:02d}\ntags: [t{day % 4}]",
            f"Intro {day}.\n\n<!-- more -->\n\n" + "一段笔记。" * 200 + "\n",
        )
    server = DevServer(site.root, port=0, log=lambda message: None)
    server.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, site
    server.shutdown()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")
def test_fifty_clients_get_complete_pages_while_notes_change(served):
    server, site = served
    host, port = server.httpd.server_address[:2]
    paths = ["/", "/page/2/", "/tags/", "/archives/", "/css/main.css"] + [
        f"/2024/02/{day:02d}/n{day:02d}/" for day in range(1, 29)
    ]
    failures: list[str] = []
    counts = [0] * CLIENTS
    memory: dict[str, int] = {}
    stop = threading.Event()
    rude_done = threading.Event()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        for index in range(REQUESTS // CLIENTS):
            path = paths[(number + index) % len(paths)]
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{path}: {exc!r}")
                connection = http.client.HTTPConnection(host, port, timeout=30)
                continue
            if response.status != 200:
                failures.append(f"{path}: status {response.status}")
            elif path.endswith("/") and not (body.startswith(b"<!DOCTYPE html>") and body.endswith(b"</html>\n")):
                failures.append(f"{path}: incomplete page ({len(body)} bytes)")
            counts[number] += 1
            if number == 0 and counts[0] == 40:
                memory["early"] = rss_kib()
        connection.close()

    def editor() -> None:  # saves notes while the clients read
        edits = 0
        while not stop.is_set():
            note = site.root / f"content/n{edits % 28 + 1:02d}.md"
            note.write_text(note.read_text(encoding="utf-8") + f"\n编辑 {edits}\n", encoding="utf-8")
            edits += 1
            time.sleep(0.05)

    def rude_clients() -> None:
        for _ in range(20):
            with socket.create_connection((host, port), timeout=5) as raw:  # garbage, then hang up
                raw.sendall(b"GARBAGE \x00\xff\r\n\r\n")
            with socket.create_connection((host, port), timeout=5) as raw:  # half a request
                raw.sendall(b"GET /index.ht")
            with socket.create_connection((host, port), timeout=5) as raw:  # leaves the event stream
                raw.sendall(f"GET /__notes-site/events HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                if not raw.recv(64).startswith(b"HTTP/1.1 200"):
                    failures.append("the event stream did not answer")
            time.sleep(0.05)
        rude_done.set()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    helpers = [threading.Thread(target=editor), threading.Thread(target=rude_clients)]
    started = time.monotonic()
    for thread in threads + helpers:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    for thread in helpers:
        thread.join(timeout=30)
    assert time.monotonic() - started < 120
    assert failures == []
    assert sum(counts) == REQUESTS
    assert rss_kib() - memory["early"] < 30 * 1024, "memory grew by more than 30 MiB over 10,000 requests"
    assert rude_done.is_set()
    assert server.state.problems == [] and server.state.generation > 1  # the edits were built meanwhile
