"""Heading attributes `## Key Idea {#key-idea .note}`, as Pandoc, kramdown and Hugo read them.

`md.use(heading_attributes_plugin)` before the anchors plugin. A heading that ends with a
`{…}` of ids, classes and `key=value` pairs loses it from its text before the text is parsed
(so `#key-idea` is never an Obsidian tag), and its heading gets them: the id becomes its
anchor (and the table of contents' link), the classes its `class`. kramdown's `{: #id}` and
Pandoc's `{-}` (unnumbered) are read too; `## {#top}` is an empty heading with an id, as in
Pandoc. Text in braces that is not all attributes (`## Sets {a, b}`) stays text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from notes_site.markup.tokens import MarkupWarning, walk_with_lines

VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'{}]+)"""
ATTRIBUTE = rf"""(?:\#[^\s#.{{}}"']+|\.[^\s#.{{}}"']+|-|[A-Za-z_][\w:.-]*={VALUE})"""
ATTRIBUTES = re.compile(rf"""(?:^|\s+)\{{:?\s*({ATTRIBUTE}(?:\s+{ATTRIBUTE})*)\s*\}}\s*$""")
ONE = re.compile(rf"""\#([^\s#.{{}}"']+)|\.([^\s#.{{}}"']+)|(-)|([A-Za-z_][\w:.-]*)=({VALUE})""")
WRITTEN_IDS = "notes_site.heading_attributes"  # in env: some heading had attributes, so ids may repeat
SKIPPED_KEYS = ("style",)  # a theme's look is its own; event handlers (`on…`) are never copied either


def heading_attributes_plugin(md: MarkdownIt) -> None:
    """Read `{#id .class}` at the end of headings; warn about an id used twice."""
    md.core.ruler.after("block", "heading_attributes", read_heading_attributes)
    md.core.ruler.push("heading_ids_unique", warn_about_repeated_ids)


def read_heading_attributes(state) -> None:
    if "{" not in state.src:
        return
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        if inline.type != "inline" or not inline.content.endswith("}"):
            continue
        match = ATTRIBUTES.search(inline.content)
        if match is None:
            continue
        inline.content = inline.content[: match.start()]
        apply_attributes(token, match.group(1))
        state.env[WRITTEN_IDS] = True


def apply_attributes(heading: Token, written: str) -> None:
    classes = []
    for found in ONE.finditer(written):
        ident, css, unnumbered, key, value = found.groups()
        if ident:
            heading.attrSet("id", ident)
            heading.meta["written_id"] = True
        elif css or unnumbered:
            classes.append(css or "unnumbered")
        elif key.lower() == "id":
            heading.attrSet("id", value.strip("\"'"))
            heading.meta["written_id"] = True
        elif key.lower() == "class":
            classes.extend(value.strip("\"'").split())
        elif key.lower() not in SKIPPED_KEYS and not key.lower().startswith("on"):
            heading.attrSet(key, value.strip("\"'"))
    if classes:
        heading.attrSet("class", " ".join(dict.fromkeys(classes)))


def warn_about_repeated_ids(state) -> None:
    """Two headings with one `{#id}` give links that reach only the first: say so, with both lines."""
    if not state.env.get(WRITTEN_IDS):
        return
    first_line: dict[str, int] = {}
    for block, token, line in walk_with_lines(state.tokens):
        if token is not None or block.type != "heading_open" or "id" not in block.attrs:
            continue
        ident = str(block.attrs["id"])
        if ident not in first_line:
            first_line[ident] = line
        elif block.meta.get("written_id"):
            state.env.setdefault("markup_warnings", []).append(
                MarkupWarning(
                    line,
                    f"the heading id `{{#{ident}}}` is already used by the heading on line {first_line[ident]}, "
                    "so links to it reach only that one.",
                    "Give this heading an id of its own.",
                )
            )
