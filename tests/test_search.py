"""The search index, read the way js/search.js reads it: which notes does a term lead to?

`Index` below is a second, independent reader of the format documented in notes_site/pages/search.py,
so these tests pin the files a browser downloads, not the code that writes them."""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from notes_site.pages import search
from notes_site.pages.search import SearchDoc, build_search_index, tokenise

REPO = Path(__file__).resolve().parent.parent
SEARCH_JS = REPO / "themes" / "default" / "static" / "js" / "search.js"
TERMINAL = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
CONTINUATION = "WXYZabcdefghijklmnopqrstuvwxyz-_"


@dataclass(frozen=True)
class Hit:
    title: str
    weight: int
    in_title: bool


class Index:
    """The files of an index, read with the documented rules (not with notes_site.search)."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.meta = self.script("meta")

    def script(self, name: str):
        text = self.files[f"search/index/{name}.js"]
        match = re.fullmatch(r'notesSearchIndex\("([^"]+)",(.*)\);\n', text, re.S)
        assert match and match[1] == name
        return json.loads(match[2])

    def shard(self, term: str) -> dict[str, str]:
        key = term if re.match(f"[{search.CJK_RANGES}]", term) else term[: self.meta["prefix"]]
        number = zlib.crc32(key.encode("utf-8")) % self.meta["shards"]
        return self.script(f"t/{number:0{len(format(self.meta['shards'] - 1, 'x'))}x}")

    def doc(self, number: int) -> list[str]:
        return self.script(f"d/{number // self.meta['group']}")[number % self.meta["group"]]

    def postings(self, term: str) -> list[tuple[int, int]]:
        """(doc number, flags) for each doc with the term."""
        return self.decode(self.shard(term).get(term, ""))

    @staticmethod
    def decode(encoded: str) -> list[tuple[int, int]]:
        found, doc, value = [], -1, 0
        for char in encoded:
            if char in CONTINUATION:
                value = value * 32 + CONTINUATION.index(char)
            else:
                value = value * 32 + TERMINAL.index(char)
                doc += value // 16 + 1
                found.append((doc, value % 16))
                value = 0
        return found

    def hits(self, term: str) -> list[Hit]:
        return [Hit(self.doc(doc)[0], flags & 7, bool(flags & 8)) for doc, flags in self.postings(term)]

    def titles(self, term: str) -> list[str]:
        return [hit.title for hit in self.hits(term)]


def note(title: str, text: str, key: str | None = None, category: str = "") -> SearchDoc:
    key = key or f"{title}.md"
    return SearchDoc(key, title, f"{key.removesuffix('.md')}/", category, text)


NOTES = [
    note("多兴趣召回", "多兴趣召回用多个向量表示一个用户，MIND 用胶囊网络做动态路由。", category="推荐系统"),
    note("Attention Is All You Need", "Transformer 基于注意力机制。Self-attention lets every token see the others."),
    note("CLIP", "CLIP 用对比学习把图像和文本对齐。Contrastive pre-training on 400M pairs."),
    note("YouTube DNN", "深度神经网络分成召回和排序两个阶段。"),
]


@pytest.fixture
def index() -> Index:
    return Index(build_search_index(NOTES))


def test_a_chinese_word_leads_to_the_notes_that_contain_it_title_matches_flagged(index):
    assert index.titles("召回") == ["YouTube DNN", "多兴趣召回"]  # doc order: sorted by key
    assert [hit.in_title for hit in index.hits("召回")] == [False, True]
    assert index.titles("注意") == index.titles("意力") == ["Attention Is All You Need"]  # 注意力, as bigrams


def test_single_characters_are_terms_so_a_one_character_query_works(index):
    assert index.titles("召") == ["YouTube DNN", "多兴趣召回"]
    assert index.titles("图") == ["CLIP"]
    assert tokenise("召回") == ["召", "回", "召回"]


def test_english_words_are_lowercased_and_split_at_punctuation(index):
    assert index.titles("transformer") == ["Attention Is All You Need"]
    assert index.titles("self") == index.titles("attention") == ["Attention Is All You Need"]
    assert index.titles("400m") == ["CLIP"]
    assert [hit.in_title for hit in index.hits("clip")] == [True]
    assert index.titles("Transformer") == []  # terms are lowercase; the browser lowercases the query


def test_words_with_the_same_first_three_letters_share_a_shard_so_a_prefix_loads_one_file(index):
    shard = index.shard("tra")
    assert {"transformer", "training"} <= set(shard)  # "pre-training" gives "pre" and "training"
    assert index.shard("transformer") == index.shard("transfer") == shard


def test_words_and_characters_beyond_ascii_are_normalised_like_the_query():
    index = Index(build_search_index([note("ＣＬＩＰ论文", "Café au lait, Ελληνικά, 東京のカフェ, 한국어 검색")]))
    assert index.titles("clip") == ["ＣＬＩＰ论文"]  # the title shows as written
    for term in ("café", "ελληνικά", "東京", "カフ", "フェ", "한국", "검색"):
        assert index.titles(term) == ["ＣＬＩＰ论文"], term


def test_plain_and_unusual_texts_give_the_same_english_terms():
    """Most notes take a fast ASCII path; one accented word sends a note down the general one."""
    plain = set(tokenise("Deep Interest Network, DIN-v2: 3.7% gain 召回率"))
    general = set(tokenise("Deep Interest Network, DIN-v2: 3.7% gain 召回率 é")) - {"é"}
    words = {"deep", "interest", "network", "din", "v2", "3", "7", "gain"}
    assert plain == general == words | {"召", "回", "率", "召回", "回率"}


def test_characters_beyond_the_basic_plane_and_odd_lengths():
    index = Index(build_search_index([note("𠮷野家", "吉"), note("x", "a召b")]))
    assert index.titles("𠮷野") == ["𠮷野家"]
    assert index.titles("召") == ["x"]
    assert index.titles("吉") == ["𠮷野家"]


def test_a_note_that_says_a_word_more_often_weighs_more_for_it():
    filler = "其他内容。" * 20
    index = Index(build_search_index([note("once", "召回" + filler), note("often", "召回" * 8 + filler)]))
    weights = {hit.title: hit.weight for hit in index.hits("召回")}
    assert weights["often"] > weights["once"]


def test_postings_are_compact_a_term_in_every_note_costs_one_character_per_note():
    docs = [note(f"n{i:04}", f"深度学习 note {i}") for i in range(3000)]
    index = Index(build_search_index(docs))
    assert len(index.shard("深度")["深度"]) == 3000
    assert [doc for doc, _ in index.postings("深度")] == list(range(3000))
    assert [doc for doc, _ in index.postings("2999")] == [2999]


def test_the_doc_groups_hold_what_a_result_shows(index):
    number = [hit.title for hit in index.hits("召回")].index("多兴趣召回")
    doc_number = index.postings("召回")[number][0]
    title, path, category, text = index.doc(doc_number)
    assert (title, path, category) == ("多兴趣召回", "多兴趣召回/", "推荐系统")
    assert text.startswith("多兴趣召回用多个向量")


def test_long_texts_are_cut_for_snippets_and_whitespace_collapsed():
    index = Index(build_search_index([note("long", "开头\n\n  第二段 " + "长" * 10_000)]))
    text = index.doc(0)[3]
    assert text.startswith("开头 第二段 长") and len(text) == search.TEXT_LIMIT


def test_every_file_is_a_script_under_search_index(index):
    for path, text in index.files.items():
        assert path.startswith("search/index/") and path.endswith(".js")
        assert text.startswith('notesSearchIndex("') and text.endswith(");\n")
    assert index.meta["docs"] == 4 and index.meta["format"] == 1


def test_line_separators_in_a_note_cannot_break_the_script():
    """U+2028 ends a line in JavaScript before ES2019, and JSON does not escape it."""
    files = build_search_index([note("a\u2028title", "a\u2028b\u2029c")])
    assert all("\u2028" not in text and "\u2029" not in text for text in files.values())
    assert Index(files).doc(0)[0] == "a\u2028title" and Index(files).doc(0)[3] == "a b c"


def test_the_same_notes_give_byte_identical_files_whatever_their_order():
    assert build_search_index(NOTES) == build_search_index(list(reversed(NOTES)))


def test_editing_one_note_changes_few_files():
    """Only the note's own doc group, the shards of the terms it gained, and meta.js change."""
    docs = [
        note(f"笔记{i:04}", " ".join(f"word{i * 7 + j} 第{i + j}篇笔记" for j in range(30)), key=f"{i:04}.md")
        for i in range(2000)
    ]
    before = build_search_index(docs)
    docs[123] = replace(docs[123], text=docs[123].text + " 新增量化")  # 5 new terms: 新增 增量 量化 新 化
    after = build_search_index(docs)
    changed = {path for path in after if before.get(path) != after[path]}
    shards = [path for path in after if "/t/" in path]
    assert len(shards) >= 16
    assert {"search/index/meta.js", "search/index/d/15.js"} <= changed
    assert len(changed) <= 2 + 5, sorted(changed)


