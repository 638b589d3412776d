"""Which notes are likely about the same paper: same arXiv id, same DOI, or titles that match.

Used by `notes-site check` only. Titles match when one is the other with at most a
couple of short words around it (a venue, "notes", a CJK gloss) and a core long
enough not to match by chance.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from notes_site.content.papers import ARXIV_VERSION, Paper


@dataclass(frozen=True)
class PaperCandidate:
    """A note as the duplicate detector sees it."""

    source: str
    title: str
    paper: Paper | None


@dataclass(frozen=True)
class Duplicate:
    """Notes that seem to be about the same paper, and the sentence that says why."""

    sources: tuple[str, ...]  # sorted
    reason: str


CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"


TITLE_TOKEN = re.compile(rf"[{CJK}]|[^\W_{CJK}]+")


CJK_CHAR = re.compile(rf"[{CJK}]")


WORD_JOINERS = re.compile(r"(?<=[^\W_])['’.](?=[^\W_])")  # don't, Qwen2.5 stay one word; hyphens split


LEADING_GROUP = re.compile(r"^\s*(?:[(\[【（]([^)\]】）]*)[)\]】）]|([^:：(\[【（]*)[:：])")


GROUP_MARKS = re.compile(r"[:：(\[【（]")


TRAILING_GROUP = re.compile(r"[(\[【（]([^(\[【（]*)[)\]】）]\s*$")


# A title match needs a shared core of 4 words or 6 CJK characters (weights 3 and 2, at least 12),
# and allows up to 2 extra short words or 6 CJK characters (weights 3 and 1, at most 6).
CORE_WEIGHT = {False: 3, True: 2}


MIN_CORE = 12


EXTRA_WEIGHT = {False: 3, True: 1}


MAX_EXTRA = 6


SHORT_WORD = 8  # a longer extra word must sit in brackets or before a colon, with at most


MAX_FREE_WORDS = 2  # this many words there ("EfficientNet: …", "… (Transformer notes)")


Reason = str | tuple[str, ...]  # an id match as its sentence, or the titles that matched


MAX_REASONS = 3  # a group's sentence names this many matches, then counts the rest


class TitleKey(NamedTuple):  # built 20,000 times for 10,000 notes: a tuple is quicker than a dataclass
    written: str
    tokens: tuple[str, ...]
    weights: tuple[int, ...]  # each token's share of a core: CORE_WEIGHT
    costs: tuple[int, ...]  # each token's cost as an extra word; above MAX_EXTRA when it cannot be one

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def long_enough(self) -> bool:
        return sum(self.weights) >= MIN_CORE


def find_duplicates(items: Sequence[PaperCandidate]) -> list[Duplicate]:
    """Groups of notes about one paper: same arXiv id (any version), same DOI, or matching titles.

    Titles match when, normalised, one is the other plus at most two short words at its start
    or end ("CLIP: …", "… (reading notes)"). Every title is looked up by its own key and by
    its few shortened keys, so the work grows with the number of notes, not its square.
    """
    buckets: dict[str, list[int]] = defaultdict(list)
    reasons: dict[str, str] = {}
    for index, item in enumerate(items):
        for key, reason in id_keys(item.paper):
            buckets[key].append(index)
            reasons.setdefault(key, reason)
    links: list[tuple[int, int, Reason]] = [
        (members[0], other, reasons[key]) for key, members in buckets.items() for other in members[1:]
    ]
    links.extend(title_links(items))
    return group_links(items, links)


def id_keys(paper: Paper | None) -> Iterator[tuple[str, str]]:
    """The paper's arXiv id (any version) and DOI (any case) as lookup keys, each with its reason."""
    if paper and paper.arxiv:
        base = ARXIV_VERSION.sub("", paper.arxiv)
        yield f"arxiv {base}", f"same arXiv id {base}"
    if paper and paper.doi:
        yield f"doi {paper.doi.lower()}", f"same DOI {paper.doi}"


def title_links(items: Sequence[PaperCandidate]) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """Pairs of notes whose titles match, each with the titles that matched."""
    titles: list[list[TitleKey]] = []
    exact: dict[str, list[int]] = {}
    written: dict[str, str] = {}
    for index, item in enumerate(items):
        own = {title.key: title for title in map(title_key, dict.fromkeys(candidate_titles(item))) if title.long_enough}
        titles.append(list(own.values()))
        for title in own.values():
            exact.setdefault(title.key, []).append(index)
            written.setdefault(title.key, title.written)
    for key, members in exact.items():
        yield from ((members[0], other, (written[key],)) for other in members[1:])
    for index, own_titles in enumerate(titles):
        for title in own_titles:
            for core in core_keys(title):
                other = next((m for m in exact.get(core, ()) if m != index), None)
                if other is not None:
                    yield index, other, (title.written, written[core])


