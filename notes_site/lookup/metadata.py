"""What is known about a paper from outside the site, and how a user named it (an arXiv id, a DOI, a URL)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperMetadata:
    """What a service or a BibTeX entry says about a paper; "" / () / None mean "not given"."""

    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    arxiv: str = ""
    doi: str = ""
    url: str = ""
    abstract: str = ""
    primary_category: str = ""  # arXiv's, e.g. cs.CV
    withdrawn: str = ""  # arXiv's comment when the paper was withdrawn
    source: str = ""  # where it came from, for messages: "the arXiv API", "library.bib:12"


@dataclass(frozen=True)
class PaperRef:
    """A paper as the user named it: kind is "arxiv", "doi", "acl" or "openreview"."""

    kind: str
    id: str

    @property
    def option(self) -> str:
        """The option that names this paper again, for the `--refresh` hint."""
        if self.kind in ("arxiv", "doi"):
            return f"--{self.kind} {self.id}"
        return f"--url {paper_url(self)}"


def paper_url(ref: PaperRef) -> str:
    return {
        "arxiv": f"https://arxiv.org/abs/{ref.id}",
        "doi": f"https://doi.org/{ref.id}",
        "acl": f"https://aclanthology.org/{ref.id}/",
        "openreview": f"https://openreview.net/forum?id={ref.id}",
    }[ref.kind]
