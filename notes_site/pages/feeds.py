"""Text for machines that read the site: Atom feeds, the sitemap, robots.txt and a page head's metadata.

Pure: plain values in, text out, so the build decides what to write and where. Every URL
given here must be absolute (feed readers, crawlers and social cards have no page to
resolve a relative one against); every date must carry its time zone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape
from typing import Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from notes_site.content.papers import Paper
from notes_site.markup.tokens import EMBED_LABEL, ROOT_MARK, TITLE_LABEL, WIKI_CLOSE, WIKI_OPEN, WIKI_SPLIT
from notes_site.site.bibtex import entry_type

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Characters XML 1.0 forbids (C0 controls but tab, LF, CR; surrogates; U+FFFE/U+FFFF), the C1
# controls it discourages, and our own markers U+E000–U+E005, which are never meant to leave the build.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\ue007\ufffe\uffff]")
WIKILINK_TARGET = re.compile(f"{WIKI_OPEN}[^{WIKI_SPLIT}]*{WIKI_SPLIT}")
TEXT_ENTITIES = {"\r": "&#13;"}  # a raw CR would be read back as LF
# Inside <script>, `</script>` or `<!--` in a string would end or derail the element; as \u escapes they cannot.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})
URI_SAFE = ":/?#[]@!$&'()*+,;=%~"  # reserved characters and existing escapes stay; the rest is percent-encoded
TAG_SAFE = "/!$&'()*+,;=:@?"  # what RFC 4151 allows in a tag's specific part, besides letters, digits and -._~
DEFAULT_REGIONS = {"en": "en_US", "zh": "zh_CN"}


# Atom ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedInfo:
    """The feed itself: the whole site's, or one category's."""

    title: str
    subtitle: str
    author: str
    site_url: str  # absolute, ends with "/"; links the notes left relative to the site root start here
    feed_url: str  # absolute: where this feed is published (rel="self")
    id: str  # permanent: the site URL for the main feed, the category page's URL for a category feed
    language: str  # "zh-CN", "en"
    generator: str = "notes-site"
    generator_version: str = ""
    generator_uri: str = ""
    page_url: str = ""  # the HTML page the feed follows (a category's page); the site URL when empty
    # <updated> is the newest entry's; this only stands in for a feed without entries, and must
    # not be the build time, or every build would write a changed feed.
    updated_when_empty: datetime = EPOCH


@dataclass(frozen=True)
class FeedCategory:
    term: str  # what a reader files the entry under: the category or tag name
    label: str = ""  # how to show it, when the term is not readable
    scheme: str = ""  # absolute URL of the vocabulary: the site's categories/ or tags/ page


@dataclass(frozen=True)
class FeedEntry:
    """One note in a feed."""

    title: str
    url: str  # absolute URL of the note's page
    id: str  # permanent: `tag_uri(...)`, never the URL (see there)
    published: datetime
    updated: datetime
    author: str = ""  # "" leaves the feed's author to stand for the entry's
    categories: tuple[FeedCategory, ...] = ()
    summary: str = ""  # plain text
    # HTML as on the note's own page (links relative to it: `../../vit/`); "" for a summary-only entry
    content: str = ""


def atom_feed(feed: FeedInfo, entries: Sequence[FeedEntry]) -> str:
    """An Atom 1.0 document (RFC 4287) with the entries in the order given (newest first, by convention)."""
    require_absolute(feed.site_url, "the feed's site URL")
    require_absolute(feed.feed_url, "the feed's own URL")
    updated = max((entry.updated for entry in entries), default=feed.updated_when_empty)
    generator = {"uri": feed.generator_uri, "version": feed.generator_version}
    head = [
        element("title", {}, feed.title),
        *([element("subtitle", {}, feed.subtitle)] if feed.subtitle else []),
        element("link", {"rel": "alternate", "type": "text/html", "href": feed.page_url or feed.site_url}),
        element("link", {"rel": "self", "type": "application/atom+xml", "href": feed.feed_url}),
        element("id", {}, feed.id),
        element("updated", {}, rfc3339(updated)),
        f"<author>{element('name', {}, feed.author)}</author>",
        element("generator", {key: value for key, value in generator.items() if value}, feed.generator),
    ]
    body = head + [line for entry in entries for line in entry_lines(entry, feed.site_url)]
    opening = f'<feed xmlns="{ATOM}" xml:lang={quoteattr(clean(feed.language))}>'
    return "\n".join([XML_DECLARATION, opening, *("  " + line for line in body), "</feed>"]) + "\n"


def entry_lines(entry: FeedEntry, site_url: str) -> list[str]:
    """The <entry>, with xml:base at the note's page so the relative links in its HTML resolve there."""
    require_absolute(entry.url, f"the URL of the feed entry {entry.title!r}")
    inner = [
        element("title", {}, entry.title),
        element("link", {"rel": "alternate", "type": "text/html", "href": entry.url}),
        element("id", {}, entry.id),
        element("published", {}, rfc3339(entry.published)),
        element("updated", {}, rfc3339(entry.updated)),
    ]
    if entry.author:
        inner.append(f"<author>{element('name', {}, entry.author)}</author>")
    for category in (category for category in entry.categories if category.term):
        attributes = {"term": category.term, "scheme": category.scheme, "label": category.label}
        inner.append(element("category", {key: value for key, value in attributes.items() if value}))
    if entry.summary:
        inner.append(element("summary", {}, entry.summary))
    if entry.content:
        inner.append(element("content", {"type": "html"}, feed_html(entry.content, site_url)))
    return [f"<entry xml:base={quoteattr(clean(entry.url))}>", *("  " + line for line in inner), "</entry>"]


