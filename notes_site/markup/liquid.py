"""Hexo (with NexT) and Jekyll `{% tag %}` syntax, so notes brought from those sites render without edits.

Tags become ordinary markdown-it tokens (images, links, wikilinks, fences, nested blocks), so link
markers, wikilink collection, highlighting, word counts and excerpts work on them as on Markdown.
Tags in code spans and code blocks are never touched; `{{ … }}` is left alone. A plugin's or theme's
paired tag we do not know, opened and ended on lines of their own, keeps its content: a formula
(`{% math %}`, hexo-math) is typeset; a fold (`{% folding Title %}`) folds; a chart or diagram
(`{% echarts %}`, `{% mermaid %}`) is shown as its source code; anything else is Markdown in
`<div class="shortcode liquid-NAME">`; `{% comment %}` hides its lines as Liquid does. Any other tag
we do not know stays visible as written. Charts, boxes and unknown tags are reported as a
`MarkupWarning` with their line.
"""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.token import Token

from notes_site.markup.highlight import find_lexer
from notes_site.markup.tokens import (
    LINK_CLOSE,
    LINK_OPEN,
    MarkupWarning,
    is_relative,
    last_position,
    line_text,
    plain_box_warning,
    render_prepared,
    safe_url,
    tokenize_lines,
    walk_with_lines,
)

TAG = re.compile(r"\{%-?\s*([A-Za-z_][\w-]*)([^\n]*?)\s*-?%\}")
WHOLE_LINE_TAG = re.compile(r"^\{%-?\s*([A-Za-z_][\w-]*)([^\n]*?)\s*-?%\}\s*$")
ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
ARGUMENT = re.compile(r'"([^"]*)"|\'([^\']*)\'|(\S+)')
# `[text]({% link x.md %})`, also after Jekyll's `{{ site.url }}{{ site.baseurl }}` prefixes.
TAG_DESTINATION = re.compile(
    r"\(\s*(?:\{\{\s*site\.(?:url|baseurl)\s*\}\})*\{%-?\s*(link|post_url|asset_path)\s+([^\n%]*?)\s*-?%\}\s*\)"
)
ASSET_PATH = re.compile(r"\{%-?\s*asset_path\s+([^\n%]*?)\s*-?%\}")
# Jekyll's URLs of the site's own files in raw HTML: `{{ '/assets/x.png' | relative_url }}` (or
# absolute_url) and `{{ site.baseurl }}/assets/x.png` both mean /assets/x.png, which site/resolve.py
# finds in the site like any link from the site's root.
URL_FILTER = re.compile(r"""\{\{-?\s*(["'])([^"'{}\n]*)\1\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}""")
SITE_PREFIX = re.compile(r"(?:\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\})+(?=/)")
# `src="{{ "/x.png" | relative_url }}"`: Liquid runs before Markdown in Jekyll, but here the inner
# quotes would end the attribute and the tag would show as text.
QUOTED_URL_FILTER = re.compile(r'(=\s*)"\{\{-?\s*"([^"\'{}\n]*)"\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}"')
TAB_START = re.compile(r"^<!--\s*tab(?:\s+(.*?))?\s*-->\s*$")
TAB_END = re.compile(r"^<!--\s*endtab\s*-->\s*$")
NUMBER = re.compile(r"^\d+$")

BLOCK_TAGS = ("raw", "codeblock", "highlight", "blockquote", "note", "tabs")
NESTABLE = ("blockquote", "note", "tabs")  # the others hold raw text, where an inner opening tag means nothing
MATH_TAGS = ("math", "katex", "mathjax", "latex")  # hexo-math and kin: TeX between the tags
DIAGRAM_TAGS = ("echarts", "mermaid", "plantuml", "puml", "flowchart", "flow", "sequence", "chart", "dot", "graphviz")
# Tags whose content is text, not Markdown: an opening tag inside them opens nothing (a plugin's unknown tag nests).
HOLDS_TEXT = tuple(tag for tag in BLOCK_TAGS if tag not in NESTABLE) + MATH_TAGS + DIAGRAM_TAGS
FOLD_TAGS = ("folding", "fold", "hideToggle", "hideBlock", "spoiler", "details")  # Butterfly and kin: foldable
TEMPLATE_TAGS = ("if", "unless", "for", "case", "capture", "tablerow")  # Liquid's logic: shown as written
UNKNOWN_BLOCK = "liquid_unknown_block"  # in an opening or fence token: the tag to report
NOTE_CLASSES = ("default", "primary", "info", "success", "warning", "danger")
RAW_KEY = "notes_site.liquid_raw"  # in env while a `{% raw %}` block's text is parsed: no tags inside
RAW_INLINE = "liquid_raw_inline"  # an inline token of a raw block, hidden from the core inline rule


