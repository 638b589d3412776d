"""`notes-site new --arxiv/--doi/--url`: the real lookup code against recorded answers on 127.0.0.1."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner

from notes_site import __version__
from notes_site.cli import main
from notes_site.config import MetadataSettings, load_config
from notes_site.content.papers import arxiv_id
from notes_site.errors import ConfigError
from notes_site.frontmatter import load_meta, split_front_matter
from notes_site.lookup.metadata import PaperRef
from notes_site.lookup.remote import Lookup, MetadataUnavailable, PaperNotFound, look_up
from notes_site.paper_note import new_from_options
from notes_site.scaffold import NewNote

RECORDED = Path(__file__).parent / "fixtures" / "metadata"
CLIP_AUTHORS = 12


@dataclass
class MetadataServer:
    """The four services on one local port, each under its own path; `requests` logs what came in."""

    base: str
    requests: list[dict] = field(default_factory=list)

    def settings(self, **override: str) -> str:
        urls = {
            "arxiv_api": f"{self.base}/arxiv/api/query",
            "crossref_api": f"{self.base}/crossref",
            "acl_anthology": f"{self.base}/acl",
            "openreview_api": f"{self.base}/openreview",
            **override,
        }
        return "metadata:\n" + "".join(f"  {key}: {url}\n" for key, url in urls.items())

    def services(self) -> MetadataSettings:
        return MetadataSettings(f"{self.base}/arxiv/api/query", f"{self.base}/crossref", f"{self.base}/acl")


def recorded(folder: str, name: str) -> Path | None:
    """The recorded answer for `name` (`/` written `_`; DOIs are case-insensitive), if there is one."""
    wanted = name.replace("/", "_").lower()
    return next((path for path in (RECORDED / folder).iterdir() if path.name.lower() == wanted), None)


class Replay(BaseHTTPRequestHandler):
    log: list[dict]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.log.append({"path": parts.path, "query": query, "user_agent": self.headers.get("User-Agent")})
        if parts.path.startswith("/limited/"):
            return self.answer(429, "text/plain", b"Rate exceeded.", {"Retry-After": "60"})
        if parts.path == "/arxiv/api/query":
            wanted = query.get("id_list", "")
            found = recorded("arxiv", f"{wanted}.xml") or recorded("arxiv", re.sub(r"v\d+$", "", wanted) + ".xml")
            found = found or RECORDED / "arxiv" / ("error.xml" if wanted == "0704.9999" else "unknown.xml")
            return self.answer(200, "application/atom+xml; charset=utf-8", found.read_bytes())
        if parts.path.startswith("/crossref/works/"):
            found = recorded("crossref", unquote(parts.path.removeprefix("/crossref/works/")) + ".json")
            if found is None:
                return self.answer(404, "text/plain", b"Resource not found.")
            return self.answer(200, "application/json", found.read_bytes())
        if parts.path.startswith("/acl/"):
            found = recorded("acl", parts.path.removeprefix("/acl/"))
            return self.answer(200, "text/plain", found.read_bytes()) if found else self.answer(404, "text/html", b"")
        if parts.path == "/openreview/notes":
            found = recorded("openreview", query.get("id", "") + ".json")
            body = found.read_bytes() if found else json.dumps({"notes": [], "count": 0}).encode()
            return self.answer(200, "application/json", body)
        return self.answer(404, "text/plain", b"not recorded")

    def answer(self, status: int, kind: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet test output
        pass


@pytest.fixture
def metadata_server():
    log: list[dict] = []
    handler = type("ReplayHandler", (Replay,), {"log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield MetadataServer(f"http://127.0.0.1:{server.server_address[1]}", log)
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a service that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.fixture
def closed_port() -> str:
    """An address where nothing listens: the connection is refused."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def front_matter(path: Path) -> dict:
    return load_meta(split_front_matter(path.read_text(encoding="utf-8")))


def only_note(site) -> Path:
    notes = sorted((site.root / "content").rglob("*.md"))
    assert len(notes) == 1, notes
    return notes[0]


# --- arXiv ---------------------------------------------------------------------------------


