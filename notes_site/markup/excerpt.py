"""Where a note's excerpt ends: the `<!-- more -->` marker, else (optionally) a length.

The cut is made in the token stream, so an excerpt is always whole blocks and never
carries the note's footnotes (their ids would clash on listing pages).
"""

from __future__ import annotations

import re

from markdown_it.token import Token

MORE_MARKER = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.IGNORECASE)
MORE_ANYWHERE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)


def top_level(tokens: list[Token]):
    """(index, token, depth) up to the footnotes, depth counted from nesting.

    The footnote plugin leaves `level` at 0 inside footnotes, so `level` cannot say
    where a block ends; and a cut inside the footnotes would leave them half open.
    """
    depth = 0
    for index, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            return
        if token.nesting < 0:
            depth -= 1
        yield index, token, depth
        if token.nesting > 0:
            depth += 1


def footnotes_start(tokens: list[Token]) -> int:
    return next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))


def find_more_marker(tokens: list[Token]) -> int | None:
    """Index of the `<!-- more -->` block, splitting a paragraph if the marker is inline.

    Hexo cuts at the marker wherever it stands. Where a cut would leave tags open (a heading
    `### 方法<!-- more -->`, a list item, a table cell, a quote, inside *emphasis*), the
    excerpt ends after the top-level block that holds the marker instead.
    """
    for index, token, depth in top_level(tokens):
        if token.type == "html_block" and MORE_ANYWHERE.search(token.content):
            if depth == 0 and MORE_MARKER.match(token.content):
                return index
            return cut_after_block(tokens, index, depth)
        if token.type != "inline" or "<!--" not in token.content:
            continue
        nesting = 0
        for pos, child in enumerate(token.children or []):
            nesting += child.nesting
            if child.type != "html_inline" or not MORE_MARKER.match(child.content):
                continue
            if depth == 1 and nesting == 0 and tokens[index - 1].type == "paragraph_open":
                return split_paragraph(tokens, index, pos)
            return cut_after_block(tokens, index, depth)
    return None


def cut_after_block(tokens: list[Token], index: int, depth: int) -> int:
    """Put a marker after the top-level block holding `tokens[index]` (at `depth`); the marker's index."""
    while depth > 0:
        index += 1
        depth += tokens[index].nesting
    tokens.insert(index + 1, Token("html_block", "", 0, content="<!-- more -->\n"))
    return index + 1


def split_paragraph(tokens: list[Token], inline_index: int, child_pos: int) -> int:
    """Turn `<p>before <!-- more --> after</p>` into two paragraphs around a marker; its index.

    A side with nothing but spaces gives no paragraph at all, rather than an empty `<p></p>`.
    """
    inline = tokens[inline_index]
    p_open, p_close = tokens[inline_index - 1], tokens[inline_index + 1]
    before = paragraph_of(inline, inline.children[:child_pos], p_open, p_close)
    after = paragraph_of(inline, inline.children[child_pos + 1 :], p_open, p_close)
    marker = Token("html_block", "", 0, content="<!-- more -->\n")
    tokens[inline_index - 1 : inline_index + 2] = [*before, marker, *after]
    return inline_index - 1 + len(before)


def paragraph_of(inline: Token, children: list[Token], p_open: Token, p_close: Token) -> list[Token]:
    if all(c.type in ("text", "softbreak", "hardbreak") and not c.content.strip() for c in children):
        return []
    part = inline.copy()
    part.children = children
    return [p_open.copy(), part, p_close.copy()]


def find_auto_cut(tokens: list[Token], length: int) -> int | None:
    """Where to cut so the excerpt holds about `length` characters of whole top-level blocks."""
    seen = 0
    notes_at = footnotes_start(tokens)
    for index, token, depth in top_level(tokens):
        if token.type == "inline":
            seen += len(token.content)
        if depth == 0 and token.nesting <= 0 and seen >= length:
            return index + 1 if has_visible_content(tokens[index + 1 : notes_at]) else None
    return None


def has_visible_content(tokens: list[Token]) -> bool:
    return any(
        t.type not in ("footnote_block_open", "footnote_block_close")
        and t.type != "html_block"
        or (t.type == "html_block" and t.content.strip())
        for t in tokens
    )
