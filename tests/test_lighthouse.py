"""Lighthouse, as a phone on a slow 4G network, scores 100 in performance, accessibility, best
practices and SEO on pages with math and without, in the light and in the dark colour scheme
(performance on a page with math: the median of 3 or 5 runs, see MEDIAN_OF). The pages: those issue 19
names (the index, a note, /papers/, /graph/, /search/), the archive and the formula gallery; 3 pages
in both schemes and 4 in the dark one only (PAGES): 10 Lighthouse runs, and 6 to 12 more for the
medians of the note and the gallery, about 4.5 minutes on 2 cores.

Lighthouse comes from npm (tests/js/package.json, `npm ci --prefix tests/js`) and drives Debian's
Chromium; without them the test is skipped, except in CI, where it must run. The sites are served
gzipped, as every host docs/publishing.md names serves them. To score another page, add it to PAGES.

Lighthouse simulates its phone by slowing the host's CPU down 4 times, which assumes a host of
benchmark index about 1,500 (Lighthouse's docs/throttling.md). A shared CI machine is often slower,
and under load much slower, so before each run the host is measured with Lighthouse's own benchmark
in Chromium and the slowdown scaled to it: the simulated phone stays the same phone.

    python tests/test_lighthouse.py 2024/01/24/clip/ --site example --scheme dark   # one report, by hand
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notes_site.build import BuildOptions, build_site  # noqa: E402

LIGHTHOUSE = REPO / "tests" / "js" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SITES = {  # a site to build: its settings file and its content folder, copied from the repository
    "example": (REPO / "notes-site.yaml", REPO / "content"),
    "gallery": (REPO / "tests/fixtures/math-gallery/notes-site.yaml", REPO / "tests/fixtures/math-gallery/content"),
}
PAGES = {  # name: (site, path of the page, the colour schemes it is scored in)
    "note with math": ("example", "2024/01/24/clip/", ("light", "dark")),
    "formula gallery": ("gallery", "gallery/", ("light", "dark")),
    "archive, no math": ("example", "archives/", ("light", "dark")),
    # the other pages of issue 19, in the dark scheme only: both schemes would add 4 runs, a minute and
    # a half, to a test suite that must stay under 10 minutes on 2 cores
    "index": ("example", "", ("dark",)),
    "reading list": ("example", "papers/", ("dark",)),
    "map": ("example", "graph/", ("dark",)),
    "search": ("example", "search/", ("dark",)),
}
DEFAULT_SLOWDOWN, HOST_INDEX_FOR_DEFAULT = 4, 1533  # Lighthouse's CPU throttling calculator: 4x at 1533
PAGE_FUNCTIONS = REPO / "tests" / "js" / "node_modules" / "lighthouse" / "core" / "lib" / "page-functions.js"
SCHEMES = {"light": 1, "dark": 0}  # Blink's preferredColorScheme setting: 0 is dark
# A page with math is scored by the median of 3 runs, as Lighthouse's docs/variability.md advises for a
# metric that varies from run to run. What varies here is the blocking time: the first frames of a page
# with math lay its formulas out cold, and Lantern's simulation of the whole load sometimes runs them
# after its estimate of the first paint, by as much as the task that commits the navigation (70-240 ms,
# varying run to run), so part of them counts as blocking. Measured 2026-12-04, single runs on the idle
# machine: the CLIP note 100 in 16 of 16 (11 of 12 with another process busy on one of the two cores);
# the formula gallery (170 formulas) 100 in 23 of 24, the other 0.99, since its page carries no TeX
# annotations (one network round trip less) and its first formulas are laid out a few per frame
# (math.css); 7 of 16 before. At about 1 run in 20 below 100, its median of 3 failed once in a full
# run of the suite (two runs of 0.99, blocking time 100 ms); the gallery takes the median of 5.
MEDIAN_OF = {"note with math": 3, "formula gallery": 5}
COMPRESSED = (".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".bib")

pytestmark = pytest.mark.browser


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, text gzipped when the browser accepts it, as GitHub Pages and Netlify serve them."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file() and self.path.endswith(("/", path.name))):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args) -> None:
        pass


class _Body:
    """What send_head returns: a file-like body that copyfile can read."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        pass


