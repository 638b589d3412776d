"""The boxes Hugo themes add as paired shortcodes (`{{< alert >}}…{{< /alert >}}`), kept and shown as ours.

Hugo itself knows none of them: each theme defines its own in `layouts/shortcodes/`, and a blog moved
here brings its notes but not its theme. What they hold is Markdown, so it is rendered, not lost:

- alerts, notices, admonitions, hints, callouts, boxes → the theme's callouts (those of Obsidian's
  `> [!note]`), of the kind `theme=`, `type=` or the first word names, titled by `title=` or the
  words after the kind (`{{< notice warning "Mind the cache" >}}`);
- expand → a `<details>` whose summary is its first argument;
- tabs with tab, codes with code → tabs as NexT's are shown: a `<details>` per tab, named by the tab's
  own argument or by the parent's arguments in order, the first one open;
- any other paired shortcode → its content in `<div class="shortcode shortcode-NAME">`, reported with
  its line, so the author can style that class or replace the shortcode.

Only the block form is read: the opening and the closing each on lines of their own, as themes
document them. A theme shortcode without a closing (a music player) stays as written and reported.
"""

from __future__ import annotations

from html import escape

from notes_site.markup.hugo_syntax import Shortcode, argument, push_html, push_inline
from notes_site.markup.tokens import tokenize_lines

CALLOUTS = ("alert", "notice", "admonition", "hint", "callout", "note", "tip", "warning", "info", "danger", "caution")
CALLOUTS += ("box", "boxmd", "panel")  # plain boxes: a callout of no particular kind
KINDS = {  # a theme's word for a callout's kind → the callout kind the default theme styles
    **{kind: kind for kind in ("note", "info", "tip", "success", "warning", "caution", "danger", "error")},
    "primary": "info",
    "secondary": "note",
    "important": "warning",
    "attention": "warning",
    "hint": "tip",
    "question": "info",
    "failure": "error",
    "fail": "error",
    "bug": "error",
}
EXPANDS = ("expand", "collapse", "spoiler")
TAB_GROUPS = {"tabs": "tab", "codes": "code"}
TABS_KEY = "notes_site.hugo_tabs"  # in env: for each open tab group, its tab names and how many were shown
UNSUPPORTED = "unsupported_shortcode"  # in a box's opening token: the shortcode to report


def push_box(state, shortcode: Shortcode, start: int, last: int, closing: int) -> None:
    """The paired theme shortcode opened on lines [start, last] and closed on `closing`, content rendered inside."""
    name = shortcode.name.lower()
    lines = [start, closing + 1]
    if name in CALLOUTS:
        kind, title = callout_kind_and_title(shortcode)
        push_html(state, f'<div class="callout callout-{kind}" data-callout="{kind}">\n', 1, lines)
        if title:
            push_html(state, '<p class="callout-title">', 0, [start, last + 1])
            push_inline(state, title, [start, last + 1])
            push_html(state, "</p>\n", 0, [start, last + 1])
        closing_html = "</div>\n"
    elif name in EXPANDS:
        push_html(state, '<details class="callout callout-note"><summary class="callout-title">', 1, lines)
        push_inline(state, argument(shortcode, "title", 0) or "Expand", [start, last + 1])
        push_html(state, "</summary>\n", 0, [start, last + 1])
        closing_html = "</details>\n"
    elif name in TAB_GROUPS:
        names = [value.strip() for value in shortcode.positional]
        state.env.setdefault(TABS_KEY, []).append([names, 0])
        push_html(state, '<div class="tabs">\n', 1, lines)
        tokenize_lines(state, last + 1, closing)
        state.env[TABS_KEY].pop()
        push_html(state, "</div>\n", -1, [closing, closing + 1])
        return
    elif name in TAB_GROUPS.values() and state.env.get(TABS_KEY):
        group = state.env[TABS_KEY][-1]
        names, shown = group
        group[1] += 1
        title = (
            argument(shortcode, "name", 0)
            or argument(shortcode, "title")
            or (names[shown] if shown < len(names) else f"Tab {shown + 1}")
        )
        is_open = " open" if shown == 0 else ""
        push_html(state, f'<details class="tab"{is_open}><summary>{escape(title)}</summary>\n', 1, lines)
        closing_html = "</details>\n"
    else:
        opening = push_html(state, f'<div class="shortcode shortcode-{escape(name)}">\n', 1, lines)
        opening.meta[UNSUPPORTED] = shortcode
        closing_html = "</div>\n"
    tokenize_lines(state, last + 1, closing)
    push_html(state, closing_html, -1, [closing, closing + 1])


def callout_kind_and_title(shortcode: Shortcode) -> tuple[str, str]:
    """`{{< alert theme="info" >}}`, `{{< notice warning "Title" >}}`, `{{< hint danger >}}`, `{{< tip >}}`."""
    words = list(shortcode.positional)
    written = argument(shortcode, "theme") or argument(shortcode, "type") or argument(shortcode, "kind")
    if not written and words and words[0].strip().lower() in KINDS:
        written = words.pop(0)
    name = shortcode.name.lower()
    kind = KINDS.get(written.strip().lower(), KINDS.get(name, "note"))
    title = argument(shortcode, "title") or " ".join(word.strip() for word in words)
    return kind, title
