"""The assembled site: notes in order with their URLs, terms, links between notes, BibTeX keys."""
