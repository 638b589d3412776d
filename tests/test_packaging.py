"""`pip install .` gives a notes-site that works in any folder: the theme ships in the wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

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
