r"""A site's own TeX macros (`math_macros:` in notes-site.yaml), expanded before a formula is converted.

Blogs define names such as `\vx` or `\norm{x}` once, in their MathJax or KaTeX settings or a TeX
preamble, and use them in every post; latex2mathml knows none of them. Each use is replaced by its
definition, `#1` … `#9` standing for the braced (or single-token) arguments, as TeX does.
"""

from __future__ import annotations

import re

NAME = re.compile(r"\\([a-zA-Z]+)(?![a-zA-Z])")
PARAMETER = re.compile(r"#([1-9])")
MAX_EXPANSIONS = 2000  # a macro that uses itself would expand without end

Macros = tuple[tuple[str, str], ...]  # (name without the backslash, definition), hashable for the formula cache


def argument_count(definition: str) -> int:
    return max((int(number) for number in PARAMETER.findall(definition)), default=0)


def read_argument(tex: str, start: int) -> tuple[str, int] | None:
    """The argument at `start` (spaces skipped): a `{…}` group's inside, a `\\name`, or one character."""
    while start < len(tex) and tex[start].isspace():
        start += 1
    if start >= len(tex):
        return None
    if tex[start] == "{":
        depth = 0
        index = start
        while index < len(tex):
            character = tex[index]
            if character == "\\":
                index += 2
                continue
            depth += character == "{"
            depth -= character == "}"
            if depth == 0:
                return tex[start + 1 : index], index + 1
            index += 1
        return None
    if tex[start] == "\\":
        name = NAME.match(tex, start)
        end = name.end() if name else start + 2
        return tex[start:end], end
    return tex[start], start + 1


def expand_macros(tex: str, macros: Macros) -> str:
    r"""`\norm{\vx}` with `norm: \left\| #1 \right\|` and `vx: \mathbf{x}` is `\left\| \mathbf{x} \right\|`.

    A use missing its arguments is left as written, for the converter to report.
    """
    if not macros or "\\" not in tex:
        return tex
    table = dict(macros)
    position, expansions = 0, 0
    while expansions < MAX_EXPANSIONS and (match := NAME.search(tex, position)):
        definition = table.get(match[1])
        if definition is None:
            position = match.end()
            continue
        arguments, end = [], match.end()
        for _ in range(argument_count(definition)):
            found = read_argument(tex, end)
            if found is None:
                break
            arguments.append(found[0])
            end = found[1]
        else:
            body = PARAMETER.sub(lambda number, given=arguments: given[int(number[1]) - 1], definition)
            tex = tex[: match.start()] + body + tex[end:]  # no braces added, as in TeX
            position = match.start()  # the definition may use other macros
            expansions += 1
            continue
        position = match.end()
    return tex
