"""Markdown and the foreign syntaxes (Liquid, Hugo shortcodes, Obsidian) into HTML, in one pass."""
