"""What TeX does for a formula's looks that latex2mathml's MathML leaves to chance, done to its tree.

- Function names (`\\log`, `\\max`, `\\operatorname{softmax}`) get the function-application operator
  U+2061 after them, with TeX's thin space before an argument that is not in brackets, and a thin
  space from an ordinary symbol before them ("β log σ", not "βlogσ").
- Operators that take limits (`\\max`, `\\lim`, `\\arg\\min`'s min, `\\sum`, `\\operatorname*`) are
  `munder`/`munderover` with movablelimits, so limits go under them in display and beside them inline.
- Delimiters without \\left/\\right never stretch, so the two bars of `\\|x\\|^2` are the same height.
- Cells keep their `columnalign` for Firefox and Safari and get a class Chromium can align by.
- `\\href` keeps only URLs a Markdown link would keep.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from notes_site.markup.tokens import safe_url

FUNCTION_NAMES = {
    "arccos", "arcsin", "arctan", "arctg", "arcctg", "arg", "ch", "cos", "cosec", "cosh", "cot", "cotg", "coth",
    "csc", "ctg", "cth", "deg", "dim", "exp", "hom", "ker", "lg", "ln", "log", "sec", "sh", "sin", "sinh", "tan",
    "tanh", "tg", "th",
}  # fmt: skip
LIMIT_NAMES = {"det", "gcd", "inf", "lim", "liminf", "limsup", "max", "min", "Pr", "sup", "injlim", "projlim"}
BIG_OPERATORS = set("∑∏∐⋃⋂⨁⨂⨀⨄⨆⋁⋀")
OPEN_FENCES = set("([{⟨⌊⌈⟦")
FENCES = OPEN_FENCES | set(")]}⟩⌋⌉⟧|‖∥∣")
BARS = set("|‖")
SCRIPTS = {"msub": "munder", "msup": "mover", "msubsup": "munderover"}
UNDER_OVER = set(SCRIPTS.values())
ROW_LIKE = {"math", "mrow", "mtd", "msqrt", "mstyle", "mpadded", "mphantom", "menclose", "merror"}
THIN_SPACE = "0.1667em"


def polish(math: Element) -> None:
    matrix_fences = {id(child) for row in math.iter() if any(c.tag == "mtable" for c in row) for child in row}
    for element in list(math.iter()):
        if element.tag in ("mi", "mo") and element.text in FENCES and not len(element):
            if id(element) not in matrix_fences:  # a matrix's brackets stretch to its height
                fixed_delimiter(element)
        if (element.tag in SCRIPTS or element.tag in UNDER_OVER) and is_limit_operator(element[0]):
            element.tag = SCRIPTS.get(element.tag, element.tag)
            element[0].set("movablelimits", "true")
        if element.tag == "mtd" and element.get("columnalign") in ("left", "right"):
            add_class(element, f"col-{element.get('columnalign')[0]}")
        if "href" in element.attrib:
            safe_href(element)
    for element in list(math.iter()):
        if element.tag in ROW_LIKE:
            apply_functions(element)


def fixed_delimiter(element: Element) -> None:
    """`\\vert` comes as an <mi>; a bar or bracket written without \\left/\\right keeps its size."""
    element.tag = "mo"
    if "stretchy" not in element.attrib and "minsize" not in element.attrib:
        element.set("stretchy", "false")
    if element.text in BARS and element.get("stretchy") == "false":
        element.set("lspace", "0em")  # TeX's | and \| are ordinary symbols: no space as if they were relations
        element.set("rspace", "0em")


def add_class(element: Element, name: str) -> None:
    classes = element.get("class", "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


def name_of(element: Element) -> str:
    """The operator name an element is (or has as its base), "" when it is none."""
    if element.tag in SCRIPTS or element.tag in UNDER_OVER:
        return name_of(element[0]) if len(element) else ""
    text = element.text or ""
    if len(element) or not text:
        return ""
    if element.tag == "mi" and text in FUNCTION_NAMES:
        return text
    if element.tag == "mo" and (text.isalpha() or len(text) > 1 and any(c.isalpha() for c in text)):
        return text  # \operatorname{…}, \lim, \mathop{\mathbb E}, \operatorname{Conv3D}
    return ""


def is_limit_operator(base: Element) -> bool:
    if base.tag != "mo" or len(base):
        return False
    text = (base.text or "").replace("\u2006", "").replace("\u2009", "")
    return text in BIG_OPERATORS or text in LIMIT_NAMES or base.get("movablelimits") == "true"


def apply_functions(row: Element) -> None:
    """U+2061 after each function name in a row, and TeX's thin spaces around it."""
    position = 0
    while position < len(row):
        child = row[position]
        if not name_of(child):
            position += 1
            continue
        core = child if child.tag in ("mi", "mo") else child[0]
        if core.tag == "mo":
            core.set("lspace", "0em")
            core.set("rspace", "0em")
        before = row[position - 1] if position else None
        if before is not None and is_ordinary(before):
            row.insert(position, Element("mspace", width=THIN_SPACE))
            position += 1
        after = row[position + 1] if position + 1 < len(row) else None
        if after is not None and takes_argument(after):
            space = "0em" if opens_with_fence(after) else THIN_SPACE
            applied = Element("mo", lspace="0em", rspace=space)
            applied.text = "\u2061"
            row.insert(position + 1, applied)
            position += 1
        position += 1


def is_ordinary(element: Element) -> bool:
    """TeX puts a thin space between an ordinary symbol and an operator name; not after a sign or an opening."""
    if element.tag == "mo":
        text = element.text or ""
        return text in FENCES - OPEN_FENCES or text in ("!", "′", "″")
    return element.tag != "mspace"


def takes_argument(element: Element) -> bool:
    """Function application holds unless a sign, a relation or punctuation follows the name."""
    if element.tag == "mo":
        text = element.text or ""
        return text in OPEN_FENCES or bool(name_of(element))
    return element.tag not in ("mspace", "mtext") or bool((element.text or "").strip())


def opens_with_fence(element: Element) -> bool:
    while element.tag == "mrow" and len(element):
        element = element[0]
    return element.tag == "mo" and (element.text or "") in OPEN_FENCES


def safe_href(element: Element) -> None:
    """The same rule as Markdown links (tokens.safe_url): no `javascript:`, `vbscript:`, `data:`…"""
    url = safe_url(element.get("href") or "")
    if url:
        element.set("href", url)
    else:
        del element.attrib["href"]
