"""`notes-site import bibtex library.bib`: the reading list filled from a reference manager's export.

Each entry that no note is about yet becomes a `status: to-read` paper note; "already noted"
is decided by the duplicate detector `notes-site check` uses (same arXiv id, DOI or title),
so an entry for a paper written up under another title is still recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from notes_site.config import load_config
from notes_site.content.papers import Paper
from notes_site.errors import Problem
from notes_site.lookup.bibtex import BibEntry, read_bibtex_file
from notes_site.paper_note import fill_note, noted_papers, short_slug
from notes_site.same_paper import PaperCandidate, find_duplicates
from notes_site.scaffold import NewNote, check_site_folder, create_note, note_folder


@dataclass
class BibtexImport:
    bib: Path
    dry_run: bool
    created: list[tuple[BibEntry, Path]] = field(default_factory=list)
    skipped: list[tuple[BibEntry, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would create" if self.dry_run else "created"
        out = [f"{problem.severity}: {problem}" for problem in self.problems]
        out += [f"{verb}: {path} (from {self.bib}:{entry.line} `{entry.key}`)" for entry, path in self.created]
        out += [f"skipped: {self.bib}:{entry.line} `{entry.key}`: {why}" for entry, why in self.skipped]
        count = len(self.created)
        done = "to create" if self.dry_run else "created"
        summary = f"{count} note(s) {done}, {len(self.skipped)} entr{'y' if len(self.skipped) == 1 else 'ies'} skipped."
        if self.dry_run:
            summary += " Nothing was written; run it again without --dry-run to create them."
        elif count:
            summary += " They are on the reading list at /papers/ with `status: to-read`."
        return [*out, summary]


def import_bibtex(
    site_root: Path, bib: Path, dry_run: bool = False, folder: str | None = None, now: datetime | None = None
) -> BibtexImport:
    """One to-read paper note per entry of `bib` that no note is about yet."""
    check_site_folder(site_root)
    config = load_config(site_root)
    entries, problems = read_bibtex_file(bib)
    result = BibtexImport(bib, dry_run, problems=problems)
    existing = noted_papers(config)
    sources = {candidate.source: path for path, candidate in existing}
    titled = [entry for entry in entries if entry.metadata.title]
    result.skipped += [
        (entry, "it has no title, so it would make an empty note") for entry in entries if entry not in titled
    ]
    candidates = [candidate for _path, candidate in existing] + [
        PaperCandidate(f"{bib}:{entry.line}", entry.metadata.title, as_paper(entry)) for entry in titled
    ]
    by_source = {f"{bib}:{entry.line}": entry for entry in titled}
    left_out: set[str] = set()
    for duplicate in find_duplicates(candidates):
        noted = [sources[source] for source in duplicate.sources if source in sources]
        ours = sorted((by_source[s] for s in duplicate.sources if s in by_source), key=lambda entry: entry.line)
        keep = ours[1:] if not noted else ours
        for entry in keep:
            where = f"already noted in {noted[0]}" if noted else f"the same paper as line {ours[0].line}"
            result.skipped.append((entry, f"{where} ({duplicate.reason})"))
            left_out.add(f"{bib}:{entry.line}")
    taken: set[Path] = set()
    for entry in titled:
        if f"{bib}:{entry.line}" in left_out:
            continue
        slug = free_slug(note_folder(config, folder), short_slug(entry.metadata.title), taken)
        target = note_folder(config, folder) / f"{slug}.md"
        taken.add(target)
        if not dry_run:
            request = NewNote(
                entry.metadata.title, kind="paper", slug=slug, folder=folder, arxiv=entry.metadata.arxiv or None
            )
            metadata = entry.metadata

            def fill(text: str, metadata=metadata) -> str:
                return fill_note(text, metadata, overwrite=True, status="to-read")

            target = create_note(site_root, request, now, fill=fill)
        result.created.append((entry, target))
    return result


def as_paper(entry: BibEntry) -> Paper:
    found = entry.metadata
    return Paper(title=found.title, authors=found.authors, year=found.year, arxiv=found.arxiv, doi=found.doi)


def free_slug(folder: Path, slug: str, taken: set[Path]) -> str:
    """The slug, or slug-2, slug-3…: two papers called "Attention …" both get a note."""
    candidate, number = slug, 1
    while (folder / f"{candidate}.md").exists() or folder / f"{candidate}.md" in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate
