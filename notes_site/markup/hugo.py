"""Hugo shortcodes (`{{< name args >}}`, `{{% name args %}}`), so notes from a Hugo site build unchanged.

As with `liquid_tags`, shortcodes become ordinary markdown-it tokens: a figure's image and links get link
markers (page bundles resolve, `check` sees them), a `ref` is a wikilink, a highlight is a fence, so word
counts, search text and excerpts work on them as on Markdown. Shortcodes in code are left alone, except
Hugo's escaped form `{{</* x */>}}`, shown as `{{< x >}}` wherever it is written, as Hugo shows it. A
theme's paired shortcode on lines of its own is a box whose Markdown is kept (`hugo_boxes`); any other
shortcode we do not know stays visible as written and is reported as a `MarkupWarning` with its line.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.token import Token

from notes_site.markup.hugo_boxes import UNSUPPORTED, push_box
from notes_site.markup.hugo_syntax import (
    ESCAPED,
    SHORTCODE_LINE,
    Shortcode,
    argument,
    push_html,
    push_inline,
    scan_shortcode,
    text_token,
    unescape,
    written,
)
from notes_site.markup.tokens import (
    NOTE_SUFFIXES,
    MarkupWarning,
    last_position,
    line_text,
    plain_box_warning,
    render_prepared,
    safe_url,
    tokenize_lines,
    walk_with_lines,
)

DESTINATION_END = re.compile(r"(#[^\s)]*)?\s*\)")
MAX_LINES = 30  # a shortcode's arguments may run over several lines; Hugo's rarely take more than a few

BLOCK_SHORTCODES = ("figure", "highlight", "details")
PAIRED = ("highlight", "details")
# Hugo's own shortcodes; any other name comes from a theme or the site's layouts/shortcodes/.
HUGO_OWN = (
    "figure", "highlight", "details", "ref", "relref", "youtube", "vimeo",
    "gist", "instagram", "param", "qr", "tweet", "x",
)  # fmt: skip
REFS = ("ref", "relref")
VIDEO_PAGES = {
    "youtube": ("https://www.youtube.com/watch?v=", "YouTube video"),
    "vimeo": ("https://vimeo.com/", "Vimeo video"),
}
TRUE_WORDS = ("true", "open", "yes", "1")
PLAIN_TYPES = ("text", "text_special", "code_inline", "softbreak", "hardbreak")
ALT_FROM = "hugo_alt_from"  # a figure's image whose alt text is its caption once the caption is parsed
ATTRIBUTION = "hugo_attribution"  # a figure's `attr`, to be linked to its `attrlink`
DESTINATION_KEY = "notes_site.hugo_destination"  # in env: where the next `({{` of the inline text is


def hugo_shortcodes_plugin(md: MarkdownIt) -> None:
    """Add the block shortcodes, the inline ones, `[text]({{< ref >}})` and the pass that reports unknown ones."""
    md.block.ruler.before(
        "fence", "hugo_block", parse_block_shortcode, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.inline.ruler.before("link", "hugo_destination", parse_ref_destination)
    md.inline.ruler.before("link", "hugo_inline", parse_inline_shortcode)
    md.core.ruler.after("inline", "hugo_finish", finish_shortcodes)
    for kind in ("hugo_open", "hugo_html", "hugo_close"):
        md.add_render_rule(kind, render_prepared)


# Block shortcodes


def parse_block_shortcode(state, start: int, end: int, silent: bool) -> bool:
    """A figure on lines of its own; a highlight, details or theme box whose closing stands on a line of its own."""
    if state.is_code_block(start) or not state.src.startswith("{{", state.bMarks[start] + state.tShift[start]):
        return False
    found = whole_line_shortcode(state, start)
    if found is None:
        return False
    shortcode, last = found
    if shortcode.closing or (shortcode.name in HUGO_OWN and shortcode.name not in BLOCK_SHORTCODES):
        return False
    closing = find_closing_line(state, last, shortcode.name) if shortcode.name != "figure" else last
    if closing is None:
        return False  # shown as written, and reported, by the inline rule
    if silent:
        return True
    if shortcode.name == "figure":
        push_figure(state, shortcode, [start, last + 1])
    elif shortcode.name == "highlight":
        push_highlight(state, shortcode, start, last, closing)
    elif shortcode.name == "details":
        push_details(state, shortcode, start, last, closing)
    else:
        push_box(state, shortcode, start, last, closing)
    state.line = closing + 1
    return True


def whole_line_shortcode(state, start: int) -> tuple[Shortcode, int] | None:
    """The shortcode filling its lines from `start`, and its last line; its arguments may run over several lines."""
    lines = []
    for line in range(start, min(state.lineMax, start + MAX_LINES)):
        text = line_text(state, line)
        if line > start and (not text.strip() or state.sCount[line] < state.blkIndent):
            return None
        lines.append(text)
        if "}}" in text:
            joined = "\n".join(lines)
            shortcode = scan_shortcode(joined, 0, len(joined))
            if shortcode is not None:
                return (shortcode, line) if not joined[shortcode.end :].strip() else None
    return None


def find_closing_line(state, after: int, name: str) -> int | None:
    """The line of the `{{< /name >}}` that closes the block opened on the lines up to `after`."""
    if last_position(state, "/" + name) < state.bMarks[after]:
        return None  # most notes: no need to read every line after the opening
    depth = 1
    for line in range(after + 1, state.lineMax):
        text = line_text(state, line)
        if text and state.sCount[line] < state.blkIndent:
            return None  # the list item or quote holding the block ended first
        match = SHORTCODE_LINE.match(text)
        if not match or match.group(2) != name:
            continue
        if match.group(1):
            depth -= 1
            if depth == 0:
                return line
        elif name != "highlight":  # a highlight holds code, where an opening means nothing
            depth += 1
    return None


def push_figure(state, shortcode: Shortcode, line_map: list[int]) -> None:
    """Hugo's figure: `<figure><a><img></a><figcaption><h4>title</h4><p>caption attr</p></figcaption></figure>`."""
    title, caption, attribution = (argument(shortcode, key) for key in ("title", "caption", "attr"))
    css = argument(shortcode, "class")
    push_html(state, f'<figure class="{escape(css)}">\n' if css else "<figure>\n", 1, line_map)
    image_tokens = figure_image(state.md, shortcode, in_link=False)
    push_inline(state, "", line_map, image_tokens)
    if not (title or caption or attribution):
        push_html(state, "\n</figure>\n", -1, line_map)
        return
    push_html(state, "\n<figcaption>\n", 0, line_map)
    if title:
        push_html(state, "<h4>", 0, line_map)
        push_inline(state, "", line_map, [text_token(title)])
        push_html(state, "</h4>\n", 0, line_map)
    if caption or attribution:
        push_html(state, "<p>", 0, line_map)
        caption_token = push_inline(state, caption, line_map)
        image = next(token for token in image_tokens if token.type == "image")
        if caption and not argument(shortcode, "alt"):
            image.meta[ALT_FROM] = caption_token
        if attribution:
            link = safe_url(argument(shortcode, "attrlink"))
            push_inline(state, attribution, line_map).meta[ATTRIBUTION] = (link, bool(caption))
        push_html(state, "</p>\n", 0, line_map)
    push_html(state, "</figcaption>\n</figure>\n", -1, line_map)


