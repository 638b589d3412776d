"""Split a note's text into front matter and body, and read the front matter.

YAML between `---` lines (Hexo, Hugo, Jekyll, Zola all agree), TOML between
`+++` lines (Hugo, Zola), or a JSON object opening the file (Hugo). Dates are left as
text for `dates.parse_date`, so every date goes through one parser with one set of messages. Every way a file can fail
to be read ends in a `FrontMatterError` with the file's line, never in a crash.
"""

from __future__ import annotations

import json
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
    meta_format: str  # "yaml", "toml", "json" or "" (none)
    body: str
    body_line: int  # the line number (1-based) where the body starts in the file


BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterLoader(BaseLoader):  # type: ignore[misc, valid-type]
    """The safe (C, when available) loader, with dates left as strings."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in BaseLoader.yaml_implicit_resolvers.items()
}

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS_UTF8 = "Open it in your editor and save it as UTF-8."
BINARY_SNIFF = 8000  # like git: a NUL byte in the first 8,000 bytes means "not text"
META_LINE = 2  # the front matter starts on the file's second line, after the fence
MAX_VALUES = 100_000  # values in the front matter once YAML aliases are expanded
TAG = re.compile(r"!!?[\w/:.-]+")  # YAML's explicit tags: !!int, !!python/name:x, !custom
RULE_HINT = " (or, if that `---` is a horizontal rule, start the note with a blank line)."


def decode_text(data: bytes) -> str:
    """Text of a note file: UTF-8 (BOM or not) or UTF-16 with a BOM; newlines made `\\n`."""
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FrontMatterError(
                f"the file starts like UTF-16 text but is not ({exc.reason}).", None, SAVE_AS_UTF8
            ) from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if b"\0" in data[:BINARY_SNIFF]:
                raise not_text_error(data[:BINARY_SNIFF]) from exc
            line = data.count(b"\n", 0, exc.start) + 1
            raise FrontMatterError(
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}).",
                line,
                "It is probably in another encoding (such as GBK or Windows-1252). " + SAVE_AS_UTF8,
            ) from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def check_text_file(data: bytes) -> None:
    """Refuse what is not a note even when it happens to decode: NUL bytes near the start (as git does)."""
    if not data.startswith(UTF16_BOMS) and b"\0" in data[:BINARY_SNIFF]:
        raise not_text_error(data[:BINARY_SNIFF])


def not_text_error(head: bytes) -> FrontMatterError:
    """A file with NUL bytes: UTF-16 written without a byte-order mark, or not text at all."""
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and (even.count(0) > 0.8 * len(even)) != (odd.count(0) > 0.8 * len(odd)):
        return FrontMatterError(
            "the file looks like UTF-16 text without a byte-order mark, which notes-site cannot read safely.",
            None,
            SAVE_AS_UTF8,
        )
    return FrontMatterError(
        "the file is not a text file (it contains NUL bytes, like an image, a PDF or a Word file).",
        None,
        "Notes must be Markdown text. If this is not a note, give it another extension than .md.",
    )


JSON_START = re.compile(r'\{[ \t]*(?:\n[ \t]*)*["}]')  # `{ "title": …`, not Liquid's `{%` or Hugo's `{{<`
NEAR_FENCE = re.compile(r"(?:-{3,}|\+{3,})")
ODD_BLANKS = "\u00a0\u2007\u202f\u3000\u200b\u2060\ufeff"  # look like nothing, are not ASCII blanks


def split_json(text: str) -> SplitText:
    """Hugo's JSON front matter: an object that opens the file; the body starts on the line after it."""
    try:
        _data, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise FrontMatterError(
            f"the JSON front matter is invalid ({exc.msg}, column {exc.colno}).",
            exc.lineno,
            'Write it as a JSON object: { "title": "My note", "tags": ["a", "b"] }, or start the note with '
            "`---` for YAML.",
        ) from exc
    first_newline = text.find("\n")
    alone = 0 <= first_newline < end and not text[1:first_newline].strip()
    meta = text[first_newline + 1 : end] if alone else text[1:end]  # from line 2, as for YAML, when `{` is alone
    line_end = text.find("\n", end)
    body_start = len(text) if line_end < 0 else line_end + 1
    return SplitText(meta, "json", text[body_start:], text.count("\n", 0, body_start) + 1)