def feed_html(html: str, site_url: str) -> str:
    """The note's HTML as a feed carries it: links still waiting for their page start at the site URL."""
    html = html.replace(ROOT_MARK, site_url)
    return WIKILINK_TARGET.sub("", html)  # an unresolved wikilink keeps its label; clean() drops the rest


def tag_uri(host: str, posted: date, source: str) -> str:
    """A permanent entry id (RFC 4151): `tag:example.com,2024-01-24:/posts/clip.md`.

    A URL would change when the permalink setting or base_url does, and feed readers would
    then show every note again as new. The host, the day it was posted and the file it comes
    from do not change with those; only renaming or moving the file gives the note a new id.
    """
    day = posted.date() if isinstance(posted, datetime) else posted
    name = host.split(":")[0].strip().lower().encode("idna").decode("ascii")
    if not name:
        raise ValueError(f"a tag: id needs the site's host name, like example.com, not {host!r}.")
    return f"tag:{name},{day.isoformat()}:/{quote(source.lstrip('/'), safe=TAG_SAFE)}"


def host_of(url: str) -> str:
    """The host part of an absolute URL ("example.com"), for `tag_uri`."""
    return urlsplit(url).hostname or ""


# Sitemap and robots.txt ------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapUrl:
    loc: str  # absolute URL of the page
    lastmod: datetime | None = None  # when what the page shows last changed (a note's edited date); None: unknown