def figure_image(md: MarkdownIt, shortcode: Shortcode, in_link: bool) -> list[Token]:
    """The image, inside a link when the figure has one: Markdown's tokens, so relative URLs get link markers."""
    image = Token("image", "img", 0)
    image.attrs = {"src": safe_url(argument(shortcode, "src", 0)), "alt": ""}
    for key in ("width", "height", "loading"):
        if argument(shortcode, key):
            image.attrs[key] = argument(shortcode, key)
    alt = argument(shortcode, "alt")
    image.children = [text_token(alt)] if alt else []
    image.content = alt
    link = safe_url(argument(shortcode, "link"))
    if not link or in_link:
        return [image]
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": link}
    for key in ("target", "rel"):
        if argument(shortcode, key):
            opening.attrs[key] = argument(shortcode, key)
    return [opening, image, Token("link_close", "a", -1)]


def push_highlight(state, shortcode: Shortcode, start: int, last: int, closing: int) -> None:
    """A fence token, so the code is highlighted, counted and searched like a fenced block; options are ignored."""
    token = state.push("fence", "code", 0)
    token.info = argument(shortcode, "lang", 0)
    token.content = state.getLines(last + 1, closing, state.sCount[start], True)
    token.markup = written("highlight", shortcode.delimiter)
    token.map = [start, closing + 1]


