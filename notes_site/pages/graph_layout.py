"""Where each node of the notes map goes: a deterministic multilevel force layout in plain Python.

Works on node indices and lists, and knows nothing of notes or SVG (graph.py does). Connected
components are laid out one by one (ForceAtlas2-like forces: links pull in proportion to length,
nodes push with 1/d, a pull to the centre), with repulsion kept sub-quadratic: exact between
nodes in nearby grid cells, summed per cell of a coarse grid for the rest. Big components are
first coarsened by merging neighbours, laid out small and refined level by level, so 10,000
notes take about a second. Then circles are pushed apart until none overlap, components are
shelf-packed largest first, and notes without links fill a grid below, a gap apart so they do not
look linked to the cluster above them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

NODE_GAP = 3.0  # the least free space between two circles, so rounding to 0.1 never makes them touch
MARGIN = 8.0
# Forces, in units of the ideal link length.
EXACT_REPULSION_LIMIT = 48  # up to this many nodes every pair repels; above, nearby pairs plus a coarse far field
COARSEST_SIZE = 24
COARSEST_STEPS = 200
LEVEL_WORK = 60_000  # (node + link) steps spent on each finer level: bigger levels get fewer steps
MIN_LEVEL_STEPS, MAX_LEVEL_STEPS = 4, 60
REPULSION_CUTOFF = 1.6
GRAVITY = 1.0  # pull to the centre, strong enough that loose ends and leaves do not drift off
SETTLE_PASSES = 5  # overlap pushes before the whole component is spread out instead
FAR_GRID = 16  # at most this many cells a side for the far-field push


Piece = tuple[list[int], list[float], list[float]]  # a component's nodes and their positions


def place_nodes(
    adjacency: list[list[int]],
    radii: list[float],
    seeds: list[str],
    loner_slots: list[int | None],
    *,
    spacing: float,
    loner_cell: tuple[float, float],
    loner_gap: float = 0.0,
) -> tuple[list[float], list[float], float, float, float | None]:
    """Centres of all nodes, the size of the picture, and where the unlinked notes start (None: nowhere apart).

    Every circle lies inside the picture, none overlap. `seeds` (one stable string per node) seed each
    component's layout by its first node, so a component keeps its shape when notes elsewhere change;
    `loner_slots` orders the unlinked nodes, None leaves a gap; `loner_gap` is the free band above them.
    """
    pieces: list[Piece] = []
    for members in _components(adjacency):
        if len(members) > 1:
            local = {node: i for i, node in enumerate(members)}
            xs, ys = _force_layout([[local[j] for j in adjacency[i]] for i in members], seed=seeds[members[0]])
            xs, ys = _upright([x * spacing for x in xs], [y * spacing for y in ys])
            _remove_overlaps(xs, ys, [radii[i] for i in members])
            pieces.append((members, xs, ys))
    xs, ys = [0.0] * len(adjacency), [0.0] * len(adjacency)
    width, height = _pack(pieces, radii, xs, ys)
    apart = height if pieces and any(slot is not None for slot in loner_slots) else None
    gap = loner_gap if apart is not None else 0.0
    width, height = _grid(loner_slots, loner_cell, width, height + gap, xs, ys)
    return xs, ys, width + MARGIN, height + MARGIN, apart


def _components(adjacency: list[list[int]]) -> list[list[int]]:
    """Connected components, largest first, each sorted; ties by their first node so the order is stable."""
    seen = [False] * len(adjacency)
    components = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start], stack, members = True, [start], []
        while stack:
            node = stack.pop()
            members.append(node)
            for other in adjacency[node]:
                if not seen[other]:
                    seen[other] = True
                    stack.append(other)
        components.append(sorted(members))
    return sorted(components, key=lambda members: (-len(members), members[0]))


@dataclass(frozen=True)
class _Level:
    """One level of the multilevel layout: weighted links (merged fine links) and masses (merged fine nodes)."""

    links: list[dict[int, float]]
    mass: list[float]


def _force_layout(adjacency: list[list[int]], seed: str) -> tuple[list[float], list[float]]:
    """Multilevel force layout: merge neighbours until the graph is small, lay that out, then refine level by level."""
    levels = [_Level([dict.fromkeys(links, 1.0) for links in adjacency], [1.0] * len(adjacency))]
    groupings = []
    while len(levels[-1].mass) > COARSEST_SIZE:
        groups, coarse = _coarsen(levels[-1])
        if len(coarse.mass) > 0.85 * len(levels[-1].mass):
            break
        groupings.append(groups)
        levels.append(coarse)
    rng = random.Random(seed)
    coarsest = levels[-1]
    xs, ys = _ring(coarsest, math.sqrt(len(adjacency)) / 2, rng)
    steps = min(COARSEST_STEPS, 30 + 6 * len(coarsest.mass))  # tiny components settle fast; there may be thousands
    _relax(coarsest, xs, ys, steps, start_step=max(1.0, math.sqrt(len(adjacency)) / 4))
    for fine, groups in zip(reversed(levels[:-1]), reversed(groupings), strict=True):
        xs, ys = _prolong(groups, fine, xs, ys, rng)
        work = len(fine.mass) + sum(map(len, fine.links)) // 2
        steps = min(MAX_LEVEL_STEPS, max(MIN_LEVEL_STEPS, LEVEL_WORK // work))
        _relax(fine, xs, ys, steps, start_step=1.0)
    return xs, ys


def _ring(level: _Level, radius: float, rng: random.Random) -> tuple[list[float], list[float]]:
    """A start on a circle in breadth-first order, so linked nodes begin near each other; jitter breaks symmetry."""
    order, seen = [0], {0}
    for node in order:
        for other in sorted(level.links[node]):
            if other not in seen:
                seen.add(other)
                order.append(other)
    xs, ys = [0.0] * len(order), [0.0] * len(order)
    for rank, node in enumerate(order):
        angle = math.tau * rank / len(order) + rng.uniform(-0.1, 0.1)
        xs[node], ys[node] = radius * math.cos(angle), radius * math.sin(angle)
    return xs, ys


def _coarsen(level: _Level) -> tuple[list[list[int]], _Level]:
    """Merge each leaf into its neighbour and pair up the rest, so stars and chains shrink alike."""
    links = level.links
    n = len(links)
    owner = [-1] * n
    groups: list[list[int]] = []
    for leaf in range(n):
        hub = next(iter(links[leaf])) if len(links[leaf]) == 1 else -1
        if hub >= 0 and len(links[hub]) > 1:
            if owner[hub] < 0:
                owner[hub] = len(groups)
                groups.append([hub])
            owner[leaf] = owner[hub]
            groups[owner[hub]].append(leaf)
    for node in sorted(range(n), key=lambda i: (len(links[i]), i)):
        if owner[node] >= 0:
            continue
        free = [j for j in links[node] if owner[j] < 0]
        small = [owner[j] for j in links[node] if owner[j] >= 0 and len(groups[owner[j]]) < 3]
        if free:
            partner = min(free, key=lambda j: (len(links[j]), j))
            owner[node] = owner[partner] = len(groups)
            groups.append([node, partner])
        elif small:
            owner[node] = min(small, key=lambda g: (len(groups[g]), g))
            groups[owner[node]].append(node)
        else:
            owner[node] = len(groups)
            groups.append([node])
    coarse: list[dict[int, float]] = [{} for _ in groups]
    for a in range(n):
        for b, weight in links[a].items():
            if owner[a] != owner[b]:
                coarse[owner[a]][owner[b]] = coarse[owner[a]].get(owner[b], 0.0) + weight
    mass = [sum(level.mass[node] for node in group) for group in groups]
    return groups, _Level(coarse, mass)


def _prolong(
    groups: list[list[int]], fine: _Level, xs: list[float], ys: list[float], rng: random.Random
) -> tuple[list[float], list[float]]:
    """Fine positions from coarse ones: each group's members ring its spot, as far out as their mass needs."""
    fine_x, fine_y = [0.0] * len(fine.mass), [0.0] * len(fine.mass)
    for group, x, y in zip(groups, xs, ys, strict=True):
        radius = 0.4 * math.sqrt(sum(fine.mass[node] for node in group))
        turn = rng.uniform(0, math.tau)
        for rank, node in enumerate(group):
            angle = turn + math.tau * rank / len(group)
            distance = radius if rank or len(group) == 2 else 0.0
            fine_x[node] = x + distance * math.cos(angle)
            fine_y[node] = y + distance * math.sin(angle)
    return fine_x, fine_y


