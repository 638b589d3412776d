"""The Markdown pipeline: markdown-it-py (CommonMark) plus the extensions notes need.

One `MarkdownPipeline` per process: building a MarkdownIt and its plugins costs more
than rendering a note. Relative link targets are wrapped in private-use markers
(`LINK_OPEN` … `LINK_CLOSE`), and wikilinks (`[[CLIP]]`) in `WIKI_OPEN` … `WIKI_CLOSE`,
instead of being resolved here, so a note renders the same whatever the rest of the
site looks like (and can be cached by its own hash); `urls.resolve_links` turns them
into real URLs for each page the HTML appears on. What the site needs to know about a
note's text (its wikilinks and links with their lines, headings, word count, formulas
that could not be typeset) is gathered in the same pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from notes_site.formula_tables import number_equations

LINK_OPEN = "\ue000"
LINK_CLOSE = "\ue001"
WIKI_OPEN = "\ue003"  # \ue003 target#anchor \ue004 label \ue005 (\ue002 is urls.ROOT_MARK)
WIKI_SPLIT = "\ue004"
WIKI_CLOSE = "\ue005"
TITLE_LABEL = "\ue006"  # starts a wikilink label that the linked note's title replaces (Hexo's post_link)
EMBED_LABEL = "\ue007"  # starts the label of an Obsidian embed `![[Note]]`: the note's text is shown instead
MATH_ENGINES = ("mathml", "katex")
CJK_CHAR = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
WORD = re.compile(rf"[{CJK_CHAR}]|[^\s{CJK_CHAR}]*[A-Za-z0-9][^\s{CJK_CHAR}]*")
MORE_MARKER = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# markdown-it stops nesting at 20 blocks and silently flattens the rest: a list 10 levels deep
# lost its deeper items. A list level takes two, a quote level one; 256 keeps 100 levels of
# either, in about 550 Python frames. Inline parsing keeps 20: there the limit multiplies the
# cost of every `[` (a line of 100,000 `[` takes 1 s at 20 and 13 s at 256).
BLOCK_NESTING = 256
INLINE_NESTING = 20
NESTING_KEY = "notes_site.block_nesting"  # in env: a lower block limit, for a call stack already deep
SCROLL_BOX = ' tabindex="0" role="group" aria-label="formula"'  # a display formula's box, which scrolls when wide


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


@dataclass(frozen=True)
class RenderedMarkdown:
    body_html: str  # the whole note, for its own page
    excerpt_html: str  # the part shown on listings (the whole note when there is no excerpt)
    has_more: bool  # the excerpt is shorter than the note
    wikilinks: tuple[WikiRef, ...] = ()
    links: tuple[LinkRef, ...] = ()
    headings: tuple[Heading, ...] = ()
    words: int = 0  # CJK characters count as words, like NexT's symbols count
    formula_failures: tuple[FormulaFailure, ...] = ()
    search_text: str = ""  # the note as plain text, for the search index ("" when search is off)
    markup_warnings: tuple[MarkupWarning, ...] = ()
    inline_tags: tuple[str, ...] = ()  # Obsidian's #tags written in the text


class MarkdownPipeline:
    """Markdown text in, HTML (with link markers) out."""

    def __init__(self, auto_excerpt_length: int = 0, math: str = "mathml", search: str = "") -> None:
        """`search`: "" keeps no plain text, "text" the prose, "code" the prose and the code blocks."""
        self.auto_excerpt_length = auto_excerpt_length
        self.math = math
        self.search = search
        md = MarkdownIt("commonmark", {"html": True, "typographer": False})
        md.enable(["table", "strikethrough"])
        md.use(footnote_plugin)
        md.use(tasklists_plugin, label=True)
        md.use(deflist_plugin)
        md.use(dollarmath_plugin, allow_digits=False, double_inline=True)
        md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_id)
        md.core.ruler.before("block", "block_nesting", block_nesting)
        md.core.ruler.before("inline", "inline_nesting", inline_nesting)
        md.inline.ruler.before("link", "wikilink", parse_wikilink)
        md.core.ruler.push("collect_references", collect_references)
        # The foreign syntaxes build on this module's tokens and markers, so they import it: import them here.
        from notes_site.hugo_shortcodes import hugo_shortcodes_plugin
        from notes_site.liquid_tags import liquid_tags_plugin
        from notes_site.obsidian import obsidian_plugin

        md.use(liquid_tags_plugin)  # Hexo's and Jekyll's {% tags %}
        md.use(hugo_shortcodes_plugin)  # Hugo's {{< shortcodes >}} and {{% shortcodes %}}
        md.use(obsidian_plugin)  # ![[embeds]], #tags, > [!callouts], %%comments%%
        md.add_render_rule("fence", render_fence)
        md.add_render_rule("code_block", render_code_block)
        md.add_render_rule("heading_open", render_heading_open)
        md.add_render_rule("heading_close", render_heading_close)
        md.add_render_rule("footnote_ref", render_footnote_ref)
        md.add_render_rule("math_inline", render_math_inline)
        md.add_render_rule("math_inline_double", render_math_display_inline)
        md.add_render_rule("math_block", render_math_display)
        md.add_render_rule("math_block_label", render_math_display)
        md.add_render_rule("wikilink", render_wikilink)
        # Wide tables scroll sideways; tabindex lets keyboard users scroll them too.
        md.add_render_rule("table_open", lambda *a: '<table tabindex="0">\n')
        self.md = md

    def render(self, text: str) -> RenderedMarkdown:
        env: dict = {"math": self.math, "formula_failures": [], "search": self.search, "markup_warnings": []}
        tokens = self.parse(text, env)
        found = {
            "wikilinks": tuple(env.get("wikilinks", ())),
            "links": tuple(env.get("links", ())),
            "headings": tuple(env.get("headings", ())),
            "words": env.get("words", 0),
            "search_text": "\n".join(env.get("search_text", ())),
            "inline_tags": tuple(env.get("inline_tags", ())),
        }
        rendered = self.render_tokens(tokens, env)
        failures = tuple(dict.fromkeys(env.get("formula_failures", ())))
        warnings = tuple(dict.fromkeys(env.get("markup_warnings", ())))
        return replace(rendered, **found, formula_failures=failures, markup_warnings=warnings)

    def render_tokens(self, tokens: list[Token], env: dict) -> RenderedMarkdown:
        cut = find_more_marker(tokens)
        renderer = self.md.renderer
        options = self.md.options
        if cut is None and self.auto_excerpt_length:
            cut = find_auto_cut(tokens, self.auto_excerpt_length)
            skip = 0
        else:
            skip = 1
        notes_at = footnotes_start(tokens)  # footnotes stay on the note's page: their ids would clash
        if cut is None:
            body = renderer.render(tokens, options, env)
            excerpt = renderer.render(tokens[:notes_at], options, {**env, "excerpt": True})
            return RenderedMarkdown(number_equations(body), number_equations(excerpt), False)
        head, tail = tokens[:cut], tokens[cut + skip :]
        body = renderer.render(head, options, env) + renderer.render(tail, options, env)
        excerpt = renderer.render(head, options, {**env, "excerpt": True})
        more = has_visible_content(tokens[cut + skip : notes_at])
        return RenderedMarkdown(number_equations(body), number_equations(excerpt), more)

    def parse(self, text: str, env: dict) -> list[Token]:
        try:
            return self.md.parse(text, env)
        except RecursionError:  # called from deep in a stack already: nest no deeper than markdown-it does
            env.clear()
            env.update(
                {
                    "math": self.math,
                    "formula_failures": [],
                    "search": self.search,
                    "markup_warnings": [],
                    NESTING_KEY: INLINE_NESTING,
                }
            )
            return self.md.parse(text, env)


def block_nesting(state) -> None:
    state.md.options["maxNesting"] = state.env.get(NESTING_KEY, BLOCK_NESTING)


def inline_nesting(state) -> None:
    state.md.options["maxNesting"] = INLINE_NESTING


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
    """Index of the `<!-- more -->` block, splitting a paragraph if the marker is inline."""
    for index, token, depth in top_level(tokens):
        if token.type == "html_block" and depth == 0 and MORE_MARKER.match(token.content):
            return index
        if token.type == "inline" and depth == 1 and "more" in token.content:
            if tokens[index - 1].type != "paragraph_open":
                continue
            depth = 0  # inside *emphasis* or a [link] the marker cannot cut: the tags would not close
            for pos, child in enumerate(token.children or []):
                depth += child.nesting
                if depth == 0 and child.type == "html_inline" and MORE_MARKER.match(child.content):
                    return split_paragraph(tokens, index, pos)
    return None


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


def heading_id(text: str) -> str:
    """A stable, readable id: lower-case words joined by '-', CJK kept as it is."""
    text = re.sub(r"[^\w\s\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af-]", "", text.strip().lower())
    return re.sub(r"[\s-]+", "-", text).strip("-") or "section"


def is_relative(url: str) -> bool:
    return bool(url) and not SCHEME.match(url) and not url.startswith(("/", LINK_OPEN))


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


def collect_references(state) -> None:
    """Mark relative links for later resolution, and note what the site needs with its line.

    Lines: a block knows its first line (`map`); inside it, each line break adds one.
    """
    env = state.env
    wikilinks, links, headings = [], [], []
    search = env.get("search", "")
    plain: list[str] = []  # the note's text for the search index, a block per entry
    words = 0
    line = 0
    heading_level = 0
    for block in state.tokens:
        if block.map:
            line = block.map[0]
        if block.type in ("fence", "code_block"):
            words += count_words(block.content)
            if search == "code":
                plain.append(block.content)
        elif block.type == "heading_open":
            heading_level = int(block.tag[1])
            heading_id_value = block.attrs.get("id", "")
        if block.type != "inline" or not block.children:
            continue
        if search:
            plain.append("".join(plain_parts(block.children)))
        at = line
        for token in block.children:
            kind = token.type
            if kind in ("softbreak", "hardbreak"):
                at += 1
            elif kind in ("text", "code_inline"):
                words += count_words(token.content)
            elif kind == "wikilink":
                meta = token.meta
                wikilinks.append(WikiRef(meta["target"], meta["anchor"], at + 1, bool(meta.get("embed"))))
                words += count_words(token.meta["label"] or token.meta["target"])
            elif kind in ("math_inline", "math_inline_double"):
                token.meta["line"] = at + 1
            elif kind in ("link_open", "image"):
                attr = "href" if kind == "link_open" else "src"
                url = token.attrs.get(attr)
                if isinstance(url, str) and is_relative(url):
                    links.append(LinkRef(url, at + 1, kind == "image"))
                    token.attrs[attr] = LINK_OPEN + url + LINK_CLOSE
        if heading_level:
            text = "".join(c.content for c in block.children if c.type in ("text", "code_inline")).strip()
            headings.append((heading_level, str(heading_id_value), text))
            heading_level = 0
    env["wikilinks"], env["links"], env["headings"], env["words"] = wikilinks, links, headings, words
    env["search_text"] = plain


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
    return len(WORD.findall(text))


def render_wikilink(self, tokens, idx, options, env) -> str:
    """A marker holding the target and the label; `urls.resolve_links` makes it a link or broken text."""
    meta = tokens[idx].meta
    target, anchor = meta["target"], meta["anchor"]
    label = meta["label"] or (f"{target} › {anchor}" if target and anchor else target or anchor)
    if meta.get("title_label"):
        label = TITLE_LABEL + label
    elif meta.get("embed"):
        label = EMBED_LABEL + label
    spec = target + ("#" + anchor if anchor else "")
    return WIKI_OPEN + escape(spec) + WIKI_SPLIT + escape(label, quote=False) + WIKI_CLOSE


def render_heading_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if env.get("excerpt"):
        return f"<{token.tag}>"  # ids would clash when several excerpts share a page
    return self.renderToken(tokens, idx, options, env)


def render_heading_close(self, tokens, idx, options, env) -> str:
    """Close a heading with its permalink ("#"), except in excerpts, where ids are left out."""
    opening = tokens[idx - 2]
    anchor = opening.attrs.get("id") if not env.get("excerpt") else None
    link = f' <a class="header-anchor" href="#{escape(str(anchor))}">#</a>' if anchor else ""
    return f"{link}</{tokens[idx].tag}>\n"


def render_footnote_ref(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    number = meta["id"] + 1
    ident = str(number)
    ref_id = ident + (f":{meta['subId']}" if meta.get("subId", -1) > 0 else "")
    href = LINK_OPEN + "#fn" + ident + LINK_CLOSE
    id_attr = "" if env.get("excerpt") else f' id="fnref{ref_id}"'
    return f'<sup class="footnote-ref"><a href="{href}"{id_attr}>[{number}]</a></sup>'


def render_math_inline(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    tex = token.content.strip()
    typeset = typeset_formula(tex, False, token.meta.get("line", 0), env)
    if typeset is not None:
        return f'<span class="math inline">{typeset}</span>'
    return f'<span class="{tex_class("math inline", env)}">\\({escape(tex, quote=False)}\\)</span>'


def render_math_display(self, tokens, idx, options, env) -> str:
    """A display formula; `$$ … $$ (label)` keeps its label, numbered at the right.

    Wide formulas scroll sideways in their own box; tabindex lets keyboard users scroll them too,
    and role and label tell a screen reader what the focused box is.
    """
    token = tokens[idx]
    tex = token.content.strip()
    line = token.map[0] + 1 if token.map else 0
    typeset = typeset_formula(tex, True, line, env)
    shown = typeset if typeset is not None else f"\\[{escape(tex, quote=False)}\\]"
    css = "math display" if typeset is not None else tex_class("math display", env)
    if token.type == "math_block_label" and token.info:
        label = escape(token.info.strip())
        id_attr = "" if env.get("excerpt") else f' id="eq-{heading_id(token.info)}"'
        return f'<div class="{css}"{id_attr}{SCROLL_BOX}>{shown}<span class="math-label">({label})</span></div>\n'
    return f'<div class="{css}"{SCROLL_BOX}>{shown}</div>\n'


def render_math_display_inline(self, tokens, idx, options, env) -> str:
    """`$$…$$` inside a paragraph: a display formula that must stay phrasing content."""
    token = tokens[idx]
    tex = token.content.strip()
    typeset = typeset_formula(tex, True, token.meta.get("line", 0), env)
    if typeset is not None:
        return f'<span class="math display"{SCROLL_BOX}>{typeset}</span>'
    return f'<span class="{tex_class("math display", env)}">\\[{escape(tex, quote=False)}\\]</span>'


def typeset_formula(tex: str, display: bool, line: int, env: dict) -> str | None:
    """MathML for the formula, or None: KaTeX typesets in the browser, or the TeX is kept as text."""
    if env.get("math") != "mathml":
        return None
    from notes_site.formulas import FormulaError, tex_to_mathml

    try:
        return tex_to_mathml(tex, display)
    except FormulaError as exc:
        env.setdefault("formula_failures", []).append(FormulaFailure(line, tex, exc.reason))
        return None


def tex_class(css: str, env: dict) -> str:
    """TeX kept as text: for KaTeX to find, or marked as a formula that failed."""
    return css if env.get("math") != "mathml" else css + " math-error"


def render_fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return highlight_block(token.content, language)


def render_code_block(self, tokens, idx, options, env) -> str:
    return highlight_block(tokens[idx].content, "")


def highlight_block(code: str, language: str) -> str:
    """Pygments with CSS classes; an unknown language falls back to plain, escaped text."""
    lexer = find_lexer(language.lower()) if language else None
    css_language = f' class="language-{escape(language)}"' if language else ""
    if lexer is None:
        inner = escape(code, quote=False)
    else:
        from pygments import highlight

        inner = highlight(code, lexer, code_formatter())
    return f'<pre class="highlight" tabindex="0"><code{css_language}>{inner}</code></pre>\n'


@lru_cache(maxsize=1)
def code_formatter():
    """One formatter for all blocks: making one costs a quarter of highlighting a snippet."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def find_lexer(language: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None