def test_new_arxiv_fills_in_the_paper_and_the_note_builds(site, metadata_server):
    site.settings(metadata_server.settings())
    result = run("new", "--arxiv", "2103.00020", "--site", site.root)
    assert result.exit_code == 0, result.output

    path = site.root / "content/learning-transferable-visual-models-from-natural.md"
    assert f"Created {path}" in result.output
    meta = front_matter(path)
    assert meta["title"] == "Learning Transferable Visual Models From Natural Language Supervision"
    paper = meta["paper"]
    assert paper["title"] == meta["title"]
    assert len(paper["authors"]) == CLIP_AUTHORS
    assert paper["authors"][:2] == ["Alec Radford", "Jong Wook Kim"] and paper["authors"][-1] == "Ilya Sutskever"
    assert paper["year"] == 2021 and paper["arxiv"] == "2103.00020" and paper["status"] == "to-read"
    assert paper["url"] == "https://arxiv.org/abs/2103.00020"
    text = path.read_text(encoding="utf-8")
    more, abstract = text.index("<!-- more -->"), text.index('<details class="paper-abstract">')
    assert more < abstract, "the abstract stays out of the excerpt"
    assert "<summary>Abstract (the arXiv API, cs.CV)</summary>" in text
    assert "> State-of-the-art computer vision systems are trained to predict a fixed set of predetermined" in text

    request = metadata_server.requests[-1]
    assert request["path"] == "/arxiv/api/query" and request["query"]["id_list"] == "2103.00020"
    assert request["user_agent"].startswith(f"notes-site/{__version__}")

    asked = len(metadata_server.requests)
    report = site.build()
    assert report.errors == [] and report.warnings == [], report.problems
    assert len(metadata_server.requests) == asked, "a build never asks the network"
    page = next(site.public.glob("*/*/*/learning-transferable-visual-models-from-natural/index.html"))
    html = page.read_text(encoding="utf-8")
    assert "Alec Radford" in html and "paper-abstract" in html and "https://arxiv.org/pdf/2103.00020" in html


@pytest.mark.parametrize(
    "given, sent, expected",
    [
        ("arXiv:2103.00020", "2103.00020", "2103.00020"),
        ("https://arxiv.org/abs/2103.00020", "2103.00020", "2103.00020"),
        ("https://arxiv.org/pdf/2103.00020v1", "2103.00020v1", "2103.00020v1"),
        ("arxiv.org/pdf/2103.00020.pdf", "2103.00020", "2103.00020"),
    ],
)
def test_ids_with_versions_and_abs_or_pdf_urls_are_reduced_to_the_id(site, metadata_server, given, sent, expected):
    site.settings(metadata_server.settings())
    result = run("new", "--arxiv", given, "--site", site.root)
    assert result.exit_code == 0, result.output
    assert metadata_server.requests[-1]["query"]["id_list"] == sent
    assert front_matter(only_note(site))["paper"]["arxiv"] == expected


def test_an_old_style_id_brings_its_journal_reference_and_doi(site, metadata_server):
    site.settings(metadata_server.settings())
    result = run("new", "--url", "https://arxiv.org/abs/hep-ex/0307015", "--site", site.root)
    assert result.exit_code == 0, result.output
    paper = front_matter(only_note(site))["paper"]
    assert paper["title"] == "Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA"
    assert paper["authors"] == ["H1 Collaboration"] and paper["year"] == 2003
    assert paper["venue"] == "Eur.Phys.J. C31 (2003) 17-29" and paper["doi"] == "10.1140/epjc/s2003-01326-x"
    assert paper["arxiv"] == "hep-ex/0307015"
    assert "(the arXiv API, hep-ex)" in only_note(site).read_text(encoding="utf-8")


def test_a_withdrawn_paper_gets_its_note_and_a_warning(site, metadata_server):
    site.settings(metadata_server.settings())
    result = run("new", "--arxiv", "1511.06434v3", "--site", site.root)
    assert result.exit_code == 0, result.output
    assert "arXiv lists 1511.06434v3 as withdrawn" in result.output
    assert "error in the proof of Theorem 2" in result.output
    assert front_matter(only_note(site))["paper"]["authors"] == ["Jane Doe", "Wei Zhang"]


@pytest.mark.parametrize("unknown", ["2301.99999", "0704.9999"])
def test_an_id_arxiv_does_not_have_is_an_error_and_writes_nothing(site, metadata_server, unknown):
    site.settings(metadata_server.settings())
    result = run("new", "--arxiv", unknown, "--site", site.root)
    assert result.exit_code == 1
    assert f"arXiv has no paper {unknown}" in result.output and "Check the id" in result.output
    assert list((site.root / "content").iterdir()) == []


def test_an_id_the_build_would_reject_is_refused_by_new(site):
    """Issue 19: one validator. 1706.3762 lost a digit; the build warns about it, so `new` refuses it."""
    assert arxiv_id("1706.3762") == ""
    result = run("new", "Attention", "--kind", "paper", "--arxiv", "1706.3762", "--site", site.root)
    assert result.exit_code == 2
    assert "`--arxiv 1706.3762` is not an arXiv id" in result.output and "2103.00020" in result.output
    assert list((site.root / "content").iterdir()) == []