def near_miss_fence(text: str) -> str | None:
    """What is wrong with a first line that was meant to open front matter but does not (`----`, `---` + NBSP).

    Only when a closing fence and a `key:` line follow, so a note that opens with a rule is left alone.
    """
    first, _, rest = text.partition("\n")
    stripped = first.strip(" \t" + ODD_BLANKS)
    if not NEAR_FENCE.fullmatch(stripped):
        return None
    if stripped in ("---", "+++"):
        odd = next((c for c in first if c in ODD_BLANKS), None)
        if odd is None:
            return None
        problem = f"has an invisible character (U+{ord(odd):04X}) beside `{stripped}`"
    else:
        problem = f"is `{stripped}`, not `{stripped[:3]}`"
    lines = rest.split("\n")[:200]
    closing = next((i for i, line in enumerate(lines) if NEAR_FENCE.fullmatch(line.strip(" \t" + ODD_BLANKS))), None)
    if closing is None or not any(re.match(r"^[\w\"'-]+[ \t]*[:=]", line) for line in lines[:closing]):
        return None
    return problem


def split_front_matter(text: str) -> SplitText:
    if JSON_START.match(text):
        return split_json(text)
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
                    f"Add a line with `{fence}` after the last setting" + (RULE_HINT if kind == "yaml" else "."),
                )
            meta = text[first_newline + 1 : match.start()]
            body_start = match.end() + 1
            body_line = text.count("\n", 0, min(body_start, len(text))) + 1
            return SplitText(meta, kind, text[body_start:], body_line)
    return SplitText("", "", text, 1)


def misplaced_front_matter(text: str) -> int | None:
    """The line of front matter that does not start on the first line (so Markdown shows it as text)."""
    stripped = text.lstrip(" \t\n")
    if len(stripped) == len(text) or not stripped.startswith(("---\n", "+++\n")):
        return None
    try:
        meta = load_meta(split_front_matter(stripped))
    except FrontMatterError:
        return None
    return text.count("\n", 0, len(text) - len(stripped)) + 1 if meta else None


def load_meta(split: SplitText) -> dict[str, Any]:
    """The front matter as a mapping; every failure is a FrontMatterError with the file's line."""
    if not split.meta_format or not split.meta_text.strip():
        return {}
    if split.meta_format == "toml":
        return load_toml(split)
    if split.meta_format == "json":
        data = json.loads("{" + split.meta_text)  # split_json has read it once: it is valid
        if not isinstance(data, dict):
            raise FrontMatterError("the JSON front matter must be an object.", 1)
        check_size(data, 1)
        return data
    try:
        data = yaml.load(split.meta_text, Loader=FrontMatterLoader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, split.meta_text) from exc
    except RecursionError as exc:
        raise FrontMatterError("the front matter is nested too deeply to read.", META_LINE) from exc
    except (ValueError, TypeError, LookupError, AttributeError, OverflowError) as exc:
        # a value with an explicit tag that does not fit it: `a: !!int x`
        line = first_line_matching(split, TAG)
        tag = TAG.search(split.meta_text.split("\n")[line - META_LINE])
        raise FrontMatterError(
            f"the front matter has a value that is not a valid `{tag.group(0) if tag else '!!'}` ({exc}).",
            line,
            "Remove the tag, or fix the value after it.",
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"the front matter must be `key: value` lines, but it is {'a list' if isinstance(data, list) else 'text'}.",
            META_LINE,
            "Write each setting on its own line, like `title: My note`.",
        )
    check_size(data, META_LINE)
    return data


def load_toml(split: SplitText) -> dict[str, Any]:
    try:
        return tomllib.loads(split.meta_text)  # dates arrive as date/datetime objects; parse_date takes those
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)", str(exc))
        reason = str(exc)[: found.start()] if found else str(exc)
        line = int(found.group(1)) + META_LINE - 1 if found else META_LINE
        column = f", column {found.group(2)}" if found else ""
        raise FrontMatterError(
            f"the TOML front matter is invalid ({reason}{column}).",
            line,
            'Write each setting as `key = value`, with text in quotes: title = "My note".',
        ) from exc


UNCLOSED = {  # what the parser was inside when the text ended: (what happened, what to do)
    "flow sequence": (
        "the list opened with `[` on this line is never closed with `]`",
        "Close the list, or put the whole value in quotes if the `[` is part of the text.",
    ),
    "flow mapping": (
        "the mapping opened with `{` on this line is never closed with `}`",
        "Close the mapping, or put the whole value in quotes if the `{` is part of the text.",
    ),
    "quoted scalar": ("the quoted text that starts on this line is never closed", "Add the closing quote."),
}


