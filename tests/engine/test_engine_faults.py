"""Fault injection: rewards that raise, hang, burn CPU in C code, segfault, abort, exhaust memory or exit.

Each fault must yield its own outcome within the time limit, leave every other completion of the
batch scored, leave this process alive, and leave no worker process behind.
"""

from __future__ import annotations

import time

import pytest
from engine_helpers import LIMIT_MS, TIMEOUT_S, assert_no_orphans, fault_recipe, leaf, samples

from rewardkit.engine import Engine
from rewardkit.runtime import RewardRaised, compile_recipe
from rewardkit.score import score_samples

FAULTS = [
    ("raise", "error:exception", "ValueError: injected failure"),
    ("exit", "error:exception", "SystemExit: 3"),
    ("sleep", "error:timeout", "over the 0.5 s limit (worker killed)"),
    ("cpu", "error:timeout", "over the 0.5 s limit (worker killed)"),
    ("segv", "error:crash", "SIGSEGV"),
    ("abort", "error:crash", "SIGABRT"),
    ("alloc", "error:crash", "out of memory"),
]


@pytest.fixture(scope="module")
def isolated():
    recipe = fault_recipe("  - {reward: fault.inject}\n")
    engine = Engine(recipe.engine)
    pids: list[int] = []
    yield engine, recipe, pids
    pids += engine.pool.pids() if engine._pool else []
    engine.close()
    assert_no_orphans(pids)


@pytest.mark.parametrize(("fault", "label", "message"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_gets_its_outcome_and_spares_the_batch(isolated, fault, label, message):
    engine, _, pids = isolated
    faulty = leaf("fault.inject")
    assert faulty.isolation == "process"  # cheap = False: `auto` isolates it
    pids += engine.pool.pids()
    start = time.perf_counter()
    scored = engine.run(faulty, samples("ok:0.1", fault, "ok:0.2", "ok:0.3", "ok:0.4"))
    wall = time.perf_counter() - start
    pids += engine.pool.pids()
    assert [s.outcome.label for s in scored] == ["ok", label, "ok", "ok", "ok"]
    assert [s.outcome.score for s in scored if s.outcome.status == "ok"] == [0.1, 0.2, 0.3, 0.4]
    assert message in scored[1].outcome.message
    assert scored[1].elapsed_ms < LIMIT_MS
    assert wall < 20  # the limit plus starting a replacement worker, on two busy cores


@pytest.mark.parametrize("fault", ["sleep", "cpu"])
def test_a_hang_at_the_start_of_a_task_is_caught(isolated, fault):
    engine, _, pids = isolated
    faulty = leaf("fault.inject")
    engine.run(faulty, samples("ok:0.5", "ok:0.6"))  # warm workers: the next task starts at once, no build
    start = time.perf_counter()
    scored = engine.run(faulty, samples(fault))
    pids += engine.pool.pids()
    assert scored[0].outcome.label == "error:timeout"
    assert time.perf_counter() - start < 10  # not the 120 s start-up allowance


def test_every_fault_in_one_batch(isolated):
    engine, _, pids = isolated
    texts = []
    for i, (fault, _, _) in enumerate(FAULTS):
        texts += [f"ok:0.{i}", fault]
    scored = engine.run(leaf("fault.inject"), samples(*texts, "ok:0.9"))
    pids += engine.pool.pids()
    assert [s.outcome.label for s in scored[1::2]] == [label for _, label, _ in FAULTS]
    assert [s.outcome.score for s in scored[0::2]] == [i / 10 for i in range(len(FAULTS))] + [0.9]
    assert all(s.elapsed_ms < LIMIT_MS for s in scored)
    counts = engine.snapshot()["fault.inject"]["counts"]
    assert counts["error:timeout"] >= 2 and counts["error:crash"] >= 3


def test_policies_decide_what_trl_receives():
    recipe = fault_recipe(
        "  - {id: v, reward: fault.inject, on_error: {value: -1.0}, on_timeout: skip}\n"
        "  - {id: strict, reward: fault.inject, on_timeout: raise}\n"
    )
    with compile_recipe(recipe) as compiled:
        lenient, strict = compiled.funcs
        metrics: dict[str, float] = {}
        values = lenient(completions=["ok:0.5", "sleep", "segv", "raise", "skip"], log_metric=metrics.__setitem__)
        assert values == [0.5, None, -1.0, -1.0, None]
        assert metrics["rewardkit/v/timeout_rate"] == pytest.approx(0.2)
        assert metrics["rewardkit/v/crash_rate"] == pytest.approx(0.2)
        assert metrics["rewardkit/v/error_rate"] == pytest.approx(0.6)
        assert strict(completions=["raise"]) == [0.0]  # on_error defaults to {value: 0.0}
        with pytest.raises(RewardRaised, match="timeout"):
            strict(completions=["ok:1", "cpu"])
        pids = compiled.engine.pool.pids()
    assert_no_orphans(pids)


def test_offline_scoring_reports_each_outcome():
    recipe = fault_recipe("  - {id: f, reward: fault.inject}\n  - {id: c, reward: fault.cheap, weight: 0.5}\n")
    rows = score_samples(recipe, samples("ok:1", "sleep"))
    assert rows[0].outcomes == {"f": "ok", "c": "ok"} and rows[0].total == pytest.approx(1.0 + 0.5 * 0.4)
    assert rows[1].outcomes == {"f": "error:timeout", "c": "ok"} and rows[1].rewards["f"] == 0.0
    assert rows[1].elapsed_ms["f"] < LIMIT_MS and "limit" in rows[1].messages["f"]


def test_inline_faults_are_outcomes_too():
    engine = Engine(fault_recipe("  - {reward: fault.cheap}\n").engine)
    inline = leaf("fault.inject", isolation="inline")
    scored = engine.run(inline, samples("raise", "exit", "ok:0.5", "skip"))
    assert [s.outcome.label for s in scored] == ["error:exception", "error:exception", "ok", "skip"]
    assert engine._pool is None  # nothing isolated ran: no worker was started
    assert TIMEOUT_S == inline.timeout_s
