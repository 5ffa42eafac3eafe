"""Regressions found by reading the engine and CLI: a worker that cannot start, constructors that raise,
rows carrying token ids into plain TRL functions, TRL's non-column arguments, detail names that clash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from engine_helpers import leaf, samples

from rewardkit import Outcome, Reward, RewardParams, Sample, hookimpl
from rewardkit.engine import Engine
from rewardkit.recipe import loads_recipe
from rewardkit.reward import samples_from_trl
from rewardkit.runtime import RewardBuildError, compile_recipe
from rewardkit.workers import WorkerPool


def test_a_worker_that_cannot_start_fails_its_samples_and_keeps_the_slot(monkeypatch):
    pool = WorkerPool(1, memory_mb=256)
    real = WorkerPool._start_process

    def broken(self):
        raise OSError(24, "Too many open files")

    job = leaf("fault.inject", isolation="process")
    try:
        monkeypatch.setattr(WorkerPool, "_start_process", broken)
        results = pool.run(job, samples("ok:1", "ok:0.5"))
        assert [o.label for o, _ in results] == ["error:crash", "error:crash"]
        assert "cannot start a worker process" in results[0][0].message and "Too many open files" in results[0][0].message
        monkeypatch.setattr(WorkerPool, "_start_process", real)
        again = pool.run(job, samples("ok:1"))  # the slot came back: the next run starts a worker and scores
        assert [(o.label, o.score) for o, _ in again] == [("ok", 1.0)]
    finally:
        pool.close()


class _Exploding(Reward[RewardParams]):
    def __init__(self, params=None):
        raise FileNotFoundError("model.bin")


class _Ids(Reward[RewardParams]):
    def score(self, sample: Sample) -> float:
        return float(len(sample.completion_ids or [])) + (100.0 if "completion_ids" in sample.columns else 0.0)


class _Plugin:
    @hookimpl
    def register_rewards(self, register):
        register("review.exploding", _Exploding)
        register("review.ids", _Ids)

        def trl_len(completions, completion_ids=None, **kwargs):
            return [float(len(ids)) for ids in completion_ids]

        register("review.trl_len", trl_len)


@pytest.fixture
def plugin(rewardkit_plugin):
    rewardkit_plugin(_Plugin(), "review-plugin")


def test_a_constructor_that_raises_is_a_located_error(plugin):
    recipe = loads_recipe("rewards:\n  - {reward: format.tags}\n  - {id: boom, reward: review.exploding}\n", name="r.yaml")
    with pytest.raises(RewardBuildError, match=r"r\.yaml:3: boom: cannot build reward 'review\.exploding': FileNotFoundError"):
        compile_recipe(recipe)


def test_token_ids_are_not_a_column(plugin):
    from rewardkit.score import score_rows

    recipe = loads_recipe("rewards:\n  - {id: ids, reward: review.ids}\n  - {id: trl, reward: review.trl_len}\n")
    [row] = score_rows(recipe, [{"completion": "abc", "completion_ids": [1, 2, 3]}])
    assert row.rewards == {"ids": 3.0, "trl": 3.0} and row.outcomes == {"ids": "ok", "trl": "ok"}


def test_trl_environments_are_not_a_column():
    [sample] = samples_from_trl(["p"], ["c"], None, environments=[object()], solution=["4"])
    assert dict(sample.columns) == {"solution": "4"}


def test_a_tool_call_message_has_no_text():
    [sample] = samples_from_trl(None, [[{"role": "assistant", "content": None, "tool_calls": []}]])
    assert sample.completion == ""


def test_clip_keeps_details_whatever_their_names(rewardkit_plugin):
    class Detailed(Reward[RewardParams]):
        def score(self, sample):
            return Outcome("ok", 2.0, details={"score": "raw", "unclipped": "mine"})

    class P:
        @hookimpl
        def register_rewards(self, register):
            register("review.detailed", Detailed)

    rewardkit_plugin(P(), "review-detailed")
    recipe = loads_recipe("engine: {isolation: inline}\nrewards:\n  - {id: c, clip: review.detailed, max: 1.0}\n")
    with compile_recipe(recipe) as compiled:
        [scored] = compiled.funcs[0].evaluate([Sample("x")])
    assert scored.outcome.score == 1.0 and scored.outcome.details["score"] == "raw" and scored.outcome.details["unclipped"] == 2.0


def test_probe_cli_maps_a_raise_policy_to_exit_1_without_a_traceback(tmp_path: Path):
    (tmp_path / "down.py").write_text(
        "from rewardkit import Reward, RewardParams, hookimpl\n"
        "class Down(Reward[RewardParams]):\n"
        "    def score(self, sample):\n"
        "        raise RuntimeError('judge is down')\n"
        "@hookimpl\n"
        "def register_rewards(register):\n"
        "    register('down.always', Down)\n",
        encoding="utf-8",
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "plugins: [./down.py]\nengine: {isolation: inline}\nrewards:\n"
        "  - {reward: down.always, on_error: raise}\n  - {reward: math.equivalence}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", "probe", str(recipe), "--per-kind", "1"], capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "policy for this reward is `raise`" in proc.stderr


def test_engine_still_isolates_after_the_fixes():
    with Engine() as engine:
        scored = engine.run(leaf("fault.inject", isolation="process"), samples("ok:0.25", "raise"))
    assert [s.outcome.label for s in scored] == ["ok", "error:exception"]
