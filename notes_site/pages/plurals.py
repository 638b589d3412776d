"""Plural forms of UI strings: a catalog key holds the "other" form, `<key>_one` the singular.

The keys follow the CLDR plural categories (as i18next names them): English has `one` and `other`,
Chinese only `other`, so a Chinese catalog never needs a `_one` key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def _english(count: int) -> str:
    return "one" if count == 1 else "other"


def _chinese(count: int) -> str:
    return "other"


RULES: dict[str, Callable[[int], str]] = {"en": _english, "zh-CN": _chinese}


def plural_category(language: str, count: int) -> str:
    """The CLDR category of `count` in `language`: "one" or "other" (English rules for a language we lack)."""
    return RULES.get(language, _english)(count)


def plural(strings: Mapping[str, str], language: str, key: str, count: int, **fields: object) -> str:
    """The string `key` in the form `count` needs, with `{n}` (and any other field) filled in.

    `key_one` (and so on) is used when the catalog has it; otherwise `key` itself, for every count.
    """
    category = plural_category(language, count)
    text = strings.get(f"{key}_{category}", strings[key]) if category != "other" else strings[key]
    return text.format(n=count, **fields)
