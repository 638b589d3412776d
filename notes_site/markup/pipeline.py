"""The Markdown pipeline: markdown-it-py (CommonMark) plus the extensions notes need.

One `MarkdownPipeline` per process: building a MarkdownIt and its plugins costs more
than rendering a note. Relative link targets are wrapped in private-use markers
(`LINK_OPEN` … `LINK_CLOSE`), and wikilinks (`[[CLIP]]`) in `WIKI_OPEN` … `WIKI_CLOSE`,
instead of being resolved here, so a note renders the same whatever the rest of the
site looks like (and can be cached by its own hash); site/resolve.py turns them
into real URLs for each page the HTML appears on. What the site needs to know about a
note's text (its wikilinks and links with their lines, headings, word count, formulas
that could not be typeset) is gathered in the same pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from notes_site.markup.attributes import heading_attributes_plugin
from notes_site.markup.delimiters import math_delimiters_plugin
from notes_site.markup.excerpt import find_auto_cut, find_more_marker, footnotes_start, has_visible_content
from notes_site.markup.highlight import render_code_block, render_fence
from notes_site.markup.hugo import hugo_shortcodes_plugin
from notes_site.markup.liquid import liquid_tags_plugin
from notes_site.markup.math import render_math_display, render_math_double_in_text, render_math_inline
from notes_site.markup.math_macros import Macros
from notes_site.markup.math_tables import number_equations
from notes_site.markup.obsidian import obsidian_plugin
from notes_site.markup.rawhtml import raw_html_links_plugin
from notes_site.markup.tokens import (
    EMBED_LABEL,
    LINK_CLOSE,
    LINK_OPEN,
    TITLE_LABEL,
    WIKI_CLOSE,
    WIKI_OPEN,
    WIKI_SPLIT,
    FormulaFailure,
    Heading,
    LinkRef,
    MarkupWarning,
    WikiRef,
    count_words,
    heading_id,
    is_local,
    parse_wikilink,
    plain_parts,
    walk_with_lines,
)

MATH_ENGINES = ("mathml", "katex")
# markdown-it stops nesting at 20 blocks and silently flattens the rest: a list 10 levels deep
# lost its deeper items. A list level takes two, a quote level one; 256 keeps 100 levels of
# either, in about 550 Python frames. Inline parsing keeps 20: there the limit multiplies the
# cost of every `[` (a line of 100,000 `[` takes 1 s at 20 and 13 s at 256).
BLOCK_NESTING = 256
INLINE_NESTING = 20
NESTING_KEY = "notes_site.block_nesting"  # in env: a lower block limit, for a call stack already deep


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

    def __init__(
        self,
        auto_excerpt_length: int = 0,
        math: str = "mathml",
        search: str = "",
        math_macros: Macros = (),
        double_dollar_in_text: str = "display",
    ) -> None:
        """`search`: "" keeps no plain text, "text" the prose, "code" the prose and the code blocks;
        `math_macros`: the site's own TeX names, expanded in every formula;
        `double_dollar_in_text`: how `$$x$$` inside a sentence shows, "display" or "inline"."""
        self.auto_excerpt_length = auto_excerpt_length
        self.math = math
        self.double_dollar_in_text = double_dollar_in_text
        self.math_macros = math_macros
        self.search = search
        md = MarkdownIt("commonmark", {"html": True, "typographer": False})
        md.enable(["table", "strikethrough"])
        md.use(footnote_plugin)
        md.use(tasklists_plugin, label=True)
        md.use(deflist_plugin)
        md.use(dollarmath_plugin, allow_digits=False, double_inline=True)
        md.use(math_delimiters_plugin)  # \\( \\), \( \), \[ \], \begin{align}; dollarmath's position 0
        md.use(heading_attributes_plugin)  # ## Key Idea {#key-idea .class}, before the anchors
        md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_id)
        md.core.ruler.before("block", "block_nesting", block_nesting)
        md.core.ruler.before("inline", "inline_nesting", inline_nesting)
        md.inline.ruler.before("link", "wikilink", parse_wikilink)
        md.core.ruler.push("collect_references", collect_references)
        md.use(liquid_tags_plugin)  # Hexo's and Jekyll's {% tags %}
        md.use(hugo_shortcodes_plugin)  # Hugo's {{< shortcodes >}} and {{% shortcodes %}}
        md.use(obsidian_plugin)  # ![[embeds]], #tags, > [!callouts], %%comments%%
        md.use(raw_html_links_plugin)  # <img src>, <a href>, <source srcset> marked like Markdown links
        md.add_render_rule("fence", render_fence)
        md.add_render_rule("code_block", render_code_block)
        md.add_render_rule("heading_open", render_heading_open)
        md.add_render_rule("heading_close", render_heading_close)
        md.add_render_rule("footnote_ref", render_footnote_ref)
        md.add_render_rule("math_inline", render_math_inline)
        md.add_render_rule("math_inline_double", render_math_double_in_text)
        md.add_render_rule("math_block", render_math_display)
        md.add_render_rule("math_block_label", render_math_display)
        md.add_render_rule("wikilink", render_wikilink)
        # Wide tables scroll sideways; tabindex lets keyboard users scroll them too.
        md.add_render_rule("table_open", lambda *a: '<table tabindex="0">\n')
        self.md = md

    def fresh_env(self) -> dict:
        """What the rules read of the settings, and the lists they fill, for one note."""
        return {
            "math": self.math,
            "math_macros": self.math_macros,
            "double_dollar_in_text": self.double_dollar_in_text,
            "formula_failures": [],
            "search": self.search,
            "markup_warnings": [],
        }

    def render(self, text: str) -> RenderedMarkdown:
        env = self.fresh_env()
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
            env.update(self.fresh_env(), **{NESTING_KEY: INLINE_NESTING})
            return self.md.parse(text, env)


def block_nesting(state) -> None:
    state.md.options["maxNesting"] = state.env.get(NESTING_KEY, BLOCK_NESTING)


def inline_nesting(state) -> None:
    state.md.options["maxNesting"] = INLINE_NESTING


def collect_references(state) -> None:
    """Mark relative links for later resolution, and note what the site needs with its line."""
    env = state.env
    wikilinks, links, headings = [], [], []
    search = env.get("search", "")
    plain: list[str] = []  # the note's text for the search index, a block per entry
    words = 0
    heading_level, heading_anchor = 0, ""
    for block, token, line in walk_with_lines(state.tokens):
        if token is not None:
            words += reference(token, line, wikilinks, links)
        elif block.type in ("fence", "code_block"):
            words += count_words(block.content)
            if search == "code":
                plain.append(block.content)
        elif block.type == "heading_open":
            heading_level, heading_anchor = int(block.tag[1]), str(block.attrs.get("id", ""))
        elif block.type == "inline" and block.children:
            if search:
                plain.append("".join(plain_parts(block.children)))
            if heading_level:
                text = "".join(c.content for c in block.children if c.type in ("text", "code_inline")).strip()
                headings.append((heading_level, heading_anchor, text))
                heading_level = 0
    env["wikilinks"], env["links"], env["headings"], env["words"] = wikilinks, links, headings, words
    env["search_text"] = plain


def reference(token: Token, line: int, wikilinks: list[WikiRef], links: list[LinkRef]) -> int:
    """Record a wikilink or relative link (marking the link for later resolution); the words it holds."""
    kind = token.type
    if kind in ("text", "code_inline"):
        return count_words(token.content)
    if kind == "wikilink":
        meta = token.meta
        wikilinks.append(WikiRef(meta["target"], meta["anchor"], line, bool(meta.get("embed"))))
        return count_words(meta["label"] or meta["target"])
    if kind in ("math_inline", "math_inline_double"):
        token.meta["line"] = line
    elif kind in ("link_open", "image"):
        attr = "href" if kind == "link_open" else "src"
        url = token.attrs.get(attr)
        if isinstance(url, str) and is_local(url):
            links.append(LinkRef(url, line, kind == "image"))
            token.attrs[attr] = LINK_OPEN + url + LINK_CLOSE
    return 0


def render_wikilink(self, tokens, idx, options, env) -> str:
    """A marker holding the target and the label; site/resolve.py makes it a link or broken text."""
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
    if env.get("excerpt"):  # ids would clash when several excerpts share a page
        css = token.attrs.get("class")
        return f'<{token.tag} class="{escape(str(css))}">' if css else f"<{token.tag}>"
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
