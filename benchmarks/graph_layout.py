"""Time the build-time layout and SVG of the notes map on four graph shapes, and print the SVG sizes.

Usage, from the repository root:

    python benchmarks/graph_layout.py            # one run per shape
    python benchmarks/graph_layout.py --runs 3   # best of three runs per shape

Shapes: (a) 15 notes, 20 links; (b) 1,000 notes, 3,000 random links; (c) 10,000 notes, no links;
(d) 10,000 notes, 20,000 random links; (e) 3,000 notes in 1,000 separate chains of three (many small
components). Columns: seconds for note_graph + layout_graph, seconds for site_map_svg, the SVG size,
and seconds for the neighbourhood map of every note (one per note page). Random links come from a
fixed seed, so every run measures the same input. Nothing is asserted: a slow figure is something
to look into, not a failure.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # measure the working tree, not an installed copy

from notes_site.pages.graph import GraphNode, layout_graph, neighbourhood_svg, note_graph, site_map_svg

SHAPES = [
    ("(a) 15 nodes, 20 edges", 15, 20),
    ("(b) 1,000 nodes, 3,000 edges", 1_000, 3_000),
    ("(c) 10,000 nodes, no edges", 10_000, 0),
    ("(d) 10,000 nodes, 20,000 edges", 10_000, 20_000),
    ("(e) 3,000 nodes in 1,000 chains", 3_000, -1),
]
CATEGORIES = ["cv", "nlp", "rl", "theory", "systems", "audio", "robotics", ""]


def random_notes(count: int, links: int, seed: int = 7) -> tuple[list[GraphNode], list[tuple[str, str]]]:
    """Notes with realistic keys, paths and titles, and `links` random distinct links (-1: chains of three)."""
    rng = random.Random(seed)
    nodes = [
        GraphNode(
            key=f"posts/note-{i:05d}.md",
            title=f"Paper {i}: a study of something rather interesting",
            path=f"2024/{i % 12 + 1:02d}/{i % 28 + 1:02d}/note-{i:05d}/",
            group=rng.choice(CATEGORIES),
        )
        for i in range(count)
    ]
    if links < 0:  # chains of three: many small components
        return nodes, [(nodes[i].key, nodes[i + 1].key) for i in range(count - 1) if i % 3 != 2]
    edges: set[tuple[str, str]] = set()
    while len(edges) < links:
        a, b = rng.sample(range(count), 2)
        edges.add((nodes[min(a, b)].key, nodes[max(a, b)].key))
    return nodes, sorted(edges)


def measure(count: int, links: int, runs: int) -> tuple[float, float, int, float]:
    """Best-of-`runs` seconds for layout and for SVG, the SVG size in bytes, and seconds for all neighbourhoods."""
    nodes, edges = random_notes(count, links)
    best_layout = best_svg = math.inf
    for _ in range(runs):
        started = time.perf_counter()
        graph = note_graph(nodes, edges)
        layout = layout_graph(graph)
        laid_out = time.perf_counter()
        svg = site_map_svg(graph, root="../", layout=layout)
        best_layout = min(best_layout, laid_out - started)
        best_svg = min(best_svg, time.perf_counter() - laid_out)
    started = time.perf_counter()
    for node in graph.nodes:
        neighbourhood_svg(graph, node.key, root="../../../../")
    return best_layout, best_svg, len(svg.encode()), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per shape; the best time is printed")
    runs = parser.parse_args().runs
    print(f"{'shape':32} {'layout s':>9} {'svg s':>7} {'svg KiB':>8} {'all neighbourhoods s':>21}")
    for name, count, links in SHAPES:
        layout_s, svg_s, size, near_s = measure(count, links, runs)
        print(f"{name:32} {layout_s:9.3f} {svg_s:7.3f} {size / 1024:8.1f} {near_s:21.3f}")


if __name__ == "__main__":
    main()
