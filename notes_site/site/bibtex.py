"""BibTeX for the papers the notes are about: citation keys that stay put, and entries to paste.

A key someone has cited in a draft must not move when the site grows, so keys come from
the paper itself (radford2021clip) and clashes are settled by age: the oldest note keeps
the plain key.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slugify import slugify

from notes_site.content.papers import RAW_ENTRY, Paper
from notes_site.errors import Problem, warning

STOPWORDS = frozenset(
    "a an the on of for to towards toward in into at by from with without via and or is are be do does "
    "can how what why when which we our you your it its as".split()
)
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
CJK_NAME = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
CONFERENCES = frozenset(
    name.lower()
    for name in "NeurIPS NIPS ICML ICLR CVPR ICCV ECCV ACL EMNLP NAACL COLING AAAI IJCAI KDD SIGIR WWW RecSys "
    "CIKM WSDM SIGGRAPH CHI MICCAI INTERSPEECH ICASSP UAI AISTATS COLT CoRL RSS ICRA IROS".split()
)
CONFERENCE_WORDS = ("conference", "proceedings", "workshop", "symposium")
ARXIV_VENUES = ("arxiv", "corr")
SPECIALS = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        # BibTeX counts braces even after a backslash, so `\{` would unbalance the entry
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
VERBATIM = frozenset({"doi", "url", "eprint"})  # biblatex reads these as they are: no escapes


@dataclass(frozen=True)
class BibSource:
    """A note's paper, with what settles key clashes (age) and what messages name (path)."""

    source: str  # content-relative path, e.g. "papers/clip.md"
    path: Path
    paper: Paper
    posted: datetime | None  # a note without a date counts as the newest


def citation_key(paper: Paper) -> str:
    """family name + year + a word: the first alias, else the title's first significant word.

    Like Google Scholar's keys (radford2021learning), in ASCII letters and digits only
    (CJK names and titles as pinyin), so the key is safe in any BibTeX tool.
    """
    family = family_name(paper.authors[0]) if paper.authors else ""
    family = re.sub(r"[^a-z]", "", slugify(family)) or "anon"
    year = str(paper.year) if paper.year else "nd"
    return f"{family}{year}{key_word(paper)}"


def family_name(name: str) -> str:
    """`Last` of `First Last` and `Last, First`; the first character of a CJK name (何恺明 → 何)."""
    name = re.sub(r"\([^)]*\)", " ", name).strip()
    if "," in name:
        return name.split(",")[0]
    if CJK_NAME.fullmatch(name):
        return name[0]
    words = name.split()
    while len(words) > 1 and words[-1].strip(".").lower() in NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def key_word(paper: Paper) -> str:
    for alias in paper.aliases:
        word = re.sub(r"[^a-z0-9]", "", slugify(alias))
        if word:
            return word
    for word in slugify(paper.title).split("-"):
        if word and word not in STOPWORDS and not word.isdigit():
            return word
    return ""


def assign_keys(entries: Sequence[BibSource]) -> tuple[dict[str, str], list[Problem]]:
    """A unique key for every note's paper (source → key), and warnings for keys that clash.

    Keys stay the same from build to build, and adding a newer note never changes an older
    note's key, because clashes are settled oldest first (posted date, then source path):
    - a raw `bibtex` entry keeps the key written in it; when two raw entries use one key,
      the older keeps it and the newer gets a letter (radford2021b), with a warning;
    - generated keys never take a key a raw entry uses; when they clash, the oldest note
      keeps the plain key and the newer ones get b, c, … (radford2021clipb).
    The two exceptions: a newer note whose raw entry uses the key an older note had generated
    takes it from that note (a warning tells the older note's author), and a note dated
    earlier than its clashing neighbours takes the plain key from them (its date says it came first).
    """
    ordered = sorted(entries, key=age)
    owners: dict[str, BibSource] = {}  # lowercased key → its note: BibTeX confuses keys that differ in case
    raw_keys = {entry.paper.bibtex_key.lower() for entry in ordered if entry.paper.bibtex_key}
    keys: dict[str, str] = {}
    problems: list[Problem] = []
    for entry in (entry for entry in ordered if entry.paper.bibtex_key):
        written = entry.paper.bibtex_key
        key = written if written.lower() not in owners else free_key(written, owners.keys() | raw_keys)
        if key != written:
            problems.append(
                warning(
                    f"the BibTeX key `{written}` in `paper.bibtex` is also the key of the entry in "
                    f"{owners[written.lower()].source}, so this note's entry is exported as `{key}`.",
                    entry.path,
                    None,
                    "Give one of the two entries its own key, so citations do not depend on which note is older.",
                )
            )
        owners[key.lower()] = entry
        keys[entry.source] = key
    for entry in (entry for entry in ordered if not entry.paper.bibtex_key):
        plain = citation_key(entry.paper)
        key = free_key(plain, owners.keys())
        holder = owners.get(plain)
        if key != plain and holder is not None and holder.paper.bibtex_key and age(holder) > age(entry):
            problems.append(
                warning(
                    f"the BibTeX key `{plain}` this note's paper would have is used by the entry written in "
                    f"{holder.source}, a newer note, so this note's key is now `{key}`.",
                    entry.path,
                    None,
                    f"If you cite this note as `{plain}`, change the key in {holder.source}'s `paper.bibtex`, "
                    "or give this paper an alias (aliases: [NAME]) for a key of its own.",
                )
            )
        owners[key] = entry
        keys[entry.source] = key
    return keys, problems


