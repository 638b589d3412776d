"""The package's shape is checked, so it cannot silently decay (docs/architecture.md)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "notes_site"
LONGEST_MODULE = 600  # lines; past that a module is doing more than one job


def test_each_layer_imports_only_the_layers_below_it_and_nothing_imports_in_a_circle():
    """The import-linter contracts of pyproject.toml: layers top to bottom, no cycles between siblings."""
    script = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(REPO / 'pyproject.toml')!r}, no_cache=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_is_longer_than_a_reader_can_hold():
    too_long = {
        str(path.relative_to(REPO)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    }
    assert not too_long, f"split these modules by concern: {too_long}"


def test_pages_carry_data_not_closures_and_are_signed_before_rendering(tmp_path):
    """Every planned page of the example site pickles (no closures) and is signed when planning ends."""
    import pickle
    import shutil

    from notes_site.build import BuildOptions, BuildReport, gather, read_inputs
    from notes_site.output.cache import BuildCache

    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "notes-site.yaml", site / "notes-site.yaml")
    report = BuildReport()
    gathered = gather(read_inputs(site, report), BuildOptions(site_root=site), BuildCache(), report)
    pages = gathered.pages
    assert len(pages) > 50 and all(page.signature for page in pages)
    restored = pickle.loads(pickle.dumps([(page.info, page.template, page.data) for page in pages]))
    assert [info.path for info, _template, _data in restored] == [page.path for page in pages]