def liquid_tags_plugin(md: MarkdownIt) -> None:
    """Add the block tags, the inline tags and the pass that reports unknown tags with their lines."""
    md.block.ruler.before(
        "fence", "liquid_block", parse_block_tag, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.inline.ruler.before("link", "liquid_destination", parse_tag_destination)
    md.inline.ruler.before("link", "liquid_inline", parse_inline_tag)
    md.core.ruler.before("inline", "liquid_raw_inline", parse_raw_inlines)
    md.core.ruler.before("inline", "jekyll_quoted_urls", quoted_url_attributes)
    md.core.ruler.after("inline", "liquid_finish", finish_tags)
    for kind in ("liquid_open", "liquid_close"):
        md.add_render_rule(kind, render_prepared)


def split_arguments(text: str) -> list[str]:
    """Hexo's argument splitting: words, or "quoted" / 'quoted' runs with spaces."""
    return [next(part for part in match.groups() if part is not None) for match in ARGUMENT.finditer(text)]


def marked_url(url: str) -> str:
    """A URL for HTML: relative ones wrapped for site/resolve.py, like Markdown links."""
    return LINK_OPEN + escape(url) + LINK_CLOSE if is_relative(url) else escape(url)


def file_stem(name: str) -> str:
    """`_posts/2024-01-01-x.md` or `/2024/2024-01-01-x` → `2024-01-01-x`: wikilinks name notes by file."""
    stem = name.strip().rstrip("/").rsplit("/", 1)[-1]
    return stem[:-3] if stem.endswith(".md") else stem


def jekyll_link_path(path: str) -> str:
    """Jekyll's `{% link %}` path counts from the site root, ours from the note.

    Posts sit side by side (in `_posts/`, or together in `content/` once moved), so a post's
    path is its file name; other paths are kept, which is right for notes at the top of content/.
    """
    path = path.strip().lstrip("/")
    for folder in ("_posts/", "_drafts/"):
        if path.startswith(folder):
            return path.removeprefix(folder).rsplit("/", 1)[-1]
    return path


# Block tags


def find_end_line(state, start: int, name: str) -> int | None:
    """The line of the `{% endname %}` that closes the tag opened on `start`, counting nested ones."""
    if last_position(state, "end" + name) < state.eMarks[start]:
        return None  # `{% asset_img %}` lines: no need to read every line after each one
    depth = 1
    for line in range(start + 1, state.lineMax):
        text = line_text(state, line)
        if text and state.sCount[line] < state.blkIndent:
            return None  # the list item or quote holding the tag ended first
        match = WHOLE_LINE_TAG.match(text)
        if not match:
            continue
        if match.group(1) == "end" + name:
            depth -= 1
            if depth == 0:
                return line
        elif match.group(1) == name and name not in HOLDS_TEXT:
            depth += 1
    return None


def parse_block_tag(state, start: int, end: int, silent: bool) -> bool:
    """A paired tag whose opening and end tags each stand on a line of their own."""
    if state.env.get(RAW_KEY) or state.is_code_block(start):
        return False
    match = WHOLE_LINE_TAG.match(line_text(state, start))
    if not match or match.group(1) in TEMPLATE_TAGS or match.group(1).startswith("end"):
        return False
    name, arguments = match.group(1), match.group(2).strip()
    end_line = find_end_line(state, start, name)
    if end_line is None:
        return False  # shown as written, and reported, by the inline rule
    if silent:
        return True
    if name in ("codeblock", "highlight"):
        push_code(state, start, end_line, name, arguments)
    elif name == "tabs":
        push_tabs(state, start, end_line, arguments)
    elif name in BLOCK_TAGS:
        opening, closing = wrapper_html(name, arguments)
        push_nested(state, start, end_line, opening, closing, raw=name == "raw")
    else:
        push_unknown_block(state, start, end_line, name, arguments)
    state.line = end_line + 1
    return True


def push_unknown_block(state, start: int, end_line: int, name: str, arguments: str) -> None:
    """A plugin's paired tag: a formula, a chart's source as code, a fold, a comment hidden, or a box of Markdown."""
    lines = [start, end_line + 1]
    if name in FOLD_TAGS:  # `{% folding cyan open, Title %}`: the options before the comma, the title after
        options, _comma, title = arguments.rpartition(",") if "," in arguments else ("", "", arguments)
        is_open = " open" if "open" in options.split() else ""
        summary = f'<summary class="callout-title">{escape(title.strip() or "Details")}</summary>\n'
        push_wrapper(state, f'<details class="callout callout-note"{is_open}>{summary}', 1, lines)
        tokenize_lines(state, start + 1, end_line)
        push_wrapper(state, "</details>\n", -1, [end_line, end_line + 1])
        return
    if name in MATH_TAGS or name in DIAGRAM_TAGS:
        token = state.push(*(("math_block", "math") if name in MATH_TAGS else ("fence", "code")), 0)
        token.content = state.getLines(start + 1, end_line, state.sCount[start], True)
        token.info, token.markup, token.map = name, "{% " + name + " %}", lines
        if name in DIAGRAM_TAGS:
            token.meta[UNKNOWN_BLOCK] = name
    elif name != "comment":
        push_wrapper(state, f'<div class="shortcode liquid-{escape(name)}">\n', 1, lines).meta[UNKNOWN_BLOCK] = name
        tokenize_lines(state, start + 1, end_line)
        push_wrapper(state, "</div>\n", -1, [end_line, end_line + 1])


def push_wrapper(state, html: str, nesting: int, line_map: list[int]) -> Token:
    token = state.push("liquid_open" if nesting > 0 else "liquid_close", "", nesting)
    token.block = True
    token.meta = {"html": html}
    token.map = line_map
    return token


def push_nested(state, start: int, end_line: int, opening: str, closing: str, raw: bool = False) -> None:
    """A tag whose lines are Markdown; a raw block's are parsed with no block tags (inline: `parse_raw_inlines`)."""
    push_wrapper(state, opening, 1, [start, end_line + 1]).meta["raw_start"] = raw
    if raw:
        state.env[RAW_KEY] = True
    try:
        tokenize_lines(state, start + 1, end_line)
    finally:
        if raw:
            state.env.pop(RAW_KEY, None)
    push_wrapper(state, closing, -1, [end_line, end_line + 1]).meta["raw_end"] = raw


def wrapper_html(name: str, arguments: str) -> tuple[str, str]:
    if name == "raw":
        return "", ""
    if name == "note":
        return note_html(arguments)
    return '<blockquote class="tag-quote">\n', quote_footer(arguments) + "</blockquote>\n"


def note_html(arguments: str) -> tuple[str, str]:
    """NexT's callout: `{% note [class] [no-icon] [summary] %}`; with a summary it folds, as in NexT 8."""
    words = arguments.split()
    css = words.pop(0) if words and words[0] in NOTE_CLASSES else "default"
    classes = f"note note-{css}"
    if words and words[0] == "no-icon":
        words.pop(0)
        classes += " no-icon"
    if words:
        return f'<details class="{classes}"><summary>{escape(" ".join(words))}</summary>\n', "</details>\n"
    return f'<div class="{classes}">\n', "</div>\n"


def quote_footer(arguments: str) -> str:
    """Hexo's `{% blockquote [author[, source]] [link] [source_link_title] %}` footer."""
    words = arguments.split()
    link_at = next((i for i, word in enumerate(words) if re.match(r"^(https?:)?//", word)), None)
    link = words[link_at] if link_at is not None else ""
    link_title = " ".join(words[link_at + 1 :]) if link_at is not None else ""
    author, _comma, source = " ".join(words[:link_at]).partition(", ")
    if not (author or source or link):
        return ""
    parts = [f"<strong>{escape(author.strip())}</strong>"] if author.strip() else []
    cited = escape(source.strip() or link_title or link)
    if link:
        parts.append(f'<cite><a href="{marked_url(link)}">{cited}</a></cite>')
    elif source.strip():
        parts.append(f"<cite>{cited}</cite>")
    return "<footer>" + " ".join(parts) + "</footer>\n"


def code_language_and_caption(name: str, arguments: str) -> tuple[str, str, str, str]:
    """(language, title, url, link text) from Hexo's codeblock or Jekyll's highlight arguments.

    Hexo reads a lone word as a title; a lone word naming a language (`{% codeblock python %}`) is
    taken as the language instead, which is what people mean by it.
    """
    words = split_arguments(arguments)
    if name == "highlight":
        return (words[0] if words else ""), "", "", ""
    options = {w.split(":", 1)[0]: w.split(":", 1)[1] for w in words if re.match(r"^[a-z_]+:(?!//)", w)}
    rest = [w for w in words if not re.match(r"^[a-z_]+:(?!//)", w)]
    language = options.get("lang", "")
    if not language and len(rest) == 1 and find_lexer(rest[0].lower()) is not None:
        return rest[0], "", "", ""
    link_at = next((i for i, word in enumerate(rest) if re.match(r"^(https?:)?//", word)), None)
    if link_at is None:
        return language, " ".join(rest), "", ""
    return language, " ".join(rest[:link_at]), rest[link_at], " ".join(rest[link_at + 1 :])


def push_code(state, start: int, end_line: int, name: str, arguments: str) -> None:
    """A fence token, so it is highlighted, counted and searched like a fenced block; a caption wraps it."""
    language, title, url, link_text = code_language_and_caption(name, arguments)
    caption = f"<span>{escape(title)}</span>" if title else ""
    if url:
        caption += f' <a href="{marked_url(url)}">{escape(link_text or "link")}</a>'
    if caption:
        push_wrapper(
            state, f'<figure class="code-figure"><figcaption>{caption}</figcaption>\n', 1, [start, end_line + 1]
        )
    token = state.push("fence", "code", 0)
    token.info = language
    token.content = state.getLines(start + 1, end_line, state.sCount[start], True)
    token.markup = "{% " + name + " %}"
    token.map = [start, end_line + 1]
    if caption:
        push_wrapper(state, "</figure>\n", -1, [end_line, end_line + 1])


def push_tabs(state, start: int, end_line: int, arguments: str) -> None:
    """NexT tabs as `<details>` sections: every tab is reachable by keyboard and readable without JS."""
    name, _comma, chosen = arguments.partition(",")
    name = name.strip() or "Tab"
    chosen_index = int(chosen.strip()) if re.match(r"^\s*-?\d+\s*$", chosen) else 1
    push_wrapper(state, '<div class="tabs">\n', 1, [start, end_line + 1])
    line, number = start + 1, 0
    while line < end_line:
        opening = TAB_START.match(line_text(state, line))
        if not opening:
            line += 1
            continue
        close = next((n for n in range(line + 1, end_line) if TAB_END.match(line_text(state, n))), end_line)
        number += 1
        title = re.sub(r"\s*@\S+", "", opening.group(1) or "").strip() or f"{name} {number}"
        is_open = " open" if number == chosen_index else ""
        push_wrapper(state, f'<details class="tab"{is_open}><summary>{escape(title)}</summary>\n', 1, [line, close + 1])
        tokenize_lines(state, line + 1, close)
        push_wrapper(state, "</details>\n", -1, [close, close + 1])
        line = close + 1
    push_wrapper(state, "</div>\n", -1, [end_line, end_line + 1])


# Inline tags


def parse_inline_tag(state, silent: bool) -> bool:
    if not state.src.startswith("{%", state.pos) or state.env.get(RAW_KEY):
        return False
    match = TAG.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    name, arguments = match.group(1), match.group(2).strip()
    end = match.end()
    if name == "raw":
        closing = ENDRAW.search(state.src, end, state.posMax)
        if closing:
            if not silent:
                state.push("text", "", 0).content = state.src[end : closing.start()]
            state.pos = closing.end()
            return True
    if not silent:
        push_inline_tag(state, name, arguments, match.group(0))
    state.pos = end
    return True


def push_inline_tag(state, name: str, arguments: str, source: str) -> None:
    words = split_arguments(arguments)
    in_link = state.linkLevel > 0  # a link inside a link is invalid HTML: keep the text only
    if name == "asset_img" and words:
        push_image(state, *image_parts(words))
    elif name == "asset_path" and words:
        state.push("html_inline", "", 0).content = marked_url(words[0])
    elif name == "asset_link" and words:
        label = " ".join(words[1:]) or words[0]
        if in_link:
            state.push("text", "", 0).content = label
        else:
            push_link(state, words[0], label)
    elif name in ("post_link", "post_url") and words and not in_link:
        label = " ".join(w for w in words[1:] if w not in ("true", "false")) if name == "post_link" else ""
        push_wikilink(state, words[0], label, source)
        state.tokens[-1].meta["title_label"] = name == "post_link" and not label  # Hexo shows the post's title
    elif name == "link" and len(words) == 1 and not in_link:
        push_link(state, jekyll_link_path(words[0]), jekyll_link_path(words[0]))
    else:
        token = state.push("liquid_text", "", 0)
        token.content = source
        token.meta = {"name": name}


def image_parts(words: list[str]) -> tuple[str, str, str, list[str], list[str]]:
    """(file, title, alt, sizes, classes) from `{% asset_img [classes] file [width] [height] [title [alt]] %}`."""
    at = next((i for i, word in enumerate(words) if "." in word or "/" in word), 0)
    classes, file, rest = words[:at], words[at], words[at + 1 :]
    sizes = []
    while rest and NUMBER.match(rest[0]) and len(sizes) < 2:
        sizes.append(rest.pop(0))
    if len(rest) == 2 and " " in "".join(rest):  # "title text" "alt text"
        return file, rest[0], rest[1], sizes, classes
    title = " ".join(rest)
    return file, title, title, sizes, classes


def push_image(state, file: str, title: str, alt: str, sizes: list[str], classes: list[str]) -> None:
    token = state.push("image", "img", 0)
    token.attrs = {"src": file, "alt": ""}
    if title:
        token.attrs["title"] = title
    for attribute, value in zip(("width", "height"), sizes, strict=False):
        token.attrs[attribute] = value
    if classes:
        token.attrs["class"] = " ".join(classes)
    alt_text = Token("text", "", 0)
    alt_text.content = alt
    token.children = [alt_text]
    token.content = alt


def push_link(state, url: str, label: str) -> None:
    """A link as Markdown makes it: normalised, and only to a URL Markdown would link (no `javascript:`)."""
    href = safe_url(url)
    if not href:
        state.push("text", "", 0).content = label
        return
    state.push("link_open", "a", 1).attrs = {"href": href}
    state.push("text", "", 0).content = label
    state.push("link_close", "a", -1)


def push_wikilink(state, target: str, label: str, source: str) -> None:
    """The token `[[target|label]]` gives, so the wikilink is rendered and collected the same way."""
    spec, _hash, anchor = target.partition("#")
    token = state.push("wikilink", "", 0)
    token.meta = {"target": file_stem(spec), "anchor": anchor.strip(), "label": label.strip()}
    token.content = source


def parse_tag_destination(state, silent: bool) -> bool:
    """`[text]({% link x.md %})`, `[text]({% post_url x %})`, `![alt]({% asset_path fig.png %})`.

    CommonMark sees no link there (a destination has no spaces), so the whole form is read here.
    """
    if state.env.get(RAW_KEY):
        return False
    image = state.src.startswith("![", state.pos)
    label_start = state.pos + 2 if image else state.pos + 1
    if not image and not state.src.startswith("[", state.pos):
        return False
    label_end = parseLinkLabel(state, label_start - 1, not image)
    if label_end < 0:
        return False
    match = TAG_DESTINATION.match(state.src, label_end + 1, state.posMax)
    if not match:
        return False
    if not silent:
        push_destination(state, match.group(1), match.group(2).strip(), label_start, label_end, image)
    state.pos = match.end()
    return True


def push_destination(state, name: str, argument: str, label_start: int, label_end: int, image: bool) -> None:
    label = state.src[label_start:label_end]
    if name == "post_url" and not image:
        push_wikilink(state, argument, label, state.src[label_start - 1 : label_end + 1])
        return
    url = jekyll_link_path(argument) if name == "link" else argument
    if name == "post_url":
        url = file_stem(argument) + ".md"
    if image:
        push_image(state, url, "", label, [], [])
        return
    state.push("link_open", "a", 1).attrs = {"href": url}
    old_pos, old_max = state.pos, state.posMax
    state.pos, state.posMax = label_start, label_end
    state.linkLevel += 1
    state.md.inline.tokenize(state)
    state.linkLevel -= 1
    state.pos, state.posMax = old_pos, old_max
    state.push("link_close", "a", -1)


# Core passes


def raw_regions(tokens: list[Token]):
    """(token, inside a `{% raw %}` block) for each block token."""
    depth = 0
    for token in tokens:
        if token.meta and token.meta.get("raw_start"):
            depth += 1
        elif token.meta and token.meta.get("raw_end"):
            depth -= 1
        yield token, depth > 0


def parse_raw_inlines(state) -> None:
    """Parse the text of `{% raw %}` blocks with no tags, and hide it from the core inline rule."""
    for token, raw in raw_regions(state.tokens):
        if raw and token.type == "inline":
            state.env[RAW_KEY] = True
            try:
                token.children = []
                state.md.inline.parse(token.content, state.md, state.env, token.children)
            finally:
                state.env.pop(RAW_KEY, None)
            token.type = RAW_INLINE


def quoted_url_attributes(state) -> None:
    """`<img src="{{ "/x.png" | relative_url }}">` in a paragraph made `<img src="/x.png">` before inline
    parsing, so it is read as HTML; code spans (between backticks) keep it as written."""
    if "_url" not in state.src:
        return
    for token in state.tokens:
        if token.type == "inline" and "_url" in token.content:
            parts = token.content.split("`")
            parts[::2] = [
                QUOTED_URL_FILTER.sub(lambda m: f'{m.group(1)}"/{m.group(2).lstrip("/")}"', p) for p in parts[::2]
            ]
            token.content = "`".join(parts)


def finish_tags(state) -> None:
    """Report unknown tags with their lines and show them as text; mark `asset_path` in raw HTML."""
    warnings = state.env.setdefault("markup_warnings", [])
    in_raw = {id(block) for block, raw in raw_regions(state.tokens) if raw}
    hidden = None  # a raw block's inline token: its text is shown as written
    for block, token, line in walk_with_lines(state.tokens):
        if token is None:
            if block.type == RAW_INLINE:
                block.type = "inline"
                hidden = block
            elif block.type == "html_block" and id(block) not in in_raw:
                block.content = raw_html_tags(block.content)
            elif block.meta and UNKNOWN_BLOCK in block.meta:
                warnings.append(unknown_block_warning(line, block.meta.pop(UNKNOWN_BLOCK), block.type == "fence"))
        elif block is hidden:
            continue
        elif token.type == "html_inline":
            token.content = raw_html_tags(token.content)
        elif token.type == "liquid_text":
            warnings.append(unsupported_tag_warning(line, token.meta["name"]))
            token.type = "text"


def raw_html_tags(html: str) -> str:
    """Raw HTML with Hexo's `{% asset_path %}` marked and Jekyll's site URLs made paths from the root."""
    if "{" not in html:
        return html
    html = ASSET_PATH.sub(lambda m: marked_url(m.group(1)), html)
    html = URL_FILTER.sub(lambda m: "/" + m.group(2).lstrip("/"), html)
    return SITE_PREFIX.sub("", html)


def unknown_block_warning(line: int, name: str, source_shown: bool) -> MarkupWarning:
    if source_shown:
        return MarkupWarning(
            line,
            f"the tag `{{% {name} %}}` is drawn by a Hexo plugin notes-site does not run, so its source is shown "
            "as a code block.",
            "Replace it with an image of the chart or diagram, or keep the source.",
        )
    return plain_box_warning(line, "tag", f"{{% {name} %}}", f"liquid-{name}", "a Hexo plugin or theme")


def unsupported_tag_warning(line: int, name: str) -> MarkupWarning:
    if name in BLOCK_TAGS:
        return MarkupWarning(
            line,
            f"the tag `{{% {name} %}}` has no matching `{{% end{name} %}}`, so it is shown as written.",
            f"Put `{{% {name} … %}}` and `{{% end{name} %}}` each on a line of its own.",
        )
    return MarkupWarning(
        line,
        f"the Hexo/Jekyll tag `{{% {name} %}}` is not supported, so it is shown as written.",
        "Remove it, or replace it with Markdown.",
    )
