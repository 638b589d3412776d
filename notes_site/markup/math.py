"""TeX math to MathML at build time, so pages show formulas with no script and no CDN.

latex2mathml does the conversion. Formulas it would silently get wrong (an unknown `\\foo` printed
as text, an unknown environment dropped, an argument missing) raise FormulaError with the reason
instead; its output is repaired into valid HTML5 (`make_valid_html`) and into letters that
Chromium shows in bold or script (`use_math_alphabets`). KaTeX's extra names are rewritten for it
first (math_tex.py), amsmath's display environments are laid out as tables (math_tables.py), and
TeX's spacing, limits and delimiter sizes are set on the result (math_typography.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape, unescape
from xml.etree.ElementTree import Element, tostring

from latex2mathml import commands, exceptions
from latex2mathml.converter import Converter
from latex2mathml.symbols_parser import SYMBOLS

from notes_site.markup.math_macros import Macros, expand_macros
from notes_site.markup.math_tables import LAYOUTS, build, marked_references
from notes_site.markup.math_tex import katex_to_latex2mathml
from notes_site.markup.math_typography import polish
from notes_site.markup.tokens import FormulaFailure, heading_id

SCROLL_BOX = ' tabindex="0" role="group" aria-label="formula"'  # a display formula's box, which scrolls when wide

LIBRARY_ERRORS: dict[type[Exception], str] = {
    exceptions.NumeratorNotFoundError: "a fraction has no numerator",
    exceptions.DenominatorNotFoundError: "a fraction has no denominator",
    exceptions.ExtraLeftOrMissingRightError: "a \\left has no matching \\right (or a \\right or \\middle no \\left)",
    exceptions.MissingSuperScriptOrSubscriptError: "a ^ or _ has nothing after it",
    exceptions.DoubleSubscriptsError: "double subscript; group it as x_{ab} or {x_a}_b",
    exceptions.DoubleSuperscriptsError: "double superscript; group it as x^{ab} or {x^a}^b",
    exceptions.NoAvailableTokensError: "the formula ends before a command got all its arguments",
    exceptions.InvalidStyleForGenfracError: "\\genfrac takes a style from 0 to 3",
    exceptions.MissingEndError: "a \\begin{...} has no matching \\end{...}",
    exceptions.InvalidAlignmentError: "column alignments may only use l, c, r and |",
    exceptions.InvalidWidthError: "\\skew takes a whole number",
    exceptions.LimitsMustFollowMathOperatorError: "\\limits must follow an operator such as \\sum",
}
ROMAN_LETTER = re.compile(r"\\mathrm\s*\{\s*([A-Za-z])\s*\}")  # latex2mathml sets \mathrm{d} in italic
# TeX reads a backslash at the end of a line as a control space, `\ `: MathJax shows `a \<newline> b` as
# `a b`; latex2mathml would stop at the lone backslash. (An even run, `\\`, is a row break and stays.)
BACKSLASH_AT_LINE_END = re.compile(r"(?<!\\)((?:\\\\)*)\\(?=\r?\n)")
OPERATOR_NAME = re.compile(r"\\operatorname\*?\s*\{[^{}]*\}")
SPACING = re.compile(r"\\[,:; !]")
ENVIRONMENT = re.compile(r"\\begin\s*\{([^}]*)\}")
BEGIN_OR_END = re.compile(r"\\(begin|end)\s*\{[^}]*\}")
SCRIPT_NEXT = re.compile(r"\s*[_^]")
FONT_COMMAND = re.compile(r"\\math[a-zA-Z]+")
COMMAND_IN_TEXT = re.compile(r"\\[a-zA-Z]*")
CHARACTER_REFERENCE = re.compile(r"&#x([0-9a-fA-F]+);|&#([0-9]+);")
TEX_LENGTH = re.compile(r"^([+-]?[0-9.]+)(mu|bp|dd|cc|sp)$")
EM_PER_UNIT = {"mu": 1 / 18, "bp": 0.1004, "dd": 0.107, "cc": 1.284, "sp": 1 / 655360}  # taking 1em = 10pt
SAFE_COLOR = re.compile(r"^#?[a-zA-Z0-9]+$")
TOKEN_ELEMENTS = ("mi", "mo", "mn")
UPRIGHT = {"mathvariant": "normal"}
MACRO_DEFINITIONS = ("\\newcommand", "\\renewcommand", "\\def", "\\DeclareMathOperator", "\\newenvironment")
MISSING_FUNCTIONS = ("\\arg",)  # standard operator names latex2mathml prints as `\arg` instead of `arg`
# Elements with a fixed number of children; latex2mathml builds others for input like `\\frac x` or `\\limits`.
ARGUMENTS = {
    "mfrac": (2, "a fraction (\\frac, \\over, \\binom)"),
    "mroot": (2, "a root (\\sqrt[n])"),
    "msub": (2, "a subscript"),
    "msup": (2, "a superscript"),
    "msubsup": (3, "a subscript or superscript"),
    "munder": (2, "a limit or an under-accent (\\underset, \\underbrace)"),
    "mover": (2, "a limit or an accent (\\hat, \\overset, \\overbrace)"),
    "munderover": (3, "a limit (\\limits)"),
}
VARIANT_NAMES = {  # every mathvariant latex2mathml writes but "normal", as Unicode names its math alphabets
    "bold": "BOLD",
    "italic": "ITALIC",
    "bold-italic": "BOLD ITALIC",
    "script": "SCRIPT",
    "fraktur": "FRAKTUR",
    "double-struck": "DOUBLE-STRUCK",
    "sans-serif": "SANS-SERIF",
    "sans-serif-italic": "SANS-SERIF ITALIC",
    "monospace": "MONOSPACE",
}
LETTERLIKE_NAMES = {"SCRIPT": "SCRIPT", "FRAKTUR": "BLACK-LETTER", "DOUBLE-STRUCK": "DOUBLE-STRUCK"}  # ℬ ℭ ℂ ...
LENGTH_ATTRIBUTES = ("width", "height", "depth", "lspace", "rspace", "voffset", "minsize", "maxsize")


class FormulaError(Exception):
    """A formula that cannot be typeset; `reason` says why in words the note's author can act on."""

    def __init__(self, tex: str, reason: str) -> None:
        preview = tex if len(tex) <= 80 else tex[:77] + "..."
        super().__init__(f"Cannot typeset the formula `{preview}`: {reason}.")
        self.tex = tex
        self.reason = reason