def push_details(state, shortcode: Shortcode, start: int, last: int, closing: int) -> None:
    """Hugo 0.140's details: a `<details>` whose summary and body are Markdown."""
    attributes = "".join(
        f' {key}="{escape(argument(shortcode, key))}"' for key in ("class", "name", "title") if argument(shortcode, key)
    )
    if argument(shortcode, "open").lower() in TRUE_WORDS:
        attributes += " open"
    push_html(state, f"<details{attributes}><summary>", 1, [start, closing + 1])
    push_inline(state, argument(shortcode, "summary") or "Details", [start, last + 1])
    push_html(state, "</summary>\n", 0, [start, last + 1])
    tokenize_lines(state, last + 1, closing)
    push_html(state, "</details>\n", -1, [closing, closing + 1])


# Inline shortcodes


def parse_inline_shortcode(state, silent: bool) -> bool:
    """A shortcode in running text, the escaped form, and what the block rule left (shown and reported)."""
    pos = state.pos
    if not state.src.startswith("{{", pos) or state.src[pos + 2 : pos + 3] not in ("<", "%"):
        return False
    escaped = ESCAPED.match(state.src, pos, state.posMax)
    if escaped:
        if not silent:
            push_lines(state, unescape(escaped.group(0)))
        state.pos = escaped.end()
        return True
    shortcode = scan_shortcode(state.src, pos, state.posMax)
    if shortcode is None:
        return False
    if not silent:
        push_inline_shortcode(state, shortcode, state.src[pos : shortcode.end])
    state.pos = shortcode.end
    return True


def push_inline_shortcode(state, shortcode: Shortcode, source: str) -> None:
    """Tokens for the shortcode, or its text as written with a warning to come from `finish_shortcodes`."""
    name = shortcode.name
    if shortcode.closing:
        push_lines(state, source)  # the opening, shown as written too, is the one reported
    elif name in REFS:
        push_ref(state, argument(shortcode, "path", 0), "", source)
    elif name in VIDEO_PAGES and argument(shortcode, "id", 0):
        push_video(state, shortcode)
    elif name == "figure":
        push_inline_figure(state, shortcode)
    else:
        push_lines(state, source, shortcode)
        return
    push_line_breaks(state, source.count("\n"))


def push_lines(state, text: str, reported: Shortcode | None = None) -> None:
    """Text as written, its line breaks kept as softbreaks so later lines are counted right."""
    for index, piece in enumerate(text.split("\n")):
        if index:
            state.push("softbreak", "br", 0)
        token = state.push("hugo_text" if reported and not index else "text", "", 0)
        token.content = piece
        if reported and not index:
            token.meta = {"shortcode": reported}


def push_line_breaks(state, count: int) -> None:
    """A shortcode written over several lines is shown on one: the lines after it still count from the note."""
    for _ in range(count):
        state.push("softbreak", "br", 0)


def push_built(state, tokens: list[Token]) -> None:
    """Tokens made apart from the inline state, pushed through it so its bookkeeping stays right."""
    for built in tokens:
        token = state.push(built.type, built.tag, built.nesting)
        token.attrs, token.children, token.content = built.attrs, built.children, built.content
        token.markup, token.info, token.meta = built.markup, built.info, built.meta


def parse_markdown(state, text: str) -> list[Token]:
    """Inline Markdown from an argument (a caption), parsed on its own, to be added with `push_built`."""
    parsed: list[Token] = []
    state.md.inline.parse(text, state.md, state.env, parsed)
    return parsed


