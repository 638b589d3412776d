"""Split Latin Modern Math into the three WOFF2 files the theme ships, so a page downloads only what it shows.

    apt-get install fonts-lmodern     # or any copy of latinmodern-math.otf (GUST Font License)
    python benchmarks/math_font_split.py [path/to/latinmodern-math.otf]

The whole font is 392 KB as WOFF2: on Lighthouse's phone on slow 4G that alone delays the first
paint of a page with math by two seconds. Split by Unicode range, with one @font-face rule per file
in themes/default/static/css/math.css (rewritten here between its markers), a browser fetches a file
only when the page has a character in its range, and each file a note fetches costs its first paint a
round trip, so a typical ML note should need the first file only:

- latinmodern-math.woff2 (84 KB), every page with math: ASCII, Greek, italic letters (what
  <mi>x</mi> shows), the alphabets of ML papers (bold, calligraphic, blackboard, ℝ ℒ ℋ), the usual
  operators and arrows of TeX's commands, and every other character the font can stretch or enlarge
  (brackets, bars, radicals, big operators, wide accents), because a browser stretches an operator
  with the first file of the family only;
- latinmodern-math-symbols.woff2 (26 KB): the rest of the operator and arrow blocks (⊏, ⋐, ⇶, ⨿);
- latinmodern-math-more.woff2 (100 KB): the rest of the font (accented Latin, Fraktur, sans-serif
  and monospace alphabets, shapes).

The script-size shapes (the ssty feature) are left out; see write_subset.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parent.parent
FONTS = REPO / "themes" / "default" / "static" / "fonts"
MATH_CSS = REPO / "themes" / "default" / "static" / "css" / "math.css"
DEBIAN_OTF = Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf")
BEGIN, END = "/* font files: written by benchmarks/math_font_split.py */", "/* end of font files */"


def span(first: int, last: int) -> set[int]:
    return set(range(first, last + 1))


GREEK = span(0x391, 0x3A9) | span(0x3B1, 0x3C9) | {0x3D1, 0x3D5, 0x3D6, 0x3F0, 0x3F1, 0x3F5}
LETTERS = (
    span(0x1D400, 0x1D433)  # bold
    | span(0x1D49C, 0x1D4CF)  # script (\mathcal)
    | span(0x1D538, 0x1D56B)  # double-struck (\mathbb)
    | span(0x1D7CE, 0x1D7E1)  # bold and double-struck digits
    | span(0x2100, 0x214F)  # letterlike: ℝ ℕ ℒ ℰ ..., the holes of the script and double-struck alphabets
)
# The operators and arrows of TeX's and KaTeX's usual commands; the rest of their blocks go to the
# second file, with their arrows that stretch, which then stretch no more (↞ ⇶; ← → ⇐ ⇒ ↦ still do).
OPERATORS = {ord(c) for c in "∀∂∃∄∅∇∈∉∋∌∏∐∑−∓∗∘∙√∛∜∝∞∠∣∤∥∦∧∨∩∪∫∬∭∮∴∵∶∼∽≀≂≃≅≈≍≐≔≜≝≠≡≢≤≥≦≧≪≫≲≳≺≻≼≽"}
OPERATORS |= {ord(c) for c in "⊂⊃⊄⊆⊇⊈⊊⊋⊎⊕⊖⊗⊘⊙⊢⊣⊤⊥⊨⊲⊳⊴⊵⊺⋀⋁⋂⋃⋄⋅⋆⋈⋮⋯⋰⋱⨀⨁⨂⨄⨆"}
ARROWS = {ord(c) for c in "←↑→↓↔↕↖↗↘↙↦↩↪↼⇀⇌⇐⇑⇒⇓⇔⇕⟵⟶⟷⟸⟹⟺⟼"}
SYMBOLS = (
    span(0x2190, 0x21FF)  # arrows
    | span(0x2200, 0x22FF)  # operators
    | span(0x27F0, 0x27FF)  # long arrows
    | span(0x2900, 0x2AFF)  # more arrows, more operators
    | span(0x2B00, 0x2BFF)  # more arrows
)
CORE = (
    span(0x20, 0x7E)
    | {0xA0, 0xAC, 0xB0, 0xB1, 0xB7, 0xD7, 0xF7}
    | GREEK
    | span(0x2000, 0x206F)  # spaces, primes, daggers, and the invisible function application after \log
    | {0x210E, 0x2113}  # the italic h and ℓ, where the math italic alphabet has a hole
    | span(0x1D434, 0x1D467)  # italic
    | span(0x1D6E2, 0x1D71B)  # Greek italic
    | LETTERS
    | OPERATORS
    | ARROWS
)


def stretchable(font: TTFont) -> set[int]:
    """Characters with size variants or glyph assemblies in the MATH table."""
    variants = font["MATH"].table.MathVariants
    glyphs = set(variants.VertGlyphCoverage.glyphs) | set(variants.HorizGlyphCoverage.glyphs)
    return {code for code, glyph in font.getBestCmap().items() if glyph in glyphs}


def write_subset(source: Path, characters: set[int], target: Path) -> list[int]:
    font = TTFont(source)
    options = subset.Options()
    options.flavor = "woff2"
    # Dotless i and j under accents, flattened accents; not ssty, the script-size shapes of letters:
    # they were two fifths of the bytes, Chromium never uses them (a superscript is as wide with them as
    # without) and Firefox, which does, falls back to the letters scaled down.
    options.layout_features = ["dtls", "flac"]
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.drop_tables += ["FFTM"]
    options.desubroutinize = True  # compresses better
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters))
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)
    return sorted(font.getBestCmap())


def unicode_range(codes: list[int]) -> str:
    ranges, start = [], None
    for index, code in enumerate(codes):
        start = code if start is None else start
        if index + 1 == len(codes) or codes[index + 1] != code + 1:
            ranges.append(f"U+{start:X}" if start == code else f"U+{start:X}-{code:X}")
            start = None
    return ", ".join(ranges)


def font_face(file: str, codes: list[int]) -> str:
    return (
        "@font-face {\n"
        '  font-family: "Latin Modern Math";\n'
        f'  src: url("../fonts/{file}") format("woff2");\n'
        "  font-display: swap;\n"
        f"  unicode-range: {unicode_range(codes)};\n"
        "}\n"
    )


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEBIAN_OTF
    everything = set(TTFont(source).getBestCmap())
    core = (CORE | stretchable(TTFont(source)) - (SYMBOLS - OPERATORS - ARROWS)) & everything
    symbols = (SYMBOLS & everything) - core
    more = everything - core - symbols
    faces = []
    for file, characters in (
        ("latinmodern-math.woff2", core),
        ("latinmodern-math-symbols.woff2", symbols),
        ("latinmodern-math-more.woff2", more),
    ):
        # The subsetter keeps a character whose glyph another one needs (≃ for ≄): each range names
        # only its file's own characters, or the last face declared for an overlap would serve it.
        codes = sorted(set(write_subset(source, characters, FONTS / file)) & characters)
        faces.append(font_face(file, codes))
        print(f"{file}: {len(codes)} characters, {(FONTS / file).stat().st_size / 1024:.0f} KiB")
    css = MATH_CSS.read_text(encoding="utf-8")
    block = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not block.search(css):
        raise SystemExit(f"{MATH_CSS} has no {BEGIN} … {END} block to rewrite.")
    MATH_CSS.write_text(block.sub(lambda _: BEGIN + "\n" + "\n".join(faces) + END, css), encoding="utf-8")


if __name__ == "__main__":
    main()
