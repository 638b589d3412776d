"""`notes-site serve`: the dev server, the file watcher and in-memory patches of edited notes."""
