r"""Math delimiters other than `$`, as MathJax finds them on Hugo, Jekyll and Hexo sites.

`md.use(math_delimiters_plugin)` after dollarmath. The formulas become dollarmath's own tokens
(`math_inline`, `math_inline_double`, `math_block`), so they are typeset, counted and reported
like `$…$` and `$$…$$`:

- `\\( … \\)` and `\\[ … \\]`: ox-hugo and kramdown escape the backslash, because their Markdown
  turns `\\(` into the `\(` MathJax looks for. The rest of the formula went through Markdown on
  their sites too (ox-hugo writes `x\_i` and `\\\\`), so its escapes and entities are undone here
  the same way.
- `\( … \)` and `\[ … \]` written plainly (MathJax users on Hexo): the formula is taken as written.
  Markdown also uses `\[` to show a bracket (`\[1\]`), so inside a sentence these count as math
  only when the formula holds a TeX sign or is a single letter.
- `\begin{align} … \end{align}` (and the other display environments) starting a line: MathJax
  typesets them without delimiters, and ox-hugo writes Org's equations so.
- `\[`, `\\[` and `\begin{…}` starting a line (not continuing a paragraph) begin a display
  formula that ends at the end of a line with the matching closer, before any blank line.

- `$$$ … $$$`, a display formula in kramed and Pandoc (Hexo blogs with hexo-renderer-kramed),
  inside a sentence or on lines of its own.
- `$$` on a line of its own right under a paragraph's line, with a blank line before its closing
  `$$`: kramed ends the paragraph there and keeps the blank line in the formula. The same when a
  line of the formula would otherwise end the paragraph: a lone `=` (`\right) * B` then `= C` on
  the next line) makes Markdown's setext heading of everything above, `- x` a list. Hexo's math
  filters take the formula out before Markdown sees it. Elsewhere a `$$` inside a paragraph stays
  the inline rule's, which cannot reach past a blank line.

Code spans and code blocks are never read: the rules only run where Markdown text is parsed.

Also works around a bug of mdit-py-plugins' dollarmath (docs/upstream/mdit-py-plugins-dollarmath.md):
at a paragraph's first character it takes the paragraph's last character for the one before
the `$`, so `$k$ a=3` (a digit) or `$k$ ends in \` (a backslash) stays text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll

# The environments MathJax typesets without delimiters and latex2mathml knows as display math.
ENVIRONMENTS = ("equation", "align", "gather", "multline", "eqnarray", "alignat", "flalign")
BEGIN = re.compile(r"\\begin\{(" + "|".join(ENVIRONMENTS) + r")(\*?)\}")
TEX_SIGN = re.compile(r"[\\^_{}=<>+*/|]")
SINGLE_LETTER = re.compile(r"\s*[A-Za-z]\s*")
# A formula's line that Markdown would read as a setext underline, a rule or a new block.
ENDS_PARAGRAPH = re.compile(r"(?:=+|-+|\*{3,}|_{3,})\s*$|(?:#{1,6}|>|[-+*]|\d{1,9}[.)])(?:\s|$)|```|~~~")
LINE_BREAKS = ("softbreak", "hardbreak")
MAX_LINES = 200  # a display formula longer than this is more likely a stray `\[` than a formula


def math_delimiters_plugin(md: MarkdownIt) -> None:
    r"""Add `\( \)`, `\[ \]`, their escaped forms and bare environments; fix dollarmath's first position."""
    # Like `$$`, a formula does not interrupt a paragraph: there the inline rule displays `\\[…\\]`, and
    # `\begin{align}` inside a paragraph's `$$…$$` stays that formula's.
    md.block.ruler.before("math_block", "math_block_backslash", parse_display_block)
    md.inline.ruler.before("math_inline", "math_inline_backslash", parse_inline)
    md.inline.ruler.before("math_inline", "math_inline_triple", parse_triple_dollar)
    md.core.ruler.after("block", "math_block_triple", strip_triple_dollar)
    dollar_block = next(rule for rule in md.block.ruler.__rules__ if rule.name == "math_block").fn
    md.block.ruler.before("math_block", "math_block_past_blank", past_blank_line(dollar_block), {"alt": ["paragraph"]})
    rules = md.inline.ruler.__rules__
    dollar = next(rule for rule in rules if rule.name == "math_inline")
    md.inline.ruler.at("math_inline", at_paragraph_start(dollar.fn))
    md.core.ruler.after("inline", "math_on_own_lines", mark_formulas_on_own_lines)


