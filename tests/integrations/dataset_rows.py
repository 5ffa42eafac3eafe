"""Rows for the dataset-scale tests: arithmetic completions in the dataset's own column names."""

from __future__ import annotations


def rows(n: int = 40) -> list[dict[str, str]]:
    """``n`` rows, every third one wrong, in the dataset's own column names (``answer``, not ``solution``)."""
    out = []
    for i in range(n):
        right = 10 + i
        said = right if i % 3 else right + 1
        out.append({"completion": f"<think>{i} + 10 = {said}</think><answer>{said}</answer>", "answer": str(right)})
    return out
