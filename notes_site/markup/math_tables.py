"""amsmath's display environments (align, gather, equation, multline, split, the cases variants) as MathML tables.

latex2mathml knows only `align`, and lays it out so that Chromium neither lines up the `=` nor puts
the numbers at the margin. Here each environment is cut into rows and cells, each cell converted on
its own, and the table built the way Chromium draws it: cells alternately set right and left (the
`=` of every row meets at one x), and, when numbered, an empty first column and a number column
that share the spare width (`eqn-pad`, `eqn-num` in the theme's math.css), so the formula stays
centred and the numbers sit at the right margin. Numbers are written as EQUATION_NUMBER and counted
per note by `number_equations`, so a formula's MathML can be cached whatever note it is in.

`\\label{key}` on a numbered row gives that row the id `key` and marks its number; `\\eqref{key}` and
`\\ref{key}` anywhere in the note's math are marks that `number_equations` replaces by that number,
as MathJax and amsmath do within one note (a key it cannot find shows `(??)`, as LaTeX does).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement

EQUATION_NUMBER = "\ue020"  # stands for the next equation number of the note
PLACEHOLDER_BASE = 0xE100  # `\ue100`, `\ue101`…: an environment's place in the TeX around it
ENVIRONMENT_MARK = re.compile(r"\\(begin|end)\s*\{\s*([a-zA-Z*]+)\s*\}")
TAG = re.compile(r"\\tag(\*?)\s*\{([^{}]*)\}")
NO_NUMBER = re.compile(r"\\(?:notag|nonumber)(?![a-zA-Z])")
LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
REFERENCE = re.compile(r"\\(eqref|ref)\s*\{([^{}]*)\}")
LABEL_MARK, EQREF_MARK, REF_MARK, MARK_END = "\ue021", "\ue022", "\ue023", "\ue024"  # around a label's key
LABELLED_NUMBER = re.compile(f"{LABEL_MARK}([^{MARK_END}]*){MARK_END}([^<]*)")
MARKS = (LABEL_MARK, EQREF_MARK, REF_MARK, MARK_END)
REFERENCE_MARK = re.compile(f"([{EQREF_MARK}{REF_MARK}])([^{MARK_END}]*){MARK_END}")
ROW_SPACING = re.compile(r"\s*\[[^\]]*\]")
COLUMN_COUNT = re.compile(r"^\s*\{[^{}]*\}")


@dataclass(frozen=True)
class Layout:
    columns: str  # "rl" repeated for align, "c" for gather, "l" for cases; "" for one cell per row
    numbered: bool
    left: str = ""  # a fence before the table (cases)
    right: str = ""
    takes_count: bool = False  # alignat{2}


LAYOUTS = {
    "align": Layout("rl", True),
    "align*": Layout("rl", False),
    "aligned": Layout("rl", False),
    "split": Layout("rl", False),
    "flalign": Layout("rl", True),
    "flalign*": Layout("rl", False),
    "alignat": Layout("rl", True, takes_count=True),
    "alignat*": Layout("rl", False, takes_count=True),
    "alignedat": Layout("rl", False, takes_count=True),
    "gather": Layout("c", True),
    "gather*": Layout("c", False),
    "gathered": Layout("c", False),
    "equation": Layout("", True),
    "equation*": Layout("", False),
    "multline": Layout("m", True),
    "multline*": Layout("m", False),
    "dcases": Layout("ll", False, left="{"),
    "dcases*": Layout("ll", False, left="{"),
    "rcases": Layout("ll", False, right="}"),
    "drcases": Layout("ll", False, right="}"),
}

Convert = Callable[[str], Element]  # TeX (without our environments) -> a <math> element


def outermost_environments(tex: str) -> list[tuple[int, int, str, str]]:
    """(start, end, name, body) of each environment of LAYOUTS not inside another one."""
    found, stack = [], []
    for match in ENVIRONMENT_MARK.finditer(tex):
        kind, name = match[1], match[2]
        if name not in LAYOUTS:
            continue
        if kind == "begin":
            stack.append((name, match.start(), match.end()))
        elif stack and stack[-1][0] == name:
            _, start, body_start = stack.pop()
            if not stack:
                found.append((start, match.end(), name, tex[body_start : match.start()]))
    return found


def has_environment(tex: str) -> bool:
    return any(name in LAYOUTS for _, name in ENVIRONMENT_MARK.findall(tex))


def split_cells(body: str) -> list[list[str]]:
    """Rows at `\\\\` and cells at `&`, both at brace and environment depth 0."""
    rows: list[list[str]] = []
    cells: list[str] = []
    start = depth = index = 0
    while index < len(body):
        character = body[index]
        if character == "\\":
            if body.startswith("\\\\", index) and depth == 0:
                cells.append(body[start:index])
                rows.append(cells)
                cells = []
                index += 2
                spacing = ROW_SPACING.match(body, index)  # \\[4pt]
                index = spacing.end() if spacing else index
                start = index
                continue
            mark = ENVIRONMENT_MARK.match(body, index)
            if mark:
                depth += 1 if mark[1] == "begin" else -1
                index = mark.end()
                continue
            index += 2
            continue
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
        elif character == "&" and depth == 0:
            cells.append(body[start:index])
            start = index + 1
        index += 1
    cells.append(body[start:])
    rows.append(cells)
    if len(rows) > 1 and not "".join(rows[-1]).strip():
        rows.pop()  # a trailing \\
    return rows


def row_number(cells: list[str], numbered: bool) -> tuple[list[str], str | None, str]:
    """The cells without \\tag, \\notag, \\label; the row's number (its tag, the next number, or none); its label."""
    text = "\0".join(cells)
    tag = TAG.search(text)
    unnumbered = NO_NUMBER.search(text)
    label = LABEL.search(text)
    text = LABEL.sub("", NO_NUMBER.sub("", TAG.sub("", text)))
    if tag:
        number = tag[2].strip() if tag[1] else f"({tag[2].strip()})"
    elif numbered and not unnumbered:
        number = f"({EQUATION_NUMBER})"
    else:
        number = None
    key = label_key(label[1]) if label and number else ""
    if key:
        number = f"{LABEL_MARK}{key}{MARK_END}{number}"
    return text.split("\0"), number, key


