"""Obsidian's own syntax, so a vault's notes render without rewriting: embeds, inline tags, callouts, comments.

`md.use(obsidian_plugin)` after the pipeline's own rules. What it adds:

- `![[fig.png]]`, `![[fig.png|300]]`, `![[img/fig 1.png|alt text]]`: an image; `![[paper.pdf]]` (and audio,
  video): a link; `![[Other note]]`: a wikilink marked as an embed (pages.embedded shows the note's text).
  Images and files become ordinary `image` / `link_open` tokens, so `collect_references` marks their URLs and
  records them for `check`.
  Obsidian finds a bare file name anywhere in the vault; so does `urls.link_site_path`, after looking next
  to the note.
- `#tag`, `#多模态`, `#ml/cv` in text: `<span class="tag">#ml/cv</span>`; names, first appearance order and
  without repeats, in `env["inline_tags"]`.
- `> [!note] Title` callouts; `[!tip]-` and `[!info]+` fold (closed and open) as `<details>`.
- `%%comments%%`, inline or on lines of their own, are left out of the page.
"""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from notes_site.markup.tokens import MarkupWarning, line_text, parse_wikilink, safe_url, walk_with_lines

IMAGE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp"})
# Obsidian embeds these as players or viewers; a plain link is the honest static equivalent.
FILE_SUFFIXES = frozenset({"pdf", "mp3", "wav", "m4a", "ogg", "flac", "3gp", "mp4", "webm", "ogv", "mov", "mkv"})
SUFFIX = re.compile(r"\.([A-Za-z0-9]+)$")
SIZE = re.compile(r"^(\d+)(?:x(\d+))?$")
# Obsidian: letters (any script), digits, `_`, `-` and `/` for nesting, and at least one non-digit.
TAG = re.compile(r"#([\w/-]+)")
LETTER = re.compile(r"[^\W\d]")
TAG_MAY_FOLLOW = frozenset("([{*_~\"'“‘（【「")
CALLOUT = re.compile(r"^\[!([\w-]+)\]([+-]?)[ \t]*(.*)$")
COMMENT = "%%"