@contextmanager
def serving(public: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(public)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build(site: str, root: Path) -> Path:
    settings, content = SITES[site]
    shutil.copy(settings, root / "notes-site.yaml")
    shutil.copytree(content, root / "content")
    report = build_site(BuildOptions(site_root=root))
    assert report.errors == [], report.problems
    return root / "public"


def lighthouse_or_skip() -> None:
    in_ci = os.environ.get("CI", "").lower() == "true"
    missing = [str(path) for path in (LIGHTHOUSE, Path(CHROMIUM)) if not path.exists()]
    if not shutil.which("node"):
        missing.insert(0, "node")
    try:
        import playwright  # noqa: F401  (measures the host's benchmark index)
    except ImportError:
        missing.append("Playwright (pip install '.[test]')")
    if missing and in_ci:
        pytest.fail(f"Lighthouse must run in CI but {', '.join(missing)} is missing (.ci/run installs them).")
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: apt-get install chromium nodejs npm; npm ci --prefix tests/js")


def host_benchmark_index(browser=None) -> float:
    """Lighthouse's BenchmarkIndex of this machine now, measured in Chromium as Lighthouse measures it.

    In the test suite `browser` is the session's Chromium (Playwright cannot start a second one
    while it runs); by hand, a Chromium is started for the measurement.
    """
    from playwright.sync_api import sync_playwright

    script = (
        f"import {{pageFunctions}} from {json.dumps(PAGE_FUNCTIONS.as_uri())};"
        "process.stdout.write(pageFunctions.computeBenchmarkIndex.toString())"
    )
    source = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    if browser is not None:
        page = browser.new_page()
        try:
            return page.evaluate(f"({source.stdout})()")
        finally:
            page.close()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            return browser.new_page().evaluate(f"({source.stdout})()")
        finally:
            browser.close()


def cpu_slowdown(index: float) -> float:
    """The slowdown that turns this host into the phone Lighthouse's default 4x makes of a 1533 host."""
    return max(1.0, round(DEFAULT_SLOWDOWN * index / HOST_INDEX_FOR_DEFAULT, 2))


def lighthouse(url: str, scheme: str, browser=None) -> dict:
    """One Lighthouse run with its mobile settings (a mid-range phone, slow 4G, simulated)."""
    flags = f"--headless=new --no-sandbox --disable-gpu --blink-settings=preferredColorScheme={SCHEMES[scheme]}"
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        "--disable-full-page-screenshot",
        f"--throttling.cpuSlowdownMultiplier={cpu_slowdown(host_benchmark_index(browser))}",
        f"--chrome-flags={flags}",
    ]
    environment = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
    assert done.returncode == 0, f"Lighthouse failed on {url}:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


def shortfalls(report: dict) -> list[str]:
    """Every audit that cost points, with what Lighthouse measured, for a message that says what to fix."""
    weighted = {
        ref["id"] for category in report["categories"].values() for ref in category["auditRefs"] if ref["weight"]
    }
    found = []
    for name in sorted(weighted):
        audit = report["audits"][name]
        if audit["score"] is not None and audit["score"] < 1:
            found.append(f"{name}: {audit['score']} ({audit.get('displayValue') or audit['title']})")
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Each site of PAGES built once and served; its base URL by site name."""
    lighthouse_or_skip()
    with ExitStack() as stack:
        urls = {}
        for site in sorted({site for site, _, _ in PAGES.values()}):
            public = build(site, tmp_path_factory.mktemp(site))
            urls[site] = stack.enter_context(serving(public))
        yield urls


@pytest.fixture(scope="module")
def reports(served, browser) -> Callable[..., dict]:
    """Lighthouse runs by page, scheme and run number (0: the first), shared by the tests that read them."""
    done: dict[tuple[str, str, int], dict] = {}

    def report_of(page: str, scheme: str, run: int = 0) -> dict:
        if (page, scheme, run) not in done:
            site, path, _ = PAGES[page]
            done[page, scheme, run] = lighthouse(served[site] + path, scheme, browser)
        return done[page, scheme, run]

    return report_of


RUNS = [(page, scheme) for page, (_, _, schemes) in PAGES.items() for scheme in schemes]


@pytest.mark.parametrize(("page", "scheme"), RUNS)
def test_accessibility_best_practices_and_seo_score_100(reports, page, scheme):
    report = reports(page, scheme)
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES if name != "performance"}
    assert all(score == 1 for score in scores.values()), f"{page} ({scheme}): {scores}; {conditions(report)}"


@pytest.mark.parametrize(("page", "scheme"), RUNS)
def test_performance_scores_100(reports, page, scheme):
    """The median score of MEDIAN_OF[page] runs (1 unless it says more) is 100. The runs stop once a
    majority agrees, so a page that scores 100 twice running needs no third run."""
    runs = MEDIAN_OF.get(page, 1)
    scored = []  # (score, report) of each run
    while len(scored) < runs:
        report = reports(page, scheme, len(scored))
        scored.append((report["categories"]["performance"]["score"], report))
        hundreds = sum(score == 1 for score, _ in scored)
        if hundreds > runs // 2 or len(scored) - hundreds > runs // 2:
            break
    failed = [f"performance {score}; {conditions(report)}" for score, report in scored if score != 1]
    assert sum(score == 1 for score, _ in scored) > runs // 2, f"{page} ({scheme}), {len(scored)} runs: {failed}"


def conditions(report: dict) -> str:
    benchmark = report["environment"]["benchmarkIndex"]
    slowdown = report["configSettings"]["throttling"]["cpuSlowdownMultiplier"]
    return f"host benchmark index {benchmark:.0f}, CPU slowdown {slowdown}; {shortfalls(report)}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the Lighthouse scores of one built page.")
    parser.add_argument("path", help="the page's path, e.g. 2024/01/24/clip/")
    parser.add_argument("--site", choices=SITES, default="example")
    parser.add_argument("--scheme", choices=SCHEMES, default="light")
    parser.add_argument("--json", type=Path, help="also save the whole report here")
    options = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as folder, serving(build(options.site, Path(folder))) as url:
        report = lighthouse(url + options.path, options.scheme)
    if options.json:
        options.json.write_text(json.dumps(report), encoding="utf-8")
    print({name: report["categories"][name]["score"] for name in CATEGORIES})
    print(conditions(report))


if __name__ == "__main__":
    main()