def sitemap_xml(urls: Sequence[SitemapUrl]) -> str:
    """A sitemaps.org 0.9 urlset; crawlers read at most 50,000 URLs from one file."""
    lines = [XML_DECLARATION, f'<urlset xmlns="{SITEMAP}">']
    for url in urls:
        require_absolute(url.loc, "a sitemap URL")
        lastmod = f"<lastmod>{rfc3339(url.lastmod)}</lastmod>" if url.lastmod else ""
        lines.append(f"  <url>{element('loc', {}, uri(url.loc))}{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(sitemap_url: str) -> str:
    """Every crawler may read everything, and learns where the sitemap is."""
    require_absolute(sitemap_url, "the sitemap URL in robots.txt")
    return f"User-agent: *\nAllow: /\n\nSitemap: {uri(clean(sitemap_url))}\n"


# A page head's metadata ------------------------------------------------------------------


@dataclass(frozen=True)
class MetaTag:
    """One `<meta {{ attribute }}="{{ name }}" content="{{ content }}">`; the template escapes the values."""

    attribute: str  # "property" for Open Graph, "name" for Twitter cards and Google Scholar
    name: str
    content: str


@dataclass(frozen=True)
class PageMeta:
    """What every page's head says about the page."""

    title: str
    description: str  # plain text; "" leaves the description tags out
    url: str  # absolute URL of the page, or "" when the site has no absolute base_url
    site_name: str
    language: str  # the site's language: "zh-CN", "en"


@dataclass(frozen=True)
class ArticleMeta:
    """What a note's head adds: it is an article, with an author, dates and terms."""

    published: datetime
    modified: datetime
    author: str
    section: str = ""  # the note's category
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaperMeta:
    """The paper a note is about, as its head describes it; "" / () / None mean unknown."""

    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    arxiv: str = ""  # bare id: "2103.00020"
    doi: str = ""  # bare DOI: "10.48550/arXiv.2103.00020"
    url: str = ""  # the paper's own page, if the note names one

    @classmethod
    def of(cls, paper: Paper) -> PaperMeta:
        return cls(paper.title, paper.authors, paper.year, paper.venue, paper.arxiv, paper.doi, paper.url)

    @property
    def venue_kind(self) -> str:
        """Which kind of venue it is, "conference" or "journal", as the BibTeX export decides; "" for arXiv or none."""
        kind = entry_type(Paper("", venue=self.venue))
        return {"inproceedings": "conference", "article": "journal"}.get(kind, "")

    @property
    def links(self) -> list[str]:
        """The paper's own addresses: its page, arXiv, DOI."""
        found = [self.url, f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else ""]
        found.append(f"https://doi.org/{self.doi}" if self.doi else "")
        return list(dict.fromkeys(link for link in found if is_absolute(link)))


def open_graph(page: PageMeta, article: ArticleMeta | None = None) -> list[MetaTag]:
    """Open Graph and Twitter card tags, so a shared link previews with its title and description.

    A note (`article` given) is an og:type article with its times and terms; other pages are a website.
    """
    tags = [
        MetaTag("property", "og:type", "article" if article else "website"),
        MetaTag("property", "og:title", page.title),
        MetaTag("property", "og:description", page.description),
        MetaTag("property", "og:url", page.url if is_absolute(page.url) else ""),
        MetaTag("property", "og:site_name", page.site_name),
        MetaTag("property", "og:locale", og_locale(page.language)),
    ]
    if article:
        tags += [
            MetaTag("property", "article:published_time", rfc3339(article.published)),
            MetaTag("property", "article:modified_time", rfc3339(article.modified)),
            MetaTag("property", "article:section", article.section),
            *(MetaTag("property", "article:tag", tag) for tag in article.tags),
        ]
    tags += [
        MetaTag("name", "twitter:card", "summary"),
        MetaTag("name", "twitter:title", page.title),
        MetaTag("name", "twitter:description", page.description),
    ]
    return [MetaTag(tag.attribute, tag.name, clean(tag.content)) for tag in tags if tag.content.strip()]


def og_locale(language: str) -> str:
    """Open Graph spells locales language_TERRITORY: "zh-CN" → "zh_CN", "en" → "en_US"."""
    parts = language.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    return DEFAULT_REGIONS.get(parts[0].lower(), parts[0].lower())


def citation_meta(paper: PaperMeta) -> list[MetaTag]:
    """Highwire-style citation_* tags, which Google Scholar and Zotero read to cite the paper; known fields only."""
    kind = paper.venue_kind
    tags = [
        MetaTag("name", "citation_title", paper.title),
        *(MetaTag("name", "citation_author", author) for author in paper.authors),
        MetaTag("name", "citation_publication_date", f"{paper.year:04d}" if paper.year else ""),
        MetaTag("name", "citation_conference_title", paper.venue if kind == "conference" else ""),
        MetaTag("name", "citation_journal_title", paper.venue if kind == "journal" else ""),
        MetaTag("name", "citation_arxiv_id", paper.arxiv),
        MetaTag("name", "citation_doi", paper.doi),
        MetaTag("name", "citation_pdf_url", f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else ""),
        MetaTag("name", "citation_abstract_html_url", paper.links[0] if paper.links else ""),
    ]
    return [MetaTag(tag.attribute, tag.name, clean(tag.content)) for tag in tags if tag.content.strip()]


def note_json_ld(page: PageMeta, article: ArticleMeta) -> str:
    """schema.org JSON-LD for a note: a BlogPosting, safe to print inside `<script type="application/ld+json">`."""
    return script_json(blog_posting(page, article))


def paper_json_ld(page: PageMeta, article: ArticleMeta, paper: PaperMeta) -> str:
    """The same for a note about a paper: the BlogPosting is `about` the paper, a ScholarlyArticle."""
    return script_json(blog_posting(page, article) | {"about": scholarly_article(paper)})


def blog_posting(page: PageMeta, article: ArticleMeta) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": page.title,
        "description": page.description,
        "datePublished": rfc3339(article.published),
        "dateModified": rfc3339(article.modified),
        "author": person(article.author) if article.author else None,
        "inLanguage": page.language,
        "articleSection": article.section,
        "keywords": list(article.tags),
    }
    if is_absolute(page.url):
        data |= {"url": page.url, "mainEntityOfPage": {"@type": "WebPage", "@id": page.url}}
    return data


