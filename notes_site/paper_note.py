"""`notes-site new --arxiv/--doi/--url/--bib`: a paper note with the paper's metadata filled in.

The scaffold renders the note as usual; the paper's fields are then written into its `paper:`
block and the abstract into a collapsed block after `<!-- more -->`, so a site's own older
scaffold gets them too. When the service cannot be reached the note is still created, and
`--refresh` fills the empty fields of that note later without touching what the user wrote.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from slugify import slugify

from notes_site.config import SiteConfig, load_config
from notes_site.content.papers import ARXIV_VERSION, PAPER_FIELDS, read_paper
from notes_site.errors import NotesSiteError, OutputError, UsageError
from notes_site.frontmatter import FrontMatterError, load_meta, split_front_matter
from notes_site.lookup.metadata import PaperMetadata, PaperRef, paper_url
from notes_site.lookup.remote import Lookup, MetadataUnavailable, look_up
from notes_site.same_paper import PaperCandidate
from notes_site.scaffold import NewNote, check_site_folder, create_note, to_yaml

FILLED = ("title", "authors", "year", "venue", "arxiv", "doi", "url")
ABSTRACT_MARK = '<details class="paper-abstract">'
MORE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.M)
SLUG_WORDS = 6  # "learning-transferable-visual-models-from-natural", not the whole title
SLUG_CHARS = 50


@dataclass
class PaperNoteResult:
    path: Path
    created: bool  # False: an existing note was refreshed
    notices: list[str] = field(default_factory=list)  # warnings for the user, full sentences


def new_paper_note(
    site_root: Path,
    request: NewNote,
    ref: PaperRef | None = None,
    metadata: PaperMetadata | None = None,
    refresh: bool = False,
    lookup: Lookup | None = None,
    now: datetime | None = None,
) -> PaperNoteResult:
    """Create (or with `refresh`, fill in) the note on the paper `ref` names, or on `metadata` from a .bib."""
    check_site_folder(site_root)
    config = load_config(site_root)
    notices: list[str] = []
    if metadata is None and ref is not None:
        try:
            metadata = look_up(ref, lookup or Lookup(config.metadata))
        except MetadataUnavailable as exc:
            if refresh:
                raise NotesSiteError(f"{exc}. Nothing was changed; try again later.") from exc
            command = f"notes-site new {ref.option} --refresh" + (f" --site {site_root}" if site_root != Path() else "")
            notices.append(f"{exc}. The note was created without the paper's metadata; run `{command}` later.")
    if metadata is not None and metadata.withdrawn:
        notices.append(f"arXiv lists {metadata.arxiv} as withdrawn ({metadata.withdrawn}).")
    known = metadata or known_from(ref)
    if refresh:
        path = refresh_note(config, ref, known)
        return PaperNoteResult(path, False, notices)
    title = " ".join(request.title.split()) or known.title or placeholder_title(ref)
    slug = request.slug or (None if request.title.strip() else short_slug(title))
    arxiv = known.arxiv or None
    new = replace(request, title=title, slug=slug, arxiv=arxiv)
    path = create_note(site_root, new, now, fill=lambda text: fill_note(text, known, overwrite=True))
    return PaperNoteResult(path, True, notices)


def known_from(ref: PaperRef | None) -> PaperMetadata:
    """What the id alone says, for a note made while the service was out of reach."""
    if ref is None:
        return PaperMetadata()
    return PaperMetadata(
        arxiv=ref.id if ref.kind == "arxiv" else "", doi=ref.id if ref.kind == "doi" else "", url=paper_url(ref)
    )


def placeholder_title(ref: PaperRef | None) -> str:
    names = {"arxiv": "arXiv", "doi": "DOI", "acl": "ACL Anthology", "openreview": "OpenReview"}
    return f"{names[ref.kind]} {ref.id}" if ref else ""


def short_slug(title: str) -> str:
    """An ASCII file name: the acronym before a colon ("CLIP: …" → clip), else the first few words."""
    head, colon, _rest = title.partition(":")
    if colon and 0 < len(head.split()) <= 3 and slugify(head):
        return slugify(head)
    words = slugify(title).split("-")
    return slugify("-".join(words[:SLUG_WORDS]), max_length=SLUG_CHARS, word_boundary=True) or "paper"


# Writing the metadata into the note's text ----------------------------------------------------


def fill_note(text: str, metadata: PaperMetadata, overwrite: bool, status: str = "") -> str:
    """The note with the paper's fields in its `paper:` block and the abstract below `<!-- more -->`.

    `overwrite` (a new note) lets the metadata replace what the scaffold wrote; otherwise only
    empty fields are filled, and a `paper.title` that merely repeats the note's title.
    """
    split = split_front_matter(text)
    if split.meta_format != "yaml":
        raise NotesSiteError(
            "the paper's metadata can only be written into YAML front matter (between --- lines); "
            "this note has none. Add `paper:` fields by hand, or use a scaffold with YAML front matter."
        )
    meta = load_meta(split)
    paper = dict(meta.get("paper")) if isinstance(meta.get("paper"), dict) else {}
    for key in FILLED:
        value = getattr(metadata, key)
        if not value:
            continue
        current = paper.get(key)
        defaulted = key == "title" and str(current or "").strip() == str(meta.get("title", "")).strip()
        if overwrite or empty(current) or defaulted:
            paper[key] = list(value) if isinstance(value, tuple) else value
    if status:
        paper["status"] = status
    meta_start = text.index("\n") + 1
    meta_end = meta_start + len(split.meta_text)
    meta_text = replace_paper_block(split.meta_text, paper)
    title = meta.get("title")
    if metadata.title and not overwrite and isinstance(title, str) and title.startswith(PLACEHOLDERS):
        meta_text = re.sub(
            r"^title[ \t]*:[^\n]*", lambda _m: f"title: {to_yaml(metadata.title)}", meta_text, count=1, flags=re.M
        )
    rest = text[meta_end:]
    if metadata.abstract and ABSTRACT_MARK not in rest:
        rest = insert_abstract(rest, abstract_block(metadata))
    return text[:meta_start] + meta_text + rest


PLACEHOLDERS = ("arXiv ", "DOI ", "ACL Anthology ", "OpenReview ")


def empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def replace_paper_block(meta_text: str, paper: dict[str, Any]) -> str:
    """`meta_text` with its `paper:` mapping (the key and its indented lines) written anew."""
    order = [key for key in PAPER_FIELDS if key in paper] + [key for key in paper if key not in PAPER_FIELDS]
    block = ["paper:"] + [yaml_field(str(key), paper[key]) for key in order]
    lines = meta_text.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"""^['"]?paper['"]?[ \t]*:""", line)), None)
    if start is None:
        tail = lines[-1] == ""
        return "\n".join([*(lines[:-1] if tail else lines), *block, *([""] if tail else [])])
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t", "-") or (not lines[end] and end < len(lines) - 1)):
        end += 1
    while end - 1 > start and not lines[end - 1].strip():  # blank lines after the block stay outside it
        end -= 1
    return "\n".join([*lines[:start], *block, *lines[end:]])


