"""Compiled recipes for TRL: async reward functions and engine metrics through ``log_metric``."""

from __future__ import annotations

import asyncio
import inspect
import pickle

from engine_helpers import assert_no_orphans, fault_recipe

from rewardkit.runtime import compile_recipe

RECIPE = "  - {id: judge, reward: fault.inject, weight: 1.0}\n  - {id: len, reward: fault.cheap, weight: 0.5}\n"


def test_async_funcs_gather_to_the_same_values():
    with compile_recipe(fault_recipe(RECIPE)) as compiled:
        funcs = compiled.async_funcs()
        assert [f.__name__ for f in funcs] == ["judge", "len"]
        assert all(inspect.iscoroutinefunction(type(f).__call__) for f in funcs)  # what TRL's is_async_callable checks
        kwargs = {"prompts": ["p"] * 3, "completions": ["ok:0.5", "slow:0.2", "raise"]}

        async def gather():
            return await asyncio.gather(*(f(**kwargs) for f in funcs))

        assert asyncio.run(gather()) == [f(**kwargs) for f in compiled.funcs] == [[0.5, 1.0, 0.0], [0.6, 0.8, 0.5]]
        clone = pickle.loads(pickle.dumps(funcs[1]))
        assert asyncio.run(clone(completions=["abc"])) == [0.3]
        pids = compiled.engine.pool.pids()
    assert_no_orphans(pids)


def test_engine_metrics_reach_log_metric():
    metrics: dict[str, float] = {}
    with compile_recipe(fault_recipe(RECIPE)) as compiled:
        compiled.funcs[0](completions=["ok:1", "sleep", "segv", "ok:0"], log_metric=metrics.__setitem__)
    for name in ("error_rate", "skip_rate", "timeout_rate", "crash_rate", "p50_ms", "p95_ms", "max_ms"):
        assert f"rewardkit/judge/{name}" in metrics
    assert metrics["rewardkit/judge/timeout_rate"] == 0.25 and metrics["rewardkit/judge/crash_rate"] == 0.25
    assert metrics["rewardkit/judge/max_ms"] >= 500  # the sleeping sample ran to its limit