def age(entry: BibSource) -> tuple[bool, float, str]:
    return (entry.posted is None, entry.posted.timestamp() if entry.posted else 0.0, entry.source)


def free_key(key: str, taken: Container[str]) -> str:
    """`key`, else `key` + b, c, …, z, ba, bb, …: the first one not taken (lowercased)."""
    number = 0
    candidate = key
    while candidate.lower() in taken:
        number += 1
        candidate = key + letters(number)
    return candidate


def letters(number: int) -> str:
    """1 → b, 25 → z, 26 → ba: base 26 written in letters; the plain key is the "a"."""
    text = ""
    while number:
        number, digit = divmod(number, 26)
        text = chr(ord("a") + digit) + text
    return text


def bibtex_entry(paper: Paper, key: str, note_url: str | None = None) -> str:
    """The paper's entry under `key`: its raw `bibtex` (key swapped in), else one made from its fields."""
    if paper.bibtex:
        raw = paper.bibtex.strip()
        match = RAW_ENTRY.match(raw)
        if match and match.group("key") != key:
            raw = raw[: match.start("key")] + key + raw[match.end("key") :]
        return raw + "\n"
    kind = entry_type(paper)
    fields = [
        ("title", "{" + escape(paper.title) + "}"),
        ("author", escape(" and ".join(paper.authors))),
        ("booktitle" if kind == "inproceedings" else "journal", escape(paper.venue) if kind != "misc" else ""),
        ("year", str(paper.year or "")),
        ("doi", paper.doi),
        ("eprint", paper.arxiv if kind == "misc" else ""),
        ("archivePrefix", "arXiv" if kind == "misc" and paper.arxiv else ""),
        ("url", paper.url or paper.arxiv_abs_url or note_url or ""),
    ]
    filled = [(name, verbatim(value) if name in VERBATIM else value) for name, value in fields if value]
    width = max(len(name) for name, _ in filled)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in filled)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def entry_type(paper: Paper) -> str:
    """inproceedings for a conference or workshop, article for a journal, misc for arXiv or nothing."""
    venue = paper.venue.lower()
    if not venue or any(word in venue for word in ARXIV_VENUES):
        return "misc"
    if CONFERENCES & set(re.findall(r"[a-z]+", venue)) or any(word in venue for word in CONFERENCE_WORDS):
        return "inproceedings"
    return "article"


def escape(text: str) -> str:
    """BibTeX's special characters written so LaTeX prints them; other Unicode stays as it is."""
    return text.translate(SPECIALS)


def verbatim(text: str) -> str:
    """A URL or DOI as it is, but with braces percent-encoded so the entry stays balanced."""
    return text.replace("{", "%7B").replace("}", "%7D")


def bibliography(entries: Sequence[tuple[str, Paper | str]], note_urls: Mapping[str, str] | None = None) -> str:
    """All entries, sorted by key, separated by blank lines (a site's papers.bib).

    Each entry is (key, paper), or (key, entry text) when the caller already made it with
    `bibtex_entry` for the note's own cite.bib.
    """
    ordered = sorted(entries, key=lambda entry: (entry[0].lower(), entry[0]))
    urls = note_urls or {}
    texts = (entry if isinstance(entry, str) else bibtex_entry(entry, key, urls.get(key)) for key, entry in ordered)
    return "\n".join(text.strip() + "\n" for text in texts)