def mark_formulas_on_own_lines(state) -> None:
    """A `$$…$$` with a line break (or its block's edge) on both sides stands on lines of its own.

    kramed and kramdown display it even inside a paragraph or list item, where `$$x$$` within a
    line is inline; `render_math_double_in_text` reads the mark.
    """
    if state.env.get("double_dollar_in_text") != "inline":
        return  # only that setting tells formulas on their own lines from those in a sentence
    for block in state.tokens:
        children = block.children if block.type == "inline" and "$$" in block.content else None
        for index, token in enumerate(children or ()):
            if token.type == "math_inline_double":
                before = children[index - 1].type if index else "softbreak"
                after = children[index + 1].type if index + 1 < len(children) else "softbreak"
                if before in LINE_BREAKS and after in LINE_BREAKS:
                    token.meta["own_lines"] = True


def at_paragraph_start(rule):
    """Run dollarmath's inline rule so that at position 0 it sees a line end "before" the `$`.

    It looks at `src[pos - 1]`, which at 0 is the paragraph's last character: a digit there
    (with `allow_digits=False`) or an odd run of backslashes makes it refuse the `$`.
    """

    def rule_at_start(state, silent: bool) -> bool:
        if state.pos != 0 or state.src[:1] != "$":
            return rule(state, silent)
        src = state.src
        state.src = src + "\n"
        try:
            return rule(state, silent)
        finally:
            state.src = src

    return rule_at_start


def parse_inline(state, silent: bool) -> bool:
    r"""`\(x\)`, `\\(x\\)`, and `\[x\]`, `\\[x\\]` displayed inside a sentence."""
    src, start = state.src, state.pos
    if src[start] != "\\":
        return False
    escaped = src.startswith("\\\\", start)
    opener = src[start + 1 + escaped : start + 2 + escaped]
    if opener not in ("(", "["):
        return False
    first = start + 2 + escaped
    end = find_closer(src, first, state.posMax, ")" if opener == "(" else "]", escaped)
    if end < 0:
        return False
    tex = src[first:end]
    if escaped:
        tex = unescapeAll(tex)
    elif not TEX_SIGN.search(tex) and not SINGLE_LETTER.fullmatch(tex):
        return False
    if not tex.strip():
        return False
    if not silent:
        token = state.push("math_inline" if opener == "(" else "math_inline_double", "math", 0)
        token.content = tex
        token.markup = src[start:first]
    state.pos = end + 2 + escaped
    return True


def parse_triple_dollar(state, silent: bool) -> bool:
    """`$$$x$$$`, which dollarmath reads as `$$` around `$x`: a display formula inside the sentence.

    Also `512$$bit$$` and `$$IP$$16轮`, which dollarmath refuses next to a digit (it guards `$10` of
    money, never written with two dollars); kramed typeset both (hexo-archer-abbrlink).
    """
    src, start = state.src, state.pos
    if src.startswith("$$", start) and not src.startswith("$$$", start):
        if start > 0 and src[start - 1].isdigit() or closing_dollars_before_digit(src, start, state.posMax):
            return push_display_in_line(state, "$$", silent)
        return False
    if not src.startswith("$$$", start) or src.startswith("$$$$", start):
        return False
    return push_display_in_line(state, "$$$", silent)


def closing_dollars_before_digit(src: str, start: int, stop: int) -> bool:
    end = src.find("$$", start + 2, stop)
    return end > 0 and end + 2 < stop and src[end + 2].isdigit()


def push_display_in_line(state, fence: str, silent: bool) -> bool:
    """The formula between `fence` here and its next `fence` on the line, as a display formula in the sentence."""
    src, start = state.src, state.pos
    end = src.find(fence, start + len(fence), state.posMax)
    tex = src[start + len(fence) : end] if end > 0 else ""
    if not tex.strip() or "$" in tex:
        return False
    if not silent:
        token = state.push("math_inline_double", "math", 0)
        token.content = tex
        token.markup = fence
    state.pos = end + len(fence)
    return True


def strip_triple_dollar(state) -> None:
    """A `$$$x$$$` block, which dollarmath's block rule reads as `$$` around `$x$`: the formula is x.

    TeX has no `$` inside display math, so a block formula wrapped in single dollars is this one.
    """
    for token in state.tokens:
        content = token.content.strip() if token.type in ("math_block", "math_block_label") else ""
        if len(content) > 2 and content[0] == content[-1] == "$" and "$" not in content[1:-1]:
            token.content = content[1:-1]


