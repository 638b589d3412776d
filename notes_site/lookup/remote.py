"""A paper's metadata from arXiv, Crossref, the ACL Anthology or OpenReview, for `notes-site new`.

Only `notes-site new` calls this module: a build never touches the network. Every request
has a timeout, is tried again once, names notes-site in its User-Agent, and every failure
is a `MetadataUnavailable` naming the service, so the caller can still write the note.
"""

from __future__ import annotations

import html
import json
import re
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from notes_site import __version__
from notes_site.config import MetadataSettings
from notes_site.content.papers import ARXIV_HINT, DOI, DOI_PREFIX, arxiv_id
from notes_site.errors import NotesSiteError, UsageError
from notes_site.lookup.bibtex import read_bibtex_text
from notes_site.lookup.metadata import PaperMetadata, PaperRef

USER_AGENT = f"notes-site/{__version__} (paper notes static site generator; Python urllib)"
TIMEOUT = 10.0  # seconds per attempt
RETRIES = 1
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)
ACL_URL = re.compile(r"^/(?:anthology/)?(?P<id>[A-Z]\d{2}-\d{4}|\d{4}\.[a-z0-9-]+\.\d+)(?:/|\.pdf|\.bib)?$")
OPENREVIEW_URL = re.compile(r"^/(?:forum|pdf)$")


@dataclass(frozen=True)
class Lookup:
    """Where and how to ask: the `metadata` settings, and the network manners (tests shorten them)."""

    services: MetadataSettings = MetadataSettings()
    timeout: float = TIMEOUT
    retries: int = RETRIES
    retry_delay: float = 1.0


class MetadataUnavailable(NotesSiteError):
    """The service could not be asked (offline, timed out, rate-limited, broken answer)."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"could not get the paper from {service}: {reason}")
        self.service = service
        self.reason = reason


class PaperNotFound(NotesSiteError):
    """The service answered, and it has no such paper: most likely a typo in the id."""


SERVICES = {"arxiv": "the arXiv API", "doi": "Crossref", "acl": "the ACL Anthology", "openreview": "OpenReview"}


def check_arxiv(value: str, option: str = "--arxiv") -> str:
    """The bare id (prefix and abs/pdf URL removed), through the one validator the build uses too."""
    found = arxiv_id(value)
    if not found:
        raise UsageError(f"`{option} {value}` is not an arXiv id. {ARXIV_HINT}")
    return found


def check_doi(value: str) -> str:
    text = value.strip()
    prefix = DOI_PREFIX.match(text)
    if prefix:
        text = text[prefix.end() :]
    if not DOI.fullmatch(text):
        raise UsageError(
            f"`--doi {value}` is not a DOI. A DOI starts with 10., the publisher's number and a slash, "
            "like 10.1109/CVPR.2016.90 (https://doi.org/… and doi:… are accepted too)."
        )
    return text


def parse_paper_url(url: str) -> PaperRef:
    """An arXiv, DOI, ACL Anthology or OpenReview address as the paper it names."""
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    if host in ("arxiv.org", "export.arxiv.org") and arxiv_id(f"arxiv.org{parts.path}"):
        return PaperRef("arxiv", arxiv_id(f"arxiv.org{parts.path}"))
    if host in ("doi.org", "dx.doi.org"):
        return PaperRef("doi", check_doi(unquote(parts.path.lstrip("/"))))
    acl = ACL_URL.match(parts.path) if host in ("aclanthology.org", "aclweb.org") else None
    if acl:
        return PaperRef("acl", acl["id"])
    query = dict(parse_qsl(parts.query))
    if host == "openreview.net" and OPENREVIEW_URL.match(parts.path) and query.get("id"):
        return PaperRef("openreview", query["id"])
    raise UsageError(
        f"`--url {url}` is not an address notes-site can look up. Give an arXiv page "
        "(https://arxiv.org/abs/2103.00020), a DOI (https://doi.org/10.1109/CVPR.2016.90), an ACL "
        "Anthology page (https://aclanthology.org/N19-1423/) or an OpenReview forum "
        "(https://openreview.net/forum?id=YicbFdNTTy); or use --bib with an exported entry."
    )


def look_up(ref: PaperRef, lookup: Lookup) -> PaperMetadata:
    """The paper's metadata from its service; MetadataUnavailable or PaperNotFound otherwise."""
    if ref.kind == "arxiv":
        return arxiv_metadata(ref.id, lookup)
    if ref.kind == "doi":
        return crossref_metadata(ref.id, lookup)
    if ref.kind == "acl":
        return acl_metadata(ref.id, lookup)
    return openreview_metadata(ref.id, lookup)