def _relax(level: _Level, xs: list[float], ys: list[float], steps: int, start_step: float) -> None:
    """Links pull in proportion to length, masses push with 1/d (as ForceAtlas2); the step limit shrinks linearly.

    Linear pull keeps tangled graphs about one node per unit square; the d² pull of Fruchterman-Reingold crowds them.
    """
    n, mass = len(xs), level.mass
    links = [(a, b, weight) for a in range(n) for b, weight in level.links[a].items() if a < b]
    for step in range(steps):
        fx, fy = [0.0] * n, [0.0] * n
        if n <= EXACT_REPULSION_LIMIT:
            _repel_nearby(xs, ys, mass, fx, fy, cutoff=math.inf)
        else:
            _repel_nearby(xs, ys, mass, fx, fy, cutoff=REPULSION_CUTOFF)
            _repel_far(xs, ys, mass, fx, fy)
        for a, b, weight in links:
            dx, dy = (xs[a] - xs[b]) * weight, (ys[a] - ys[b]) * weight
            fx[a] -= dx / mass[a]
            fy[a] -= dy / mass[a]
            fx[b] += dx / mass[b]
            fy[b] += dy / mass[b]
        total = sum(mass)
        cx = sum(x * m for x, m in zip(xs, mass, strict=True)) / total
        cy = sum(y * m for y, m in zip(ys, mass, strict=True)) / total
        for i in range(n):
            fx[i] -= GRAVITY * (xs[i] - cx)
            fy[i] -= GRAVITY * (ys[i] - cy)
        limit = start_step * (1 - step / steps) + 0.02
        for i in range(n):
            length = math.sqrt(fx[i] * fx[i] + fy[i] * fy[i])
            if length > limit:
                xs[i] += fx[i] * limit / length
                ys[i] += fy[i] * limit / length
            else:
                xs[i] += fx[i]
                ys[i] += fy[i]