# --- Crossref, ACL Anthology, OpenReview ------------------------------------------------------


def test_new_doi_fills_in_a_journal_article_from_crossref(site, metadata_server):
    site.settings(metadata_server.settings())
    result = run("new", "--doi", "10.1038/nature14539", "--site", site.root, "--tags", "survey")
    assert result.exit_code == 0, result.output
    path = site.root / "content/deep-learning.md"
    meta = front_matter(path)
    assert meta["title"] == "Deep learning" and meta["tags"] == ["survey"]
    paper = meta["paper"]
    assert paper["authors"] == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    assert paper["venue"] == "Nature" and paper["year"] == 2015 and paper["doi"] == "10.1038/nature14539"
    assert paper["url"] == "https://www.nature.com/articles/nature14539"
    assert "> Deep learning allows computational models" in path.read_text(encoding="utf-8")
    assert "<jats:p>" not in path.read_text(encoding="utf-8")
    assert metadata_server.requests[-1]["path"] == "/crossref/works/10.1038/nature14539"


def test_a_doi_url_of_a_proceedings_paper_is_looked_up_in_crossref(site, metadata_server):
    site.settings(metadata_server.settings())
    result = run("new", "--url", "https://doi.org/10.1109/CVPR.2016.90", "--site", site.root)
    assert result.exit_code == 0, result.output
    paper = front_matter(site.root / "content/deep-residual-learning-for-image-recognition.md")["paper"]
    assert paper["title"] == "Deep Residual Learning for Image Recognition" and paper["year"] == 2016
    assert paper["venue"] == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert paper["authors"] == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert site.build().warnings == []


def test_a_doi_crossref_does_not_know_is_an_error_and_writes_nothing(site, metadata_server):
    site.settings(metadata_server.settings())
    result = run("new", "--doi", "10.9999/no.such.paper", "--site", site.root)
    assert result.exit_code == 1
    assert "Crossref has no work with the DOI 10.9999/no.such.paper" in result.output
    assert list((site.root / "content").iterdir()) == []


def test_acl_anthology_and_openreview_urls_are_recognised(site, metadata_server):
    site.settings(metadata_server.settings())
    assert run("new", "--url", "https://aclanthology.org/N19-1423/", "--site", site.root).exit_code == 0
    bert = front_matter(site.root / "content/bert.md")["paper"]
    assert bert["title"] == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert["authors"][0] == "Jacob Devlin" and bert["doi"] == "10.18653/v1/N19-1423" and bert["year"] == 2019
    assert bert["venue"].startswith("Proceedings of the 2019 Conference of the North American Chapter")
    result = run("new", "--url", "https://openreview.net/forum?id=YicbFdNTTy", "--site", site.root)
    assert result.exit_code == 0, result.output
    vit = front_matter(site.root / "content/an-image-is-worth-16x16-words.md")["paper"]
    assert vit["venue"] == "ICLR 2021 Oral" and vit["year"] == 2021 and len(vit["authors"]) == CLIP_AUTHORS
    assert vit["url"] == "https://openreview.net/forum?id=YicbFdNTTy"


def test_an_address_of_another_site_is_a_usage_error(site):
    result = run("new", "--url", "https://example.com/paper.pdf", "--site", site.root)
    assert result.exit_code == 2 and "is not an address notes-site can look up" in result.output


# --- when the service cannot be reached -------------------------------------------------------


def test_a_service_that_never_answers_times_out_and_is_tried_twice(silent_server):
    base, accepted = silent_server
    lookup = Lookup(MetadataSettings(arxiv_api=f"{base}/api/query"), timeout=0.3, retry_delay=0)
    started = time.monotonic()
    with pytest.raises(MetadataUnavailable) as caught:
        look_up(PaperRef("arxiv", "2103.00020"), lookup)
    assert time.monotonic() - started < 3
    assert "could not get the paper from the arXiv API" in str(caught.value)
    assert "within 0.3 s, after 2 tries" in str(caught.value)
    assert len(accepted) == 2  # the first try and one retry


