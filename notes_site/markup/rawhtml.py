"""Links and images written in raw HTML, marked for resolution like Markdown ones.

Typora writes `<img src="clip/arch.png" style="zoom:60%">`, and notes carry `<a href>`,
`<video src>`, `<source srcset>` too: their URLs get the same private-use markers as
Markdown links (markup/tokens.py), so site/resolve.py makes them work on every page the
note appears on, and they are recorded as `LinkRef`s with their line for backlinks and
`check`. A note without `<` in its text costs one substring test.

Also a lone `<hr>` or `<br>` on a line of its own: for CommonMark it opens an HTML block that runs
to the next blank line, swallowing the Markdown under it as raw text; Hexo's renderers (marked,
kramed) and Typora end it with its line, and notes written there rely on it (hexo-archer-abbrlink:
a list under `<hr>` became a code block).
"""

from __future__ import annotations

import re
from html import escape, unescape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from notes_site.markup.tokens import LINK_CLOSE, LINK_OPEN, LinkRef, is_local, walk_with_lines

# A comment (left alone), or an opening tag with its attributes; quoted values may hold `>`.
TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<([A-Za-z][A-Za-z0-9-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>", re.S)
URL_ATTRIBUTE = re.compile(r"""(?<=\s)(href|src|poster|srcset)(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
HINT = re.compile(r"(?:href|src|poster|srcset)\s*=", re.I)
SRCSET_CANDIDATE = re.compile(r"(\s*)([^\s,]+)([^,]*)")
LONE_BREAK = re.compile(r"<(?:hr|br)\s*/?>\s*$", re.I)


def raw_html_links_plugin(md: MarkdownIt) -> None:
    """Mark the URLs of raw HTML once every other rule has made its tokens."""
    md.core.ruler.push("raw_html_links", mark_raw_html_links)
    md.block.ruler.before(
        "html_block", "lone_break", parse_lone_break, {"alt": ["paragraph", "reference", "blockquote"]}
    )


def parse_lone_break(state, start: int, end: int, silent: bool) -> bool:
    """`<hr>` or `<br>` alone on its line: an HTML block of that line only."""
    begin = state.bMarks[start] + state.tShift[start]
    if state.src[begin : begin + 1] != "<" or state.is_code_block(start):
        return False
    line = state.src[begin : state.eMarks[start]]
    if not LONE_BREAK.match(line):
        return False
    if not silent:
        token = state.push("html_block", "", 0)
        token.map = [start, start + 1]
        token.content = line + "\n"
    state.line = start + 1
    return True


def mark_raw_html_links(state) -> None:
    if "<" not in state.src or not any(has_url_attribute(block) for block in state.tokens):
        return
    links = state.env.setdefault("links", [])
    for block, token, line in walk_with_lines(state.tokens):
        if token is None and block.type == "html_block" and HINT.search(block.content):
            block.content = mark_urls(block.content, line, links)
        elif token is not None and token.type == "html_inline" and HINT.search(token.content):
            token.content = mark_urls(token.content, line, links)


def has_url_attribute(block: Token) -> bool:
    if block.type == "html_block":
        return HINT.search(block.content) is not None
    return block.type == "inline" and any(
        child.type == "html_inline" and HINT.search(child.content) for child in block.children or ()
    )


def mark_urls(html: str, first_line: int, links: list[LinkRef]) -> str:
    """`html` with the local URLs of its tags' attributes wrapped in link markers, each recorded in `links`."""

    def tag(match: re.Match[str]) -> str:
        name, attributes = match.group(1), match.group(2)
        if name is None or not attributes:
            return match.group(0)
        line = first_line + html.count("\n", 0, match.start())
        image = name.lower() != "a"

        def attribute(found: re.Match[str]) -> str:
            attr, equals = found.group(1), found.group(2)
            quote = '"' if found.group(3) is not None else "'" if found.group(4) is not None else ""
            value = next(group for group in found.groups()[2:] if group is not None)
            if attr.lower() == "srcset":
                marked = SRCSET_CANDIDATE.sub(
                    lambda c: c.group(1) + mark(c.group(2), line, image, links) + c.group(3), value
                )
            else:
                marked = mark(value, line, image and attr.lower() != "href", links)
            return f"{attr}{equals}{quote}{marked}{quote}"

        return "<" + name + URL_ATTRIBUTE.sub(attribute, attributes) + ">"

    return TAG_OR_COMMENT.sub(tag, html)


def mark(value: str, line: int, image: bool, links: list[LinkRef]) -> str:
    """The attribute value as written, wrapped in markers when it leads into the site.

    A backslash in its path is a slash, as browsers read it in http(s) URLs: Typora on Windows
    writes `<img src="DeepCover\\Fig3.png">`, which their site showed.
    """
    url = unescape(value.strip())
    if not is_local(url):
        return value
    end = min((url.find(sign) for sign in "?#" if sign in url), default=len(url))
    if "\\" in url[:end]:
        url = url[:end].replace("\\", "/") + url[end:]
        value = escape(url, quote=True)
    links.append(LinkRef(url, line, image))
    return LINK_OPEN + value.strip() + LINK_CLOSE
