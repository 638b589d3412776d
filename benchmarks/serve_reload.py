"""Time from saving a note to the live-reload signal in `notes-site serve`.

    python benchmarks/serve_reload.py                 # example site and the 1,000-note corpus
    python benchmarks/serve_reload.py --notes 10000 --edits 5

For each site: start the dev server in this process, listen on its event stream like
an open page does, then append a line to a note and measure until "event: reload"
arrives. Prints median and spread; never asserts (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
sys.path.insert(0, str(REPO))

from notes_site.serve.server import DevServer  # noqa: E402


def example_site(workdir: Path) -> Path:
    root = workdir / "example"
    root.mkdir()
    shutil.copy(REPO / "notes-site.yaml", root)
    shutil.copytree(REPO / "content", root / "content")
    return root


def corpus_site(workdir: Path, notes: int) -> Path:
    root = workdir / f"corpus-{notes}"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), str(root / "content"), "--notes", str(notes), "--flavor", "plain"],
        check=True,
        capture_output=True,
    )
    return root


def read_event(response) -> str:
    name = ""
    while True:
        line = response.readline()
        if not line:
            raise RuntimeError("the event stream closed")
        if line.startswith(b"event: "):
            name = line[7:].strip().decode()
        elif line == b"\n" and name:
            return name


def measure(root: Path, edits: int) -> list[float]:
    server = DevServer(root, port=0, log=lambda message: None)
    server.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.httpd.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=600)
        connection.request("GET", f"/__notes-site/events?since={server.state.generation}")
        response = connection.getresponse()
        assert read_event(response) == "hello"
        note = sorted((root / "content").glob("*.md"))[len(list((root / "content").glob("*.md"))) // 2]
        timings = []
        for index in range(edits):
            time.sleep(0.3)  # let the watcher settle between edits, as between two saves
            started = time.perf_counter()
            with note.open("a", encoding="utf-8") as handle:
                handle.write(f"\nEdit {index} for the benchmark.\n")
            while read_event(response) != "reload":
                pass
            timings.append(time.perf_counter() - started)
        connection.close()
        return timings
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="*", default=[1000], help="corpus sizes to measure")
    parser.add_argument("--edits", type=int, default=7, help="saves to time per site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="notes-site-bench-") as workdir:
        sites = [("example site (15 notes)", example_site(Path(workdir)))]
        sites += [(f"standard corpus, {n:,} notes", corpus_site(Path(workdir), n)) for n in args.notes]
        print(f"{'site':32} {'median':>9} {'min':>9} {'max':>9}  (save -> reload signal, {args.edits} saves)")
        for name, root in sites:
            timings = measure(root, args.edits)
            print(
                f"{name:32} {statistics.median(timings) * 1000:7.0f} ms {min(timings) * 1000:7.0f} ms "
                f"{max(timings) * 1000:7.0f} ms"
            )


if __name__ == "__main__":
    main()