@lru_cache(maxsize=8192)
def tex_to_mathml(tex: str, display: bool, macros: Macros = ()) -> str:
    """One `<math>` element for HTML5, without the TeX: no browser shows or copies an annotation, and
    on a page of many formulas it was a third of the gzipped page (docs/papers.md).

    Cached because notes repeat the same symbols ($x$, $\\theta$) over and over; failures are not cached.
    `macros` are the site's own names (`math_macros:`), expanded first.
    """
    tex = tex.strip()
    source = prepared(expand_macros(tex, macros))
    problem = brace_problem(source) or unknown_name_problem(source) if tex else "the formula is empty"
    if problem:
        raise FormulaError(tex, problem)
    try:
        math = build(source, display, converter_for(display))
    except RecursionError as exc:
        raise FormulaError(tex, "macros expand without end") from exc
    except Exception as exc:  # latex2mathml signals most malformed input with IndexError, StopIteration and kin
        reason = LIBRARY_ERRORS.get(type(exc), f"latex2mathml could not read it ({type(exc).__name__})")
        raise FormulaError(tex, reason) from exc
    name_missing_functions(math)
    problem = leftover_problem(math)  # before decoding, while \& is still `&#x00026;` and a stray & is `&`
    if problem:
        raise FormulaError(tex, problem)
    decode_character_references(math)
    make_valid_html(math)
    use_math_alphabets(math)
    polish(math)
    return tostring(math, encoding="unicode")