def test_offline_the_note_is_created_without_metadata_and_refresh_fills_it_later(site, closed_port, metadata_server):
    site.settings(metadata_server.settings(arxiv_api=f"{closed_port}/api/query"))
    result = run("new", "--arxiv", "2103.00020", "--site", site.root)
    assert result.exit_code == 0, result.output
    assert "could not get the paper from the arXiv API" in result.output
    assert "The note was created without the paper's metadata" in result.output
    assert f"notes-site new --arxiv 2103.00020 --refresh --site {site.root}" in result.output
    path = site.root / "content/arxiv-2103-00020.md"
    meta = front_matter(path)
    assert meta["title"] == "arXiv 2103.00020" and meta["paper"]["arxiv"] == "2103.00020"
    assert meta["paper"]["authors"] == []
    assert site.build().warnings == []

    path.write_text(path.read_text(encoding="utf-8").replace("## 方法 / Method", "## 方法 / Method\n\nMy notes."))
    site.settings(metadata_server.settings())
    result = run("new", "--arxiv", "2103.00020", "--refresh", "--site", site.root)
    assert result.exit_code == 0, result.output
    assert f"Refreshed {path}" in result.output
    meta = front_matter(path)
    assert meta["title"] == "Learning Transferable Visual Models From Natural Language Supervision"
    assert len(meta["paper"]["authors"]) == CLIP_AUTHORS and meta["paper"]["year"] == 2021
    text = path.read_text(encoding="utf-8")
    assert "My notes." in text and text.count('<details class="paper-abstract">') == 1
    run("new", "--arxiv", "2103.00020", "--refresh", "--site", site.root)
    assert path.read_text(encoding="utf-8") == text, "a second refresh changes nothing"
    assert [p.name for p in (site.root / "content").iterdir()] == [path.name], "no temporary file is left"


def test_refresh_keeps_what_the_user_wrote(site, metadata_server):
    site.settings(metadata_server.settings())
    site.note("clip.md", 'title: CLIP\npaper:\n  arxiv: "2103.00020"\n  venue: ICML 2021\n  status: read\n')
    result = run("new", "--arxiv", "2103.00020", "--refresh", "--site", site.root)
    assert result.exit_code == 0, result.output
    meta = front_matter(site.root / "content/clip.md")
    assert meta["title"] == "CLIP" and meta["paper"]["venue"] == "ICML 2021" and meta["paper"]["status"] == "read"
    assert meta["paper"]["title"] == "Learning Transferable Visual Models From Natural Language Supervision"


def test_refresh_without_a_note_on_the_paper_says_how_to_create_one(site, metadata_server):
    site.settings(metadata_server.settings())
    result = run("new", "--doi", "10.1038/nature14539", "--refresh", "--site", site.root)
    assert result.exit_code == 2
    assert "no note in" in result.output and "without --refresh" in result.output


def test_a_rate_limited_service_is_named_and_tried_once_more(site, metadata_server):
    lookup = Lookup(MetadataSettings(crossref_api=f"{metadata_server.base}/limited"), retry_delay=0)
    request = NewNote("", kind="paper")
    result = new_from_options(site.root, request, doi="10.1038/nature14539", lookup=lookup)
    assert [r["path"] for r in metadata_server.requests] == ["/limited/works/10.1038/nature14539"] * 2
    (notice,) = result.notices
    assert "could not get the paper from Crossref" in notice and "HTTP 429" in notice and "rate-limited" in notice
    assert "notes-site new --doi 10.1038/nature14539 --refresh" in notice
    assert front_matter(result.path)["paper"]["doi"] == "10.1038/nature14539"


def test_a_refused_connection_is_reported_without_a_traceback(closed_port):
    lookup = Lookup(MetadataSettings(crossref_api=closed_port), retry_delay=0)
    with pytest.raises(
        MetadataUnavailable, match=r"could not get the paper from Crossref: no answer from 127\.0\.0\.1"
    ):
        look_up(PaperRef("doi", "10.1038/nature14539"), lookup)


def test_a_not_found_answer_is_not_retried(metadata_server):
    lookup = Lookup(metadata_server.services(), retry_delay=0)
    with pytest.raises(PaperNotFound):
        look_up(PaperRef("doi", "10.9999/missing"), lookup)
    assert len(metadata_server.requests) == 1


# --- settings -----------------------------------------------------------------------------------


def test_the_api_addresses_are_checked_settings(site):
    site.settings("metadata:\n  arxiv_api: ftp://mirror.example/api\n  crosref_api: https://x.org\n")
    with pytest.raises(ConfigError) as caught:
        load_config(site.root)
    problems = "\n".join(str(p) for p in caught.value.problems)
    assert "`metadata.arxiv_api` must be an http(s) URL" in problems
    assert "unknown setting `metadata.crosref_api`" in problems and "crossref_api" in problems
