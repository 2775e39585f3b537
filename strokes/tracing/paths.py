"""Centrelines: the ink's skeleton followed into paths.

:func:`skeleton_graph` thins the ink mask to one-pixel lines (scikit-image)
and reads them as a graph: *nodes* are line ends and junctions (a clump of
junction pixels is one node), *edges* the pixel runs between them. Short
spurs that a thick or blobby stretch of ink grows are pruned, junctions a
crossing splits into two are joined into one, and nodes left with two edges
are dissolved. :func:`follow_paths` then walks the graph into paths: at every
junction the edges that continue each other most straightly (a line through
a crossing, the bar of a T) are joined, the others end there. Paths are
split at corners.

Points are ``(n, 2)`` float arrays of (x, y) pixel centres.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
CONTINUE_ANGLE = 40.0     # edges through a junction whose directions differ by less continue each other
CORNER_ANGLE = 50.0       # a path turning more than this within a few widths is split there


@dataclass
class Graph:
    """nodes: ``(N, 2)`` (x, y) node positions; edges: list of ``[a, b, points]``
    (points run from node a to node b, both ends included)."""

    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)

    def degree(self) -> np.ndarray:
        d = np.zeros(len(self.nodes), int)
        for a, b, _ in self.edges:
            d[a] += 1
            d[b] += 1
        return d


def _arc_length(pts: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(pts, axis=0), axis=1).sum()) if len(pts) > 1 else 0.0


def skeleton_graph(mask: np.ndarray) -> Graph:
    """The skeleton of a bool mask ``(H, W)`` as a :class:`Graph` (unpruned)."""
    from scipy import ndimage
    from skimage.morphology import skeletonize

    skel = skeletonize(mask)
    H, W = skel.shape
    count = ndimage.convolve(skel.astype(np.int32), np.ones((3, 3), np.int32), mode="constant") - 1
    count = np.where(skel, count, 0)
    special = skel & ((count == 1) | (count >= 3) | (count == 0))
    labels, n = ndimage.label(special, structure=np.ones((3, 3)))
    g = Graph()
    node_of = -np.ones((H, W), int)
    if n:
        centres = ndimage.center_of_mass(special, labels, range(1, n + 1))
        g.nodes = [np.array([c[1], c[0]]) for c in centres]
        node_of[special] = labels[special] - 1
    visited = np.zeros((H, W), bool)

    def neighbours(y, x):
        for dy, dx in _NEIGHBOURS:
            yy, xx = y + dy, x + dx
            if 0 <= yy < H and 0 <= xx < W and skel[yy, xx]:
                yield yy, xx, dy == 0 or dx == 0

    def walk(start_node, y, x, start_pix):
        pts = [g.nodes[start_node] if start_node >= 0 else np.array([start_pix[1], start_pix[0]], float),
               np.array([x, y], float)]
        visited[y, x] = True
        py, px = start_pix
        while True:
            end = None
            nxt = None
            for yy, xx, straight in neighbours(y, x):
                if (yy, xx) == (py, px):
                    continue
                m = node_of[yy, xx]
                if m >= 0:
                    if m != start_node or len(pts) > 3:
                        end = m
                elif not visited[yy, xx] and (nxt is None or (straight and not nxt[2])):
                    nxt = (yy, xx, straight)
            if end is not None:
                pts.append(g.nodes[end])
                return end, np.array(pts)
            if nxt is None:
                return None, np.array(pts)
            py, px, y, x = y, x, nxt[0], nxt[1]
            visited[y, x] = True
            pts.append(np.array([x, y], float))

    ys, xs = np.nonzero(special)
    for y, x in zip(ys, xs):
        a = node_of[y, x]
        for yy, xx, _ in neighbours(y, x):
            if node_of[yy, xx] < 0 and not visited[yy, xx]:
                b, pts = walk(a, yy, xx, (y, x))
                if b is None:          # ran into its own trail: end it at a new node
                    g.nodes.append(pts[-1].copy())
                    b = len(g.nodes) - 1
                g.edges.append([a, b, pts])
            elif node_of[yy, xx] >= 0 and node_of[yy, xx] != a and a < node_of[yy, xx]:
                pass                   # two nodes side by side: one clump, labelled as one already
    # Loops with no node at all (a closed line): start anywhere.
    for y, x in zip(*np.nonzero(skel & ~visited & (node_of < 0))):
        if visited[y, x]:
            continue
        g.nodes.append(np.array([x, y], float))
        a = len(g.nodes) - 1
        visited[y, x] = True
        node_of[y, x] = a
        for yy, xx, _ in neighbours(y, x):
            if not visited[yy, xx]:
                b, pts = walk(a, yy, xx, (y, x))
                g.edges.append([a, a if b is None else b, np.concatenate([pts, [g.nodes[a]]]) if b is None else pts])
                break
    return g


def _dissolve(g: Graph) -> Graph:
    """Join the two edges of every node that has exactly two, and drop unused nodes."""
    changed = True
    while changed:
        changed = False
        deg = g.degree()
        for n in np.nonzero(deg == 2)[0]:
            ids = [i for i, e in enumerate(g.edges) if e[0] == n or e[1] == n]
            if len(ids) != 2 or ids[0] == ids[1]:
                continue
            e1, e2 = g.edges[ids[0]], g.edges[ids[1]]
            if e1[0] == e1[1] or e2[0] == e2[1]:
                continue
            p1 = e1[2] if e1[1] == n else e1[2][::-1]
            a = e1[0] if e1[1] == n else e1[1]
            p2 = e2[2] if e2[0] == n else e2[2][::-1]
            b = e2[1] if e2[0] == n else e2[0]
            joined = [a, b, np.concatenate([p1, p2[1:]])]
            g.edges = [e for i, e in enumerate(g.edges) if i not in ids] + [joined]
            changed = True
            break
    return g


def prune(g: Graph, spur: float, merge: float, min_length: float) -> Graph:
    """Drop spurs shorter than ``spur`` px, join junctions closer than ``merge`` px, drop lone bits
    shorter than ``min_length`` px, then dissolve nodes of degree two."""
    for _ in range(3):
        deg = g.degree()
        keep = []
        for a, b, pts in g.edges:
            length = _arc_length(pts)
            lone = deg[a] == 1 and deg[b] == 1
            tip = (deg[a] == 1) != (deg[b] == 1)
            if (tip and length < spur) or (lone and length < min_length):
                continue
            keep.append([a, b, pts])
        g.edges = keep
        # Junctions joined by a short edge (a crossing seen as two forks) become one node.
        parent = list(range(len(g.nodes)))

        def root(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        deg = g.degree()
        short = []
        for k, (a, b, pts) in enumerate(g.edges):
            if a != b and deg[a] >= 3 and deg[b] >= 3 and _arc_length(pts) < merge:
                parent[root(a)] = root(b)
                short.append(k)
        if short:
            groups: dict = {}
            for i in range(len(g.nodes)):
                groups.setdefault(root(i), []).append(i)
            for r, members in groups.items():
                if len(members) > 1:
                    g.nodes[r] = np.mean([g.nodes[m] for m in members], axis=0)
            edges = []
            for k, (a, b, pts) in enumerate(g.edges):
                if k in short:
                    continue
                a, b = root(a), root(b)
                pts = pts.copy()
                pts[0], pts[-1] = g.nodes[a], g.nodes[b]
                edges.append([a, b, pts])
            g.edges = edges
        g = _dissolve(g)
    return g


def _direction(pts: np.ndarray, reach: float) -> np.ndarray:
    """Unit direction leaving ``pts[0]`` along the path, averaged over ``reach`` px."""
    steps = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    along = np.concatenate([[0], np.cumsum(steps)])
    k = int(np.searchsorted(along, reach))
    k = min(max(k, 1), len(pts) - 1)
    lo = min(max(1, k // 3), k)         # skip the pixels nearest the junction (they bend into it)
    v = pts[k] - pts[lo - 1] if k > lo - 1 else pts[k] - pts[0]
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def follow_paths(g: Graph, reach: float, angle: float = CONTINUE_ANGLE) -> list:
    """Walk the graph into paths ``[(n, 2) points, ...]``, joining at every junction
    the pairs of edges that continue each other within ``angle`` degrees (straightest first)."""
    ends: dict = {}        # node -> [(edge, which end)]
    for k, (a, b, _) in enumerate(g.edges):
        ends.setdefault(a, []).append((k, 0))
        ends.setdefault(b, []).append((k, 1))
    link: dict = {}        # (edge, end) -> (edge, end) it continues into
    limit = -np.cos(np.radians(angle))
    for node, here in ends.items():
        if len(here) < 2:
            continue
        dirs = []
        for k, end in here:
            pts = g.edges[k][2]
            dirs.append(_direction(pts if end == 0 else pts[::-1], reach))
        pairs = sorted((float(dirs[i] @ dirs[j]), i, j) for i in range(len(here)) for j in range(i + 1, len(here)))
        used = set()
        for dot, i, j in pairs:
            if dot > limit or i in used or j in used or here[i] == here[j]:
                continue
            used.update((i, j))
            link[here[i]] = here[j]
            link[here[j]] = here[i]
    done = set()
    paths = []

    def chain(k, end):
        """Points of the chain entering edge k at ``end``, walking on."""
        parts = []
        while k not in done:
            done.add(k)
            pts = g.edges[k][2]
            parts.append(pts if end == 0 else pts[::-1])
            nxt = link.get((k, 1 - end))
            if nxt is None:
                break
            k, end = nxt
        return parts

    for k in range(len(g.edges)):
        for end in (0, 1):
            if k not in done and (k, end) not in link:
                parts = chain(k, end)
                paths.append(np.concatenate([parts[0]] + [p[1:] for p in parts[1:]]))
    for k in range(len(g.edges)):              # closed chains: every end linked
        if k not in done:
            parts = chain(k, 0)
            paths.append(np.concatenate([parts[0]] + [p[1:] for p in parts[1:]]))
    return paths


def split_corners(pts: np.ndarray, reach: float, angle: float = CORNER_ANGLE) -> list:
    """Split a path where it turns more than ``angle`` degrees over ``reach`` px either side."""
    if len(pts) < 5:
        return [pts]
    steps = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    along = np.concatenate([[0], np.cumsum(steps)])
    before = np.searchsorted(along, along - reach).clip(0, len(pts) - 1)
    after = np.searchsorted(along, along + reach).clip(0, len(pts) - 1)
    u = pts - pts[before]
    v = pts[after] - pts
    nu, nv = np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1)
    ok = (nu > 0.5 * reach) & (nv > 0.5 * reach)
    cos = np.where(ok, (u * v).sum(1) / np.maximum(nu * nv, 1e-9), 1.0)
    turn = np.degrees(np.arccos(np.clip(cos, -1, 1)))
    cuts = []
    i = 0
    while i < len(pts):
        if turn[i] > angle:
            j = i
            while j + 1 < len(pts) and turn[j + 1] > angle:
                j += 1
            cuts.append(i + int(np.argmax(turn[i:j + 1])))
            i = j + 1
        else:
            i += 1
    if not cuts:
        return [pts]
    bounds = [0] + cuts + [len(pts) - 1]
    return [pts[a:b + 1] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


__all__ = ["Graph", "skeleton_graph", "prune", "follow_paths", "split_corners"]