def fetch(url: str, service: str, lookup: Lookup, accept: str) -> bytes:
    """The body at `url`; a 404 is PaperNotFound, anything else that fails is MetadataUnavailable."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    reason = ""
    for attempt in range(lookup.retries + 1):
        if attempt:
            time.sleep(lookup.retry_delay)
        try:
            with urllib.request.urlopen(request, timeout=lookup.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                raise PaperNotFound(f"{service} has no such paper ({url} answered HTTP {exc.code}).") from exc
            reason = f"{url} answered HTTP {exc.code} {exc.reason}"
            if exc.code == 429:
                reason += " (rate-limited: too many requests; wait a minute)"
            if exc.code not in (429, 500, 502, 503, 504):
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            why = getattr(exc, "reason", exc)
            reason = f"no answer from {urlsplit(url).netloc} ({why or type(exc).__name__})"
            if isinstance(why, TimeoutError) or isinstance(exc, TimeoutError):
                reason = f"no answer from {urlsplit(url).netloc} within {lookup.timeout:g} s"
    tries = lookup.retries + 1
    raise MetadataUnavailable(service, f"{reason}, after {tries} tr{'ies' if tries > 1 else 'y'}")


# arXiv: the Atom export API ---------------------------------------------------------------


def arxiv_metadata(identifier: str, lookup: Lookup) -> PaperMetadata:
    service = SERVICES["arxiv"]
    url = f"{lookup.services.arxiv_api}?{urlencode({'id_list': identifier, 'max_results': 1})}"
    body = fetch(url, service, lookup, "application/atom+xml")
    return parse_arxiv_feed(body, identifier)


def parse_arxiv_feed(body: bytes, identifier: str) -> PaperMetadata:
    """One entry of the arXiv API's Atom feed (api/query?id_list=…) as metadata."""
    service = SERVICES["arxiv"]
    try:
        feed = ET.fromstring(body)
    except ET.ParseError as exc:
        start = body[:80].decode("utf-8", "replace").strip()
        raise MetadataUnavailable(service, f"the answer is not an Atom feed ({start!r})") from exc
    entry = feed.find(f"{ATOM}entry")
    entry_id = text_of(entry, f"{ATOM}id") if entry is not None else ""
    title = text_of(entry, f"{ATOM}title") if entry is not None else ""
    if entry is None or not title or "/api/errors" in entry_id or title == "Error":
        said = text_of(entry, f"{ATOM}summary") if entry is not None else ""
        raise PaperNotFound(
            f"arXiv has no paper {identifier}{f' ({said})' if said else ''}. Check the id on https://arxiv.org/."
        )
    comment = text_of(entry, f"{ARXIV_NS}comment")
    summary = text_of(entry, f"{ATOM}summary")
    withdrawn = next((text for text in (comment, summary) if WITHDRAWN.search(text)), "")
    primary = entry.find(f"{ARXIV_NS}primary_category")
    published = text_of(entry, f"{ATOM}published")
    return PaperMetadata(
        title=title,
        authors=tuple(text_of(author, f"{ATOM}name") for author in entry.findall(f"{ATOM}author")),
        year=int(published[:4]) if published[:4].isdigit() else None,
        venue=text_of(entry, f"{ARXIV_NS}journal_ref"),
        arxiv=identifier,
        doi=text_of(entry, f"{ARXIV_NS}doi").split()[0] if text_of(entry, f"{ARXIV_NS}doi") else "",
        url=f"https://arxiv.org/abs/{identifier}",
        abstract=summary,
        primary_category=primary.get("term", "") if primary is not None else "",
        withdrawn=withdrawn,
        source=service,
    )


def text_of(element: ET.Element | None, tag: str) -> str:
    """The child's text with arXiv's hard line wraps and runs of spaces made single spaces."""
    child = element.find(tag) if element is not None else None
    return " ".join((child.text or "").split()) if child is not None else ""


# Crossref: the REST API ---------------------------------------------------------------------


