"""Screenshots for docs/themes.md: the example site's index, a note, /papers/ and /graph/, phone and desktop.

Run from the repository after `notes-site build`: python docs/images/make_screenshots.py public docs/images
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from io import BytesIO

from browser import chromium_browser
from PIL import Image

pub, out = Path(sys.argv[1]).resolve().as_posix(), sys.argv[2]
pages = {
    "index": "index.html",
    "note": "2024/01/24/clip/index.html",
    "papers": "papers/index.html",
    "graph": "graph/index.html",
}
with chromium_browser() as b:
    for screen, (w, h, scale) in {"phone": (390, 844, 1.0), "desktop": (1366, 900, 0.6)}.items():
        p = b.new_page(viewport={"width": w, "height": h})
        for name, path in pages.items():
            p.goto("file://" + pub + "/" + path)
            p.wait_for_load_state("load")
            im = Image.open(BytesIO(p.screenshot())).convert("RGB")
            im = im.resize((int(w * scale), int(h * scale)), Image.LANCZOS).quantize(colors=64)
            im.save(f"{out}/theme-{name}-{screen}.png", optimize=True)
        p.close()