def label_key(written: str) -> str:
    """A label as an HTML id: no blanks, none of our marks."""
    return "-".join(written.translate({ord(mark): None for mark in MARKS}).split())


def build(tex: str, display: bool, convert: Convert) -> Element:
    """`tex` as a <math> element, with our environments (and a top-level \\tag) laid out as tables."""
    environments = outermost_environments(tex)
    tables = []
    for start, end, name, body in reversed(environments):
        tables.append(table(name, body, display, convert))
        tex = tex[:start] + chr(PLACEHOLDER_BASE + len(environments) - len(tables)) + tex[end:]
    tables.reverse()
    if display and TAG.search(tex):  # `E = mc^2 \tag{1}`: one numbered row
        cells, number, key = row_number([tex], False)
        math = convert("")
        math[:] = [numbered_table([[cell_of(cells[0], "", convert)]], [number], [key])]
        replace_placeholders(math, tables)
        return math
    math = convert(LABEL.sub("", tex))  # a label on a formula without a number names nothing
    replace_placeholders(math, tables)
    return math


def replace_placeholders(math: Element, tables: list[Element]) -> None:
    if not tables:
        return
    for parent in math.iter():
        for position, child in enumerate(parent):
            text = child.text or ""
            if len(text) == 1 and 0 <= ord(text) - PLACEHOLDER_BASE < len(tables) and not len(child):
                parent[position] = tables[ord(text) - PLACEHOLDER_BASE]


