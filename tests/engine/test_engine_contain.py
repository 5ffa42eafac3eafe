"""Nothing lost, nothing escapes: attacks on the worker pool from inside a reward (issue 12).

A result the parent cannot unpickle, a subprocess left behind by a killed reward, a worker that
leaks descriptors until it fails, a recipe asking for 40 workers on 2 cores, numpy scalars and
non-finite scores: each is contained to its own samples, and the run goes on.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from engine_helpers import assert_no_orphans

from rewardkit.engine import default_workers
from rewardkit.recipe import loads_recipe
from rewardkit.reward import Sample
from rewardkit.runtime import compile_recipe
from rewardkit.score import score_samples

HERE = Path(__file__).parent


def hostile_recipe(rewards: str, **engine: object):
    settings = {"timeout_s": 0.5, "workers": 2, "memory_mb": 512, **engine}
    text = f"name: hostile\nplugins: [./hostile_rewards.py]\nengine: {json.dumps(settings)}\nrewards:\n{rewards}"
    return loads_recipe(text, name="hostile.yaml", base_dir=HERE)


def run_leaf(recipe, samples):
    compiled = compile_recipe(recipe)
    leaf = compiled.funcs[0].leaves[0]
    engine = compiled.engine
    try:
        return engine.run(leaf, samples), engine.pool_stats(), engine
    finally:
        compiled.close()


# --------------------------------------------------------------------------- 8: only plain data crosses


def test_results_the_parent_cannot_unpickle_are_still_scored_in_order():
    texts = [["plain", "object", "outcome", "str", "int"][i % 5] + "x" * i for i in range(20)]
    recipe = hostile_recipe("  - {reward: hostile.alien}\n")
    scored, stats, _ = run_leaf(recipe, [Sample(t) for t in texts])
    assert [s.outcome.label for s in scored] == ["ok"] * 20, [s.outcome.message for s in scored if s.outcome.status != "ok"]
    assert [s.outcome.score for s in scored] == [float(len(t)) for t in texts]
    assert all(type(s.outcome).__name__ == "Outcome" for s in scored)
    details = [s.outcome.details for s in scored]
    assert "Alien" in str(details[1]["evidence"])  # an object the parent cannot rebuild arrives as its repr
    assert details[3]["key"] == "evidence" and type(details[3]["key"]) is str
    assert details[4]["level"] == 3 and type(details[4]["level"]) is int
    assert stats["crashed"] == 0


# --------------------------------------------------------------------------- 8: a timeout kills the process group


def test_a_timeout_kills_the_subprocesses_the_reward_started(tmp_path):
    pidfile = tmp_path / "sleep.pid"
    recipe = hostile_recipe("  - {reward: hostile.spawn}\n", timeout_s=0.5)
    scored, _, _ = run_leaf(recipe, [Sample("hang", columns={"pidfile": str(pidfile)})])
    assert scored[0].outcome.label == "error:timeout"
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the reward's `sleep 1000` outlived its killed worker"
        time.sleep(0.05)


# --------------------------------------------------------------------------- 8: sick workers are replaced at once


def test_a_worker_that_starts_failing_is_replaced_at_once():
    recipe = hostile_recipe("  - {reward: hostile.leaky}\n", timeout_s=5, max_tasks_per_worker=100_000)
    samples = [Sample(f"row {i}") for i in range(300)]
    scored, stats, _ = run_leaf(recipe, samples)
    ok = sum(s.outcome.status == "ok" for s in scored)
    assert ok >= 290, f"only {ok} of 300 ok: {[s.outcome.message for s in scored if s.outcome.status != 'ok'][:3]}"
    assert stats["sick"] >= 1
    assert stats["recycled"] == 0  # replaced for being sick, not by max_tasks_per_worker


def test_a_reward_that_always_fails_does_not_make_workers_sick():
    recipe = hostile_recipe("  - {reward: hostile.spawn}\n", timeout_s=5)  # KeyError: no pidfile column
    scored, stats, _ = run_leaf(recipe, [Sample(f"row {i}") for i in range(12)])
    assert {s.outcome.label for s in scored} == {"error:exception"}
    assert stats["sick"] == 0


# --------------------------------------------------------------------------- 8: worker count capped at the cores


@pytest.mark.parametrize(("oversubscribe", "expected"), [(False, default_workers()), (True, 3 * default_workers())])
def test_worker_count_is_capped_at_the_cores_unless_oversubscribed(oversubscribe, expected):
    recipe = hostile_recipe("  - {reward: hostile.alien}\n", workers=3 * default_workers(), oversubscribe=oversubscribe)
    compiled = compile_recipe(recipe)
    try:
        pool = compiled.engine.pool
        assert pool.size == expected
        compiled.engine.run(compiled.funcs[0].leaves[0], [Sample(f"x{i}") for i in range(4 * expected)])
        pids = pool.pids()
        assert len(pids) <= expected
    finally:
        compiled.close()
    assert_no_orphans(pids)


def test_the_recipe_key_oversubscribe_is_accepted():
    recipe = hostile_recipe("  - {reward: hostile.alien}\n", workers=40, oversubscribe=True)
    assert recipe.engine.oversubscribe is True
    assert hostile_recipe("  - {reward: hostile.alien}\n", workers=40).engine.oversubscribe is False


# --------------------------------------------------------------------------- 9: numbers a reward may return


@pytest.mark.parametrize(("text", "value"), [("f32", 0.5), ("i64", 2.0), ("bool", 1.0), ("0d", 0.25)])
def test_numpy_scalars_are_numbers(text, value):
    recipe = hostile_recipe("  - {reward: hostile.numpy}\n")
    [row] = score_samples(recipe, [Sample(text)])
    assert row.outcomes == {"hostile.numpy": "ok"}
    assert row.rewards == {"hostile.numpy": value} and type(row.total) is float


@pytest.mark.parametrize("text", ["nan", "inf"])
def test_a_hand_built_non_finite_outcome_is_an_error_not_a_total(text):
    recipe = hostile_recipe("  - {reward: hostile.nan}\n")
    [row] = score_samples(recipe, [Sample(text)])
    assert row.outcomes == {"hostile.nan": "error:exception"}
    assert row.total == 0.0  # on_error's default value, not NaN


def test_a_weighted_total_that_overflows_is_null():
    recipe = hostile_recipe("  - {reward: hostile.ten, weight: 1.0e+308}\n  - {reward: hostile.ten, id: b, weight: 1.0e+308}\n")
    [row] = score_samples(recipe, [Sample("x")])
    assert row.total is None
    json.dumps(row.to_json(), allow_nan=False)


# --------------------------------------------------------------------------- 11: warm_up runs before the clock


def test_the_first_sample_of_a_fresh_worker_does_not_pay_for_importing_sympy():
    cold = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sympy"], capture_output=True, text=True, check=True
    ).stderr
    cold_ms = int(cold.strip().splitlines()[-1].split("|")[1]) / 1000  # cumulative µs of `import sympy`
    recipe = loads_recipe(
        "name: warm\nengine: {workers: 1, timeout_s: 30}\nrewards:\n  - {reward: math.equivalence, params: {gold: solution}}\n",
        name="warm.yaml",
    )
    scored, _, _ = run_leaf(recipe, [Sample("The answer is 42.", columns={"solution": "42"})])
    assert scored[0].outcome.label == "ok"
    assert scored[0].elapsed_ms < cold_ms / 2, (scored[0].elapsed_ms, cold_ms)
