"""`notes-site serve`: build, serve on loopback, rebuild on change, reload open pages.

The site is built into a temporary folder (removed on exit) exactly as `build`
writes it; only HTML responses get a small script injected before `</body>`, which
listens on a Server-Sent Events stream of the same HTTP server for "reload" and
"problem" messages. A failed build keeps the last good site online and shows its
errors in an overlay on every open page (MkDocs' livereload, Zola's error injection).
"""

from __future__ import annotations

import html
import json
import mimetypes
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

from notes_site.build import BuildOptions, BuildReport, BuildSession, build_site
from notes_site.config import load_config
from notes_site.errors import NotesSiteError, Problem
from notes_site.serve.guard import (
    Refusal,
    check_body,
    check_host,
    is_hidden,
    printable,
    since_value,
    split_target,
)
from notes_site.serve.watch import Change, SiteWatcher

EVENTS_PATH = "__notes-site/events"
TEXT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".bib": "application/x-bibtex",
    ".csv": "text/csv",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
}
BINARY_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
FEED_NAMES = {"atom.xml": "application/atom+xml", "rss.xml": "application/rss+xml", "feed.xml": "application/atom+xml"}


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    kind = FEED_NAMES.get(path.name) or TEXT_TYPES.get(suffix)
    if kind:
        return f"{kind}; charset=utf-8"
    return BINARY_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass
class LiveState:
    """What open pages need to know, guarded by one condition."""

    generation: int = 0
    problems: list[dict] = field(default_factory=list)
    building: bool = False
    stopping: bool = False
    condition: threading.Condition = field(default_factory=threading.Condition)


def problem_record(problem: Problem | str) -> dict:
    if isinstance(problem, str):
        return {"file": "", "line": None, "message": problem}
    return {
        "file": str(problem.path or ""),
        "line": problem.line,
        "message": f"{problem.message} {problem.hint}".strip(),
    }


