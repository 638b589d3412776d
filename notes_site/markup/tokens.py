"""The markup layer's shared vocabulary: markers, references, warnings and the one token walk.

Relative link targets are wrapped in private-use markers (`LINK_OPEN` … `LINK_CLOSE`,
wikilinks in `WIKI_OPEN` … `WIKI_CLOSE`) instead of being resolved while parsing, so a
note renders the same whatever the rest of the site looks like; site/resolve.py turns
them into URLs for each page. Every syntax plugin builds on this module, never on
another plugin or on the pipeline that installs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.token import Token

LINK_OPEN = "\ue000"


LINK_CLOSE = "\ue001"


WIKI_OPEN = "\ue003"  # \ue003 target#anchor \ue004 label \ue005 (\ue002 is urls.ROOT_MARK)


WIKI_SPLIT = "\ue004"


WIKI_CLOSE = "\ue005"


TITLE_LABEL = "\ue006"  # starts a wikilink label that the linked note's title replaces (Hexo's post_link)


EMBED_LABEL = "\ue007"  # starts the label of an Obsidian embed `![[Note]]`: the note's text is shown instead


CJK_CHAR = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"


# A word is a CJK character, or a run of other non-blank characters with a letter or digit in it.
# Runs are matched whole and tested after, in linear time: a regex asking for the letter inside
# the run retries from every position of a long run without one (`[[[[…`) and takes minutes.
CJK_WORD = re.compile(f"[{CJK_CHAR}]")
# A run of other characters counts as a word when it holds a Latin letter or a digit. Removing the
# symbols first leaves exactly one [A-Za-z0-9]+ run for each such run: two passes of the C regex engine,
# linear even for 100,000 `[` (where one pattern with a backtracking run took two minutes).
SYMBOLS = re.compile(rf"[^\sA-Za-z0-9{CJK_CHAR}]+")
LATIN_RUN = re.compile("[A-Za-z0-9]+")


SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class WikiRef:
    """A `[[target#anchor|label]]` as written; lines count from the first line of the text."""

    target: str
    anchor: str
    line: int
    embed: bool = False  # `![[Note]]`: the other note's text is shown here


@dataclass(frozen=True)
class LinkRef:
    """A relative link or image as written (`../vit.md`, `fig.png`), for backlinks and `check`."""

    url: str
    line: int
    image: bool


# (level, id, text). A plain tuple, not a dataclass: a note has a dozen headings and
# every parse result crosses a process boundary and the cache, where dataclasses cost
# four times as much to pickle (about half a second at 10,000 notes).
Heading = tuple[int, str, str]


@dataclass(frozen=True)
class FormulaFailure:
    line: int
    tex: str
    reason: str


@dataclass(frozen=True)
class MarkupWarning:
    """Something in the text notes-site shows as written but a reader should look at (an unknown `{% tag %}`).

    Syntax plugins add these to `env["markup_warnings"]`; `line` counts from the first line of the text.
    """

    line: int
    message: str
    hint: str = ""


def heading_id(text: str) -> str:
    """A stable, readable id: lower-case words joined by '-', CJK kept as it is."""
    text = re.sub(r"[^\w\s\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af-]", "", text.strip().lower())
    return re.sub(r"[\s-]+", "-", text).strip("-") or "section"


def safe_url(url: str) -> str:
    """A URL as a Markdown link keeps it: normalised (spaces and non-ASCII percent-encoded), or ""
    where Markdown would not link (`javascript:`, `vbscript:`, `file:`, `data:` but images), in any
    letter case and whatever blanks or control characters surround or split the scheme."""
    url = url.strip()
    if not url or any(char < " " or char == "\x7f" for char in url):  # browsers drop them: "java\tscript:"
        return ""
    url = normalizeLink(url)
    return url if validateLink(url) else ""


def is_relative(url: str) -> bool:
    return bool(url) and not SCHEME.match(url) and not url.startswith(("/", LINK_OPEN))


def is_local(url: str) -> bool:
    """Relative (`fig.png`, `../vit.md`, `#part`) or from the site's root (`/images/fig.png`, not `//host/`).

    A root-absolute URL is resolved only when it names a page or file of the site; else it stays as written.
    """
    return is_relative(url) or (url.startswith("/") and not url.startswith(("//", "/\\")))


def parse_wikilink(state, silent: bool) -> bool:
    """`[[target]]`, `[[target|label]]`, `[[target#heading]]`, `[[#heading]]` (Obsidian's syntax).

    In a table the `|` must be written `\\|`, as in Obsidian; the backslash is dropped here.
    """
    src, start = state.src, state.pos
    if not src.startswith("[[", start):
        return False
    end = src.find("]]", start + 2)
    inner = src[start + 2 : end] if end >= 0 else ""
    if not inner.strip() or "\n" in inner or "[" in inner or "]" in inner:
        return False
    if not silent:
        spec, _bar, label = inner.partition("|")
        target, _hash, anchor = spec.rstrip("\\").partition("#")
        token = state.push("wikilink", "", 0)
        token.meta = {"target": target.strip(), "anchor": anchor.strip(), "label": label.strip()}
        token.content = inner
    state.pos = end + 2
    return True


def plain_parts(children: list[Token]):
    """The text a reader sees in an inline block: words, inline code, link texts, wikilink labels."""
    for token in children:
        if token.type in ("text", "code_inline"):
            yield token.content
        elif token.type in ("softbreak", "hardbreak"):
            yield " "
        elif token.type == "wikilink":
            yield token.meta["label"] or token.meta["target"]
        elif token.type == "image":
            yield " " + token.content + " "


def count_words(text: str) -> int:
    """Words of Latin script plus CJK characters, each of which reads like a word."""
    return len(CJK_WORD.findall(text)) + len(LATIN_RUN.findall(SYMBOLS.sub("", text)))


def render_prepared(self, tokens, idx, options, env) -> str:
    """The HTML a block tag's wrapper was given when parsed."""
    return tokens[idx].meta["html"]


def walk_with_lines(blocks: list[Token]) -> Iterator[tuple[Token, Token | None, int]]:
    """Every block token as (block, None, line), then each child of an inline block as (block, child, line).

    Lines count from 1 at the text's first line: a block knows its first line (`map`);
    inside it each line break adds one. The one walk behind every message that names
    a line (references, Liquid tags, Hugo shortcodes, Obsidian comments). A block whose
    type a caller changes while it is visited is walked as its new type.
    """
    line = 0
    for block in blocks:
        if block.map:
            line = block.map[0]
        yield block, None, line + 1
        if block.type != "inline" or not block.children:
            continue
        at = line
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                at += 1
            yield block, child, at + 1


def line_text(state, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def plain_box_warning(line: int, kind: str, written: str, css_class: str, origin: str) -> MarkupWarning:
    """A theme's or plugin's box (`{{< alert >}}`, `{% folding %}`) we do not know, its content kept in a plain box."""
    return MarkupWarning(
        line,
        f'the {kind} `{written}` comes from {origin}; its content is shown in a plain box, <div class="shortcode '
        f'{css_class}">.',
        f"Style .{css_class} in your theme's CSS, or replace the {kind} with Markdown (a quote).",
    )


LAST_POSITIONS = "notes_site.last_positions"  # in env: where each text a closing tag needs last occurs


def last_position(state, text: str) -> int:
    """Where `text` last occurs in the note (-1: nowhere), searched once per note and text.

    A block tag looks for its closing after its line; with a search per tag, a note of
    thousands of `{% asset_img %}` lines would read its whole text thousands of times.
    """
    found = state.env.setdefault(LAST_POSITIONS, {})
    key = (id(state.src), len(state.src), text)  # an embedded note is parsed with the same env
    if key not in found:
        found[key] = state.src.rfind(text)
    return found[key]


def tokenize_lines(state, first: int, stop: int) -> None:
    """Parse lines [first, stop) as Markdown inside the current tag; lazy lines cannot run past it."""
    old_parent, old_line_max = state.parentType, state.lineMax
    state.parentType = "liquid"
    state.lineMax = stop
    state.md.block.tokenize(state, first, stop)
    state.parentType, state.lineMax = old_parent, old_line_max


NOTE_SUFFIXES = (".md", ".markdown")


ROOT_MARK = "\ue002"  # stands for "the way back to the site root" until a page is known