def _repel_nearby(
    xs: list[float], ys: list[float], mass: list[float], fx: list[float], fy: list[float], cutoff: float
) -> None:
    """Exact push between nodes closer than `cutoff` (every pair when it is infinite), found through a grid."""
    cells = _buckets(xs, ys, cutoff)
    cutoff2 = cutoff * cutoff
    for (cx, cy), members in cells.items():
        around = _around(cells, cx, cy, members)
        for rank, a in enumerate(members):
            xa, ya, ma, pushx, pushy = xs[a], ys[a], mass[a], 0.0, 0.0
            for b in around[rank + 1 :]:
                dx, dy = xa - xs[b], ya - ys[b]
                d2 = dx * dx + dy * dy
                if d2 < cutoff2:
                    if d2 < 1e-9:  # same spot: part them along a direction fixed by their indices
                        dx, dy = _apart(a, b, 0.01)
                        d2 = 1e-4
                    dx, dy = dx / d2, dy / d2
                    pushx += dx * mass[b]
                    pushy += dy * mass[b]
                    fx[b] -= dx * ma
                    fy[b] -= dy * ma
            fx[a] += pushx
            fy[a] += pushy


def _buckets(xs: list[float], ys: list[float], size: float) -> dict[tuple[int, int], list[int]]:
    """Node indices by grid cell of the given size; one cell holds them all when the size is infinite."""
    if math.isinf(size):
        return {(0, 0): list(range(len(xs)))}
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        cells.setdefault((math.floor(x / size), math.floor(y / size)), []).append(i)
    return cells


def _around(cells: dict[tuple[int, int], list[int]], cx: int, cy: int, members: list[int]) -> list[int]:
    """A cell's nodes followed by those of four of its eight neighbours, so each pair of cells is met once."""
    empty: list[int] = []
    return (
        members
        + cells.get((cx + 1, cy), empty)
        + cells.get((cx - 1, cy + 1), empty)
        + cells.get((cx, cy + 1), empty)
        + cells.get((cx + 1, cy + 1), empty)
    )


def _apart(a: int, b: int, length: float) -> tuple[float, float]:
    """A direction fixed by two indices, to part nodes that sit on the same spot the same way every build."""
    angle = math.radians((a * 7919 + b * 104729) % 360)
    return math.cos(angle) * length, math.sin(angle) * length


def _repel_far(xs: list[float], ys: list[float], mass: list[float], fx: list[float], fy: list[float]) -> None:
    """The push of distant nodes, summed per cell of a coarse grid and read back at each node by interpolation.

    Without it a tangled graph (an expander) collapses: links pull from afar, nearby nodes only push nearby.
    """
    left, top = min(xs), min(ys)
    size = max(max(xs) - left, max(ys) - top, 1e-6)
    cells_per_side = max(4, min(FAR_GRID, round(math.sqrt(len(xs)) / 4)))
    cell = size / cells_per_side * 1.000001
    cells: dict[tuple[int, int], list[float]] = {}
    for x, y, m in zip(xs, ys, mass, strict=True):
        totals = cells.setdefault((int((x - left) / cell), int((y - top) / cell)), [0.0, 0.0, 0.0])
        totals[0] += m
        totals[1] += x * m
        totals[2] += y * m
    sources = [(sx / m, sy / m, m) for m, sx, sy in cells.values()]
    soft = (cell / 2) ** 2
    field = {}
    for row in range(cells_per_side + 1):
        for column in range(cells_per_side + 1):
            px, py, ex, ey = left + column * cell, top + row * cell, 0.0, 0.0
            for sx, sy, m in sources:
                dx, dy = px - sx, py - sy
                f = m / (dx * dx + dy * dy + soft)
                ex += f * dx
                ey += f * dy
            field[column, row] = (ex, ey)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        u, v = (x - left) / cell, (y - top) / cell
        column, row = min(int(u), cells_per_side - 1), min(int(v), cells_per_side - 1)
        u, v = u - column, v - row
        (ax, ay), (bx, by) = field[column, row], field[column + 1, row]
        (cx, cy), (dx, dy) = field[column, row + 1], field[column + 1, row + 1]
        fx[i] += (ax * (1 - u) + bx * u) * (1 - v) + (cx * (1 - u) + dx * u) * v
        fy[i] += (ay * (1 - u) + by * u) * (1 - v) + (cy * (1 - u) + dy * u) * v


