"""A map of the notes and the links between them, laid out at build time into a static inline SVG.

Pure: nodes and edges in, SVG text out, no I/O and no JavaScript. The layout is deterministic (nodes
sorted by key, fixed seeds, a fixed number of steps), so the same notes always give the same bytes.
The layout itself is in graph_layout.py. Colours come from CSS classes only
(themes/default/static/css/graph.css), so light and dark themes can recolour the map.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from notes_site.pages.graph_layout import MARGIN, NODE_GAP, place_nodes

PALETTE_SIZE = 10
NO_GROUP_CLASS = "graph-group-none"
SMALL_GRAPH = 60  # up to this many notes every node gets a label and the layout leaves room for them
LARGE_GRAPH = 600  # past this many notes the map keeps its natural size and its figure scrolls
MAX_HUB_LABELS = 40  # in bigger maps only the best-linked notes are labelled
MIN_HUB_DEGREE = 3
SPACING = 26.0  # ideal link length in SVG units for big maps: about four node radii
LABELLED_SPACING = 80.0
LABEL_FONT = 12.0  # px, as in graph.css; used to guess label widths for the viewBox and place labels
MAX_LABEL_UNITS = 32  # a label is cut after this many half-width characters
LABEL_PAD = 2.0  # the least free space around a label, besides the guess of its width
CAPTION_FONT = 12.0  # px, as .graph-caption in graph.css
NEIGHBOURHOOD_COLUMN = 90.0  # distance from the centre to the columns of neighbours


@dataclass(frozen=True)
class GraphNode:
    """One note on the map: `key` is its stable id (source path), `path` its site-relative page URL."""

    key: str
    title: str
    path: str
    group: str = ""


@dataclass(frozen=True)
class NoteGraph:
    """Nodes sorted by key and links made undirected and unique, checked once and shared by every map."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, str], ...]
    by_key: dict[str, GraphNode]
    neighbours: dict[str, tuple[str, ...]]
    colours: dict[str, int]


