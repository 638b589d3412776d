"""TeX that KaTeX reads and latex2mathml does not, rewritten into TeX that latex2mathml reads.

KaTeX's list of supported functions is the coverage anchor (benchmarks/math_coverage.py): its
other names for symbols (`\\R`, `\\rarr`, `\\Alpha`), the braket and colon macros, and HTML's
character references, which markdown-it leaves in the formula's text (`$&epsilon;$`).
"""

from __future__ import annotations

import html
import re

CHARACTER_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
COMMAND = re.compile(r"\\([a-zA-Z]+)")
CHAR_CODE = re.compile(r"""\\char\s*(?:"([0-9A-Fa-f]+)|'([0-7]+)|([0-9]+))""")
DROPPED = re.compile(r"\\(?:label\s*\{[^{}]*\}|relax|allowbreak|nobreak)\b")
HTML_EXTENSION = re.compile(r"\\html(?:Class|Id|Style|Data)\s*\{[^{}]*\}")  # keeps the argument that follows
URL = re.compile(r"\\url\s*\{([^{}]*)\}")

# KaTeX's other names for what latex2mathml knows by one name (KaTeX's macros.js and symbols.js).
ALIASES = {
    "alef": r"\aleph",
    "alefsym": r"\aleph",
    "Alpha": r"\mathrm{A}",
    "Beta": r"\mathrm{B}",
    "Chi": r"\mathrm{X}",
    "Epsilon": r"\mathrm{E}",
    "Eta": r"\mathrm{H}",
    "Iota": r"\mathrm{I}",
    "Kappa": r"\mathrm{K}",
    "Mu": r"\mathrm{M}",
    "Nu": r"\mathrm{N}",
    "Omicron": r"\mathrm{O}",
    "Rho": r"\mathrm{P}",
    "Tau": r"\mathrm{T}",
    "Zeta": r"\mathrm{Z}",
    "bull": r"\bullet",
    "clubs": r"\clubsuit",
    "diamonds": r"\diamondsuit",
    "hearts": r"\heartsuit",
    "spades": r"\spadesuit",
    "cnums": r"\mathbb{C}",
    "Complex": r"\mathbb{C}",
    "N": r"\mathbb{N}",
    "natnums": r"\mathbb{N}",
    "R": r"\mathbb{R}",
    "Reals": r"\mathbb{R}",
    "reals": r"\mathbb{R}",
    "real": r"\Re",
    "Z": r"\mathbb{Z}",
    "copyright": r"\text{©}",
    "dag": r"\dagger",
    "Dagger": r"\ddagger",
    "ddag": r"\ddagger",
    "Darr": r"\Downarrow",
    "dArr": r"\Downarrow",
    "darr": r"\downarrow",
    "Harr": r"\Leftrightarrow",
    "hArr": r"\Leftrightarrow",
    "harr": r"\leftrightarrow",
    "Larr": r"\Leftarrow",
    "lArr": r"\Leftarrow",
    "larr": r"\leftarrow",
    "Lrarr": r"\Leftrightarrow",
    "lrArr": r"\Leftrightarrow",
    "lrarr": r"\leftrightarrow",
    "Rarr": r"\Rightarrow",
    "rArr": r"\Rightarrow",
    "rarr": r"\rightarrow",
    "Uarr": r"\Uparrow",
    "uArr": r"\Uparrow",
    "uarr": r"\uparrow",
    "doublecap": r"\Cap",
    "doublecup": r"\Cup",
    "empty": r"\emptyset",
    "exist": r"\exists",
    "image": r"\Im",
    "infin": r"\infty",
    "isin": r"\in",
    "lq": r"\text{‘}",
    "rq": r"\text{’}",
    "mathellipsis": r"\ldots",
    "minuso": r"\mathbin{\text{⦵}}",
    "nleqq": r"\mathrel{\text{≦̸}}",
    "nsupseteqq": r"\mathrel{\text{⊉}}",
    "plusmn": r"\pm",
    "sdot": r"\cdot",
    "shortparallel": r"\parallel",
    "sub": r"\subset",
    "sube": r"\subseteq",
    "supe": r"\supseteq",
    "thetasym": r"\vartheta",
    "weierp": r"\wp",
    "angln": r"\,\overline{\underline{n}\vert}",
    "KaTeX": r"\text{KaTeX}",
    "sixptsize": r"\scriptsize",
    "begingroup": "{",
    "endgroup": "}",
    "gdef": r"\def",
    "global": "",
    "long": "",
    "providecommand": r"\newcommand",
    "newline": r"\\",
    # the colon family of mathtools and colonequals: a centred colon beside a relation
    "vcentcolon": r"\mathrel{:}",
    "ratio": r"\mathrel{:}",
    "dblcolon": r"\mathrel{::}",
    "coloncolon": r"\mathrel{::}",
    "colonequals": r"\mathrel{:=}",
    "coloneqq": r"\mathrel{:=}",
    "Colonapprox": r"\mathrel{::\approx}",
    "colonapprox": r"\mathrel{:\approx}",
    "coloncolonapprox": r"\mathrel{::\approx}",
    "coloncolonequals": r"\mathrel{::=}",
    "coloncolonminus": r"\mathrel{::-}",
    "coloncolonsim": r"\mathrel{::\sim}",
    "colonminus": r"\mathrel{:-}",
    "Colonsim": r"\mathrel{::\sim}",
    "colonsim": r"\mathrel{:\sim}",
    "approxcolon": r"\mathrel{\approx:}",
    "approxcoloncolon": r"\mathrel{\approx::}",
    "Eqcolon": r"\mathrel{-::}",
    "Eqqcolon": r"\mathrel{=::}",
    "equalscolon": r"\mathrel{=:}",
    "equalscoloncolon": r"\mathrel{=::}",
    "minuscolon": r"\mathrel{-:}",
    "minuscoloncolon": r"\mathrel{-::}",
    "simcolon": r"\mathrel{\sim:}",
    "simcoloncolon": r"\mathrel{\sim::}",
}
# One-argument macros: name -> template, #1 standing for the argument.
WITH_ARGUMENT = {
    "Bra": r"\left\langle #1\right|",
    "Ket": r"\left|#1\right\rangle",
    "bra": r"\langle #1\vert",
    "ket": r"\vert #1\rangle",
    "braket": r"\langle #1\rangle",
    "set": r"\{#1\}",
    "Set": r"\left\{ #1 \right\}",
    "Braket": r"\left\langle #1 \right\rangle",
    "overgroup": r"\overset{\frown}{#1}",
    "undergroup": r"\underset{\smile}{#1}",
    "overlinesegment": r"\overset{\leftrightarrow}{#1}",
    "underlinesegment": r"\underset{\leftrightarrow}{#1}",
    "overleftharpoon": r"\overset{\leftharpoonup}{#1}",
    "overrightharpoon": r"\overset{\rightharpoonup}{#1}",
    "Overrightarrow": r"\overset{\Rightarrow}{#1}",
    "raisebox": "",  # handled with its two arguments in `rewrite_raisebox`
}
BARS_IN = {"Set": r"\middle|", "Braket": r"\middle|", "set": r"\mid "}