def candidate_titles(item: PaperCandidate) -> list[str]:
    titles = [item.title, item.paper.title if item.paper else ""]
    return [title for title in titles if title and title.strip()]


def title_key(title: str) -> TitleKey:
    """Lowercase words (CJK character by character), without punctuation."""
    text = WORD_JOINERS.sub("", unicodedata.normalize("NFKC", title).casefold())
    tokens = tuple(TITLE_TOKEN.findall(text))
    free_front = free_back = 0
    if GROUP_MARKS.search(text):
        leading = LEADING_GROUP.match(text)
        trailing = TRAILING_GROUP.search(text)
        free_front = len(TITLE_TOKEN.findall(next(g for g in leading.groups() if g is not None))) if leading else 0
        free_back = len(TITLE_TOKEN.findall(trailing.group(1))) if trailing else 0
        # "Large Language Models: A Survey" has a colon too, but no acronym before it
        free_front, free_back = (free if free <= MAX_FREE_WORDS else 0 for free in (free_front, free_back))
    if text.isascii():
        cjk = [False] * len(tokens)
    else:
        cjk = [len(token) == 1 and CJK_CHAR.match(token) is not None for token in tokens]
    costs = (
        extra_cost(token, is_cjk, index < free_front or index >= len(tokens) - free_back)
        for index, (token, is_cjk) in enumerate(zip(tokens, cjk, strict=True))
    )
    return TitleKey(title.strip(), tokens, tuple(CORE_WEIGHT[is_cjk] for is_cjk in cjk), tuple(costs))


def extra_cost(token: str, is_cjk: bool, in_group: bool) -> int:
    if is_cjk or in_group or len(token) <= SHORT_WORD:
        return EXTRA_WEIGHT[is_cjk]
    return MAX_EXTRA + 1  # a long word outside brackets is part of the title, never an extra


def core_keys(title: TitleKey) -> Iterator[str]:
    """The title's keys with up to MAX_EXTRA of extra words taken off its start and/or end."""
    tokens, weights, costs = title.tokens, title.weights, title.costs
    count, total = len(tokens), sum(weights)
    front_cost = front_weight = 0
    for front in range(count):
        if front:
            front_cost += costs[front - 1]
            front_weight += weights[front - 1]
        if front_cost > MAX_EXTRA or total - front_weight < MIN_CORE:
            return
        back_cost = back_weight = 0
        for back in range(count - front):
            if back:
                back_cost += costs[count - back]
                back_weight += weights[count - back]
            if front_cost + back_cost > MAX_EXTRA or total - front_weight - back_weight < MIN_CORE:
                break
            if front or back:
                yield " ".join(tokens[front : count - back])


def group_links(items: Sequence[PaperCandidate], links: list[tuple[int, int, Reason]]) -> list[Duplicate]:
    """Linked notes as groups (A~B and B~C is one group), each with its reasons in one sentence."""
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, second, _ in links:
        parent[root(first)] = root(second)
    members: dict[int, set[str]] = defaultdict(set)
    reasons: dict[int, dict[str, None]] = defaultdict(dict)
    titles: dict[int, dict[str, str]] = defaultdict(dict)  # a title's key -> the title as first written
    for first, second, reason in links:
        group = root(first)
        members[group].update((items[first].source, items[second].source))
        if isinstance(reason, str):
            reasons[group][reason] = None
        else:
            for title in reason:
                titles[group].setdefault(title_key(title).key, title)
    found = [
        Duplicate(tuple(sorted(sources)), sentence(list(reasons[group]), list(titles[group].values())))
        for group, sources in members.items()
    ]
    return sorted((duplicate for duplicate in found if len(duplicate.sources) > 1), key=lambda d: d.sources)


def sentence(reasons: list[str], titles: list[str]) -> str:
    """`same arXiv id …; titles match: “A” and “B”`: every title named once, after the ids."""
    if titles:
        quoted = [f"“{title}”" for title in titles[:MAX_REASONS]]
        more = len(titles) - MAX_REASONS
        if more > 0:
            quoted.append(f"{more} more")
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        reasons = [*reasons, f"titles match: {listed}"]
    shown = "; ".join(reasons[:MAX_REASONS])
    more = len(reasons) - MAX_REASONS
    return f"{shown}; and {more} more match{'es' if more > 1 else ''}" if more > 0 else shown
