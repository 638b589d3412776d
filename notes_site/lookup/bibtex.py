"""Read a BibTeX file (a Zotero/Better BibTeX or Google Scholar export) into paper metadata.

Parsing is bibtexparser's; this module turns its entries into the fields a paper note has:
LaTeX accents and braces become text (`M{\\"u}ller` → Müller), `Last, First` names become
`First Last`, and an arXiv id is found wherever exporters put it (eprint, journal, number, url).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from pylatexenc.latex2text import LatexNodes2Text

from notes_site.content.papers import DOI, DOI_PREFIX, arxiv_id
from notes_site.errors import NotesSiteError, Problem, UsageError, warning
from notes_site.lookup.metadata import PaperMetadata

# Google Scholar's `journal={arXiv preprint arXiv:2010.11929}`, BBT's `number = {arXiv:1706.03762}`
ARXIV_IN_TEXT = re.compile(r"arxiv[:\s]*(?:preprint\s+)?(?:arxiv:)?\s*(?P<id>[a-z.-]*/?\d{4}\.?\d{3,5}(?:v\d+)?)", re.I)
ARXIV_VENUE = re.compile(r"^\s*(?:arxiv(?:\s+preprint)?(?:\s+arxiv:\S+)?|arxiv e-prints)\s*$", re.I)


@dataclass(frozen=True)
class BibEntry:
    key: str
    entry_type: str  # lowercase: "article", "inproceedings", "misc", …
    line: int  # 1-based, where the entry starts in its file
    metadata: PaperMetadata


def read_bibtex_file(path: Path) -> tuple[list[BibEntry], list[Problem]]:
    """Every entry of the file, and a warning for each block that could not be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise UsageError(f"{path} does not exist. Give the BibTeX file your reference manager exported.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise NotesSiteError(f"{path} cannot be read as UTF-8 text ({exc}). Export it again as UTF-8.") from exc
    library = bibtexparser.parse_string(text)
    problems = [
        warning(
            f"this block of the BibTeX file could not be read ({type(block).__name__}: {block.error}); it was skipped.",
            path,
            block.start_line + 1,
            "Fix the entry (an unbalanced brace or a missing comma is the usual cause), then run the command again.",
        )
        for block in library.failed_blocks
    ]
    return [bib_entry(entry, str(path)) for entry in library.entries], problems


def read_bibtex_text(text: str, name: str) -> list[BibEntry]:
    return [bib_entry(entry, name) for entry in bibtexparser.parse_string(text).entries]


def find_entry(path: Path, key: str) -> BibEntry:
    entries, _problems = read_bibtex_file(path)
    for entry in entries:
        if entry.key == key:
            return entry
    close = [entry.key for entry in entries if entry.key.lower() == key.lower()]
    keys = ", ".join(entry.key for entry in entries[:5]) + (", …" if len(entries) > 5 else "")
    hint = f"Did you mean `{close[0]}`? Keys are case-sensitive." if close else f"Its keys are: {keys or 'none'}."
    raise UsageError(f"{path} has no entry with the key `{key}`. {hint}")


def bib_entry(entry: bibtexparser.model.Entry, file: str) -> BibEntry:
    fields = {field.key.lower(): field.value for field in entry.fields if isinstance(field.value, str)}

    def text(*keys: str) -> str:
        return next((latex_text(fields[key]) for key in keys if fields.get(key, "").strip()), "")

    venue = text("booktitle", "journal", "journaltitle", "howpublished")
    year = re.search(r"\d{4}", fields.get("year", "") or fields.get("date", ""))
    line = entry.start_line + 1
    metadata = PaperMetadata(
        title=text("title"),
        authors=names(fields.get("author", "")),
        year=int(year.group(0)) if year else None,
        venue="" if ARXIV_VENUE.match(venue) else venue,
        arxiv=entry_arxiv(fields),
        doi=entry_doi(fields.get("doi", "")),
        url=fields.get("url", "").strip(),
        abstract=text("abstract"),
        source=f"{file}:{line}",
    )
    return BibEntry(entry.key, entry.entry_type.lower(), line, metadata)


def latex_text(value: str) -> str:
    """LaTeX as the words it prints: accents as letters, braces and `\\&` gone, spaces single."""
    try:
        decoded = LatexNodes2Text(math_mode="verbatim").latex_to_text(value)
    except Exception:  # pylatexenc gives up on some malformed input; the raw text is still useful
        decoded = value.replace("{", "").replace("}", "")
    return " ".join(decoded.split())


def names(value: str) -> tuple[str, ...]:
    """`Radford, Alec and {OpenAI}` as ("Alec Radford", "OpenAI")."""
    found = []
    for person in split_multiple_persons_names(value) if value.strip() else []:
        if person.strip().lower() == "others":
            continue
        try:
            merged = parse_single_name_into_parts(person, strict=False).merge_first_name_first
        except Exception:  # a name bibtexparser cannot split is still a name
            merged = person
        name = latex_text(merged)
        if name:
            found.append(name)
    return tuple(dict.fromkeys(found))


def entry_arxiv(fields: dict[str, str]) -> str:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    eprint = fields.get("eprint", "").strip()
    if eprint and (prefix == "arxiv" or not prefix):
        found = arxiv_id(eprint) or arxiv_id(f"arXiv:{eprint}")
        if found:
            return found
    for key in ("journal", "number", "note", "url", "howpublished"):
        value = fields.get(key, "")
        if "arxiv" not in value.lower():
            continue
        if key == "url" and arxiv_id(value.strip()):
            return arxiv_id(value.strip())
        match = ARXIV_IN_TEXT.search(value)
        if match and arxiv_id(match["id"]):
            return arxiv_id(match["id"])
    return ""


def entry_doi(value: str) -> str:
    text = value.strip()
    prefix = DOI_PREFIX.match(text)
    text = text[prefix.end() :] if prefix else text
    return text if DOI.fullmatch(text) else ""