def push_inline_figure(state, shortcode: Shortcode) -> None:
    """A figure inside running text or a table cell: the same parts in spans, which may stand there."""
    image_tokens = figure_image(state.md, shortcode, in_link=state.linkLevel > 0)
    title, caption, attribution = (argument(shortcode, key) for key in ("title", "caption", "attr"))
    caption_tokens = parse_markdown(state, caption) if caption else []
    if caption and not argument(shortcode, "alt"):
        image = next(token for token in image_tokens if token.type == "image")
        image.children = [text_token(plain_text(caption_tokens))]
    state.push("html_inline", "", 0).content = '<span class="figure">'
    push_built(state, image_tokens)
    if title or caption or attribution:
        state.push("html_inline", "", 0).content = ' <span class="figcaption">'
        parts = [[text_token(title)]] if title else []
        parts += [caption_tokens] if caption else []
        if attribution:
            link = "" if state.linkLevel > 0 else safe_url(argument(shortcode, "attrlink"))
            parts.append(linked(parse_markdown(state, attribution), link))
        for index, part in enumerate(parts):
            push_built(state, [text_token(" ")] * bool(index) + part)
        state.push("html_inline", "", 0).content = "</span>"
    state.push("html_inline", "", 0).content = "</span>"


def push_video(state, shortcode: Shortcode) -> None:
    """A plain link to the video's page: the site loads nothing from elsewhere."""
    page, default_label = VIDEO_PAGES[shortcode.name]
    label = argument(shortcode, "title") or default_label
    if state.linkLevel > 0:
        state.push("text", "", 0).content = label
        return
    state.push("link_open", "a", 1).attrs = {"href": page + quote(argument(shortcode, "id", 0), safe="")}
    state.push("text", "", 0).content = label
    state.push("link_close", "a", -1)


# References to other notes


def ref_target(spec: str) -> tuple[str, str, str]:
    """("link" or "wiki", target, anchor) for the path a `ref` names.

    Hugo looks from the note's folder, then from content/, or by name. `./x.md` and `../x.md` are
    relative links, resolved from the note's file like Markdown links. Any other path is a wikilink,
    which finds the note wherever it sits: by its path from content/ when a file is named
    (`posts/x.md`, `/posts/x/index.md`), else by name (`x`, and `/posts/x`, a file or a bundle).
    """
    path, _hash, anchor = spec.strip().partition("#")
    if path.startswith(("./", "../")) and path.endswith(NOTE_SUFFIXES):
        return "link", path, anchor
    path = path.strip("/")
    if path.endswith(NOTE_SUFFIXES) and "/" in path:
        return "wiki", path.rsplit(".", 1)[0], anchor
    name = path.rsplit("/", 1)[-1]
    return "wiki", (name.rsplit(".", 1)[0] if name.endswith(NOTE_SUFFIXES) else name), anchor


def push_ref(state, spec: str, label: str, source: str, label_range: tuple[int, int] | None = None) -> None:
    """A link to the note `spec` names: a wikilink, or a marked relative link for `./` and `../` paths."""
    if state.linkLevel > 0:  # a link inside a link is invalid HTML: keep the text only
        state.push("text", "", 0).content = label or spec
        return
    kind, target, anchor = ref_target(spec)
    if kind == "wiki":
        token = state.push("wikilink", "", 0)
        token.meta = {"target": target, "anchor": anchor, "label": label}
        token.content = source
        return
    state.push("link_open", "a", 1).attrs = {"href": safe_url(target + ("#" + anchor if anchor else ""))}
    if label_range is None:
        state.push("text", "", 0).content = spec
    else:
        old_pos, old_max = state.pos, state.posMax
        state.pos, state.posMax = label_range
        state.linkLevel += 1
        state.md.inline.tokenize(state)
        state.linkLevel -= 1
        state.pos, state.posMax = old_pos, old_max
    state.push("link_close", "a", -1)


def next_destination(state) -> int:
    """Where the next `({{` of this inline text is (-1: none), searched once per text rather than at every `[`."""
    cached = state.env.get(DESTINATION_KEY)
    if cached is None or cached[0] is not state.src or cached[1] > state.pos or 0 <= cached[2] < state.pos:
        cached = (state.src, state.pos, state.src.find("({{", state.pos))
        state.env[DESTINATION_KEY] = cached
    return cached[2]


