"""Split a note's text into front matter and body, and read the front matter.

YAML between `---` lines (Hexo, Hugo, Jekyll, Zola all agree), or TOML between
`+++` lines (Hugo). Dates are left as text for `dates.parse_date`, so every date
goes through one parser with one set of messages.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


@dataclass(frozen=True)
class SplitText:
    meta_text: str  # "" when the note has no front matter
    meta_format: str  # "yaml", "toml" or "" (none)
    body: str
    body_line: int  # the line number (1-based) where the body starts in the file


BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterLoader(BaseLoader):  # type: ignore[misc, valid-type]
    """The safe (C, when available) loader, with dates left as strings."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in BaseLoader.yaml_implicit_resolvers.items()
}


def decode_text(data: bytes) -> str:
    """Text of a note file: UTF-8 (BOM or not) or UTF-16 with a BOM; newlines made `\\n`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FrontMatterError(
                f"the file starts like UTF-16 text but is not ({exc.reason}).", None, "Save it as UTF-8 in your editor."
            ) from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise FrontMatterError(
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}).",
                line,
                "Save it as UTF-8 in your editor.",
            ) from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(text: str) -> SplitText:
    for fence, kind in (("---", "yaml"), ("+++", "toml")):
        if text.startswith(fence) and text[3:4] in ("\n", " ", "\t", ""):
            if text[3:].strip(" \t") and not text[3:].lstrip(" \t").startswith("\n"):
                break
            closing = re.compile(
                rf"^{re.escape(fence)}[ \t]*$" + ("|^\\.\\.\\.[ \t]*$" if kind == "yaml" else ""), re.M
            )
            first_newline = text.find("\n")
            match = closing.search(text, first_newline + 1) if first_newline >= 0 else None
            if match is None:
                raise FrontMatterError(
                    f"the front matter opened with `{fence}` on line 1 is never closed.",
                    1,
                    f"Add a line with `{fence}` after the last setting.",
                )
            meta = text[first_newline + 1 : match.start()]
            body_start = match.end() + 1
            body_line = text.count("\n", 0, min(body_start, len(text))) + 1
            return SplitText(meta, kind, text[body_start:], body_line)
    return SplitText("", "", text, 1)


def load_meta(split: SplitText) -> dict[str, Any]:
    """The front matter as a mapping; syntax errors carry the file's line number."""
    if not split.meta_format or not split.meta_text.strip():
        return {}
    if split.meta_format == "toml":
        try:
            data = tomllib.loads(split.meta_text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise FrontMatterError(
                f"the TOML front matter is invalid ({exc}).", int(line.group(1)) + 1 if line else 1
            ) from exc
        return data  # TOML dates arrive as date/datetime objects; parse_date takes those too
    if "\t" in split.meta_text:
        line = split.meta_text[: split.meta_text.index("\t")].count("\n") + 2
        raise FrontMatterError(
            "the front matter contains a tab character.",
            line,
            "YAML only allows spaces for indentation; replace the tab with spaces.",
        )
    try:
        data = yaml.load(split.meta_text, Loader=FrontMatterLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or "syntax error"
        raise FrontMatterError(
            f"the front matter is not valid YAML ({problem}).",
            line,
            "Check the indentation, and quote values that contain ': ', '#' or start with '[', '{' or '*'.",
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("the front matter must be `key: value` lines.", 2)
    return data


def key_line(text: str, key: str, first_line: int = 1) -> int | None:
    """The line of `key:` in YAML/TOML text, for messages (only looked up when something is wrong)."""
    pattern = re.compile(rf"^\s*-?\s*['\"]?{re.escape(str(key))}['\"]?\s*[:=]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + first_line if match else None
