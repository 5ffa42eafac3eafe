"""Shared pieces of the engine tests: recipes over the fault-injecting plugin, and the orphan check."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psutil
import yaml

from rewardkit.engine import Leaf
from rewardkit.recipe import Recipe, loads_recipe
from rewardkit.reward import Sample
from rewardkit.runtime import compile_recipe

HERE = Path(__file__).parent
TIMEOUT_S = 0.5
# A sample's own clock never runs much past its limit: timeout + kill grace + scheduling noise on busy cores.
LIMIT_MS = (TIMEOUT_S + 0.1 + 0.4) * 1000


def fault_recipe(rewards: str, engine: str = "") -> Recipe:
    """A recipe over tests/engine/faulty_rewards.py, loaded the way users load local plugins.

    ``engine`` holds extra ``engine:`` keys in YAML flow style (``"workers: 1"``); they win over the defaults.
    """
    settings = {"timeout_s": TIMEOUT_S, "workers": 2, "memory_mb": 256, **(yaml.safe_load("{" + engine + "}") or {})}
    text = f"name: faults\nplugins: [./faulty_rewards.py]\nengine: {json.dumps(settings)}\nrewards:\n{rewards}"
    return loads_recipe(text, name="faults.yaml", base_dir=HERE)


def leaf(reward: str, isolation: str = "auto", engine: str = "") -> Leaf:
    recipe = fault_recipe(f"  - {{reward: {reward}, isolation: {isolation}}}\n", engine)
    return compile_recipe(recipe).funcs[0].leaves[0]


def samples(*texts: str) -> list[Sample]:
    return [Sample(t) for t in texts]


def assert_no_orphans(pids: list[int]) -> None:
    """None of ``pids`` is alive or a child of this process (zombies count as alive: nobody reaped them)."""
    deadline = time.monotonic() + 5
    while True:
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        children = {p.pid for p in psutil.Process().children(recursive=True)}
        if not alive and not children & set(pids):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"worker processes survived: {alive}")
        time.sleep(0.05)
