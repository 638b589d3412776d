"""What `notes-site serve` prints after each build, in words a user reads."""

from __future__ import annotations

import re

from notes_site.serve.server import DevServer
from notes_site.serve.watch import Change


def test_serve_says_it_built_the_site_then_which_save_it_rebuilt_for(site):
    note = site.note("clip.md", "title: CLIP\ndate: 2024-01-24")
    other = site.note("vit.md", "title: ViT\ndate: 2024-02-01")
    said: list[str] = []
    server = DevServer(site.root, port=0, log=said.append)
    try:
        server.start()
        note.write_text(note.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
        server.rebuild([Change(note.resolve(), "content")])
        server.rebuild([Change(note.resolve(), "content"), Change(other.resolve(), "content")])
    finally:
        server.shutdown()
    assert re.fullmatch(r"Built the site in \d+\.\d\d s\.", said[0]), said
    assert re.fullmatch(r"Rebuilt the site in \d+\.\d\d s after a change to content/clip\.md\.", said[1]), said
    assert re.fullmatch(r"Rebuilt the site in \d+\.\d\d s after changes to 2 files\.", said[2]), said
    assert not any("after start" in line for line in said)