def yaml_field(key: str, value: Any) -> str:
    if value == []:
        return f"  {key}: []"
    if empty(value):
        return f"  {key}:"
    if isinstance(value, str) and "\n" in value:
        return f"  {key}: |\n" + "\n".join(f"    {line}" for line in value.rstrip("\n").split("\n"))
    return f"  {key}: {to_yaml(value)}"


def abstract_block(metadata: PaperMetadata) -> str:
    """A collapsed quote: folded on the note's page, out of the excerpt, searchable."""
    label = "Abstract" + (f" ({metadata.source}, {metadata.primary_category})" if metadata.primary_category else "")
    quoted = "\n".join(f"> {line}" if line else ">" for line in metadata.abstract.split("\n"))
    return f"{ABSTRACT_MARK}\n<summary>{label}</summary>\n\n{quoted}\n\n</details>\n"


def insert_abstract(rest: str, block: str) -> str:
    """After the `<!-- more -->` line, else right after the front matter's closing line."""
    closing = rest.index("\n") + 1 if "\n" in rest else len(rest)
    more = MORE.search(rest, closing)
    at = more.end() + 1 if more else closing
    at = min(at, len(rest))
    return rest[:at] + "\n" + block + ("\n" if rest[at:].strip() else "") + rest[at:]


# Refreshing a note made offline ---------------------------------------------------------------------


