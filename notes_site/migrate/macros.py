"""The TeX macros a blog's MathJax reads from its layouts, for notes-site's `math_macros:` setting."""

from __future__ import annotations

import re
from pathlib import Path

from notes_site.markup.math_macros import read_argument
from notes_site.migrate import ImportReport

# A TeX preamble's definitions, in the layouts and includes a blog's MathJax reads (jekyll-paper-blog's
# _includes/tex-preamble.html): \newcommand{\vx}{…}, \newcommand\E[1]{…}, \def\sumn{…}, \DeclareMathOperator.
DEFINITION = re.compile(
    r"\\(newcommand|renewcommand|providecommand|def|DeclareMathOperator\*?)\s*\{?\s*\\([a-zA-Z]+)\s*\}?\s*(?:\[(\d)\])?"
)


def tex_macros(files: list[Path], report: ImportReport) -> dict[str, str]:
    """The TeX macros the files define, by name (with the backslash), for `math_macros:`; the last definition wins."""
    macros: dict[str, str] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        text = re.sub(r"(?<!\\)%[^\n]*", "", text)  # TeX comments
        found = 0
        for match in DEFINITION.finditer(text):
            body = read_argument(text, match.end())
            if body is None or not body[0].strip():
                continue
            kind, name, definition = match[1], match[2], body[0].strip()
            if kind.startswith("DeclareMathOperator") and definition.isalpha():
                definition = rf"\operatorname{'*' if kind.endswith('*') else ''}{{{definition}}}"
            elif kind.startswith("DeclareMathOperator"):  # a symbol, like \mathbb{E}
                definition = rf"\mathop{{{definition}}}" + (r"\limits" if kind.endswith("*") else "")
            macros["\\" + name] = definition
            found += 1
        if found:
            report.add("converted", f"{found} TeX macros their MathJax read, as `math_macros:`", path)
    return macros
