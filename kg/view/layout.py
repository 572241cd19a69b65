"""Node positions for large graphs, computed before the page opens.

vis-network settles 5,000 nodes in tens of seconds and networkx's ``spring_layout`` takes
over a minute there, so large graphs get a force-directed layout (Fruchterman-Reingold) whose
repulsion is estimated from a random sample of nodes each step: O(nodes x sample) per
iteration instead of O(nodes^2), a quarter of a second for 5,000 nodes. Seeded, so repeatable.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np


def sampled_force_layout(
    graph: nx.Graph, *, iterations: int = 120, sample: int = 48, seed: int = 7, scale: float = 60.0
) -> dict[str, tuple[float, float]]:
    """Positions for every node, in vis-network canvas units (about ``scale`` per edge).

    >>> positions = sampled_force_layout(nx.path_graph(["a", "b", "c"]))
    >>> sorted(positions), all(isinstance(v, float) for xy in positions.values() for v in xy)
    (['a', 'b', 'c'], True)
    """
    nodes = sorted(graph.nodes, key=str)
    count = len(nodes)
    if count == 0:
        return {}
    index = {node: number for number, node in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b in graph.edges() if a != b], dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    positions = rng.random((count, 2)) * math.sqrt(count)
    ideal = 1.0
    temperature = math.sqrt(count) / 10
    cooling = (0.01 / max(temperature, 0.01)) ** (1 / max(iterations, 1))
    sample = min(sample, count)
    for _ in range(iterations):
        others = positions[rng.integers(0, count, size=sample)]
        # x and y apart: numpy sums a last axis of two slowly, and this is most of the layout's time
        dx = positions[:, 0, None] - others[None, :, 0]
        dy = positions[:, 1, None] - others[None, :, 1]
        distance2 = np.maximum(dx * dx + dy * dy, 1e-4)
        displacement = np.stack([(dx / distance2).sum(axis=1), (dy / distance2).sum(axis=1)], axis=1) \
            * (ideal**2) * (count / sample)
        if len(edges):
            along = positions[edges[:, 0]] - positions[edges[:, 1]]
            pull = along * np.linalg.norm(along, axis=1)[:, None] / ideal
            for axis in (0, 1):  # summed per node with bincount: np.add.at is many times slower
                displacement[:, axis] += np.bincount(edges[:, 1], pull[:, axis], count) \
                    - np.bincount(edges[:, 0], pull[:, axis], count)
        length = np.maximum(np.linalg.norm(displacement, axis=1), 1e-9)
        positions += displacement / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= cooling
    positions -= positions.mean(axis=0)
    return {
        node: (round(float(x) * scale, 1), round(float(y) * scale, 1))
        for node, (x, y) in zip(nodes, positions, strict=True)
    }