def katex_to_latex2mathml(tex: str) -> str:
    """The same formula in TeX that latex2mathml reads."""
    if "&" in tex:
        tex = CHARACTER_ENTITY.sub(lambda match: html.unescape(match[0]), tex)
    if "\\" not in tex:
        return tex
    tex = DROPPED.sub("", tex)
    tex = HTML_EXTENSION.sub("", tex)
    tex = URL.sub(lambda match: rf"\href{{{match[1]}}}{{\texttt{{{match[1]}}}}}", tex)
    tex = CHAR_CODE.sub(character_code, tex)
    tex = rewrite_raisebox(tex)
    tex = expand_arguments(tex)
    return COMMAND.sub(alias, tex)


def alias(match: re.Match[str]) -> str:
    replacement = ALIASES.get(match[1])
    if replacement is None:
        return match[0]
    return replacement + (" " if replacement[-1:].isalpha() else "")


def character_code(match: re.Match[str]) -> str:
    hexadecimal, octal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(octal, 8) if octal else int(decimal)
    return chr(code) if 0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def braced_argument(tex: str, start: int) -> tuple[str, int] | None:
    """The `{...}` group starting at `start` (spaces skipped): its inside and the index after it."""
    while start < len(tex) and tex[start] == " ":
        start += 1
    if start >= len(tex) or tex[start] != "{":
        return None
    depth = 0
    for index in range(start, len(tex)):
        if tex[index] == "\\":
            continue
        if tex[index] == "{" and tex[index - 1 : index] != "\\":
            depth += 1
        elif tex[index] == "}" and tex[index - 1 : index] != "\\":
            depth -= 1
            if depth == 0:
                return tex[start + 1 : index], index + 1
    return None


def expand_arguments(tex: str) -> str:
    """`\\Ket{\\psi}` and kin, expanded innermost-last (their arguments are rewritten on the next pass)."""
    for name, template in WITH_ARGUMENT.items():
        if not template:
            continue
        pattern = re.compile(rf"\\{name}(?![a-zA-Z])")
        position = 0
        while match := pattern.search(tex, position):
            found = braced_argument(tex, match.end())
            if found is None:
                position = match.end()
                continue
            argument, end = found
            if name in BARS_IN:
                argument = replace_top_level_bars(argument, BARS_IN[name])
            expanded = template.replace("#1", argument)
            tex = tex[: match.start()] + expanded + tex[end:]
            position = match.start() + len(expanded)
    return tex


def replace_top_level_bars(argument: str, bar: str) -> str:
    """The `|` of `\\Set{x | x < 5}` that stands at brace depth 0, written as a middle bar."""
    depth, out = 0, []
    for index, character in enumerate(argument):
        escaped = argument[index - 1 : index] == "\\"
        if character == "{" and not escaped:
            depth += 1
        elif character == "}" and not escaped:
            depth -= 1
        out.append(bar if character == "|" and depth == 0 and not escaped else character)
    return "".join(out)


def rewrite_raisebox(tex: str) -> str:
    """`\\raisebox{2pt}{text}`: the text, set as text (the shift itself is not kept)."""
    pattern = re.compile(r"\\raisebox(?![a-zA-Z])")
    while match := pattern.search(tex):
        height = braced_argument(tex, match.end())
        body = braced_argument(tex, height[1]) if height else None
        if body is None:
            break
        tex = tex[: match.start()] + rf"\text{{{body[0]}}}" + tex[body[1] :]
    return tex
