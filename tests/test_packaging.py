"""`pip install .` gives a notes-site that works in any folder: the theme ships in the wheel.

And the package is releasable: `python -m build` and `twine check` pass on every CI run.
"""

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from notes_site import __version__
from notes_site.github_pages import SOURCE_REPOSITORY

REPO = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_the_default_theme_and_the_command(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("notes_site-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    theme_files = {n for n in names if n.startswith("notes_site/themes/default/")}
    expected = {
        f"notes_site/themes/{p.relative_to(REPO / 'themes').as_posix()}"
        for p in (REPO / "themes/default").rglob("*")
        if p.is_file()
    }
    assert expected and expected <= theme_files
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "notes-site = notes_site.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_release_builds_and_twine_accepts_it(tmp_path):
    """`python -m build` (the wheel made from the sdist, as a release is) and `twine check`."""
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(REPO)], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (sdist,) = tmp_path.glob("notes_site-*.tar.gz")
    (wheel,) = tmp_path.glob("notes_site-*.whl")
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert sdist.name == f"notes_site-{__version__}.tar.gz" and f"-{__version__}-" in wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert "notes_site/themes/default/templates/base.html" in names
    assert "notes_site/starter/notes-site.yaml" in names
    with tarfile.open(sdist) as archive:
        assert f"notes_site-{__version__}/CHANGELOG.md" in archive.getnames()
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    urls = dict(
        line.removeprefix("Project-URL: ").split(", ", 1)
        for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
        if line.startswith("Project-URL: ")
    )
    assert urls["Source"] == SOURCE_REPOSITORY  # the repository the Pages workflow installs from
    assert {"Homepage", "Documentation", "Changelog"} <= urls.keys()


def test_the_changelog_has_the_current_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {__version__}\n" in changelog
