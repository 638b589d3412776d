"""The page plan: every page of the site, what it shows and its signature. No I/O."""