def find_closer(src: str, pos: int, stop: int, bracket: str, escaped: bool) -> int:
    r"""Where the closing `\)` (or `\\)`) starts, -1 if none; `\x` pairs are skipped as TeX does."""
    step = 2 if escaped else 1  # the escaped form doubles every TeX backslash
    while pos < stop:
        slash = src.find("\\", pos, stop)
        if slash < 0:
            return -1
        run = slash
        while run < stop and src[run] == "\\":
            run += 1
        count = run - slash
        if run < stop and src[run] == bracket and count % (2 * step) == step:
            return run - step
        pos = run + 1 if count % 2 else run
    return -1


def past_blank_line(dollar_block):
    """dollarmath's `$$` block rule, taking only a block that a paragraph could not hold whole.

    That is one whose closing `$$` comes after a blank line, or that has a line Markdown would
    read as the paragraph's end (ENDS_PARAGRAPH).
    """

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        if line_text(state, start_line) != "$$" or closes_paragraph_formula(state, start_line):
            return False
        breaks = False
        for number in range(start_line + 1, min(end_line, start_line + MAX_LINES)):
            text = line_text(state, number)
            if text.endswith("$$"):
                return breaks and (silent or dollar_block(state, start_line, end_line, silent))  # it ignores silent
            if "$" in text:  # prose with inline formulas: this `$$` closes one the paragraph misread
                return False
            breaks = breaks or not text or bool(ENDS_PARAGRAPH.match(text))
        return False

    return rule


def line_text(state, number: int) -> str:
    return state.src[state.bMarks[number] + state.tShift[number] : state.eMarks[number]].strip()


def closes_paragraph_formula(state, number: int) -> bool:
    """The paragraph above holds an odd number of `$$`: this `$$` closes its formula, not opens one.

    While a paragraph asks whether a line ends it, `state.line` is still the paragraph's first line.
    """
    return sum(line_text(state, above).count("$$") for above in range(state.line, number)) % 2 == 1


def parse_display_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    r"""A display formula starting a line with `\[`, `\\[` or `\begin{align}` and closed at the end of a line."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[begin : begin + 1] != "\\":
        return False
    line = state.src[begin : state.eMarks[start_line]]
    opening = opener_of(line)
    if opening is None:
        return False
    skip, closer, escaped, keep = opening
    last, tex = closing_line(state, start_line, end_line, skip, closer, escaped)
    if last < 0:
        return False
    if keep:
        tex = line[:skip] + tex + closer
    if escaped:
        tex = unescapeAll(tex)
    if not tex.strip():
        return False
    if not silent:
        token = state.push("math_block", "math", 0)
        token.block = True
        token.content = tex
        token.markup = line[:skip]
        token.map = [start_line, last + 1]
    state.line = last + 1
    return True


def opener_of(line: str) -> tuple[int, str, bool, bool] | None:
    """(opener's length, closer, escaped, the opener and closer are part of the TeX) for a line, else None."""
    if line.startswith("\\\\["):
        return 3, "\\\\]", True, False
    if line.startswith("\\["):
        return 2, "\\]", False, False
    match = BEGIN.match(line)
    if match:
        return match.end(), f"\\end{{{match.group(1)}{match.group(2)}}}", True, True
    return None


def closing_line(state, start_line: int, end_line: int, skip: int, closer: str, escaped: bool) -> tuple[int, str]:
    """The line that ends with `closer` and the text before it, or (-1, "") at a blank line or the container's end."""
    parts: list[str] = []
    stop = min(end_line, start_line + MAX_LINES)
    for number in range(start_line, stop):
        if number > start_line and (state.isEmpty(number) or state.sCount[number] < state.blkIndent):
            break
        begin = state.bMarks[number] + state.tShift[number]
        text = state.src[begin + (skip if number == start_line else 0) : state.eMarks[number]].rstrip()
        if text.endswith(closer) and closes(text, closer, escaped):
            parts.append(text[: len(text) - len(closer)])
            return number, "\n".join(parts)
        parts.append(text)
    return -1, ""


def closes(text: str, closer: str, escaped: bool) -> bool:
    r"""`text` ends with `closer` itself, not with a TeX `\\` followed by a bracket."""
    if closer.startswith("\\end"):
        return True
    slashes = len(text) - 1 - len(text[:-1].rstrip("\\"))
    return slashes % 4 == 2 if escaped else slashes % 2 == 1
