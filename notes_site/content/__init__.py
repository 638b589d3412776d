"""Reading the content folder: note files, front matter, typed fields, dates, paper fields."""
