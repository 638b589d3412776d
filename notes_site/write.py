"""The only module that touches the output folder.

A build writes into a staging folder beside the output and swaps it in at the end,
so a failed or interrupted build leaves the previous site as it was. notes-site only
ever replaces a folder it made itself (it leaves a marker file in each output).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from notes_site.errors import OutputError

MARKER = ".notes-site-output"
STAGING_PREFIX = ".notes-site-staging-"
RETIRED_PREFIX = ".notes-site-retired-"


def check_output_folder(site_root: Path, output: Path) -> None:
    """Refuse outputs that would destroy something that is not ours."""
    site_root, output = site_root.resolve(), output.resolve()
    home = Path.home().resolve()
    content = (site_root / "content").resolve()
    reasons = []
    if output == site_root:
        reasons.append("it is the site folder itself")
    elif output == content or output.is_relative_to(content):
        reasons.append("it is inside the content folder")
    elif site_root.is_relative_to(output):
        reasons.append("it contains the site folder")
    if output == home:
        reasons.append("it is your home folder")
    if output == Path(output.anchor):
        reasons.append("it is the root of the file system")
    for protected in ("themes", "scaffolds", ".git"):
        if output == (site_root / protected).resolve():
            reasons.append(f"it is the site's {protected} folder")
    if reasons:
        raise OutputError(
            f"refusing to write the site into {output}: {reasons[0]}. "
            "Choose another folder with --output (the default is public/ in the site folder)."
        )
    if output.exists():
        if not output.is_dir():
            raise OutputError(f"the output {output} exists and is not a folder. Move it away or choose another --output.")
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise OutputError(
                f"refusing to replace {output}: it is not empty and notes-site did not make it "
                f"(it has no {MARKER} file). Empty it yourself, or choose another folder with --output."
            )


class StagedOutput:
    """Collects a whole site in a staging folder, then swaps it in atomically."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = self.output.parent / f"{STAGING_PREFIX}{self.output.name}-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir()
        self.files_written = 0
        self.made_dirs: set[Path] = {self.staging}

    def target(self, relative: str) -> Path:
        path = (self.staging / relative).resolve()
        if not path.is_relative_to(self.staging) or path == self.staging:
            raise OutputError(f"refusing to write {relative!r}: it would land outside the output folder.")
        parent = path.parent
        if parent not in self.made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(parent)
        return path

    def write_text(self, relative: str, text: str) -> None:
        self.target(relative).write_bytes(text.encode("utf-8"))
        self.files_written += 1

    def copy_file(self, relative: str, source: Path) -> None:
        shutil.copyfile(source, self.target(relative))
        self.files_written += 1

    def commit(self) -> None:
        """Swap the staging folder in; the old output is renamed aside, then deleted."""
        (self.staging / MARKER).write_text("This folder was written by notes-site and is replaced on every build.\n")
        retired = None
        if self.output.exists():
            retired = self.output.parent / f"{RETIRED_PREFIX}{self.output.name}-{os.getpid()}"
            os.rename(self.output, retired)
        try:
            os.rename(self.staging, self.output)
        except OSError:
            if retired is not None:
                os.rename(retired, self.output)
            raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
