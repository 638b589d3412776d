"""Watch a site's sources and call back once per burst of changes.

An editor's save is a burst (temp file, rename, chmod, sometimes a backup file):
changes are collected until the site has been quiet for `delay` seconds, then
handed over as one batch. The output folder, hidden files and editor litter are
ignored (Zola's fs_utils, Lektor's watcher).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from notes_site.config import CONFIG_FILE
from notes_site.content.sources import is_ignored


@dataclass(frozen=True)
class Change:
    path: Path
    kind: str  # "content", "theme", "settings"


class Debouncer:
    """Collects items and calls `flush(items)` once they stop arriving for `delay` seconds."""

    def __init__(self, delay: float, flush: Callable[[list], None]) -> None:
        self.delay = delay
        self.flush = flush
        self.lock = threading.Lock()
        self.items: list = []
        self.timer: threading.Timer | None = None

    def add(self, item) -> None:
        with self.lock:
            self.items.append(item)
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(self.delay, self.fire)
            self.timer.daemon = True
            self.timer.start()

    def fire(self) -> None:
        with self.lock:
            items, self.items, self.timer = self.items, [], None
        if items:
            self.flush(items)

    def cancel(self) -> None:
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
            self.items, self.timer = [], None


def classify(path: Path, site_root: Path, output: Path) -> str | None:
    """What kind of source a changed path is, or None when it does not matter."""
    try:
        relative = path.resolve().relative_to(site_root)
    except ValueError:
        return "theme"  # a watched folder outside the site: the built-in theme in a checkout
    if any(is_ignored(part) for part in relative.parts):
        return None
    if path.resolve() == output or path.resolve().is_relative_to(output):
        return None
    if relative.as_posix() == CONFIG_FILE:
        return "settings"
    top = relative.parts[0] if relative.parts else ""
    if top == "content":
        return "content"
    if top in ("themes", "scaffolds"):
        return "theme"
    return None


class SiteWatcher:
    """watchdog observers on content/, themes/ and the settings file of one site."""

    def __init__(
        self,
        site_root: Path,
        output: Path,
        extra_folders: list[Path],
        on_changes: Callable[[list[Change]], None],
        delay: float = 0.1,
    ) -> None:
        self.site_root = site_root.resolve()
        self.output = output.resolve()
        self.extra_folders = [f.resolve() for f in extra_folders]
        self.debouncer = Debouncer(delay, lambda changes: on_changes(unique(changes)))
        self.observer = None

    def start(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                if event.is_directory and event.event_type == "modified":
                    return  # a folder's listing changed: the file events say what happened
                for raw in (event.src_path, getattr(event, "dest_path", "")):
                    if raw:
                        watcher.notice(Path(raw))
                        if event.is_directory:
                            watcher.watch_new_folder(Path(raw))

        self.observer = Observer()
        self.handler = Handler()
        self.watched: set[Path] = set()
        self.observer.schedule(self.handler, str(self.site_root), recursive=False)  # notes-site.yaml
        for folder in [*self.source_folders(), *self.extra_folders]:
            self.watch_folder(folder)
        self.observer.daemon = True
        self.observer.start()

    def source_folders(self) -> list[Path]:
        return [self.site_root / "content", self.site_root / "themes"]

    def watch_folder(self, folder: Path) -> None:
        if folder.is_dir() and folder not in self.watched:
            self.watched.add(folder)
            self.observer.schedule(self.handler, str(folder), recursive=True)

    def watch_new_folder(self, path: Path) -> None:
        """content/ or themes/ created after serve started (a new site, a first override)."""
        if path in self.source_folders() and path not in self.watched:
            self.watch_folder(path)
            for inner in path.rglob("*"):  # made before the watch began: report them now
                self.notice(inner)

    def notice(self, path: Path) -> None:
        kind = classify(path, self.site_root, self.output)
        if kind is not None:
            self.debouncer.add(Change(path, kind))

    def stop(self) -> None:
        self.debouncer.cancel()
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)


def unique(changes: list[Change]) -> list[Change]:
    return list(dict.fromkeys(changes))
