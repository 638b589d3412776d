"""The offline search index on the standard corpus: build time, size, and what a first query costs.

    python benchmarks/search_index.py                          # 1,000 and 10,000 notes
    python benchmarks/search_index.py --sizes 1000 --runs 1    # a quick look
    python benchmarks/search_index.py --no-browser             # build time and size only
    python benchmarks/search_index.py --keep /tmp/search-sites # keep the sites to look at

For each size: read the corpus (`/tmp/corpus/c<N>`, generated there with
`../shared/bench/gen_corpus.py --flavor plain` when missing; Markdown stripped crudely, code
blocks and display math left out, as the site leaves code out by default), time
`build_search_index` (best and median of `--runs`, wall and CPU), write the index with the
theme's search page, CSS and JS into a folder, serve it on 127.0.0.1 and, in Chromium, run each
query as the first one on a fresh page with an empty cache: the bytes of every response from
opening the page to the results drawn (all, and the index alone), and the time from the input
event to the results in the page (the `notes-search:results` event, fired after the list is
filled), then the same query again on the warm page.

Progress goes to stderr, a Markdown report to stdout (paste it into docs/performance.md).
Never asserts: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jinja2
import yaml

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "themes" / "default"
GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from notes_site.pages.search import SearchDoc, build_search_index  # noqa: E402

QUERIES = ["召回", "注意力", "CLIP 对比学习", "Transf", "多兴趣召回", "的"]
BASE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Search</title>
<link rel="stylesheet" href="{{ root }}css/main.css"><link rel="stylesheet" href="{{ root }}css/search.css">
</head><body><div class="site-header">
<form class="search-form" role="search" action="{{ root }}search/" method="get">
<label class="visually-hidden" for="site-search">Search</label>
<input type="search" id="site-search" name="q" autocomplete="off"></form></div>
<main id="content">{% block content %}{% endblock %}</main>
<script defer src="{{ root }}js/search.js"></script></body></html>
"""
STRINGS = {
    "search": "Search",
    "search_placeholder": "Search notes",
    "search_loading": "Searching…",
    "search_results": "Notes matching “{q}”: {n}",
    "search_none": "No notes match “{q}”.",
    "search_more": "More results",
    "search_error": "The search index could not be loaded.",
    "search_needs_js": "Search needs JavaScript.",
}
MEASURE = """async (query) => {
  const list = document.querySelector('ol.search-results');
  const input = document.querySelector('#search-page-input');
  const done = new Promise(resolve => list.addEventListener('notes-search:results', resolve, {once: true}));
  const start = performance.now();
  input.value = query;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const event = await done;
  return {ms: performance.now() - start, count: event.detail.count};
}"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def corpus_folder(root: Path, notes: int) -> Path:
    """The notes of one size: a flat folder of .md files or its content/ folder; generated if missing."""
    folder = root / f"c{notes}"
    for candidate in (folder, folder / "content"):
        if candidate.is_dir() and len(list(candidate.glob("*.md"))) == notes:
            return candidate
    log(f"generating {notes} notes into {folder / 'content'}")
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), str(folder / "content"), "--notes", str(notes), "--flavor", "plain"],
        check=True,
        capture_output=True,
    )
    return folder / "content"


def read_corpus(folder: Path) -> list[SearchDoc]:
    docs = []
    for path in sorted(folder.glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        body = re.sub(r"```.*?```|\$\$.*?\$\$", " ", body, flags=re.S)
        body = re.sub(r"!?\[([^\]]*)\]\([^)]*\)|<!--.*?-->|[#*`>|$_-]+", r" \1 ", body)
        docs.append(SearchDoc(path.name, str(meta["title"]), f"{path.stem}/", meta["categories"][0], body))
    return docs


def time_build(docs: list[SearchDoc], runs: int) -> tuple[dict[str, str], list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        files = build_search_index(docs)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return files, walls, cpus


def write_site(root: Path, files: dict[str, str]) -> None:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.DictLoader({"base.html": BASE}), jinja2.FileSystemLoader(THEME / "templates")]
        ),
        autoescape=True,
    )
    (root / "search").mkdir(parents=True)
    html = env.get_template("search.html").render(root="../", t=STRINGS, page={"title": "Search"})
    (root / "search" / "index.html").write_text(html, encoding="utf-8")
    for folder in ("css", "js"):
        shutil.copytree(THEME / "static" / folder, root / folder)
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


def measure_queries(site: Path, queries: list[str]) -> list[dict]:
    """Each query as the first on a fresh page and cache, over http: bytes downloaded and time."""
    from browser import chromium_browser

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        with chromium_browser() as browser:
            for query in queries:
                context = browser.new_context()
                page = context.new_page()
                responses = []
                page.on("response", lambda response, seen=responses: seen.append(response))
                page.goto(base + "search/", wait_until="load")
                first = page.evaluate(MEASURE, query)
                sizes = [(response.url, response_size(response)) for response in responses]
                warm = page.evaluate(MEASURE, query + " ") if query else first
                rows.append(
                    {
                        "query": query,
                        "count": first["count"],
                        "all_bytes": sum(size for _, size in sizes),
                        "index_bytes": sum(size for url, size in sizes if "/search/index/" in url),
                        "files": sum(1 for url, _ in sizes if "/search/index/" in url),
                        "first_ms": first["ms"],
                        "warm_ms": warm["ms"],
                    }
                )
                context.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def response_size(response) -> int:
    length = response.headers.get("content-length")
    return int(length) if length is not None else len(response.body())


def report_size(notes: int, docs: list[SearchDoc], files: dict[str, str], walls: list[float], cpus: list[float]) -> str:
    sizes = {path: len(text.encode("utf-8")) for path, text in files.items()}
    shards = [size for path, size in sizes.items() if "/t/" in path]
    groups = [size for path, size in sizes.items() if "/d/" in path]
    text_mb = sum(len(doc.text.encode("utf-8")) for doc in docs) / 1e6
    lines = [
        f"### {notes:,} notes ({text_mb:.1f} MB of plain text)",
        "",
        "| index build | best | median |",
        "| --- | ---: | ---: |",
        f"| wall | {min(walls):.2f} s | {statistics.median(walls):.2f} s |",
        f"| CPU | {min(cpus):.2f} s | {statistics.median(cpus):.2f} s |",
        "",
        "| files | count | total | average | largest |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| all | {len(sizes):,} | {mb(sum(sizes.values()))} | {kb(sum(sizes.values()) / len(sizes))} | "
        f"{kb(max(sizes.values()))} |",
        f"| term shards `t/` | {len(shards):,} | {mb(sum(shards))} | {kb(sum(shards) / len(shards))} | "
        f"{kb(max(shards))} |",
        f"| doc groups `d/` | {len(groups):,} | {mb(sum(groups))} | {kb(sum(groups) / max(len(groups), 1))} | "
        f"{kb(max(groups, default=0))} |",
        "",
    ]
    return "\n".join(lines)


def report_queries(rows: list[dict]) -> str:
    lines = [
        "| first query on a fresh page | results | downloaded, all | index only (files) | time | again, warm |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| `{row['query']}` | {row['count']:,} | {kb(row['all_bytes'])} | "
            f"{kb(row['index_bytes'])} ({row['files']}) | {row['first_ms']:.0f} ms | {row['warm_ms']:.0f} ms |"
        )
    return "\n".join(lines) + "\n"


def kb(size: float) -> str:
    return f"{size / 1000:,.1f} kB"


def mb(size: float) -> str:
    return f"{size / 1e6:,.2f} MB"


def header() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), platform.processor())
    return "\n".join(
        [
            "## Search index",
            "",
            f"`python benchmarks/search_index.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
            f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"{platform.system()}; load average at start {os.getloadavg()[0]:.1f}",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus"), help="where c<N> corpora live")
    parser.add_argument("--no-browser", action="store_true", help="build time and size only")
    parser.add_argument("--keep", type=Path, help="write the sites here instead of a temporary folder")
    arguments = parser.parse_args()

    print(header())
    with tempfile.TemporaryDirectory() as temporary:
        sites = arguments.keep or Path(temporary)
        for notes in arguments.sizes:
            docs = read_corpus(corpus_folder(arguments.corpus, notes))
            log(f"{notes} notes: building the index {arguments.runs}×")
            files, walls, cpus = time_build(docs, arguments.runs)
            print(report_size(notes, docs, files, walls, cpus))
            if arguments.no_browser:
                continue
            site = sites / f"search-{notes}"
            shutil.rmtree(site, ignore_errors=True)
            write_site(site, files)
            log(f"{notes} notes: querying in Chromium")
            print(report_queries(measure_queries(site, QUERIES)))


if __name__ == "__main__":
    main()