def obsidian_plugin(md: MarkdownIt) -> None:
    """Add Obsidian's embeds, inline tags, callouts and comments to a markdown-it parser."""
    md.block.ruler.before(
        "fence",
        "obsidian_comment_block",
        parse_comment_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("image", "obsidian_embed", parse_embed)
    md.inline.ruler.before("link", "obsidian_comment", parse_comment_inline)
    md.inline.ruler.push("obsidian_tag", parse_tag)
    md.core.ruler.after("block", "obsidian_callouts", make_callouts)
    md.core.ruler.push("obsidian_collect", collect_tags_and_open_comments)
    md.add_render_rule("obsidian_tag", render_tag)
    md.add_render_rule("callout_open", render_callout_open)
    md.add_render_rule("callout_close", render_callout_close)
    md.add_render_rule("callout_title_open", render_callout_title_open)
    md.add_render_rule("callout_title_close", render_callout_title_close)


# Embeds


def parse_embed(state, silent: bool) -> bool:
    """`![[name|options]]`: an image, a link to a file, or (for a note) a wikilink."""
    src, start = state.src, state.pos
    if not src.startswith("![[", start):
        return False
    end = src.find("]]", start + 3)
    inner = src[start + 3 : end] if end >= 0 else ""
    if not inner.strip() or "\n" in inner or "[" in inner or "]" in inner:
        return False
    spec, *options = [part.rstrip("\\").strip() for part in inner.split("|")]  # `\|` inside a table cell
    path = spec.partition("#")[0].strip()
    suffix_match = SUFFIX.search(path)
    suffix = suffix_match.group(1).lower() if suffix_match else ""
    if suffix not in IMAGE_SUFFIXES and suffix not in FILE_SUFFIXES:
        state.pos = start + 1
        if parse_wikilink(state, silent):
            if not silent:
                state.tokens[-1].meta["embed"] = True
            return True
        state.pos = start
        return False
    url = safe_url(spec)  # spaces and non-ASCII percent-encoded, like `![](<fig 1.png>)`
    if not url:
        return False
    if not silent:
        if suffix in IMAGE_SUFFIXES:
            push_image(state, url, path, options)
        else:
            push_file_link(state, url, path, options)
    state.pos = end + 2
    return True


def push_image(state, url: str, path: str, options: list[str]) -> None:
    """An `image` token like markdown-it's own, so the alt text and the reference are handled the same way."""
    alt = path.rsplit("/", 1)[-1]  # Obsidian's default alt is the file name
    size = None
    for option in options:
        if SIZE.match(option):
            size = SIZE.match(option)
        elif option:
            alt = option
    token = state.push("image", "img", 0)
    token.attrs = {"src": url, "alt": ""}
    if size:
        token.attrs["width"] = size.group(1)
        if size.group(2):
            token.attrs["height"] = size.group(2)
    text = Token("text", "", 0, content=alt)
    token.children = [text]
    token.content = alt


def push_file_link(state, url: str, path: str, options: list[str]) -> None:
    label = next((option for option in options if option), path.rsplit("/", 1)[-1])
    state.push("link_open", "a", 1).attrs = {"href": url}
    state.push("text", "", 0).content = label
    state.push("link_close", "a", -1)


# Tags


def parse_tag(state, silent: bool) -> bool:
    """`#name` after a space or an opening bracket: not `C#`, not `page#3`, not `#123`."""
    src, start = state.src, state.pos
    if src[start] != "#":
        return False
    if start > 0 and not src[start - 1].isspace() and src[start - 1] not in TAG_MAY_FOLLOW:
        return False
    match = TAG.match(src, start)
    if not match:
        return False
    name = match.group(1).strip("/")
    if not LETTER.search(name):
        return False
    if not silent:
        token = state.push("obsidian_tag", "span", 0)
        token.meta = {"name": name}
        token.content = "#" + name
    state.pos = start + 1 + len(match.group(1).rstrip("/"))
    return True


def render_tag(self, tokens, idx, options, env) -> str:
    return f'<span class="tag">#{escape(tokens[idx].meta["name"], quote=False)}</span>'


# Comments


def parse_comment_inline(state, silent: bool) -> bool:
    """`%%…%%` within a paragraph: dropped. An unclosed `%%` stays as text (and is warned about)."""
    start = state.pos
    if not state.src.startswith(COMMENT, start):
        return False
    close = state.src.find(COMMENT, start + 2, state.posMax)
    if close < 0:
        return False
    state.pos = close + 2
    return True


def parse_comment_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """Lines from one starting with `%%` to one ending with `%%`, blank lines and all: dropped."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    first = line_text(state, start_line)
    if not first.startswith(COMMENT):
        return False
    rest, line = first[2:], start_line
    while (close := rest.find(COMMENT)) < 0:
        line += 1
        if line >= end_line or (not state.isEmpty(line) and state.sCount[line] < state.blkIndent):
            return False
        rest = line_text(state, line)
    if rest[close + 2 :].strip():
        return False  # text after the closing `%%`: an inline comment in a paragraph
    if not silent:
        state.line = line + 1
    return True


# Callouts


def make_callouts(state) -> None:
    """Turn `> [!type] Title` quotes into callout tokens, before inline parsing so the title is Markdown too."""
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        if tokens[index].type == "blockquote_open" and index + 2 < len(tokens):
            paragraph, inline = tokens[index + 1], tokens[index + 2]
            first, _newline, body = inline.content.partition("\n")
            match = CALLOUT.match(first) if paragraph.type == "paragraph_open" and inline.type == "inline" else None
            if match:
                index = make_callout(tokens, index, match, body)
        index += 1


def make_callout(tokens: list[Token], open_index: int, match: re.Match, body: str) -> int:
    """Rewrite one quote in place; returns the index of the title's closing token."""
    kind, fold, title = match.group(1).lower(), match.group(2), match.group(3).strip()
    opening = tokens[open_index]
    closing = tokens[matching_close(tokens, open_index)]
    paragraph, inline = tokens[open_index + 1], tokens[open_index + 2]
    title_tag = "summary" if fold else "p"
    meta = {"kind": kind, "fold": fold}
    opening.type, opening.meta = "callout_open", meta
    closing.type, closing.meta = "callout_close", meta
    heading = inline.copy()
    heading.content = title or kind[:1].upper() + kind[1:]
    heading.children = []
    title_open = Token("callout_title_open", title_tag, 1, map=opening.map, meta=meta)
    title_close = Token("callout_title_close", title_tag, -1, meta=meta)
    if body.strip():
        inline.content = body
        for token in (paragraph, inline):
            if token.map:
                token.map = [token.map[0] + 1, token.map[1]]
        tokens[open_index + 1 : open_index + 1] = [title_open, heading, title_close]
    else:
        tokens[open_index + 1 : open_index + 4] = [title_open, heading, title_close]
    return open_index + 3


def matching_close(tokens: list[Token], open_index: int) -> int:
    """Counted by nesting, not `level`: the footnote plugin leaves `level` at 0 inside footnotes."""
    depth = 0
    for index in range(open_index, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    raise ValueError("a blockquote without its closing token")


def render_callout_open(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    kind = escape(meta["kind"])
    tag = "details" if meta["fold"] else "div"
    open_attr = " open" if meta["fold"] == "+" else ""
    return f'<{tag} class="callout callout-{kind}" data-callout="{kind}"{open_attr}>\n'


def render_callout_close(self, tokens, idx, options, env) -> str:
    return "</details>\n" if tokens[idx].meta["fold"] else "</div>\n"


def render_callout_title_open(self, tokens, idx, options, env) -> str:
    return f'<{tokens[idx].tag} class="callout-title">'


def render_callout_title_close(self, tokens, idx, options, env) -> str:
    return f"</{tokens[idx].tag}>\n"


# Collecting


def collect_tags_and_open_comments(state) -> None:
    """Record inline tags in `env["inline_tags"]` and warn once about a `%%` left open (its text is published)."""
    tags: dict[str, None] = {}
    warned = False
    for _block, token, line in walk_with_lines(state.tokens):
        if token is None:
            continue
        if token.type == "obsidian_tag":
            tags.setdefault(token.meta["name"])
        elif token.type == "image" and token.children:
            token.children = [untagged(child) for child in token.children]
        elif token.type == "text" and COMMENT in token.content and not warned:
            warned = True
            state.env.setdefault("markup_warnings", []).append(
                MarkupWarning(
                    line,
                    "An Obsidian comment opened with %% is not closed, so its text is shown on the page.",
                    "Close it with %% in the same paragraph, or put both %% on lines of their own around "
                    "several paragraphs.",
                )
            )
    state.env["inline_tags"] = list(tags)


def untagged(token: Token) -> Token:
    """A tag inside an image's alt text is just text: `alt` attributes hold no markup."""
    if token.type != "obsidian_tag":
        return token
    return Token("text", "", 0, content=token.content)
