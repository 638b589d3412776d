"""The site's math font: Latin Modern Math cut down at build time to the characters its formulas show.

A page with math must fetch its font before the formulas settle, and on a phone on slow 4G
every kilobyte delays the first paint; a typical site's formulas use a hundred or two of
the font's 2,800 glyphs. So the theme keeps the whole font outside `static/`
(`fonts/latinmodern-math.woff2` in the theme folder), and the build writes a copy holding
only the characters of the site's formulas, with the glyphs the font's MATH table needs to
stretch and enlarge them (size variants, the parts of tall brackets), to the output's
`fonts/latinmodern-math.woff2`, the one file math.css names. A theme that puts a font at
`static/fonts/latinmodern-math.woff2` ships that file as it is instead.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from notes_site.fingerprint import fingerprint

FONT_FILE = "fonts/latinmodern-math.woff2"  # in the theme folder: the whole font; in the output: the cut
RECIPE = 1  # bump when subset_font keeps different glyphs or tables: the written font's signature changes


@dataclass(frozen=True)
class MathFont:
    """What the site's font file is made from: the theme's whole font and the characters to keep."""

    source: Path
    stamp: tuple[int, int]  # the whole font's size and modification time: an edited font is cut again
    characters: str  # sorted, no duplicates

    @property
    def signature(self) -> str:
        """Equal for equal fonts: a build rewrites the file only when this changes."""
        return "font:" + fingerprint(RECIPE, str(self.source), *self.stamp, self.characters)

    def holds(self, characters: str) -> bool:
        """Every one of `characters` is in this font (serve patches a note in place only then)."""
        return set(characters) <= set(self.characters)

    def make(self) -> bytes:
        return subset_font(str(self.source), self.stamp, self.characters)


def math_font_for(theme_find, static_files: dict[str, Path], shown: Iterable[str]) -> MathFont | None:
    """The font to make for a site whose formulas show `shown` (one string per note); None: nothing to make.

    Nothing when no note has a formula, when the theme ships a font file of its own in
    `static/`, or when the theme has no whole font to cut (then math.css's fallbacks apply).
    """
    characters = set().union(*shown)
    if not characters or FONT_FILE in static_files:
        return None
    source = theme_find(FONT_FILE)
    if source is None:
        return None
    info = source.stat()
    return MathFont(source, (info.st_size, info.st_mtime_ns), "".join(sorted(characters)))


@lru_cache(maxsize=4)
def subset_font(source: str, stamp: tuple[int, int], characters: str) -> bytes:
    """The WOFF2 font holding `characters` (a quarter of a second; remembered, as serve and tests rebuild alike).

    fontTools follows the MATH table from the kept characters to their size variants and
    assembly parts, so brackets still stretch and big operators still grow.
    """
    from fontTools import subset  # imported here: only builds that write a font pay for it
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)  # the same characters make the same bytes, build after build
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["dtls", "flac"]  # dotless i and j under accents, flattened accents
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.desubroutinize = True  # compresses better
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(character) for character in characters])
    subsetter.subset(font)
    font.flavor = "woff2"
    written = io.BytesIO()
    font.save(written)
    return written.getvalue()
