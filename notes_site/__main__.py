from notes_site.cli import main

main()
