"""Pages are longer than the model's input: slide overlapping windows over the tokens and keep,
for each token, the prediction of the window in which it sits farthest from an edge."""
from __future__ import annotations


def spans(n: int, size: int, stride: int) -> list[tuple[int, int]]:
    if n <= size:
        return [(0, n)]
    out = []
    start = 0
    while True:
        end = min(start + size, n)
        out.append((start, end))
        if end == n:
            return out
        start += stride


def owner(n: int, wins: list[tuple[int, int]]) -> list[int]:
    """Index of the window whose prediction each token keeps."""
    best = [0] * n
    margin = [-1] * n
    for w, (a, b) in enumerate(wins):
        for i in range(a, b):
            m = min(i - a, b - 1 - i)
            if m > margin[i]:
                margin[i], best[i] = m, w
    return best
