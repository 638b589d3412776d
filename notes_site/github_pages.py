"""`notes-site init --github-pages`: a workflow that publishes the site with GitHub's Pages actions.

The workflow installs the notes-site release this one is (by tag from its repository,
until it is on PyPI), keeps the output and the build cache between runs so a push that
edits one note is an incremental build, and takes `base_url` from the Pages settings,
so user sites, project sites and custom domains all get the right address.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from notes_site import __version__

# Where notes-site's source lives: the same URL as `[project.urls] Source` in pyproject.toml.
SOURCE_REPOSITORY = "https://github.com/notes-site/notes-site"
WORKFLOW = Path(".github/workflows/pages.yml")
GITIGNORE = """\
# Written by `notes-site init --github-pages`: what a build writes beside the notes.
/public/
/.public.notes-site-cache/
/.notes-site-*
"""
# Rewrites the `base_url:` line of notes-site.yaml (or adds one) in the workflow's checkout.
SET_BASE_URL = """\
python - <<'PY'
import os, pathlib, re
path = pathlib.Path("notes-site.yaml")
line = "base_url: " + os.environ["PAGES_URL"].rstrip("/") + "/"
text = path.read_text(encoding="utf-8") if path.exists() else ""
text, found = re.subn(r"(?m)^base_url:.*$", line, text)
path.write_text(text if found else text.rstrip("\\n") + "\\n" + line + "\\n", encoding="utf-8")
print(line)
PY"""


def install_requirement(version: str = __version__) -> str:
    """What the workflow gives pip: this release, by its tag (notes-site is not on PyPI yet)."""
    return f"notes-site @ git+{SOURCE_REPOSITORY}@v{version}"


def workflow_text(branch: str, version: str = __version__) -> str:
    run_script = "\n".join("          " + line if line else "" for line in SET_BASE_URL.splitlines())
    return f"""\
# Publishes this site to GitHub Pages on every push to `{branch}`.
# Written by `notes-site init --github-pages`; notes-site's docs/publishing.md explains it.
# Once: in the repository's Settings > Pages, set Source to "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [{branch}]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # The notes-site that builds the site: release {version}, installed from its repository
  # by tag. To move to another release, change the tag (and the cache key below).
  NOTES_SITE: "{install_requirement(version)}"

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Check out the site with its whole history
        uses: actions/checkout@v4
        with:
          fetch-depth: 0  # a note's "edited" date comes from its last commit
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install notes-site
        run: pip install "$NOTES_SITE"
      - name: Configure GitHub Pages
        id: pages
        uses: actions/configure-pages@v5
      - name: Restore the last build and its cache
        uses: actions/cache@v4
        with:
          path: |
            public
            .public.notes-site-cache
          key: notes-site-{version}-${{{{ github.sha }}}}
          restore-keys: notes-site-{version}-
      - name: Set base_url to the address of the Pages site
        env:
          PAGES_URL: ${{{{ steps.pages.outputs.base_url }}}}
        run: |
{run_script}
      - name: Build
        run: notes-site build  # add --strict to fail on warnings too
      - name: Upload the site
        uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""


def current_branch(folder: Path) -> str:
    """The branch of the repository the site starts in (a fresh clone), else `main`."""
    if not (folder / ".git").exists():
        return "main"
    result = subprocess.run(
        ["git", "symbolic-ref", "--short", "HEAD"], cwd=folder, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "main"
