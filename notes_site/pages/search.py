"""The offline search index: notes in, small JavaScript files out, read by `js/search.js` in the browser.

No server and no fetch(): every file calls the global `notesSearchIndex(name, data)`, so a page
opened from disk (file://) can load it with `<script>` tags. The browser downloads only what a
query needs: a tiny `meta.js`, the term shards its words hash to, and the doc groups of the top
results.

Files, relative to the site root (all under `search/index/`):

- `meta.js`: `{"format": 1, "docs": N, "shards": S, "group": G, "prefix": 3, "version": "…"}`.
- `t/<shard>.js` (S of them, `<shard>` in lowercase hex, zero-padded): `{term: postings}`, the
  terms whose hash falls in that shard, sorted.
- `d/<group>.js`: `[[title, path, category, text], …]` for docs G*group … G*group+G-1.

Terms (`tokenise` below; search.js does the same to a query):

- text is NFKC-normalised and lowercased;
- runs of CJK characters (Han, kana, Hangul) give their overlapping character bigrams and,
  so that one-character queries work, their single characters;
- other letters and digits give words, split at anything else. A word goes to the shard of its
  first `PREFIX_LENGTH` characters, so a prefix query (`transf`) needs one shard.

The shard of a term is `crc32(utf8(shard key)) % S`, S a power of two.

Postings of a term are one string: per doc, in doc-number order, the varint
`(doc - previous doc - 1) * 16 + title * 8 + weight` in base 32, the digits big-endian, the last
digit from `TERMINAL`, the others from `CONTINUATION`. A term in every doc costs one character
per doc. `weight` (0-7) is the term's BM25 term-frequency factor against a fixed reference
length (not the corpus average, so that editing one note cannot change every shard); `title`
says the term is in the title. Single CJK characters carry no weight (always 0).

Docs are numbered in `key` order. Editing a note rewrites its doc group, the shards of the terms
it gained or lost (or whose weight moved) and `meta.js`; adding or removing a note renumbers the
notes after it, so most files change. A CJK query matches notes that have all its bigrams, which
may, rarely, sit apart in the note (注意 and 意力 without 注意力).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import add

INDEX_DIR = "search/index"
FORMAT = 1
DOCS_PER_GROUP = 8  # the top ten results touch at most ten groups of eight snippets each
TEXT_LIMIT = 3000  # characters of a note kept for snippets; matches further on show the start
PREFIX_LENGTH = 3  # a Latin word shares its shard with the words of the same first three letters
SHARD_TARGET_CHARS = 24_000  # the average shard; the number of shards grows with the index
MAX_SHARDS = 4096

TERMINAL = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
CONTINUATION = "WXYZabcdefghijklmnopqrstuvwxyz-_"
TITLE_FLAG = 8
BM25_K1 = 1.2
BM25_B = 0.75
REFERENCE_LENGTH = 1500  # tokens; a typical note, fixed so that weights stay put when other notes change

# Han (with 々 and 〇, extension A, compatibility, the supplementary planes), kana, Hangul.
CJK_RANGES = (
    "\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\U00020000-\U0003134f"
)
NOT_CJK = re.compile(f"[^{CJK_RANGES}]+")
WORD = re.compile(rf"[^\W_{CJK_RANGES}]+")
# A text made only of these has the same terms with or without NFKC, and its words are ASCII:
# most notes take the fast path (NFKC over every note would cost a third of the build).
PLAIN_CHARACTERS = (
    "\x00-\x7f\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
    "\u2000-\u206f\u3000-\u3004\u3008-\u3020\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
NOT_PLAIN = re.compile(f"[^{PLAIN_CHARACTERS}]")
ASCII_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256)).lower()
LOW_HALF = 0xFFFFFFFF
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# 64 + d → the terminal digit d, 32 + d → the continuation digit d (see _encode_values)
_DIGIT_BYTES = bytes.maketrans(bytes(range(32, 96)), (CONTINUATION + TERMINAL).encode("ascii"))


@dataclass(frozen=True)
class SearchDoc:
    """One note as the index sees it; `text` is plain text, already without what should not be found."""

    key: str  # stable id: the note's source path (sets the doc order, so the output is deterministic)
    title: str
    path: str  # site-relative page path, e.g. "2024/05/22/duo-xing-qu-zhao-hui/"
    category: str  # display name or ""
    text: str


@dataclass(frozen=True)
class DocTerms:
    """The terms of one text, counted in C loops: this runs over every character of every note."""

    bigrams: Counter[int]  # first code point | second << 32 (UTF-32 pairs); a 0 half marks a run edge, not a term
    characters: set[int]  # code points of single CJK characters (and 0, from the run edges)
    words: Counter[str]

    @property
    def length(self) -> int:
        return self.bigrams.total() + self.words.total()

    def add(self, other: DocTerms) -> None:
        """Count `other` (a title) in too."""
        self.bigrams.update(other.bigrams)
        self.characters.update(other.characters)
        self.words.update(other.words)


def normalise(text: str) -> str:
    """What both the index and the query see: NFKC (full-width Latin, compatibility ideographs) and lowercase."""
    return unicodedata.normalize("NFKC", text).lower()


def count_terms(text: str) -> DocTerms:
    """The terms of a text with their counts; every step is one C-level pass over the text."""
    plain = NOT_PLAIN.search(text) is None
    if not plain:
        text = normalise(text)  # a plain text needs neither: CJK has no case, ASCII_WORD_BYTES lowercases
    cjk = NOT_CJK.sub("\0", text).encode("utf-32-le")
    codes = memoryview(cjk)
    # Two views of the same code points as 64-bit pairs: (0,1)(2,3)… and (1,2)(3,4)…
    bigrams = Counter(codes[: len(cjk) // 8 * 8].cast("Q"))
    bigrams.update(codes[4 : 4 + (len(cjk) - 4) // 8 * 8].cast("Q"))
    if plain:
        words = Counter(text.encode("ascii", "replace").translate(ASCII_WORD_BYTES).decode("ascii").split())
    else:
        words = Counter(WORD.findall(text))
    return DocTerms(bigrams, set(codes.cast("I")), words)


def tokenise(text: str) -> list[str]:
    """The distinct terms of a text as strings (for tests and for anyone reading the index)."""
    terms = count_terms(text)
    characters = [chr(code) for code in sorted(terms.characters - {0})]
    return [*characters, *sorted(filter(None, map(_bigram_string, terms.bigrams))), *sorted(terms.words)]


def shard_key(term: str) -> str:
    """Words share a shard with their prefix so that a prefix query loads one file; CJK terms stand alone."""
    if _is_cjk(term[0]):
        return term
    return term[:PREFIX_LENGTH]


def shard_of(term: str, shards: int) -> int:
    return zlib.crc32(shard_key(term).encode("utf-8")) & (shards - 1)


def build_search_index(docs: list[SearchDoc]) -> dict[str, str]:
    """Every file of the index: path relative to the site root → its text (same docs, same bytes)."""
    ordered = sorted(docs, key=lambda doc: doc.key)
    postings = _collect_postings(ordered)
    encoded = _encode_postings(postings, len(ordered))
    shards = _shard_count(sum(len(key) + len(text) + 4 for key, text in encoded.items()))
    files = _shard_files(encoded, shards)
    files.update(_doc_group_files(ordered))
    digest = hashlib.sha1()
    for path in sorted(files):
        digest.update(files[path].encode("utf-8"))
    meta = {
        "format": FORMAT,
        "docs": len(ordered),
        "shards": shards,
        "group": DOCS_PER_GROUP,
        "prefix": PREFIX_LENGTH,
        "version": digest.hexdigest()[:12],  # search.js adds it to every URL: no stale shard after a rebuild
    }
    files[f"{INDEX_DIR}/meta.js"] = _script("meta", meta)
    return files


class _TermPostings:
    """Per term, `doc * 16 + flags` for each doc that has it, in doc order."""

    def __init__(self) -> None:
        self.values: defaultdict[object, list[int]] = defaultdict(list)

    def add(self, number: int, terms: Iterable[object], flags: Iterable[int]) -> None:
        """One doc for each of `terms`, in C loops: Python-level work per posting is what would make this slow."""
        values = map(add, repeat(number * 16), flags)
        deque(map(list.append, map(self.values.__getitem__, terms), values), maxlen=0)

    def flag(self, terms: Iterable[object]) -> None:
        """Mark the last doc added as having these terms in its title."""
        for term in terms:
            self.values[term][-1] |= TITLE_FLAG


class _Postings:
    """Bigram and character keys stay ints until the end; words are strings."""

    def __init__(self) -> None:
        self.bigrams = _TermPostings()
        self.characters = _TermPostings()
        self.words = _TermPostings()

    def add(self, number: int, title: DocTerms, terms: DocTerms) -> None:
        """Add a doc (`terms` counts the title in), then flag the terms of its title."""
        highest = max(max(terms.bigrams.values(), default=1), max(terms.words.values(), default=1))
        weights = _weights_by_count(terms.length, highest)
        self.bigrams.add(number, terms.bigrams, map(weights.__getitem__, terms.bigrams.values()))
        self.words.add(number, terms.words, map(weights.__getitem__, terms.words.values()))
        self.characters.add(number, terms.characters, repeat(0))
        self.bigrams.flag(title.bigrams)
        self.characters.flag(title.characters)
        self.words.flag(title.words)


def _collect_postings(docs: list[SearchDoc]) -> _Postings:
    postings = _Postings()
    for number, doc in enumerate(docs):
        title = count_terms(doc.title)
        terms = count_terms(doc.text)
        terms.add(title)
        postings.add(number, title, terms)
    return postings


def _weights_by_count(length: int, highest: int) -> list[int]:
    """The 3-bit BM25 weight for each count 0…highest of a term in a doc of `length` terms."""
    norm = BM25_K1 * (1 - BM25_B + BM25_B * max(length, 1) / REFERENCE_LENGTH)
    top = BM25_K1 + 1
    return [min(7, int(count * top / (count + norm) / top * 8)) for count in range(highest + 1)]


def _encode_postings(postings: _Postings, doc_count: int) -> dict[str, str]:
    """Term → postings string; run edges are dropped here, once per distinct key rather than per doc."""
    width = 4 if doc_count * 16 + 16 < 1 << 20 else 8  # bytes per posting while encoding: one per base-32 digit
    encoded: dict[str, str] = {}
    for key, values in postings.bigrams.values.items():
        if bigram := _bigram_string(key):
            encoded[bigram] = _encode_values(values, width)
    for code, values in postings.characters.values.items():
        if code:
            encoded[chr(code)] = _encode_values(values, width)
    for word, values in postings.words.values.items():
        encoded[word] = _encode_values(values, width)
    return encoded


def _encode_values(values: list[int], width: int) -> str:
    """The postings string of one term, computed on all its postings at once with big-integer arithmetic.

    Each posting becomes a `width`-byte field of one big int. Subtracting the fields shifted by one
    gives the gaps (no field goes below zero, so nothing borrows across fields); each field is then
    spread into one byte per base-32 digit, most significant first, leading zeros marked 128, and
    bytes.translate spells the digits and deletes the marks. A third of the time of a per-posting loop.
    """
    count, bits = len(values), 8 * width
    ones = int.from_bytes((b"\1" + bytes(width - 1)) * count, "little")  # 1 in every field
    packed = int.from_bytes(array("I" if width == 4 else "Q", values).tobytes(), "little")
    previous_docs = ((packed & ones * ((1 << bits) - 16)) << bits) & ((1 << bits * count) - 1)
    value = packed - previous_docs - ones * 16 + 16  # the first posting counts from doc -1
    spelled = 0
    for position in range(width):  # base-32 digit `position`, 0 the last (least significant)
        shifted = (value >> 5 * position) & ones * ((1 << bits - 5 * position) - 1) if position else value
        digit = shifted & ones * 31
        if position == 0:
            byte = digit + ones * 64
        else:
            room = 5 * (width - position)  # `shifted` is below 1 << room
            present = ((shifted + ones * ((1 << room) - 1)) >> room) & ones  # 1 where the digit is not a leading zero
            byte = digit + ones * 128 - present * 96
        spelled |= byte << 8 * (width - 1 - position)
    return spelled.to_bytes(width * count, "little").translate(_DIGIT_BYTES, b"\x80").decode("ascii")


def _shard_count(total_chars: int) -> int:
    shards = 1
    while shards < MAX_SHARDS and shards * SHARD_TARGET_CHARS < total_chars:
        shards *= 2
    return shards


def _shard_name(number: int, shards: int) -> str:
    return f"t/{number:0{len(f'{shards - 1:x}')}x}"


def _shard_files(encoded: dict[str, str], shards: int) -> dict[str, str]:
    grouped: list[dict[str, str]] = [{} for _ in range(shards)]
    for term in sorted(encoded):
        grouped[shard_of(term, shards)][term] = encoded[term]
    return {
        f"{INDEX_DIR}/{_shard_name(number, shards)}.js": _script(_shard_name(number, shards), terms)
        for number, terms in enumerate(grouped)
    }


def _doc_group_files(docs: list[SearchDoc]) -> dict[str, str]:
    files = {}
    for start in range(0, len(docs), DOCS_PER_GROUP):
        group = [
            [doc.title, doc.path, doc.category, " ".join(doc.text[: TEXT_LIMIT * 2].split())[:TEXT_LIMIT]]
            for doc in docs[start : start + DOCS_PER_GROUP]
        ]
        name = f"d/{start // DOCS_PER_GROUP}"
        files[f"{INDEX_DIR}/{name}.js"] = _script(name, group)
    return files


def _script(name: str, data: object) -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # U+2028/2029 end a line in older JavaScript; JSON allows them raw, scripts did not before ES2019.
    payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if LONE_SURROGATE.search(payload):  # from a YAML "\ud800" escape, say: UTF-8 cannot hold it
        payload = payload.encode("utf-8", "replace").decode("utf-8")
    return f'notesSearchIndex("{name}",{payload});\n'


def _is_cjk(character: str) -> bool:
    return NOT_CJK.match(character) is None


def _bigram_string(key: int) -> str:
    """The two characters of a bigram key, or "" for a run edge."""
    return key.to_bytes(8, "little").decode("utf-32-le") if key & LOW_HALF and key >> 32 else ""