def converter_for(display: bool):
    """TeX to a <math> element; blank TeX (an empty table cell) to an empty one."""
    mode = "block" if display else "inline"

    def convert(tex: str) -> Element:
        if not tex.strip():
            return Element("math", xmlns="http://www.w3.org/1998/Math/MathML", display=mode)
        return Converter(display=mode).convert_to_element(tex)

    return convert


def prepared(tex: str) -> str:
    """Common TeX that latex2mathml misreads, rewritten to TeX it reads right."""
    tex = marked_references(ROMAN_LETTER.sub(r"\\text{\1}", katex_to_latex2mathml(tex)))
    tex = BACKSLASH_AT_LINE_END.sub(r"\1\\ ", tex)
    return group_scripted_environments(OPERATOR_NAME.sub(operator_name, tex))


def group_scripted_environments(tex: str) -> str:
    """`\\begin{pmatrix}…\\end{pmatrix}^\\top` braced, so the script goes on the whole matrix as in TeX.

    latex2mathml otherwise puts the brackets, the table and the script side by side in one <msup>.
    """
    opened: list[int] = []
    braces: list[tuple[int, str]] = []
    for match in BEGIN_OR_END.finditer(tex):
        if match[1] == "begin":
            opened.append(match.start())
        elif opened:
            start = opened.pop()
            if SCRIPT_NEXT.match(tex, match.end()):
                braces += [(start, "{"), (match.end(), "}")]
    for position, brace in sorted(braces, reverse=True):  # from the end, so earlier positions stay valid
        tex = tex[:position] + brace + tex[position:]
    return tex


def operator_name(match: re.Match[str]) -> str:
    """`\\operatorname*{arg\\,max}` with a plain space; a name with digits or signs (`Conv3D`) as \\mathop."""
    written = SPACING.sub("\u2009", match[0])
    starred, _, name = written.partition("{")
    name = name[:-1]
    if all(character.isalpha() or character.isspace() for character in name):
        return written
    operator = rf"\mathop{{\mathrm{{{name}}}}}"
    return operator + r"\limits" if starred.endswith("*") else operator


def brace_problem(tex: str) -> str:
    """Unbalanced braces make latex2mathml drop or invent groups instead of failing."""
    depth = 0
    characters = iter(tex)
    for character in characters:
        if character == "\\":
            next(characters, None)
        elif character == "%":  # a TeX comment runs to the end of the line
            for character in characters:
                if character == "\n":
                    break
        elif character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
            if depth < 0:
                return "unbalanced braces: a '}' closes no '{'"
    return "unbalanced braces: a '{' is never closed" if depth else ""


def unknown_name_problem(tex: str) -> str:
    """Names latex2mathml accepts without a word and then ignores: environments and \\math... fonts."""
    if any(definition in tex for definition in MACRO_DEFINITIONS):
        return ""  # the name may be defined right here; the output scan still catches leftovers
    for name in ENVIRONMENT.findall(tex):
        if f"\\{name.strip()}" not in commands.CONVERSION_MAP and name.strip() not in LAYOUTS:
            return f"unknown environment {name.strip()}"
    for name in FONT_COMMAND.findall(tex):
        if not is_known_font(name):
            return f"unknown command {name}"
    return ""


def is_known_font(name: str) -> bool:
    known = (commands.LOCAL_FONTS, commands.CONVERSION_MAP, commands.MATH_NON_FONT_COMMANDS, SYMBOLS)
    return any(name in names for names in known)


def decode_character_references(math: Element) -> None:
    """Symbols come as `&#x...;` text, which latex2mathml un-escapes in its whole output, `\\text{<b>}` included.

    Decoding them instead lets ElementTree escape `<` and `&` as HTML needs.
    """
    for element in math.iter():
        if element.text and "&#" in element.text:
            element.text = CHARACTER_REFERENCE.sub(character_for, element.text)


def character_for(match: re.Match[str]) -> str:
    code_point = int(match[1], 16) if match[1] else int(match[2])
    allowed = code_point in (0x9, 0xA, 0xD) or 0x20 <= code_point <= 0x10FFFF and not 0xD800 <= code_point <= 0xDFFF
    return chr(code_point) if allowed and not 0x7F <= code_point <= 0x9F else "\ufffd"


