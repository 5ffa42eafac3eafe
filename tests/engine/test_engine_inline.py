"""The inline path and the statistics every path shares: dedupe, batched rewards, counters, latencies."""

from __future__ import annotations

import pytest

from rewardkit import NoParams, Outcome, Reward, Sample
from rewardkit.engine import Engine, Leaf, RewardStats
from rewardkit.recipe import EngineSettings
from rewardkit.reward import Scored


class Counting(Reward[NoParams]):
    """Scores 1.0 for completions containing '!', counting calls (a test double)."""

    def __init__(self, params=None):
        super().__init__(params)
        self.calls = 0

    def score(self, sample: Sample) -> Outcome | float | None:
        self.calls += 1
        if sample.completion == "oom":
            raise MemoryError
        return 1.0 if "!" in sample.completion else 0.0


class Batched(Reward[NoParams]):
    """Scores a whole batch at once; returns one outcome too few when asked to."""

    def __init__(self, params=None):
        super().__init__(params)
        self.batches: list[int] = []

    def score_batch(self, samples):
        self.batches.append(len(samples))
        outcomes = [Outcome.ok(len(s.completion)) for s in samples]
        return outcomes[:-1] if any(s.completion == "short" for s in samples) else outcomes


def inline(reward: Reward, key: str = "r") -> Leaf:
    return Leaf(key, "test.inline", {}, "inline", 1.0, built=reward)


def test_duplicates_are_scored_once_and_mapped_back():
    reward = Counting()
    engine = Engine()
    texts = ["a!", "b", "a!", "b", "a!", "c!"]
    scored = engine.run(inline(reward), [Sample(t, columns={"solution": [1, 2]}) for t in texts])
    assert [s.outcome.score for s in scored] == [1.0, 0.0, 1.0, 0.0, 1.0, 1.0]
    assert reward.calls == 3
    assert engine.snapshot()["r"]["count"] == 3


def test_dedupe_respects_columns_and_can_be_disabled():
    reward = Counting()
    Engine().run(inline(reward), [Sample("x", columns={"solution": "1"}), Sample("x", columns={"solution": "2"})])
    assert reward.calls == 2
    reward = Counting()
    Engine(EngineSettings(dedupe=False)).run(inline(reward), [Sample("x"), Sample("x")])
    assert reward.calls == 2


def test_batched_rewards_get_the_batch_at_once():
    reward = Batched()
    engine = Engine()
    scored = engine.run(inline(reward), [Sample("ab"), Sample("abc"), Sample("ab")])
    assert reward.batches == [2]
    assert [s.outcome.score for s in scored] == [2.0, 3.0, 2.0]
    wrong = engine.run(inline(reward), [Sample("x"), Sample("short")])
    assert [s.outcome.label for s in wrong] == ["error:exception"] * 2
    assert "returned 1 outcomes for 2 samples" in wrong[0].outcome.message


def test_memory_errors_are_crashes():
    [scored] = Engine().run(inline(Counting()), [Sample("oom")])
    assert scored.outcome.label == "error:crash" and "out of memory" in scored.outcome.message


def test_snapshot_reports_rates_latencies_and_slowest():
    stats = RewardStats()
    outcomes = [Outcome.ok(1.0)] * 6 + [Outcome.skip(), Outcome.error("timeout", "t"), Outcome.error("crash", "c")]
    for i, outcome in enumerate([*outcomes, Outcome.error("exception", "e")]):
        stats.record(Sample(f"completion {i}\nline two"), Scored(outcome, float(i)))
    summary = stats.summary()
    assert summary["count"] == 10
    assert summary["counts"] == {"ok": 6, "skip": 1, "error:timeout": 1, "error:crash": 1, "error:exception": 1}
    assert summary["error_rate"] == pytest.approx(0.3)
    assert summary["timeout_rate"] == summary["crash_rate"] == summary["skip_rate"] == pytest.approx(0.1)
    assert summary["p50_ms"] == 5.0 and summary["p95_ms"] == 9.0 and summary["max_ms"] == 9.0
    assert [s["ms"] for s in summary["slowest"]] == [9.0, 8.0, 7.0, 6.0, 5.0]
    assert summary["slowest"][0]["completion"] == "completion 9 line two"


def test_latency_memory_is_bounded(monkeypatch):
    monkeypatch.setattr("rewardkit.engine.LATENCIES_KEPT", 50)
    stats = RewardStats()
    for i in range(1000):
        stats.record(Sample("x"), Scored(Outcome.ok(1.0), float(i)))
    assert sorted(stats.latencies_ms) == [float(i) for i in range(950, 1000)]  # the latest ones
    assert stats.max_ms == 999.0 and stats.total == 1000


def test_snapshot_reset_starts_a_new_window():
    engine = Engine()
    engine.run(inline(Counting()), [Sample("a")])
    assert engine.snapshot(reset=True)["r"]["count"] == 1
    assert engine.snapshot() == {}