def refresh_note(config: SiteConfig, ref: PaperRef | None, metadata: PaperMetadata) -> Path:
    """Fill the empty paper fields of the one note about this paper; what the user wrote stays."""
    wanted = {key for key in ids_of(metadata)}
    matches = [path for path, candidate in noted_papers(config) if wanted & set(ids_of(candidate.paper))]
    what = ref.option if ref else "this paper"
    if not matches:
        raise UsageError(
            f"no note in {config.content_dir} is about {what}: no `paper.arxiv`, `paper.doi` or `paper.url` matches. "
            "Run the command without --refresh to create one."
        )
    if len(matches) > 1:
        listed = ", ".join(str(path) for path in matches)
        raise UsageError(f"{len(matches)} notes are about {what} ({listed}); merge them, then refresh again.")
    path = matches[0]
    text = path.read_text(encoding="utf-8")
    write_atomically(path, fill_note(text, metadata, overwrite=False))
    return path


def ids_of(paper: Any) -> list[str]:
    """Version-less arXiv id and lowercase DOI, as the duplicate detector compares them, and the URL
    (an ACL Anthology or OpenReview paper has neither id)."""
    if paper is None:
        return []
    found = [f"arxiv {ARXIV_VERSION.sub('', paper.arxiv)}"] if paper.arxiv else []
    found += [f"doi {paper.doi.lower()}"] if paper.doi else []
    return found + ([f"url {paper.url.rstrip('/')}"] if paper.url else [])


def noted_papers(config: SiteConfig) -> list[tuple[Path, PaperCandidate]]:
    """Every note of the site as the duplicate detector sees it (its front matter only)."""
    from notes_site.content.sources import scan_content

    found = []
    for note in scan_content(config.content_dir, config.root).notes:
        try:
            split = split_front_matter(note.path.read_text(encoding="utf-8-sig"))
            meta = load_meta(split)
        except (OSError, UnicodeDecodeError, FrontMatterError):
            continue  # the build names such a note; it is about no paper we can tell
        title = str(meta.get("title") or "")
        paper, _problems = read_paper(meta.get("paper"), split.meta_text, note.path, title)
        found.append((note.path, PaperCandidate(note.rel, title, paper)))
    return found


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` whole or not at all: a temporary file beside it, then a rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path} ({exc.strerror or exc}); it was left as it was.") from exc


def new_from_options(
    site_root: Path,
    request: NewNote,
    arxiv: str | None = None,
    doi: str | None = None,
    url: str | None = None,
    bib: Path | None = None,
    key: str | None = None,
    refresh: bool = False,
    lookup: Lookup | None = None,
    now: datetime | None = None,
) -> PaperNoteResult:
    """`notes-site new` with --arxiv, --doi, --url or --bib/--key: exactly one way to name the paper."""
    from notes_site.lookup.remote import check_arxiv, check_doi, parse_paper_url

    given = [option for option, value in (("--arxiv", arxiv), ("--doi", doi), ("--url", url), ("--bib", bib)) if value]
    if len(given) != 1:
        raise UsageError(
            f"name the paper one way: {' and '.join(given)} were given together."
            if given
            else "--refresh needs the paper it refreshes: --arxiv, --doi, --url or --bib with --key."
        )
    if (bib is None) != (key is None):
        raise UsageError("--bib and --key go together: --bib library.bib --key radford2021clip.")
    if bib is not None:
        from notes_site.lookup.bibtex import find_entry

        metadata = find_entry(bib, key or "").metadata
        ref = PaperRef("arxiv", metadata.arxiv) if metadata.arxiv else None
        return new_paper_note(site_root, request, ref, metadata, refresh, lookup, now)
    if arxiv:
        ref = PaperRef("arxiv", check_arxiv(arxiv))
    elif doi:
        ref = PaperRef("doi", check_doi(doi))
    else:
        ref = parse_paper_url(url or "")
    return new_paper_note(site_root, request, ref, None, refresh, lookup, now)
