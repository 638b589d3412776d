"""The build cache can never run code, and never lives where someone else can plant it."""

import os
import pickle
from pathlib import Path

import pytest

from notes_site.build import BuildOptions, build_site
from notes_site.errors import OutputError
from notes_site.output.cache import CACHE_VERSION, cache_dir_for


def make_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "content" / "clip.md").write_text(
        "---\ntitle: CLIP\ndate: 2024-01-24\ntags: [多模态]\n---\n对比学习。\n", encoding="utf-8"
    )
    return root


class RunsACommand:
    """What an attacker would plant: a pickle that calls os.system when loaded."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def test_with_an_output_outside_the_site_the_cache_stays_in_the_site_folder(tmp_path):
    site = make_site(tmp_path / "site")
    preview = tmp_path / "shared-tmp" / "preview"
    build_site(BuildOptions(site_root=site, output=preview))
    assert (preview / "index.html").is_file()
    assert [p.name for p in preview.parent.iterdir()] == ["preview"]  # nothing beside the output
    cache = cache_dir_for(site, preview)
    assert cache.is_relative_to(site.resolve()) and (cache / "state.pickle").is_file()


@pytest.mark.parametrize("file_name", ["state.pickle", "notes.pickle"])
def test_a_planted_pickle_is_refused_not_run(tmp_path, file_name):
    site = make_site(tmp_path / "site")
    build_site(BuildOptions(site_root=site))
    witness = tmp_path / "pwned"
    planted = pickle.dumps((CACHE_VERSION, RunsACommand(f"touch {witness}")))
    (cache_dir_for(site, site / "public") / file_name).write_bytes(planted)
    (site / "content" / "clip.md").write_text(
        "---\ntitle: CLIP v2\ndate: 2024-01-24\n---\n改过了。\n", encoding="utf-8"
    )
    report = build_site(BuildOptions(site_root=site))
    assert not witness.exists()
    assert any("could not be read" in p.message and "building everything" in p.message for p in report.warnings)
    assert "CLIP v2" in (site / "public" / "index.html").read_text(encoding="utf-8")


def test_the_cache_a_build_writes_is_read_back_by_the_next(tmp_path):
    site = make_site(tmp_path / "site")
    build_site(BuildOptions(site_root=site))
    report = build_site(BuildOptions(site_root=site))
    assert report.pages_written == 0 and not report.warnings


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away needs root")
def test_a_cache_folder_of_another_user_is_refused(tmp_path):
    site = make_site(tmp_path / "site")
    cache = cache_dir_for(site, site / "public")
    cache.mkdir(parents=True)
    os.chown(cache, 65534, 65534)  # nobody
    with pytest.raises(OutputError, match="belongs to another user"):
        build_site(BuildOptions(site_root=site))
    assert not (site / "public").exists()


def test_a_cache_folder_anyone_may_write_into_is_refused(tmp_path):
    site = make_site(tmp_path / "site")
    cache = cache_dir_for(site, site / "public")
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    with pytest.raises(OutputError, match="writable by others"):
        build_site(BuildOptions(site_root=site))