def name_missing_functions(math: Element) -> None:
    """Set \\arg upright like latex2mathml sets \\log, instead of rejecting it as unknown."""
    for element in math.iter("mi"):
        if element.text in MISSING_FUNCTIONS:
            element.text = element.text[1:]


def leftover_problem(math: Element) -> str:
    """Mistakes latex2mathml lets through: unknown commands (printed as their name), a stray &, missing arguments."""
    for element in math.iter():
        text = element.text or "" if element.tag in TOKEN_ELEMENTS else ""
        if "\\" in text:
            name = COMMAND_IN_TEXT.search(text)[0]
            return f"unknown command {name}" if len(name) > 1 else "a backslash that starts no known command"
        if text == "&":
            return "an & outside a matrix, cases, array or align environment (write \\& for the character)"
        if element.tag == "mo" and not text and not len(element) and not element.attrib:
            return "\\operatorname takes a plain name, such as \\operatorname{softmax}"
        count, construct = ARGUMENTS.get(element.tag, (len(element), ""))
        if len(element) != count:
            return f"{construct} does not have the arguments it needs"
    return ""


def make_valid_html(math: Element) -> None:
    """Repair what the Nu HTML Checker rejects in latex2mathml's output."""
    for element in math.iter():
        for attribute in [name for name, value in element.attrib.items() if not value]:
            del element.attrib[attribute]  # e.g. columnspacing="" on a one-column align
        if element.tag == "mo" and len(element):
            flatten_operator(element)
        for attribute in LENGTH_ATTRIBUTES:
            if attribute in element.attrib:
                element.set(attribute, css_length(element.get(attribute, "")))
        border = element.attrib.pop("border-color", None)  # \fcolorbox's frame: no such MathML attribute
        if border is not None and SAFE_COLOR.match(border):
            element.set("style", f"border: 1px solid {border}")


def flatten_operator(operator: Element) -> None:
    """\\mathop{...} puts elements inside an `<mo>`, which may only hold text."""
    descendants = list(operator.iter())[1:]
    if all(child.tag in ("mrow", *TOKEN_ELEMENTS) and child.attrib in ({}, UPRIGHT) for child in descendants):
        operator.text = "".join(child.text or "" for child in descendants)
        operator[:] = []
    else:
        operator.tag = "mrow"


def use_math_alphabets(math: Element) -> None:
    """Chromium ignores mathvariant (but "normal"): \\mathbf{Wx} would show plain W x, so use 𝐖𝐱 instead."""
    for element in math.iter():
        variant = VARIANT_NAMES.get(element.get("mathvariant", ""))
        if variant and element.tag in ("mi", "mn") and element.text:
            styled = styled_text(element.text, variant)
            if styled:
                element.text = styled
                del element.attrib["mathvariant"]


def styled_text(text: str, variant: str) -> str:
    """`x` in bold italic is MATHEMATICAL BOLD ITALIC SMALL X; "" when a letter has no such character."""
    styled = []
    for character in text:
        base = unicodedata.name(character, "").replace("LATIN ", "").replace("GREEK ", "").replace("LETTER ", "")
        names = (f"MATHEMATICAL {variant} {base}", f"{LETTERLIKE_NAMES.get(variant, variant)} {base}")
        match = next((found for name in names if (found := character_named(name))), "")
        if character.isalnum() and not match:
            return ""
        styled.append(match or character)
    return "".join(styled)


def character_named(name: str) -> str:
    try:
        return unicodedata.lookup(name)
    except KeyError:
        return ""


def css_length(value: str) -> str:
    """TeX units such as mu (math units) and bp are not CSS units; em is."""
    match = TEX_LENGTH.match(value)
    if not match:
        return value
    return f"{float(match[1]) * EM_PER_UNIT[match[2]]:.4g}em"


def render_math_inline(self, tokens, idx, options, env) -> str:
    return formula_in_text(tokens[idx], False, env)