def test_an_empty_site_has_a_valid_empty_index():
    index = Index(build_search_index([]))
    assert index.meta["docs"] == 0 and index.titles("召回") == []


def test_the_browser_uses_the_same_character_classes_and_digits():
    """search.js keeps its own copy of the CJK ranges and the base-32 digits: they must agree."""
    js = SEARCH_JS.read_text(encoding="utf-8")
    literal = re.search(r"var CJK = ((?:'[^']*'\s*\+?\s*)+);", js)[1]
    ranges = "".join(re.findall(r"'([^']*)'", literal))
    decoded = re.sub(r"\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1] or m[2], 16)), ranges)
    assert decoded == search.CJK_RANGES
    assert f"var TERMINAL = '{search.TERMINAL}'" in js and f"var CONTINUATION = '{search.CONTINUATION}'" in js


def test_past_65_535_notes_postings_are_spelled_the_same_way():
    """Gaps that need five base-32 digits switch the encoder to 8-byte fields; the spelling must not change."""
    values = [0, 16 + 9, 40 * 16 + 8, 70_000 * 16 + 3, 70_001 * 16 + 15]
    assert search._encode_values(values[:3], 8) == search._encode_values(values[:3], 4) == "09p8"  # 616 = 19·32 + 8
    spelled = search._encode_values(values, 8)
    assert Index.decode(spelled) == [(0, 0), (1, 9), (40, 8), (70_000, 3), (70_001, 15)]
