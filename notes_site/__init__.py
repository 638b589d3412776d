"""notes-site: a fast static site generator for paper notes."""

__version__ = "0.1.0"
