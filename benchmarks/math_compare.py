"""Side-by-side screenshots of formulas from the formula gallery: notes-site's MathML beside KaTeX's HTML.

    npm ci --prefix tests/js                 # KaTeX (and Lighthouse), for tools and tests only
    apt-get install chromium fonts-noto-cjk  # the browser, and a CJK font for \\text{损失}
    python benchmarks/math_compare.py        # writes docs/images/math-compare-*.png

The gallery (tests/fixtures/math-gallery) is built with notes-site; KaTeX (tests/js/node_modules/katex,
run by Node here, never by a built site) renders the same TeX. Both are shown in Chromium on one page,
light scheme, each at its own default size (KaTeX sets formulas at 1.21 times the text), and each
pair is cropped to one PNG. Without fonts-noto-cjk, Chromium has no CJK font
and the formulas with Chinese \\text show boxes on both sides.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notes_site.build import BuildOptions, build_site  # noqa: E402

GALLERY = REPO / "tests" / "fixtures" / "math-gallery"
KATEX = REPO / "tests" / "js" / "node_modules" / "katex"
IMAGES = REPO / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
# A dozen formulas of the gallery, by how their TeX begins: losses, attention, norms, expectations,
# limits under operators, a matrix, cases, an aligned derivation with numbers, accents, CJK text.
CHOSEN = [
    r"\mathcal{L} = -\log \frac{\exp(s_{ii}/\tau)}",
    r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(",
    r"\mathbf{v}_j = \frac{\|\mathbf{s}_j\|^2}",
    r"\mathcal{N}(x; \mu, \sigma^2)",
    r"\theta^* = \arg\min_\theta",
    r"\mathcal{L}_{\mathrm{GAN}} = \min_G \max_D",
    r"\Sigma = \begin{pmatrix}",
    r"|x| = \begin{cases}",
    r"\begin{align} \log p(x)",
    r"\check{x} \quad \breve{x}",
    r"\text{准确率} = \frac",
    r"\lim_{n \to \infty}",
]
MATH_DISPLAY = re.compile(r'<div class="math display"[^>]*>.*?</div>', re.DOTALL)
SOURCE_DISPLAY = re.compile(r"^\$\$(.+?)\$\$", re.DOTALL | re.MULTILINE)  # the gallery's display formulas
RENDER_WITH_KATEX = """
const katex = require(process.argv[1]);
let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', () => {
  const formulas = JSON.parse(input);
  const rendered = formulas.map((tex) => katex.renderToString(tex, {displayMode: true, throwOnError: true}));
  process.stdout.write(JSON.stringify(rendered));
});
"""
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>notes-site and KaTeX</title>
<link rel="stylesheet" href="../css/main.css"><link rel="stylesheet" href="../css/math.css">
<link rel="stylesheet" href="katex/katex.min.css">
<style>
  body {{ margin: 0; background: #fff; }}
  .pair {{ display: grid; grid-template-columns: 1fr 1fr; width: 960px; border-bottom: 1px solid #ddd; }}
  .pair > div {{ padding: 4px 12px; min-width: 0; font-size: 16px; }}
  .pair > div + div {{ border-left: 1px solid #ddd; }}
  .who {{ font: 12px sans-serif; color: #555; margin: 0; }}
  .katex-display {{ margin: 0.5em 0; }}
</style></head><body>
{pairs}
</body></html>
"""
PAIR = """<section class="pair" id="pair-{index}">
<div><p class="who">notes-site (MathML, Latin Modern Math)</p>{ours}</div>
<div><p class="who">KaTeX {version}</p>{theirs}</div>
</section>"""


def gallery_formulas(public: Path) -> dict[str, str]:
    """Each display formula of the gallery: its TeX, from the Markdown, and notes-site's HTML for it, from
    the built page (which does not repeat the TeX), paired in the order they come."""
    source = (GALLERY / "content" / "gallery.md").read_text(encoding="utf-8")
    texs = [tex.strip() for tex in SOURCE_DISPLAY.findall(source)]
    blocks = MATH_DISPLAY.findall((public / "gallery" / "index.html").read_text(encoding="utf-8"))
    if len(texs) != len(blocks):
        raise SystemExit(f"The gallery has {len(texs)} display formulas but its page {len(blocks)}.")
    return dict(zip(texs, blocks, strict=True))


def chosen(formulas: dict[str, str]) -> list[str]:
    found = []
    for start in CHOSEN:
        matches = [tex for tex in formulas if tex.startswith(start)]
        if not matches:
            raise SystemExit(f"No formula of the gallery begins with {start!r}; update CHOSEN.")
        found.append(matches[0])
    return found


def katex_html(formulas: list[str]) -> list[str]:
    if not KATEX.exists():
        raise SystemExit(f"KaTeX is missing at {KATEX}: run `npm ci --prefix tests/js`.")
    command = ["node", "-e", RENDER_WITH_KATEX, str(KATEX)]
    done = subprocess.run(command, input=json.dumps(formulas), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs (default docs/images)")
    parser.add_argument("--scale", type=float, default=1.5, help="device pixel ratio of the screenshots")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    version = json.loads((KATEX / "package.json").read_text(encoding="utf-8"))["version"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(GALLERY, root, dirs_exist_ok=True)
        report = build_site(BuildOptions(site_root=root))
        if report.errors:
            raise SystemExit(f"The gallery did not build: {report.problems}")
        public = root / "public"
        formulas = gallery_formulas(public)
        texs = chosen(formulas)
        theirs = katex_html(texs)
        compare = public / "compare"
        shutil.copytree(KATEX / "dist", compare / "katex")
        pairs = [
            PAIR.format(index=index, ours=formulas[tex], theirs=theirs[index], version=version)
            for index, tex in enumerate(texs)
        ]
        (compare / "index.html").write_text(PAGE.format(pairs="\n".join(pairs)), encoding="utf-8")
        options.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
            page = browser.new_page(viewport={"width": 960, "height": 800}, device_scale_factor=options.scale)
            page.emulate_media(color_scheme="light")
            page.goto((compare / "index.html").as_uri())
            page.evaluate("document.fonts.ready")
            for index in range(len(texs)):
                target = options.out / f"math-compare-{index + 1:02d}.png"
                page.locator(f"#pair-{index}").screenshot(path=str(target))
                print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}: {texs[index][:60]}")
            browser.close()


if __name__ == "__main__":
    main()