def scholarly_article(paper: PaperMeta) -> dict[str, Any]:
    identifiers = [("arXiv", paper.arxiv), ("DOI", paper.doi)]
    data: dict[str, Any] = {
        "@type": "ScholarlyArticle",
        "name": paper.title,
        "author": [person(name) for name in paper.authors],
        "datePublished": f"{paper.year:04d}" if paper.year else "",
        "url": paper.links[0] if paper.links else "",
        "sameAs": paper.links[1:],
        "identifier": [{"@type": "PropertyValue", "propertyID": kind, "value": value} for kind, value in identifiers],
    }
    data["identifier"] = [item for item in data["identifier"] if item["value"]]
    if paper.venue_kind == "conference":
        data["publication"] = {"@type": "PublicationEvent", "name": paper.venue}
    elif paper.venue_kind == "journal":
        data["isPartOf"] = {"@type": "Periodical", "name": paper.venue}
    return data


def person(name: str) -> dict[str, str]:
    return {"@type": "Person", "name": name}


def script_json(data: dict[str, Any]) -> str:
    """Compact JSON without empty fields, with `<`, `>` and `&` escaped so no text can close the script."""
    text = json.dumps(pruned(data), ensure_ascii=False, separators=(",", ":"))
    return text.translate(SCRIPT_SAFE)


def pruned(value: Any) -> Any:
    """`value` with its strings cleaned and its empty strings, lists and objects left out."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        kept = {key: pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", [], {}, None)}
    if isinstance(value, list):
        return [item for item in map(pruned, value) if item not in ("", [], {}, None)]
    return value


# Shared ----------------------------------------------------------------------------------


def clean(text: str) -> str:
    """`text` without characters XML cannot carry and without our private-use markers."""
    return NOT_TEXT.sub("", text)


def element(name: str, attributes: dict[str, str], text: str | None = None) -> str:
    """One XML element on one line, its text and attribute values cleaned and escaped."""
    shown = "".join(f" {key}={quoteattr(clean(value))}" for key, value in attributes.items())
    if text is None:
        return f"<{name}{shown}/>"
    return f"<{name}{shown}>{escape(clean(text), TEXT_ENTITIES)}</{name}>"


def rfc3339(moment: datetime) -> str:
    """`2024-01-24T10:30:00+08:00`: RFC 3339, which W3C datetime (sitemaps) and ISO 8601 (schema.org) accept."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; feeds and metadata need one to be unambiguous.")
    return moment.isoformat(timespec="seconds")


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc)


def require_absolute(url: str, what: str) -> None:
    if not is_absolute(url):
        raise ValueError(f"{what} must be an absolute URL like https://example.com/…, not {url!r}.")


def uri(url: str) -> str:
    """An IRI as a URI: non-ASCII characters and spaces percent-encoded, as sitemaps and robots.txt want."""
    return quote(url, safe=URI_SAFE)


def plain_excerpt(html: str, limit: int = 160) -> str:
    """A short plain-text description from an excerpt's HTML, for <meta name=description>."""
    html = re.sub(f"{WIKI_OPEN}[^{WIKI_SPLIT}]*{WIKI_SPLIT}", "", html).replace(WIKI_CLOSE, "")
    html = re.sub(r"<annotation\b.*?</annotation>", "", html, flags=re.DOTALL)  # TeX in MathML an author wrote as HTML
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    text = text.replace("\ue000", "").replace("\ue001", "").replace(TITLE_LABEL, "").replace(EMBED_LABEL, "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
