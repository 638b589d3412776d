"""The paper a note is about (its `paper:` front matter), and notes that seem to be about the same paper.

Every paper field is optional and forgiving: the `new --kind paper` scaffold writes them
empty, and a bad value is a warning naming its line that leaves the field empty, so a
typo in a citation never stops a build.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from notes_site.content.dates import describe
from notes_site.errors import Problem, warning
from notes_site.frontmatter import META_LINE
from notes_site.markup.tokens import safe_url

STATUSES = ("to-read", "reading", "read")
PAPER_FIELDS = tuple("title authors year venue arxiv doi url code bibtex aliases status rating".split())
TEXT_EXAMPLES = {
    "title": "Attention Is All You Need",
    "venue": "NeurIPS 2017",
    "url": "https://arxiv.org/abs/1706.03762",
    "code": "https://github.com/openai/CLIP",
}

# New-style ids (April 2007 on) have 4 digits after the dot until 2014 and 5 from 2015; old-style
# ids name the archive (cs/0112017, math.GT/0309136). A version suffix is kept as written.
NEW_ARXIV = re.compile(r"(?P<yymm>\d{2}(?:0[1-9]|1[0-2]))\.(?P<number>\d{4,5})(?:v[1-9]\d*)?")
OLD_ARXIV = re.compile(r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3}(?:v[1-9]\d*)?")
ARXIV_PREFIX = re.compile(r"^(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)
ARXIV_VERSION = re.compile(r"v\d+$")
ARXIV_HINT = "Write it like arxiv: 2103.00020 (or 2103.00020v2, or cs/0112017 for papers before 2007)."
DOI = re.compile(r"10\.\d{4,9}/\S+")
DOI_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.IGNORECASE)
RAW_ENTRY = re.compile(r"\A\s*@\s*(?P<type>[A-Za-z]+)\s*\{\s*(?P<key>[^\s,{}()=\"#%'~\\]+)\s*,")
NOT_ENTRIES = {"comment", "string", "preamble"}
NAME_SEPARATORS = re.compile(r"\s*(?:,|，|、|;|；|&|\band\b)\s*")


@dataclass(frozen=True)
class Paper:
    """What a note says about the paper it discusses; "" / () / None mean "not filled in"."""

    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    arxiv: str = ""  # bare id, version suffix kept: "2103.00020", "2103.00020v2", "cs/0112017"
    doi: str = ""  # bare DOI: "10.48550/arXiv.2103.00020"
    url: str = ""
    code: str = ""
    bibtex: str = ""  # a raw entry as the user pasted it
    aliases: tuple[str, ...] = ()
    status: str = ""  # "" or one of STATUSES
    rating: int | None = None  # 1–5

    @property
    def arxiv_abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else ""

    @property
    def arxiv_pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv}" if self.arxiv else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def bibtex_key(self) -> str:
        """The key of the raw `bibtex` entry ("" without one), which the export keeps."""
        match = RAW_ENTRY.match(self.bibtex)
        return match.group("key") if match else ""


def read_paper(value: Any, meta_text: str, path: Path, note_title: str) -> tuple[Paper | None, list[Problem]]:
    """The `paper:` front matter as a Paper; bad fields become warnings on their line and stay empty."""
    if value is None:
        return None, []
    reader = PaperReader(value, meta_text, path)
    if not isinstance(value, dict):
        reader.warn(
            "",
            f"`paper` must hold the paper's fields (title, authors, year, …), not {describe(value)}; it was ignored.",
            "Write each field on its own line, indented under `paper:`, like `  arxiv: 2103.00020`.",
        )
        return None, reader.problems
    reader.check_keys()
    paper = Paper(
        title=reader.text("title") or note_title.strip(),
        authors=reader.names("authors", "authors: [Alec Radford, Jong Wook Kim]"),
        year=reader.year(),
        venue=reader.text("venue"),
        arxiv=reader.arxiv(),
        doi=reader.doi(),
        url=reader.url("url"),
        code=reader.url("code"),
        bibtex=reader.bibtex(),
        aliases=reader.names("aliases", "aliases: [CLIP]"),
        status=reader.status(),
        rating=reader.rating(),
    )
    return paper, reader.problems


class PaperReader:
    """Reads the paper fields one by one, collecting a warning per bad value."""

    def __init__(self, value: Any, meta_text: str, path: Path) -> None:
        self.value = value if isinstance(value, dict) else {}
        self.meta_text = meta_text
        self.path = path
        self.problems: list[Problem] = []

    @cached_property
    def lines(self) -> tuple[int | None, dict[str, int]]:
        return paper_lines(self.meta_text)

    def line(self, key: str) -> int | None:
        block, children = self.lines
        return children.get(key, block)

    def warn(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(warning(message, self.path, self.line(key), hint))

    def reject(self, key: str, value: Any, wanted: str, hint: str) -> None:
        self.warn(key, f"`paper.{key}` must be {wanted}, not {describe(value)}; it was left empty.", hint)

    def present(self, key: str) -> Any:
        """The field's value, or None when it is missing or left empty (as the scaffold writes it)."""
        value = self.value.get(key)
        empty = value is None or value == [] or (isinstance(value, str) and not value.strip())
        return None if empty else value

    def written(self, key: str) -> Any:
        """A number as typed in the file (YAML reads `2103.00020` as 2103.0002), else the value read."""
        line = self.lines[1].get(key)
        if line is None:
            return self.value.get(key)
        text = self.meta_text.split("\n")[line - META_LINE]
        found = re.match(rf"""^\s*['"]?{re.escape(key)}['"]?\s*[:=]\s*([^\s#'"]+)\s*(?:#.*)?$""", text)
        return found.group(1) if found else self.value.get(key)

    def check_keys(self) -> None:
        known = ", ".join(PAPER_FIELDS)
        for key in self.value:
            if key in PAPER_FIELDS:
                continue
            close = difflib.get_close_matches(str(key).lower(), PAPER_FIELDS, n=1, cutoff=0.6)
            meant = f"Did you mean `{close[0]}`? " if close else ""
            self.warn(
                str(key),
                f"`paper.{key}` is not a paper field notes-site knows, so it was ignored.",
                f"{meant}The paper fields are: {known}.",
            )

    def text(self, key: str) -> str:
        value = self.present(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.reject(key, value, "text", f'Write it as one piece of text, like {key}: "{TEXT_EXAMPLES.get(key, "…")}"')
        return ""

    def names(self, key: str, example: str) -> tuple[str, ...]:
        """A list of names; one text is split at commas and `and` (BibTeX's `Last, First and …` too)."""
        value = self.present(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return split_names(value)
        if not isinstance(value, list):
            self.reject(key, value, "a list of names", f"Write it like {example}")
            return ()
        names = []
        for item in value:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                names.append(str(item).strip())
            else:
                shown = "empty" if item is None or isinstance(item, str) else describe(item)
                self.warn(
                    key,
                    f"one of the `paper.{key}` is {shown}, not a name; it was left out.",
                    f"Write it like {example}",
                )
        return tuple(dict.fromkeys(names))

    def year(self) -> int | None:
        value = self.present("year")
        if value is None:
            return None
        text = str(value).strip()
        if not isinstance(value, bool) and isinstance(value, (int, str)) and re.fullmatch(r"[12]\d{3}", text):
            return int(text)
        self.reject("year", value, "a year like 2021", "Write the year it was published, with four digits: year: 2021")
        return None

    def rating(self) -> int | None:
        value = self.present("rating")
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if not isinstance(value, bool) and isinstance(value, (int, str)) and re.fullmatch(r"[1-5]", text):
            return int(text)
        self.reject("rating", value, "a whole number from 1 to 5", "Write it like rating: 4")
        return None

    def status(self) -> str:
        value = self.present("status")
        if value is None:
            return ""
        text = re.sub(r"[\s_]+", "-", str(value).strip().lower())
        if text in STATUSES:
            return text
        close = difflib.get_close_matches(text, STATUSES, n=1, cutoff=0.6)
        hint = f"Did you mean status: {close[0]}?" if close else "Write it like status: reading"
        self.reject("status", value, f"one of {', '.join(STATUSES)}", hint)
        return ""

    def arxiv(self) -> str:
        value = self.present("arxiv")
        if value is None:
            return ""
        written = self.written("arxiv") if isinstance(value, float) else value
        found = arxiv_id(written)
        if found:
            return found
        self.warn("arxiv", f"`paper.arxiv` is not an arXiv id: {describe(written)}; it was left empty.", ARXIV_HINT)
        return ""

    def doi(self) -> str:
        value = self.present("doi")
        if value is None:
            return ""
        text = str(value).strip()
        prefix = DOI_PREFIX.match(text)
        if prefix:
            text = unquote(text[prefix.end() :]) if "doi.org" in prefix.group(0).lower() else text[prefix.end() :]
        if isinstance(value, str) and DOI.fullmatch(text):
            return text
        self.warn(
            "doi",
            f"`paper.doi` is not a DOI: {describe(value)}; it was left empty.",
            "A DOI starts with 10., the publisher's number and a slash, like doi: 10.48550/arXiv.2103.00020",
        )
        return ""

    def url(self, key: str) -> str:
        """A link the paper card shows: kept only where a Markdown link would be (no `javascript:`)."""
        value = self.text(key)
        if not value:
            return ""
        safe = safe_url(value)
        if not safe:
            self.warn(
                key,
                f"`paper.{key}` is not a link notes-site will make ({describe(value)}); it was left empty.",
                f"Write a web address, like {key}: {TEXT_EXAMPLES[key]}",
            )
        return safe

    def bibtex(self) -> str:
        value = self.present("bibtex")
        if value is None:
            return ""
        match = RAW_ENTRY.match(value) if isinstance(value, str) else None
        if match and match.group("type").lower() not in NOT_ENTRIES:
            broken = entry_problem(value.strip())
            if broken is None:
                return value.strip() + "\n"
            line, reason = broken
            self.warn(
                "bibtex",
                f"`paper.bibtex` is not one whole BibTeX entry ({reason}, line {line} of the entry), so it was "
                "left out and the entry is made from the other paper fields.",
                "Paste exactly one entry, from its `@type{key,` line to its closing `}`, with every brace closed.",
            )
            return ""
        self.warn(
            "bibtex",
            "`paper.bibtex` does not start like a BibTeX entry (`@article{key,`), so it was left out "
            "and the entry is made from the other paper fields.",
            "Paste the whole entry on indented lines after `bibtex: |`, starting with its `@type{key,` line.",
        )
        return ""


def entry_problem(entry: str) -> tuple[int, str] | None:
    """Why a pasted entry would break or extend papers.bib: (line within the entry, what), or None.

    BibTeX counts braces whatever stands around them, so the entry ends where the brace
    after `@type` is closed; nothing may follow it, and it must be closed.
    """
    opening = entry.index("{")
    depth = 0
    for position in range(opening, len(entry)):
        if entry[position] == "{":
            depth += 1
        elif entry[position] == "}":
            depth -= 1
            if depth == 0:
                if entry[position + 1 :].strip():
                    return entry.count("\n", 0, position) + 1, "text follows the entry's closing brace"
                return None
    return entry.count("\n") + 1, "a brace is never closed"


def arxiv_id(value: Any) -> str:
    """The bare arXiv id in `value` ("" when it is none): prefixes and URLs removed.

    YAML reads `2103.00020` as the number 2103.0002; the lost zeros are put back, since a
    new-style id always has 4 digits before the dot and 4 (until 2014) or 5 digits after it.
    """
    if isinstance(value, float):
        before, _, after = repr(value).partition(".")
        before = before.zfill(4)
        value = f"{before}.{after.ljust(4 if before < '1501' else 5, '0')}"
    if not isinstance(value, str):
        return ""
    text = value.strip()
    prefix = ARXIV_PREFIX.match(text)
    if prefix:
        text = text[prefix.end() :].removesuffix("/").removesuffix(".pdf")
    new = NEW_ARXIV.fullmatch(text)
    if new and "0704" <= new["yymm"] and len(new["number"]) == (4 if new["yymm"] < "1501" else 5):
        return text
    return text if OLD_ARXIV.fullmatch(text) else ""


def split_names(text: str) -> tuple[str, ...]:
    """`A, B and C` or `A、B` as names; BibTeX's `Last, First and Last, First` as `First Last`."""
    parts = [part.strip() for part in re.split(r"\s+and\s+", text.strip())]
    if len(parts) > 1 and all(part.count(",") == 1 for part in parts):
        last_first = (part.split(",") for part in parts)
        return tuple(dict.fromkeys(f"{first.strip()} {last.strip()}".strip() for last, first in last_first))
    return tuple(dict.fromkeys(name for name in NAME_SEPARATORS.split(text.strip()) if name))


def paper_lines(meta_text: str) -> tuple[int | None, dict[str, int]]:
    """The file's line of `paper:` (or TOML's `[paper]`) and of each field directly inside it."""
    lines = meta_text.split("\n")
    start = next(
        (i for i, line in enumerate(lines) if re.match(r"""^['"]?paper['"]?\s*:|^\[\s*paper\s*\]""", line)), None
    )
    if start is None:
        return None, {}
    toml = lines[start].startswith("[")
    children: dict[str, int] = {}
    indent: int | None = None
    for number, line in enumerate(lines[start + 1 :], start=start + 1 + META_LINE):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(line) - len(stripped)
        if (toml and stripped.startswith("[")) or (not toml and depth == 0):
            break
        indent = depth if indent is None else indent
        match = re.match(r"""^['"]?([^'"\s:=]+)['"]?\s*[:=]""", stripped)
        if depth == indent and match:
            children[match.group(1)] = number  # the last one, like YAML, which keeps the last value
    return start + META_LINE, children


def short_authors(authors: Sequence[str], shown: int) -> str:
    """`A, B, C` with at most `shown` names, then ` et al.`; `shown` ≤ 0 shows everyone."""
    if shown <= 0 or len(authors) <= shown:
        return ", ".join(authors)
    return ", ".join(authors[:shown]) + " et al."


# The duplicate-note detector -------------------------------------------------------------