def _upright(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """Turn a component so its long axis lies horizontal: wide pieces pack well on a wide page."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    angle = -0.5 * math.atan2(2 * sxy, sxx - syy)
    cos, sin = math.cos(angle), math.sin(angle)
    return (
        [(x - mx) * cos - (y - my) * sin for x, y in zip(xs, ys, strict=True)],
        [(x - mx) * sin + (y - my) * cos for x, y in zip(xs, ys, strict=True)],
    )


def _remove_overlaps(xs: list[float], ys: list[float], radii: list[float]) -> None:
    """Push apart circles closer than their radii plus a gap; spread everything out when pushing is not enough."""
    while not any(_push_apart(xs, ys, radii) for _ in range(SETTLE_PASSES)):
        for i in range(len(xs)):
            xs[i] *= 1.15
            ys[i] *= 1.15


def _push_apart(xs: list[float], ys: list[float], radii: list[float]) -> bool:
    """One pass over nearby pairs; True when none overlapped."""
    cells = _buckets(xs, ys, 2 * max(radii) + NODE_GAP)
    settled = True
    for (cx, cy), members in cells.items():
        around = _around(cells, cx, cy, members)
        for rank, a in enumerate(members):
            for b in around[rank + 1 :]:
                need = radii[a] + radii[b] + NODE_GAP
                dx, dy = xs[b] - xs[a], ys[b] - ys[a]
                d2 = dx * dx + dy * dy
                if d2 >= need * need:
                    continue
                distance = math.sqrt(d2)
                if distance < 1e-6:
                    (dx, dy), distance = _apart(a, b, 1.0), 1.0
                # past the bare minimum, so the next push nearby does not undo this one at once
                shift = (need + NODE_GAP - math.sqrt(d2)) / 2 / distance
                xs[a], ys[a] = xs[a] - dx * shift, ys[a] - dy * shift
                xs[b], ys[b] = xs[b] + dx * shift, ys[b] + dy * shift
                settled = False
    return settled


def _pack(pieces: list[Piece], radii: list[float], xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Shelf-pack the components (largest first) into rows about 1.6 times wider than the whole is tall."""
    boxes = []
    for members, px, py in pieces:
        left = min(x - radii[i] for i, x in zip(members, px, strict=True))
        top = min(y - radii[i] for i, y in zip(members, py, strict=True))
        right = max(x + radii[i] for i, x in zip(members, px, strict=True))
        bottom = max(y + radii[i] for i, y in zip(members, py, strict=True))
        boxes.append((left, top, right - left, bottom - top))
    area = sum((w + MARGIN) * (h + MARGIN) for _, _, w, h in boxes)
    row_width = max([math.sqrt(area * 1.6)] + [w for _, _, w, _ in boxes])
    x = y = row_height = width = 0.0
    for (members, px, py), (left, top, w, h) in zip(pieces, boxes, strict=True):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + MARGIN, 0.0
        for i, node in enumerate(members):
            xs[node] = MARGIN + x + px[i] - left
            ys[node] = MARGIN + y + py[i] - top
        x += w + MARGIN
        row_height = max(row_height, h)
        width = max(width, x)
    return MARGIN + width, (MARGIN + y + row_height + MARGIN if pieces else MARGIN)


def _grid(
    slots: list[int | None], cell: tuple[float, float], width: float, height: float, xs: list[float], ys: list[float]
) -> tuple[float, float]:
    """Unlinked nodes in rows under the connected part, in slot order, each at the left of its cell
    (half a cell height in), so a wide cell leaves room for a label on the right."""
    if not slots:
        return width, height
    cw, ch = cell
    columns = max(int((width - MARGIN) // cw), math.ceil(math.sqrt(len(slots) * 1.6 * ch / cw)), 1)
    for rank, node in enumerate(slots):
        if node is not None:
            xs[node] = MARGIN + cw * (rank % columns) + ch / 2
            ys[node] = height + ch * (rank // columns + 0.5)
    rows = math.ceil(len(slots) / columns)
    return max(width, MARGIN + cw * columns), height + ch * rows