class DevServer:
    """A live-reloading preview of one site."""

    def __init__(
        self,
        site_root: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        drafts: bool = True,
        delay: float = 0.03,
        log: Callable[[str], None] = print,
    ) -> None:
        self.site_root = site_root.resolve()
        self.host = host
        self.drafts = drafts
        self.log = log
        self.state = LiveState()
        self.build_lock = threading.Lock()
        self.base_path = "/"
        self.last_report: BuildReport | None = None
        self.serving = False
        self.session = BuildSession()
        self.refused_hosts: set[str] = set()
        self.httpd = DevHTTPServer((host, port), RequestHandler, self)  # first: a port in use leaves nothing behind
        try:
            self.workdir = Path(tempfile.mkdtemp(prefix="notes-site-serve-"))
            self.output = self.workdir / "site"
            self.watcher = SiteWatcher(self.site_root, self.output, self.theme_folders(), self.on_changes, delay)
        except BaseException:
            self.httpd.server_close()
            if hasattr(self, "workdir"):
                shutil.rmtree(self.workdir, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}{self.base_path}"

    def theme_folders(self) -> list[Path]:
        from notes_site.output.themes import builtin_themes_dir

        return [builtin_themes_dir()]

    def rebuild(self, changes: list[Change] | None = None) -> bool:
        """Build into the served folder; on failure keep the last good site and show the problems."""
        with self.build_lock:
            with self.state.condition:
                self.state.building = True
            started = time.perf_counter()
            problems: list[dict] = []
            try:
                try:
                    self.base_path = load_config(self.site_root).base_path
                except NotesSiteError:
                    pass
                report = None
                if changes and all(change.kind == "content" for change in changes):
                    from notes_site.serve.live import patch_notes

                    report = patch_notes(self.session, [change.path for change in changes])
                if report is None:
                    report = build_site(
                        BuildOptions(
                            site_root=self.site_root,
                            output=self.output,
                            drafts=self.drafts,
                            publish_with_errors=False,
                            cache_dir=self.workdir / "cache",  # private (0700), and never left in the site folder
                        ),
                        self.session,
                    )
                self.last_report = report
                problems = [problem_record(p) for p in report.errors]
                for problem in report.warnings:
                    self.log(f"warning: {problem}")
            except NotesSiteError as exc:
                self.session.live = None  # the next change rebuilds fully
                problems = [problem_record(str(exc))] + [problem_record(p) for p in exc.problems]
            except Exception as exc:  # a bug must not kill the preview; show it like any error
                self.session.live = None
                problems = [problem_record(f"unexpected {type(exc).__name__}: {exc}")]
            elapsed = time.perf_counter() - started
            with self.state.condition:
                self.state.building = False
                self.state.problems = problems
                if not problems:
                    self.state.generation += 1
                self.state.condition.notify_all()
            if not changes:
                what = ""
            elif len({change.path for change in changes}) == 1:
                what = f" after a change to {shown_path(changes[0].path, self.site_root)}"
            else:
                what = f" after changes to {len({change.path for change in changes})} files"
            if problems:
                for problem in problems:
                    where = (
                        f"{problem['file']}:{problem['line']}: "
                        if problem["line"]
                        else (f"{problem['file']}: " if problem["file"] else "")
                    )
                    self.log(f"error: {where}{problem['message']}")
                if changes:
                    self.log(f"The build{what} failed ({elapsed:.2f} s); still serving the last good site.")
                else:
                    self.log(f"The first build failed ({elapsed:.2f} s); save a fix and the site is built again.")
            elif changes:
                self.log(f"Rebuilt the site in {elapsed:.2f} s{what}.")
            else:
                self.log(f"Built the site in {elapsed:.2f} s.")
            return not problems

    def on_changes(self, changes: list[Change]) -> None:
        self.rebuild(changes)

    def start(self) -> None:
        """Build once and start watching; the HTTP server runs in serve_forever()."""
        self.rebuild()
        self.watcher.start()

    def serve_forever(self) -> None:
        self.serving = True
        self.httpd.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        """Stop watching and serving, and remove the temporary output."""
        self.watcher.stop()
        with self.state.condition:
            self.state.stopping = True
            self.state.condition.notify_all()
        if self.serving:
            self.httpd.shutdown()  # waits for serve_forever's loop, so only when it runs
        self.httpd.server_close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def wait_until_built(self, timeout: float = 10.0) -> None:
        with self.state.condition:
            self.state.condition.wait_for(lambda: not self.state.building or self.state.stopping, timeout)

    def reload_script(self) -> str:
        events = script_string(self.base_path + EVENTS_PATH)
        return RELOAD_SCRIPT.replace("__EVENTS__", events).replace("__GENERATION__", str(self.state.generation))

    def note_refusal(self, host: str) -> None:
        """Say once per host in the terminal that its requests are refused, so a rebinding attempt is seen."""
        if host not in self.refused_hosts and len(self.refused_hosts) < 20:
            self.refused_hosts.add(host)
            self.log(f"Refused requests addressed to {printable(host)} (not a name of this preview); see --host.")


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    client_timeout = 30.0  # seconds of silence before an idle connection is closed

    def __init__(self, address, handler, dev: DevServer) -> None:
        self.dev = dev
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up is normal; anything else is one line in the terminal, not a traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            self.dev.log(f"error: a request failed with {type(error).__name__}: {printable(str(error))}")


ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%(code)d %(message)s</title></head>
<body><h1>%(code)d %(message)s</h1><p>%(explain)s</p></body></html>
"""


class RequestHandler(BaseHTTPRequestHandler):
    server: DevHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "notes-site"
    error_message_format = ERROR_PAGE  # send_error escapes what it fills in
    error_content_type = "text/html; charset=utf-8"

    def setup(self) -> None:
        self.timeout = self.server.client_timeout
        self.started = False
        super().setup()

    def log_message(self, format: str, *args) -> None:  # keep the terminal for build messages
        pass

    def handle_expect_100(self) -> bool:
        """No "100 Continue": no request here may have a body, so none is invited (check_body refuses it)."""
        return True

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def do_GET(self) -> None:
        self.answer(head=False)

    def do_POST(self) -> None:
        self.refuse(Refusal(405, "This preview only answers GET and HEAD requests."))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = do_POST

    def answer(self, head: bool) -> None:
        """Check the request, then serve it; a refusal closes the connection (its body is never read)."""
        dev = self.server.dev
        self.started = False
        try:
            check_body(self.headers)
            path, query = split_target(self.path)
            try:
                check_host(self.headers, dev.host, self.server.server_address[1])
            except Refusal as refusal:
                if refusal.status == 403:
                    dev.note_refusal(self.headers.get("Host", ""))
                raise
            self.respond(path, query, head)
        except Refusal as refusal:
            self.refuse(refusal)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # a bug: one line in the terminal, a 500 in the browser, the server keeps going
            dev.log(f"error: serving {printable(self.path)} failed with {type(exc).__name__}: {printable(str(exc))}")
            self.close_connection = True
            if not self.started:
                self.refuse(Refusal(500, "The preview failed to answer this request; the terminal says why."))

    def send_response(self, code: int, message: str | None = None) -> None:
        self.started = True
        super().send_response(code, message)

    def refuse(self, refusal: Refusal) -> None:
        self.send_response(refusal.status)
        self.send_header("Connection", "close")
        if refusal.status == 405:
            self.send_header("Allow", "GET, HEAD")
        phrase = HTTPStatus(refusal.status).phrase
        body = (
            ERROR_PAGE % {"code": refusal.status, "message": phrase, "explain": html.escape(refusal.explain)}
        ).encode()
        self.send_header("Content-Type", self.error_content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD":
            self.wfile.write(body)

    def respond(self, raw_path: str, query: str, head: bool) -> None:
        dev = self.server.dev
        try:
            path = unquote(raw_path, errors="strict")
        except UnicodeDecodeError:
            return self.not_found(head)
        base = unquote(dev.base_path)
        if path == base + EVENTS_PATH:
            return self.stream_events(query, head)
        if not path.startswith(base):
            if path.rstrip("/") == base.rstrip("/") or path == "/":
                return self.redirect(quote(base))
            return self.not_found(head)
        relative = path[len(base) :]
        if "\x00" in relative or "\\" in relative or relative.startswith("/") or is_hidden(relative):
            return self.not_found(head)
        dev.wait_until_built()
        root = dev.output.resolve()
        try:
            target = (root / relative).resolve() if relative else root
            if not target.is_relative_to(root) or not target.exists():
                return self.not_found(head)
            if target.is_dir():
                if not path.endswith("/"):
                    return self.redirect(quote(path + "/") + (f"?{query}" if query else ""))
                target = target / "index.html"
                if not target.is_file():
                    return self.not_found(head)
        except OSError:  # a name too long for the disk, or one it cannot hold: no such page
            return self.not_found(head)
        self.send_file(target, HTTPStatus.OK, head)

    def send_file(self, target: Path, status: HTTPStatus, head: bool) -> None:
        try:
            body = target.read_bytes()
        except OSError:
            return self.not_found(head)
        kind = content_type(target)
        if kind.startswith("text/html"):
            body = inject(body, self.server.dev.reload_script())
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def not_found(self, head: bool) -> None:
        page = self.server.dev.output / "404.html"
        if page.is_file():
            return self.send_file(page, HTTPStatus.NOT_FOUND, head)
        body = inject(
            b"<!DOCTYPE html><title>Not found</title><body><h1>Not found</h1></body>", self.server.dev.reload_script()
        )
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream_events(self, query: str, head: bool) -> None:
        """Server-Sent Events: "reload" after a new build, "problem"/"ok" for build errors."""
        state = self.server.dev.state
        since = since_value(query)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        with state.condition:
            generation, problems = state.generation, list(state.problems)
        try:
            self.send_event("hello", {"generation": generation})
            if since is not None and since < generation:
                self.send_event("reload", {"generation": generation})
            if problems:
                self.send_event("problem", problems)
            while True:
                with state.condition:
                    state.condition.wait_for(partial(has_news, state, generation, problems), timeout=15)
                    if state.stopping:
                        return
                    new_generation, new_problems = state.generation, list(state.problems)
                if new_problems != problems:
                    self.send_event("problem" if new_problems else "ok", new_problems)
                    problems = new_problems
                if new_generation != generation:
                    generation = new_generation
                    self.send_event("reload", {"generation": generation})
                else:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            return

    def send_event(self, name: str, data) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode())
        self.wfile.flush()


def has_news(state: LiveState, generation: int, problems: list[dict]) -> bool:
    return state.stopping or state.generation != generation or state.problems != problems


def script_string(text: str) -> str:
    """A JavaScript string literal that cannot end the <script> it is in (base_url is the site's own text)."""
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def inject(body: bytes, script: str) -> bytes:
    """Put the live-reload script just before the last </body> (or at the end)."""
    marker = body.lower().rfind(b"</body>")
    snippet = script.encode("utf-8")
    return body + snippet if marker < 0 else body[:marker] + snippet + body[marker:]


RELOAD_SCRIPT = """<script id="notes-site-live-reload">(() => {
  const box = document.createElement("div");
  box.id = "notes-site-error-overlay";
  box.setAttribute("role", "alert");
  box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;" +
    "background:#fff5f5;color:#5c0011;border:2px solid #c00;border-radius:6px;padding:1rem;" +
    "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;box-shadow:0 4px 24px rgba(0,0,0,.3)";
  function show(problems) {
    box.textContent = "notes-site: the last build failed; showing the last good site.\\n\\n" +
      problems.map(p => (p.file ? p.file + (p.line ? ":" + p.line : "") + ": " : "") + p.message).join("\\n");
    if (!box.isConnected) document.body.appendChild(box);
  }
  function hide() { box.remove(); }
  const events = new EventSource(__EVENTS__ + "?since=__GENERATION__");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problem", e => show(JSON.parse(e.data)));
  events.addEventListener("ok", hide);
})();</script>
"""


def shown_path(path: Path, site_root: Path) -> str:
    """A changed file as the user knows it: relative to the site folder when inside it."""
    try:
        return path.relative_to(site_root).as_posix()
    except ValueError:
        return str(path)
