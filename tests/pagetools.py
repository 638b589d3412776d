"""Read built pages the way a browser would: follow relative links to files on disk."""

from __future__ import annotations

import hashlib
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


def links_of(html: str) -> list[tuple[str, str]]:
    collector = LinkCollector()
    collector.feed(html)
    return collector.links


def local_target(public: Path, page_path: str, url: str) -> Path | None:
    """The file a relative link on `page_path` opens, or None for external/fragment links."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    base = page_path if page_path.endswith("/") or page_path == "" else posixpath.dirname(page_path) + "/"
    if parts.path.startswith("/"):
        raise AssertionError(f"absolute link {url!r} on {page_path!r}: links must be relative")
    joined = posixpath.normpath(posixpath.join(base or ".", unquote(parts.path)))
    assert not joined.startswith(".."), f"{url!r} on {page_path!r} climbs out of the site"
    target = public / joined
    if url.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def all_pages(public: Path) -> list[str]:
    return sorted(p.relative_to(public).as_posix() for p in public.rglob("*.html"))


def files_of(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (hidden ones too) with a hash of each file's bytes,
    so a changed, new or removed file or folder shows by name."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
        for path in sorted(folder.rglob("*"))
    }
