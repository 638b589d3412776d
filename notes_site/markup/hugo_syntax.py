"""Reading Hugo's shortcode syntax (`{{< name args >}}`, `{{% name args %}}`) and the tokens shortcodes become.

Shared by `hugo` (Hugo's own shortcodes) and `hugo_boxes` (the boxes themes add): one reading of
names, positional and `key=value` arguments, closings, and Hugo's escaped form `{{</* x */>}}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

HEAD = re.compile(r"\{\{([<%])\s*(/?)\s*(\w[\w.-]*(?:/[\w.-]+)*)")
# One argument, positional or `key=value`. A bare word cannot hold `{{`, so a shortcode that never
# closes is given up at the next one instead of being scanned again from every `{{` on the line.
ARGUMENT = re.compile(
    r"""\s+(?:([A-Za-z_][\w-]*)\s*=\s*)?"""
    r"""(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|`([^`]*)`|((?:[^\s"'`{]|\{(?!\{))+?))(?=\s|/?[>%]\}\})"""
)
TAIL = re.compile(r"\s*/?([>%])\}\}")
CLOSER = {"<": ">", "%": "%"}
# Hugo's comment form, the way to show a shortcode without running it.
ESCAPED = re.compile(r"\{\{</\*(.{0,4000}?)\*/>\}\}|\{\{%/\*(.{0,4000}?)\*/%\}\}", re.DOTALL)
SHORTCODE_LINE = re.compile(r"^\{\{[<%]\s*(/?)\s*(\w[\w.-]*(?:/[\w.-]+)*)[^\n]*?[>%]\}\}\s*$")


@dataclass(frozen=True)
class Shortcode:
    """One `{{< name args >}}` as written, and where it ends."""

    name: str
    closing: bool  # `{{< /name >}}`
    delimiter: str  # "<" or "%"
    positional: tuple[str, ...]
    named: dict[str, str]
    end: int


def scan_shortcode(text: str, pos: int, end: int) -> Shortcode | None:
    """The shortcode starting at `pos`, or None when the text there is not one."""
    head = HEAD.match(text, pos, end)
    if head is None:
        return None
    delimiter, slash, name = head.groups()
    at, positional, named = head.end(), [], {}
    while (tail := TAIL.match(text, at, end)) is None:
        found = ARGUMENT.match(text, at, end)
        if found is None:
            return None
        key, double, *others = found.groups()
        value = double.replace('\\"', '"') if double is not None else next(v for v in others if v is not None)
        if key:
            named[key.lower()] = value
        else:
            positional.append(value)
        at = found.end()
    if tail.group(1) != CLOSER[delimiter]:
        return None
    return Shortcode(name, bool(slash), delimiter, tuple(positional), named, tail.end())


def argument(shortcode: Shortcode, key: str, position: int | None = None) -> str:
    """A named argument, or the positional one Hugo also accepts in its place."""
    if key in shortcode.named:
        return shortcode.named[key].strip()
    if position is not None and position < len(shortcode.positional):
        return shortcode.positional[position].strip()
    return ""


def written(name: str, delimiter: str, closing: bool = False) -> str:
    return "{{" + delimiter + " " + ("/" if closing else "") + name + " " + CLOSER[delimiter] + "}}"


def unescape(text: str) -> str:
    """`{{</* figure */>}}` → `{{< figure >}}`."""
    return ESCAPED.sub(without_comment_marks, text) if "/*" in text else text


def without_comment_marks(match: re.Match[str]) -> str:
    inner = match.group(1) if match.group(1) is not None else match.group(2)
    return match.group(0)[:3] + inner + match.group(0)[-3:]


def text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def push_html(state, html: str, nesting: int, line_map: list[int]) -> Token:
    token = state.push({1: "hugo_open", 0: "hugo_html", -1: "hugo_close"}[nesting], "", nesting)
    token.meta = {"html": html}
    token.map = line_map
    return token


def push_inline(state, content: str, line_map: list[int], children: list[Token] | None = None) -> Token:
    """An inline block: `content` is parsed as Markdown by the core inline rule, after any ready `children`."""
    token = state.push("inline", "", 0)
    token.content = content
    token.map = line_map
    token.children = children if children is not None else []
    return token