def parse_ref_destination(state, silent: bool) -> bool:
    """`[text]({{< ref "x.md" >}})`: CommonMark sees no link there (a destination has no spaces), so read it here."""
    if not state.src.startswith("[", state.pos) or state.linkLevel > 0 or next_destination(state) < 0:
        return False
    label_end = parseLinkLabel(state, state.pos, True)
    if label_end < 0 or not state.src.startswith("(", label_end + 1):
        return False
    at = label_end + 2
    while at < state.posMax and state.src[at] in " \t\n":
        at += 1
    shortcode = scan_shortcode(state.src, at, state.posMax)
    if shortcode is None or shortcode.closing or shortcode.name not in REFS:
        return False
    rest = DESTINATION_END.match(state.src, shortcode.end, state.posMax)
    if rest is None:
        return False
    if not silent:
        spec = argument(shortcode, "path", 0)
        if rest.group(1) and "#" not in spec:
            spec += rest.group(1)
        label_start = state.pos + 1
        push_ref(
            state, spec, state.src[label_start:label_end], state.src[state.pos : rest.end()], (label_start, label_end)
        )
        push_line_breaks(state, state.src.count("\n", label_end, rest.end()))
    state.pos = rest.end()
    return True


# Core pass


def plain_text(tokens: list[Token]) -> str:
    """What a reader sees of parsed inline Markdown, for an image's alt text."""
    return "".join(" " if t.type in ("softbreak", "hardbreak") else t.content for t in tokens if t.type in PLAIN_TYPES)


def finish_shortcodes(state) -> None:
    """Report unknown shortcodes with their lines, finish figures, and show `{{</* x */>}}` in code as `{{< x >}}`."""
    if "{{" not in state.src:
        return
    warnings = state.env.setdefault("markup_warnings", [])
    for block, token, line in walk_with_lines(state.tokens):
        if token is None:
            if block.type in ("fence", "code_block", "html_block"):
                block.content = unescape(block.content)
            elif block.type == "inline" and ATTRIBUTION in block.meta:
                link_attribution(block)
            elif block.type == "hugo_open" and UNSUPPORTED in block.meta:
                warnings.append(box_warning(line, block.meta.pop(UNSUPPORTED)))
        elif token.type in ("code_inline", "html_inline"):
            token.content = unescape(token.content)
        elif token.type == "hugo_text":
            warnings.append(unsupported_warning(line, token.meta.pop("shortcode")))
            token.type = "text"
        elif token.type == "image" and ALT_FROM in token.meta:
            token.children = [text_token(plain_text(token.meta.pop(ALT_FROM).children))]


def link_attribution(block: Token) -> None:
    """A figure's `attr`, after a space when a caption comes first, inside a link to `attrlink` when there is one."""
    link, after_caption = block.meta.pop(ATTRIBUTION)
    children = linked(block.children, link)
    block.children = [text_token(" "), *children] if after_caption else children


def linked(tokens: list[Token], url: str) -> list[Token]:
    """`tokens` inside a link to `url`, or as they are when there is no URL."""
    if not url:
        return tokens
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": url}
    return [opening, *tokens, Token("link_close", "a", -1)]


def box_warning(line: int, shortcode: Shortcode) -> MarkupWarning:
    opening = written(shortcode.name, shortcode.delimiter)
    return plain_box_warning(line, "shortcode", opening, f"shortcode-{shortcode.name}", "a Hugo theme")


def unsupported_warning(line: int, shortcode: Shortcode) -> MarkupWarning:
    name = shortcode.name
    opening, closing = written(name, shortcode.delimiter), written(name, shortcode.delimiter, closing=True)
    if name in PAIRED:
        return MarkupWarning(
            line,
            f"the shortcode `{opening}` has no matching `{closing}` on a line of its own, so it is shown as written.",
            f"Put `{opening}` and `{closing}` each on a line of its own.",
        )
    if name in VIDEO_PAGES:
        return MarkupWarning(
            line,
            f"the shortcode `{opening}` names no video, so it is shown as written.",
            f"Give the video's id: {{{{< {name} VIDEO_ID >}}}}.",
        )
    return MarkupWarning(
        line,
        f"the Hugo shortcode `{opening}` is not supported, so it is shown as written.",
        "Replace it with Markdown (a link, an image or a quote), or remove it.",
    )
