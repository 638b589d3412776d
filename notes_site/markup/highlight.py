"""Code blocks: Pygments with CSS classes; an unknown language is shown as plain, escaped text."""

from __future__ import annotations

from functools import lru_cache
from html import escape


def render_fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return highlight_block(token.content, language)


def render_code_block(self, tokens, idx, options, env) -> str:
    return highlight_block(tokens[idx].content, "")


def highlight_block(code: str, language: str) -> str:
    """Pygments with CSS classes; an unknown language falls back to plain, escaped text."""
    lexer = find_lexer(language.lower()) if language else None
    css_language = f' class="language-{escape(language)}"' if language else ""
    if lexer is None:
        inner = escape(code, quote=False)
    else:
        from pygments import highlight

        inner = highlight(code, lexer, code_formatter())
    return f'<pre class="highlight" tabindex="0"><code{css_language}>{inner}</code></pre>\n'


@lru_cache(maxsize=1)
def code_formatter():
    """One formatter for all blocks: making one costs a quarter of highlighting a snippet."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def find_lexer(language: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None