@dataclass(frozen=True)
class Layout:
    """Centre and radius of each node in SVG units; every circle lies inside 0..width × 0..height."""

    positions: dict[str, tuple[float, float]]
    radii: dict[str, float]
    width: float
    height: float
    loners_top: float | None = None  # the top of the band of unlinked notes under the linked ones


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a template prints a swatch with `css_class` next to the group name."""

    group: str  # "" for notes without a category
    css_class: str
    count: int


def note_graph(nodes: Iterable[GraphNode], edges: Iterable[tuple[str, str]]) -> NoteGraph:
    """The graph every map is drawn from; links to unknown notes, self-links and repeats are dropped."""
    ordered = sorted(nodes, key=lambda node: node.key)
    by_key = {node.key: node for node in ordered}
    if len(by_key) != len(ordered):
        repeated = sorted(key for key, count in Counter(node.key for node in ordered).items() if count > 1)
        raise ValueError(f"Each note may appear once on the map, but these keys repeat: {', '.join(repeated)}.")
    unique = {(min(a, b), max(a, b)) for a, b in edges if a != b and a in by_key and b in by_key}
    linked: dict[str, list[str]] = {node.key: [] for node in ordered}
    for a, b in unique:
        linked[a].append(b)
        linked[b].append(a)
    neighbours = {key: tuple(sorted(others)) for key, others in linked.items()}
    colours = group_colours(node.group for node in ordered)
    return NoteGraph(tuple(ordered), tuple(sorted(unique)), by_key, neighbours, colours)


def group_colours(groups: Iterable[str]) -> dict[str, int]:
    """Palette index per named group, from the sorted names so a colour does not depend on note order."""
    names = sorted({group for group in groups if group})
    return {name: index % PALETTE_SIZE for index, name in enumerate(names)}


def group_class(graph: NoteGraph, group: str) -> str:
    """The CSS class that colours a group: `graph-group-N`, or `graph-group-none` for no category."""
    return f"graph-group-{graph.colours[group]}" if group in graph.colours else NO_GROUP_CLASS


def graph_legend(graph: NoteGraph) -> tuple[LegendEntry, ...]:
    """Groups in name order with their colour class and note count; notes without a category come last."""
    counts: dict[str, int] = {}
    for node in graph.nodes:
        counts[node.group] = counts.get(node.group, 0) + 1
    names = sorted(counts, key=lambda name: (name == "", name))
    return tuple(LegendEntry(name, group_class(graph, name), counts[name]) for name in names)


def node_radius(degree: int) -> float:
    """Circles grow gently with the number of links, so hubs stand out without covering their neighbours."""
    return round(4.0 + 1.6 * math.log2(1 + degree), 1)


# ---------- layout ----------


def layout_graph(graph: NoteGraph, *, spacing: float | None = None) -> Layout:
    """Connected groups of notes laid out by forces and packed side by side, lone notes in a grid below."""
    keys = [node.key for node in graph.nodes]
    index = {key: i for i, key in enumerate(keys)}
    adjacency = [[index[other] for other in graph.neighbours[key]] for key in keys]
    radii = [node_radius(len(links)) for links in adjacency]
    small = len(keys) <= SMALL_GRAPH  # every node labelled: leave room for the labels
    spacing = spacing or (LABELLED_SPACING if small else SPACING)
    slots = _loner_slots(graph)
    dot = 2 * node_radius(0)
    if small:  # a list of dots with their names on the right, under a caption
        widest = max((_label_width(_short(graph.nodes[i].title)) for i in slots if i is not None), default=0.0)
        cell, gap = (dot + widest + 6 * LABEL_PAD + 2 * NODE_GAP, 2 * LABEL_FONT), 3 * CAPTION_FONT
    else:
        cell, gap = (dot + 2 * NODE_GAP,) * 2, 2 * spacing
    xs, ys, width, height, apart = place_nodes(
        adjacency, radii, keys, slots, spacing=spacing, loner_cell=cell, loner_gap=gap
    )
    positions = {key: (xs[i], ys[i]) for i, key in enumerate(keys)}
    return Layout(positions, dict(zip(keys, radii, strict=True)), width, height, apart)


def _loner_slots(graph: NoteGraph) -> list[int | None]:
    """Notes without links in legend order (category, then title), with an empty slot between categories."""
    nodes = graph.nodes
    lonely = [i for i, node in enumerate(nodes) if not graph.neighbours[node.key]]
    lonely.sort(key=lambda i: (nodes[i].group == "", nodes[i].group, nodes[i].title.casefold(), i))
    slots: list[int | None] = []
    for i in lonely:
        if slots and nodes[slots[-1]].group != nodes[i].group:
            slots.append(None)
        slots.append(i)
    return slots


# ---------- SVG ----------


@dataclass(frozen=True)
class _Label:
    x: float
    y: float  # baseline
    anchor: Literal["start", "middle", "end"]
    text: str


@dataclass(frozen=True)
class _Dot:
    """A node as drawn: where, how big, and its label if it gets one."""

    node: GraphNode
    x: float
    y: float
    r: float
    label: _Label | None = None


Line = tuple[tuple[float, float], tuple[float, float]]


def site_map_svg(
    graph: NoteGraph,
    *,
    root: str,
    layout: Layout | None = None,
    title: str = "Map of the notes",
    description: str | None = None,
    labels: Literal["auto", "all", "none"] = "auto",
    id_prefix: str = "graph-map",
    unlinked_caption: str = "Notes without links",
) -> str:
    """The whole map as inline SVG for the page at `root` (its way back to the site root); "" with no notes.

    Unlinked notes sit in a band of their own under a line and `unlinked_caption`.
    """
    if not graph.nodes:
        return ""
    layout = layout or layout_graph(graph)
    dots = [_Dot(node, *layout.positions[node.key], layout.radii[node.key]) for node in graph.nodes]
    caption = None
    if layout.loners_top is not None:
        caption = _Label(MARGIN, layout.loners_top + 1.6 * CAPTION_FONT, "start", _plain(unlinked_caption))
    dots = _with_labels(dots, graph, labels, [_label_box(caption, CAPTION_FONT)] if caption else [])
    if description is None:
        description = (
            f"{len(graph.nodes)} notes and {len(graph.edges)} links between them. "
            "Each circle links to its note; its colour shows the category."
        )
    lines = [(layout.positions[a], layout.positions[b]) for a, b in graph.edges]
    css = "graph graph-map graph-large" if len(graph.nodes) > LARGE_GRAPH else "graph graph-map"
    return _svg(
        graph,
        dots,
        lines,
        root=root,
        css=css,
        id_prefix=id_prefix,
        title=title,
        description=description,
        caption=caption,
    )


def neighbourhood_svg(
    graph: NoteGraph, center_key: str, *, root: str, title: str | None = None, id_prefix: str = "graph-near"
) -> str:
    """The note with its linked notes in two labelled columns either side, for its own page; "" if it has none."""
    if center_key not in graph.by_key:
        raise KeyError(f"There is no note {center_key!r} on the map.")
    center = graph.by_key[center_key]
    others = sorted((graph.by_key[key] for key in graph.neighbours[center_key]), key=_reading_order)
    if not others:
        return ""
    radius = {node.key: node_radius(len(graph.neighbours[node.key])) for node in [center, *others]}
    row = max(24.0, 2 * max(radius.values()) + NODE_GAP)
    right = others[: math.ceil(len(others) / 2)]
    dots = [_Dot(center, 0.0, 0.0, radius[center_key])]
    for side, column in ((1, right), (-1, others[len(right) :])):
        for rank, node in enumerate(column):
            x, y, r = side * NEIGHBOURHOOD_COLUMN, (rank - (len(column) - 1) / 2) * row, radius[node.key]
            label = _Label(
                x + side * (r + 4), y + LABEL_FONT * 0.35, "start" if side > 0 else "end", _short(node.title)
            )
            dots.append(_Dot(node, x, y, r, label))
    lines = [((0.0, 0.0), (dot.x, dot.y)) for dot in dots[1:]]
    name = _plain(center.title)
    return _svg(
        graph,
        dots,
        lines,
        root=root,
        css="graph graph-neighbourhood",
        id_prefix=id_prefix,
        title=title or f"Notes linked with {name}",
        description=f"{name} in the middle, with the {len(others)} notes it links to or is linked from.",
        center=center_key,
    )


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _with_labels(dots: list[_Dot], graph: NoteGraph, labels: str, taken: list[Box]) -> list[_Dot]:
    """Label every node of a small map, the best-linked first; on a big one only the best-linked notes.

    Each label takes the first spot around its dot (below, beside, above, then further out) where it
    covers no other label, no other dot and nothing in `taken`; a label with no free spot is left out
    (the note's title is still the link's name and tooltip).
    """
    if labels == "none":
        return dots
    every = labels == "all" or len(dots) <= SMALL_GRAPH
    degree = {key: len(others) for key, others in graph.neighbours.items()}
    hubs = [dot for dot in dots if every or degree[dot.node.key] >= MIN_HUB_DEGREE]
    hubs.sort(key=lambda dot: -degree[dot.node.key])
    taken = list(taken)
    circles = [(dot.node.key, (dot.x - dot.r, dot.y - dot.r, dot.x + dot.r, dot.y + dot.r)) for dot in dots]
    chosen: dict[str, _Label] = {}
    for dot in hubs if every else hubs[: 4 * MAX_HUB_LABELS]:
        text = _short(dot.node.title)
        for label in _label_spots(dot, text, lonely=degree[dot.node.key] == 0):
            box = _label_box(label)
            if any(_overlap(box, other, LABEL_PAD) for other in taken):
                continue
            if any(key != dot.node.key and _overlap(box, circle, 1.0) for key, circle in circles):
                continue
            taken.append(box)
            chosen[dot.node.key] = label
            break
        if not every and len(chosen) == MAX_HUB_LABELS:
            break
    return [_Dot(dot.node, dot.x, dot.y, dot.r, chosen.get(dot.node.key)) for dot in dots]


def _label_spots(dot: _Dot, text: str, *, lonely: bool) -> list[_Label]:
    """Where a dot's label may go, best first: an unlinked note's on its right, as in a list."""
    x, y, r, f = dot.x, dot.y, dot.r, LABEL_FONT
    below, above, middle = y + r + f, y - r - 0.3 * f - LABEL_PAD, y + 0.35 * f
    spots = [
        _Label(x + r + 4, middle, "start", text),
        _Label(x, below, "middle", text),
        _Label(x, above, "middle", text),
        _Label(x - r - 4, middle, "end", text),
    ]
    if not lonely:
        spots.insert(0, spots.pop(1))
    for step in (1, 2, 3):
        spots += [
            _Label(x, below + step * f, "middle", text),
            _Label(x, above - step * f, "middle", text),
            _Label(x + r, below + (step - 1) * f, "start", text),
            _Label(x - r, below + (step - 1) * f, "end", text),
            _Label(x + r, above - (step - 1) * f, "start", text),
            _Label(x - r, above - (step - 1) * f, "end", text),
        ]
    return spots


def _overlap(a: Box, b: Box, pad: float) -> bool:
    return not (a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1] or b[3] + pad <= a[1])


def _reading_order(node: GraphNode) -> tuple[str, str]:
    return node.title.casefold(), node.key


def _svg(
    graph: NoteGraph,
    dots: list[_Dot],
    lines: list[Line],
    *,
    root: str,
    css: str,
    id_prefix: str,
    title: str,
    description: str,
    center: str | None = None,
    caption: _Label | None = None,
) -> str:
    """Links as one path under the nodes; nodes grouped by colour class, each a link named by its note's title."""
    left, top, right, bottom = _bounds(dots, [_label_box(caption, CAPTION_FONT)] if caption else [])
    ids = html.escape(id_prefix)
    parts = [
        f'<svg class="{css}" role="document" aria-labelledby="{ids}-title" aria-describedby="{ids}-desc" '
        f'viewBox="{_num(left)} {_num(top)} {_num(right - left)} {_num(bottom - top)}" '
        f'width="{_num(right - left)}" height="{_num(bottom - top)}">',
        f'<title id="{ids}-title">{_text(title)}</title>',
        f'<desc id="{ids}-desc">{_text(description)}</desc>',
    ]
    if lines:
        path = "".join(f"M{_num(x1)} {_num(y1)}L{_num(x2)} {_num(y2)}" for (x1, y1), (x2, y2) in lines)
        parts.append(f'<path class="graph-edge" d="{path}"/>')
    if caption:  # a line across the map, the caption under it, then the unlinked notes
        line_y = _num(caption.y - 1.6 * CAPTION_FONT)
        parts.append(f'<path class="graph-divider" d="M{_num(left + MARGIN)} {line_y}H{_num(right - MARGIN)}"/>')
        parts.append(
            f'<text class="graph-caption" x="{_num(caption.x)}" y="{_num(caption.y)}">{_text(caption.text)}</text>'
        )
    by_class: dict[str, list[_Dot]] = {}
    for dot in dots:
        colour = group_class(graph, dot.node.group) + (" graph-center" if dot.node.key == center else "")
        by_class.setdefault(colour, []).append(dot)
    for colour in sorted(by_class):
        parts.append(f'<g class="graph-node {colour}">')
        for dot in by_class[colour]:
            href = html.escape(root + quote(dot.node.path, safe="/&=:@!$'()*+,;~-._"))
            current = ' aria-current="page"' if dot.node.key == center else ""
            text = ""
            if dot.label:
                anchor = "" if dot.label.anchor == "start" else f' text-anchor="{dot.label.anchor}"'
                position = f'x="{_num(dot.label.x)}" y="{_num(dot.label.y)}"'
                text = f'<text class="graph-label" {position}{anchor}>{_text(dot.label.text)}</text>'
            parts.append(
                f'<a href="{href}"{current}><title>{_text(dot.node.title)}</title>'
                f'<circle cx="{_num(dot.x)}" cy="{_num(dot.y)}" r="{_num(dot.r)}"/>{text}</a>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _bounds(dots: list[_Dot], extra: list[Box]) -> tuple[float, float, float, float]:
    """The box around every circle, every label (its width guessed from its characters) and `extra`, plus a margin."""
    left = min(dot.x - dot.r for dot in dots)
    top = min(dot.y - dot.r for dot in dots)
    right = max(dot.x + dot.r for dot in dots)
    bottom = max(dot.y + dot.r for dot in dots)
    for box in [_label_box(dot.label) for dot in dots if dot.label] + extra:
        left, top, right, bottom = min(left, box[0]), min(top, box[1]), max(right, box[2]), max(bottom, box[3])
    return math.floor(left - MARGIN), math.floor(top - MARGIN), math.ceil(right + MARGIN), math.ceil(bottom + MARGIN)


def _label_box(label: _Label, font: float = LABEL_FONT) -> Box:
    """A generous guess of the box the browser draws the label in (ascent about 1 em, descent 0.3 em)."""
    width = _label_width(label.text, font)
    start = {"start": label.x, "middle": label.x - width / 2, "end": label.x - width}[label.anchor]
    return start, label.y - font, start + width, label.y + font * 0.3


NARROW = frozenset(" .,:;'!|()[]{}ijlrtfI-")
WIDE = frozenset("mwMW@%")


def _label_width(text: str, font: float = LABEL_FONT) -> float:
    """The width of a label in a common sans-serif, rounded up (DejaVu Sans, the widest usual, as the yardstick)."""
    ems = 0.0
    for char in text:
        if _units(char) == 2:
            ems += 1.0
        elif char in NARROW:
            ems += 0.4
        elif char in WIDE:
            ems += 1.0
        elif char.isupper():
            ems += 0.75
        else:
            ems += 0.64
    return ems * font


def _plain(text: str) -> str:
    """Text with control characters made spaces: XML and HTML both forbid most of them."""
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text).strip()


def _text(text: str) -> str:
    return html.escape(_plain(text))


def _units(char: str) -> int:
    """Width in half-width characters: CJK ideographs and full-width forms count double."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _short(title: str) -> str:
    """A label short enough not to run into the next node; the full title is in the link's <title>."""
    title = _plain(title)
    if sum(_units(char) for char in title) <= MAX_LABEL_UNITS:
        return title
    kept, used = [], 0
    for char in title:
        used += _units(char)
        if used > MAX_LABEL_UNITS - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _num(value: float) -> str:
    """A coordinate rounded to 0.1 with no trailing ".0" and no "-0": compact and byte-stable."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text
