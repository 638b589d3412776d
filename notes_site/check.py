"""`notes-site check`: the whole pipeline without writing, and what only a careful reader would notice.

Everything `build` reports (front matter, broken wikilinks, notes without a date,
template errors: every page is rendered and thrown away), plus links and images that
lead to no file, and notes that are likely about the same paper. Nothing is written,
not even the build cache (it is read when present, to skip parsing unchanged notes).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from notes_site.build import BuildOptions, BuildReport, gather, read_inputs
from notes_site.errors import Problem, ProblemReport, ThemeError, error, warning
from notes_site.markup.tokens import LinkRef
from notes_site.output.cache import BuildCache, cache_dir_for, check_cache_folder, load_cache
from notes_site.same_paper import Duplicate, PaperCandidate, find_duplicates
from notes_site.site.model import Site
from notes_site.site.resolve import link_site_path, vault_matches
from notes_site.urls import output_file, url_folder


@dataclass
class CheckReport(ProblemReport):
    notes: int = 0
    pages: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    linked_duplicates: list[Duplicate] = field(default_factory=list)  # the same paper on purpose: not a problem
    information: list[str] = field(default_factory=list)  # worth knowing, not a problem

    def clean(self) -> bool:
        return not self.problems and not self.duplicates

    def summary(self) -> str:
        return (
            f"Checked {self.notes} notes and {self.pages} pages: {len(self.errors)} error(s), "
            f"{len(self.warnings)} warning(s), {len(self.duplicates)} likely duplicate(s)."
        )


def check_site(site_root: Path, output: Path | None = None, drafts: bool = False) -> CheckReport:
    """Check the site at `site_root`; raises NotesSiteError for settings or theme problems, like build."""
    report = CheckReport()
    gathering = BuildReport()
    inputs = read_inputs(site_root.resolve(), gathering)
    config = inputs.config
    if config.absolute_base is None:  # build's default, not a mistake: said, but it does not fail the check
        report.information.append(
            f"`base_url: {config.base_url}` is not a full URL, so the site has no Atom feed, sitemap.xml or "
            "canonical URLs. Set it to where the site will live (base_url: https://me.github.io/notes/) "
            "to get them."
        )
    cache_dir = cache_dir_for(site_root, (output or site_root / "public").resolve())
    check_cache_folder(cache_dir)
    cache, _problem = load_cache(cache_dir) if cache_dir.is_dir() else (BuildCache(folder=cache_dir), "")
    gathered = gather(inputs, BuildOptions(site_root=site_root, drafts=drafts), cache, gathering)
    report.problems.extend(gathering.problems)
    report.notes = len(inputs.tree.notes)
    report.pages = len(gathered.pages)
    for page in gathered.pages:
        try:
            gathered.renderer.render(page, gathered.plan.cards)
        except ThemeError as exc:
            report.problems.append(error(str(exc)))
            break  # one broken template fails every page that uses it: once is enough
    report.problems.extend(missing_link_targets(gathered.site, gathered.outputs()))
    duplicates = find_duplicates(
        [PaperCandidate(item.note.source, item.note.title, item.note.paper) for item in gathered.site.notes]
    )
    outgoing = gathered.site.links.outgoing
    report.duplicates = [d for d in duplicates if not linked_to_each_other(d, outgoing)]
    report.linked_duplicates = [d for d in duplicates if linked_to_each_other(d, outgoing)]
    return report


def linked_to_each_other(duplicate: Duplicate, outgoing: dict[str, tuple[str, ...]]) -> bool:
    """True when the notes' links join them all: whoever wrote the second note knew of the first.

    A second reading of a paper that links to the first note (`[[first-note]]`) is the same
    paper on purpose, not a note written twice by mistake.
    """
    members = set(duplicate.sources)
    reached = {duplicate.sources[0]}
    edges = {(a, b) for a in members for b in outgoing.get(a, ()) if b in members}
    edges |= {(b, a) for a, b in edges}
    frontier = [duplicate.sources[0]]
    while frontier:
        current = frontier.pop()
        for a, b in edges:
            if a == current and b not in reached:
                reached.add(b)
                frontier.append(b)
    return reached == members


def missing_link_targets(site: Site, outputs: set[str]) -> list[Problem]:
    """Relative links and images of every note that lead to no page and no file of the site."""
    problems = []
    for item in site.notes:
        note = item.note
        source_dir = posixpath.dirname(note.source)
        folder = url_folder(item.path)
        for link in note.links:
            target = unquote(link.url.partition("#")[0].partition("?")[0])
            if not target:
                continue
            site_path = link_site_path(target, source_dir, folder, site.link_targets, site.file_names)
            what = "image" if link.image else "link"
            if site_path is None and target.startswith("/"):
                if link.image:  # a link may lead to another site on the same host; a file shown here may not
                    problems.append(
                        warning(
                            f"the {what} `{link.url}` names no file of the site, so it leads nowhere once "
                            "published under a sub-path or opened from disk.",
                            note.path,
                            link.line,
                            "Put the file in content/ at that path (content" + target + "), or link to it "
                            "relative to the note.",
                        )
                    )
            elif site_path is None:
                problems.append(
                    warning(
                        f"the {what} `{link.url}` climbs out of the site, so it leads nowhere once published.",
                        note.path,
                        link.line,
                        "Put the file inside content/ and link to it from there.",
                    )
                )
            elif not leads_somewhere(site_path, outputs):
                problems.append(
                    ambiguous_link(site, target, what, note.path, link)
                    or warning(
                        f"the {what} `{link.url}` leads to no file or page of the site.",
                        note.path,
                        link.line,
                        "Check the name (letter case counts), or put the file next to the note in content/.",
                    )
                )
    return problems


def ambiguous_link(site: Site, target: str, what: str, note_path: Path, link: LinkRef) -> Problem | None:
    """A link by file name alone that several files answer to, as Obsidian's shortest links can become."""
    matches = vault_matches(target, site.link_targets, site.file_names)
    if len(matches) < 2:
        return None
    shown = ", ".join(matches[:3]) + (", …" if len(matches) > 3 else "")
    return warning(
        f"the {what} `{link.url}` could mean any of {len(matches)} files ({shown}), so it leads to none of them.",
        note_path,
        link.line,
        f"Write the folder too, from content/: `{matches[0]}`; or rename one of the files.",
    )


def leads_somewhere(site_path: str, outputs: set[str]) -> bool:
    candidates = (site_path, output_file(site_path), site_path.rstrip("/") + "/index.html")
    return any(candidate in outputs for candidate in candidates)