def yaml_error(exc: yaml.YAMLError, meta_text: str) -> FrontMatterError:
    """A YAML syntax error as the user should read it: the file's line and the likely fix."""
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None) or ""
    problem = getattr(exc, "problem", None) or "syntax error"
    lines = meta_text.split("\n")
    index = mark.line if mark else 0
    unclosed = next((text for kind, text in UNCLOSED.items() if kind in context), None)
    if context_mark is not None and (unclosed or index >= len(lines) - 1 or not lines[index].strip()):
        index = context_mark.line  # the parser gave up later on: point at what was left open
    index = min(index, len(lines) - 1)
    tab = next((i for i, line in enumerate(lines) if re.match(r"^ *\t", line)), None)
    if tab is not None and ("tab" in problem or "cannot start any token" in problem or index >= tab):
        return FrontMatterError(
            "the front matter has a tab character at the start of a line.",
            tab + META_LINE,
            "YAML only allows spaces for indentation; replace the tab with spaces.",
        )
    if unclosed:
        return FrontMatterError(
            f"the front matter is not valid YAML: {unclosed[0]} ({problem}).", index + META_LINE, unclosed[1]
        )
    key, _, value = lines[index].partition(":")
    value = value.strip()
    if value[:1] + value[-1:] in ("[]", "{}"):
        hint = "Check the list: one comma between items, none doubled; or put the whole value in quotes."
    elif key.strip() and value and (": " in value or " #" in value or value[0] in "[{*&!|>@`%'\""):
        hint = f'Put the value in quotes: {key.strip()}: "{value.replace(chr(34), chr(39))}"'
    else:
        hint = "Check the indentation, and quote values that contain ': ' or ' #' or start with '[', '{', '*' or '@'."
    return FrontMatterError(f"the front matter is not valid YAML: {problem}.", index + META_LINE, hint)


def check_size(data: Any, line: int) -> None:
    """Refuse front matter that refers to itself or explodes through aliases (`&a` … `*a`)."""
    count = 0
    pending: list[tuple[Any, bool]] = [(data, False)]
    on_path: set[int] = set()  # the containers between the top and the value being looked at
    while pending:
        value, leaving = pending.pop()
        if leaving:
            on_path.discard(id(value))
            continue
        count += 1
        if count > MAX_VALUES:
            raise FrontMatterError(
                f"the front matter holds more than {MAX_VALUES:,} values once its YAML aliases (*name) are expanded.",
                line,
                "Remove the aliases, or move the data into a file beside the note.",
            )
        if isinstance(value, (dict, list)):
            if id(value) in on_path:
                raise FrontMatterError(
                    "the front matter contains a value that refers to itself through a YAML alias (*name).",
                    line,
                    "Remove the alias.",
                )
            on_path.add(id(value))
            pending.append((value, True))
            pending.extend((child, False) for child in (value.values() if isinstance(value, dict) else value))


def duplicate_keys(yaml_text: str, first_line: int = META_LINE) -> list[tuple[str, int, int]]:
    """Top-level keys written twice, as (key, first line, repeated line) in the file.

    PyYAML quietly keeps the last value; a line scan of `key:` at column 0 finds them
    (TOML forbids duplicates itself). Lines inside block scalars are indented, so a
    key at column 0 is always a top-level key.
    """
    first: dict[str, int] = {}
    found = []
    for number, line in enumerate(yaml_text.split("\n"), start=first_line):
        match = TOP_LEVEL_KEY.match(line)
        if not match:
            continue
        key = match.group(2)
        if key in first:
            found.append((key, first[key], number))
        else:
            first[key] = number
    return found


TOP_LEVEL_KEY = re.compile(r"""^(['"]?)([^\s#'"\-?:\[\]{},&*!|>%@`][^:#]*?)\1\s*:(?:\s|$)""")


def first_line_matching(split: SplitText, pattern: re.Pattern[str]) -> int:
    for number, line in enumerate(split.meta_text.split("\n"), start=META_LINE):
        if pattern.search(line):
            return number
    return META_LINE


def key_line(text: str, key: str, first_line: int = 1) -> int | None:
    """The line of `key:` in YAML/TOML text, for messages (only looked up when something is wrong)."""
    pattern = re.compile(rf"^\s*-?\s*['\"]?{re.escape(str(key))}['\"]?\s*[:=]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + first_line if match else None
