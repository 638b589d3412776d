"""Make the whole math font the default theme keeps, which each build cuts down to the site's formulas.

    apt-get install fonts-lmodern     # or any copy of latinmodern-math.otf (GUST Font License)
    python benchmarks/math_font_source.py [path/to/latinmodern-math.otf]

Writes themes/default/fonts/latinmodern-math.woff2 (197 KB): every character of Latin Modern Math
with its MATH table, as WOFF2. It is not served: notes_site/output/math_font.py cuts it at build
time to the characters the site's formulas show (20 to 40 KB for a site of ML notes) and writes
that to the output. Left out here, and so in every build:

- the script-size shapes (the ssty feature): two fifths of the font's bytes, and Chromium never
  uses them (a superscript is as wide with them as without); Firefox, which does, falls back to the
  letters scaled down;
- FontForge's timestamp table (FFTM).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "themes" / "default" / "fonts" / "latinmodern-math.woff2"
DEBIAN_OTF = Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf")


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEBIAN_OTF
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = ["dtls", "flac"]  # as math_font.py keeps them: not ssty
    options.name_IDs = ["*"]  # the copyright and licence names
    options.drop_tables += ["FFTM"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap())
    subsetter.subset(font)
    font.flavor = "woff2"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    print(f"{TARGET.relative_to(REPO)}: {len(font.getBestCmap())} characters, {TARGET.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