def crossref_metadata(doi: str, lookup: Lookup) -> PaperMetadata:
    service = SERVICES["doi"]
    url = f"{lookup.services.crossref_api.rstrip('/')}/works/{quote(doi, safe='/')}"
    try:
        body = fetch(url, service, lookup, "application/json")
    except PaperNotFound as exc:
        raise PaperNotFound(f"Crossref has no work with the DOI {doi}. Check the DOI on https://doi.org/{doi}") from exc
    return parse_crossref_work(body, doi)


def parse_crossref_work(body: bytes, doi: str) -> PaperMetadata:
    """Crossref's `/works/{doi}` answer (`{"status": "ok", "message": {...}}`) as metadata."""
    service = SERVICES["doi"]
    try:
        work = json.loads(body)["message"]
        if not isinstance(work, dict):
            raise TypeError("`message` is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise MetadataUnavailable(service, f"the answer is not a Crossref work ({exc})") from exc
    authors = tuple(
        " ".join(part for part in (person.get("given", ""), person.get("family", "")) if part) or person.get("name", "")
        for person in work.get("author", [])
    )
    event = work.get("event") if isinstance(work.get("event"), dict) else {}
    containers = work.get("container-title") or []
    venue = containers[0] if containers else ""
    if work.get("type") == "proceedings-article" and not venue:
        venue = event.get("name", "")
    year = next(
        (
            parts[0][0]
            for key in ("published-print", "published-online", "published", "issued")
            for parts in [(work.get(key) or {}).get("date-parts") or [[None]]]
            if parts[0] and parts[0][0]
        ),
        None,
    )
    primary = (work.get("resource") or {}).get("primary") or {}
    return PaperMetadata(
        title=plain(" ".join((work.get("title") or [""])[:1])),
        authors=tuple(name for name in authors if name),
        year=int(year) if year else None,
        venue=plain(venue),
        doi=work.get("DOI", doi),
        url=primary.get("URL", "") if "doi.org" not in primary.get("URL", "") else "",
        abstract=plain(work.get("abstract", "")),
        source=service,
    )


def plain(text: str) -> str:
    """Crossref titles and abstracts carry JATS/HTML tags (<jats:p>, <i>): keep the words."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


# ACL Anthology (its .bib files) and OpenReview ---------------------------------------------------


def acl_metadata(identifier: str, lookup: Lookup) -> PaperMetadata:

    service = SERVICES["acl"]
    url = f"{lookup.services.acl_anthology.rstrip('/')}/{identifier}.bib"
    body = fetch(url, service, lookup, "application/x-bibtex, text/plain")
    entries = read_bibtex_text(body.decode("utf-8", "replace"), f"{identifier}.bib")
    if not entries:
        raise MetadataUnavailable(service, f"{url} holds no BibTeX entry")
    found = entries[0].metadata
    return replace(found, url=found.url or f"https://aclanthology.org/{identifier}/", source=service)


def openreview_metadata(identifier: str, lookup: Lookup) -> PaperMetadata:
    """OpenReview's `/notes?id=…`; API 2 wraps each field as {"value": …}, API 1 does not."""
    service = SERVICES["openreview"]
    url = f"{lookup.services.openreview_api.rstrip('/')}/notes?{urlencode({'id': identifier})}"
    body = fetch(url, service, lookup, "application/json")
    try:
        notes = json.loads(body).get("notes") or []
    except (ValueError, AttributeError) as exc:
        raise MetadataUnavailable(service, f"the answer is not a list of OpenReview notes ({exc})") from exc
    if not notes:
        raise PaperNotFound(f"OpenReview has no paper with the id {identifier}. Check the forum address.")
    content = notes[0].get("content", {})

    def field(name: str):
        value = content.get(name, "")
        return value.get("value", "") if isinstance(value, dict) else value

    published = notes[0].get("pdate") or notes[0].get("cdate") or notes[0].get("tcdate")
    year = time.gmtime(published / 1000).tm_year if isinstance(published, (int, float)) else None
    venue = field("venue")
    return PaperMetadata(
        title=" ".join(str(field("title")).split()),
        authors=tuple(field("authors") or ()),
        year=year,
        venue="" if str(venue).lower().startswith("submitted to") else str(venue),
        url=f"https://openreview.net/forum?id={identifier}",
        abstract=" ".join(str(field("abstract")).split()),
        source=service,
    )