def formula_in_text(token, display: bool, env: dict) -> str:
    """A formula inside a paragraph, inline or displayed where it stands: a <span>, as phrasing content must be."""
    tex = token.content.strip()
    typeset = typeset_formula(tex, display, token.meta.get("line", 0), env)
    css = "math display" if display else "math inline"
    if typeset is not None:
        return f'<span class="{css}"{SCROLL_BOX if display else ""}>{typeset}</span>'
    shown = f"\\[{escape(tex, quote=False)}\\]" if display else f"\\({escape(tex, quote=False)}\\)"
    return f'<span class="{tex_class(css, env)}">{shown}</span>'


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


def render_math_double_in_text(self, tokens, idx, options, env) -> str:
    """`$$…$$` in a sentence: display as MathJax and Pandoc show it, or inline as kramed and kramdown do.

    `$$$…$$$` (kramed's own display form), the escaped `\\[…\\]` and a `$$…$$` on lines of its own
    inside a paragraph (`mark_formulas_on_own_lines`) stay display either way.
    """
    token = tokens[idx]
    inline = env.get("double_dollar_in_text") == "inline" and token.markup == "$$" and not token.meta.get("own_lines")
    return formula_in_text(token, not inline, env)


def typeset_formula(tex: str, display: bool, line: int, env: dict) -> str | None:
    """MathML for the formula, or None: KaTeX typesets in the browser, or the TeX is kept as text."""
    if env.get("math") != "mathml":
        return None

    try:
        return tex_to_mathml(tex, display, env.get("math_macros", ()))
    except FormulaError as exc:
        env.setdefault("formula_failures", []).append(FormulaFailure(line, tex, exc.reason))
        return None


def tex_class(css: str, env: dict) -> str:
    """TeX kept as text: for KaTeX to find, or marked as a formula that failed."""
    return css if env.get("math") != "mathml" else css + " math-error"


MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)
ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)
TAG = re.compile(r"<[^>]*>")
ONE_LETTER = re.compile(r"<mi>([^<&])</mi>")  # shown in italic unless it says mathvariant="normal"
# The characters Chromium shows for a one-letter <mi>: MathML Core's italic mapping (text-transform: math-auto)
ITALIC = {
    **{ord("A") + i: 0x1D434 + i for i in range(26)},
    **{ord("a") + i: 0x1D44E + i for i in range(26)},
    ord("h"): 0x210E,
    0x131: 0x1D6A4,
    0x237: 0x1D6A5,
    **{0x391 + i: 0x1D6E2 + i for i in range(25) if i != 0x11},
    0x3F4: 0x1D6F3,
    0x2207: 0x1D6FB,
    **{0x3B1 + i: 0x1D6FC + i for i in range(25)},
    0x2202: 0x1D715,
    0x3F5: 0x1D716,
    0x3D1: 0x1D717,
    0x3F0: 0x1D718,
    0x3D5: 0x1D719,
    0x3F1: 0x1D71A,
    0x3D6: 0x1D71B,
}


def math_characters(html: str) -> str:
    """Every character the formulas of `html` may show, sorted: what the site's math font must hold.

    Left out, as no reader ever sees them: TeX annotations (MathML an author wrote as HTML may carry
    one), the invisible operators (U+2061 function application and its kin, drawn as nothing) and the
    upright letter of a one-letter <mi>, which Chromium draws in its italic form without naming that
    form in the text.
    """
    if "<math" not in html:
        return ""
    shown: set[str] = set()

    def drawn_in_italic(match: re.Match[str]) -> str:
        italic = ITALIC.get(ord(match[1]))
        if italic is None:
            return match[0]
        shown.add(chr(italic))
        return ""

    for element in MATH_ELEMENT.findall(html):
        shown.update(unescape(TAG.sub("", ONE_LETTER.sub(drawn_in_italic, ANNOTATION.sub("", element)))))
    return "".join(sorted(c for c in shown if c >= " " and unicodedata.category(c) != "Cf"))