def table(name: str, body: str, display: bool, convert: Convert) -> Element:
    layout = LAYOUTS[name]
    if layout.takes_count:
        body = COLUMN_COUNT.sub("", body, count=1)
    rows = [[body]] if not layout.columns else split_cells(body)
    numbered = layout.numbered and display
    built, numbers, keys = [], [], []
    for index, cells in enumerate(rows):
        cells, number, key = row_number(cells, numbered and (layout.columns != "m" or index == len(rows) - 1))
        keys.append(key)
        built.append(
            [
                cell_of(cell, align_of(layout.columns, column, index, len(rows)), convert)
                for column, cell in enumerate(cells)
            ]
        )
        numbers.append(number if display else None)
    if any(numbers):
        return numbered_table(built, numbers, keys)
    grid = plain_table(built)
    if layout.left or layout.right:
        return fenced(grid, layout.left, layout.right)
    return grid


def align_of(columns: str, column: int, row: int, rows: int) -> str:
    if columns == "m":  # multline: first row left, last right, the others centred
        return "left" if row == 0 and rows > 1 else "right" if row == rows - 1 and rows > 1 else "center"
    if not columns:
        return "center"
    kind = columns[column % len(columns)]
    return {"r": "right", "l": "left", "c": "center"}[kind]


def cell_of(tex: str, align: str, convert: Convert) -> Element:
    """One table cell; a left cell of an align pair starts with `{}` as amsmath's do, so `=` keeps its spacing."""
    if align == "left" and tex.strip():
        tex = "{}" + tex
    cell = Element("mtd")
    if align in ("left", "right"):
        cell.set("columnalign", align)
    cell.extend(list(build(tex, False, convert)))
    return cell


def plain_table(rows: list[list[Element]]) -> Element:
    grid = Element("mtable", displaystyle="true")
    for cells in rows:
        SubElement(grid, "mtr").extend(cells)
    return grid


def numbered_table(rows: list[list[Element]], numbers: list[str | None], keys: list[str]) -> Element:
    """Rows between an empty first column and a number column that share the spare width; a labelled row has its id."""
    grid = Element("mtable", displaystyle="true")
    grid.set("class", "eqn-table")
    width = max(len(cells) for cells in rows)
    for cells, number, key in zip(rows, numbers, keys, strict=True):
        row = SubElement(grid, "mtr")
        if key:
            row.set("id", key)
        SubElement(row, "mtd").set("class", "eqn-pad")
        row.extend(cells)
        for _ in range(width - len(cells)):
            SubElement(row, "mtd")
        label = SubElement(row, "mtd", columnalign="right")
        label.set("class", "eqn-num")
        if number:
            SubElement(label, "mtext").text = number
    return grid


def fenced(grid: Element, left: str, right: str) -> Element:
    row = Element("mrow")
    if left:
        SubElement(row, "mo", fence="true", form="prefix", stretchy="true").text = left
    row.append(grid)
    if right:
        SubElement(row, "mo", fence="true", form="postfix", stretchy="true").text = right
    return row


def number_equations(html: str, first: int = 1) -> str:
    """Each EQUATION_NUMBER of a note's HTML replaced by the next number, in reading order; then the references."""
    if EQUATION_NUMBER in html:
        parts = html.split(EQUATION_NUMBER)
        numbered = (part + (str(first + index) if index < len(parts) - 1 else "") for index, part in enumerate(parts))
        html = "".join(numbered)
    if not any(mark in html for mark in MARKS):
        return html
    numbers = {match[1]: match[2] for match in LABELLED_NUMBER.finditer(html)}
    html = LABELLED_NUMBER.sub(lambda match: match[2], html)

    def reference(match: re.Match[str]) -> str:
        shown = numbers.get(match[2], "(??)")
        return shown if match[1] == EQREF_MARK else shown.removeprefix("(").removesuffix(")")

    return REFERENCE_MARK.sub(reference, html)


def marked_references(tex: str) -> str:
    """`\\eqref{key}` and `\\ref{key}` as text marks that `number_equations` fills in once the note is numbered."""

    def mark(match: re.Match[str]) -> str:
        kind = EQREF_MARK if match[1] == "eqref" else REF_MARK
        return f"\\text{{{kind}{label_key(match[2])}{MARK_END}}}"

    return REFERENCE.sub(mark, tex)
