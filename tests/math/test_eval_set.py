"""The labelled judge set (tests/data/math_eval.jsonl): its shape, and the judge's accuracy on it.

Targets (issue 3): accuracy >= 97% overall and on the Vietnamese part, false positives <= 0.5%.
benchmarks/bench_judge.py reports the same numbers side by side with math-verify.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from rewardkit_math.judge import Judge, JudgeConfig

CASES = Path(__file__).resolve().parents[1] / "data" / "math_eval.jsonl"
FIELDS = {"id", "lang", "category", "gold", "completion", "expected", "locale"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def verdicts(rows: list[dict]) -> list[bool]:
    judges = {loc: Judge(JudgeConfig(locale=loc)) for loc in ("auto", "en", "vi")}
    return [judges[r["locale"]].judge(r["completion"], r["gold"], r.get("prompt", "")).correct for r in rows]


def test_set_shape(rows: list[dict]) -> None:
    assert len(rows) >= 400
    assert sum(r["lang"] == "vi" for r in rows) >= 0.4 * len(rows)
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert FIELDS <= set(row), row.get("id")
        assert row["lang"] in ("en", "vi") and row["locale"] in ("auto", "en", "vi") and isinstance(row["expected"], bool)
    labels: dict[str, set[bool]] = defaultdict(set)
    for row in rows:
        labels[row["category"]].add(row["expected"])
    one_sided = sorted(c for c, seen in labels.items() if seen != {True, False})
    assert not one_sided, f"categories without both true and false cases: {one_sided}"


def test_accuracy_targets(rows: list[dict], verdicts: list[bool]) -> None:
    right = Counter()
    total = Counter()
    false_positives = []
    for row, verdict in zip(rows, verdicts, strict=True):
        for key in ("all", row["lang"]):
            total[key] += 1
            right[key] += verdict == row["expected"]
        if verdict and not row["expected"]:
            false_positives.append(row["id"])
    wrong = [r["id"] for r, v in zip(rows, verdicts, strict=True) if v != r["expected"]]
    assert right["all"] / total["all"] >= 0.97, wrong
    assert right["vi"] / total["vi"] >= 0.97, wrong
    assert len(false_positives) / total["all"] <= 0.005, false_positives
