"""Paper metadata from outside the site: the arXiv API, Crossref, the ACL Anthology, OpenReview and BibTeX files."""
