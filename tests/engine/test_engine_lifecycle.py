"""The worker pool's life: started once, shared, split across workers, recycled, replaced, and never orphaned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import psutil
import pytest
from engine_helpers import HERE, assert_no_orphans, fault_recipe, leaf, samples

from rewardkit.engine import Engine, Leaf
from rewardkit.plugins import import_local_plugin, register_plugin


@pytest.fixture(scope="module")
def engine():
    engine = Engine(fault_recipe("  - {reward: fault.pid}\n").engine)
    yield engine
    pids = engine.pool.pids()
    engine.close()
    assert_no_orphans(pids)


def scores(scored):
    return [s.outcome.score for s in scored]


def test_pool_starts_once_and_splits_batches(engine):
    pid_leaf = leaf("fault.pid")
    first = scores(engine.run(pid_leaf, samples(*[f"slow:0.2 #{i}" for i in range(4)])))
    spawned = engine.pool_stats()["spawned"]
    second = scores(engine.run(pid_leaf, samples(*[f"slow:0.2 #{i}" for i in range(4, 8)])))
    assert len(set(first)) == 2 and set(first) == set(second)  # both workers took part, both times
    assert os.getpid() not in first
    assert engine.pool_stats()["spawned"] == spawned == 2


def test_identical_samples_are_scored_once(engine):
    pid_leaf = leaf("fault.pid")
    engine.run(pid_leaf, samples("warm"))  # this test's own history: under xdist the others may run elsewhere
    before = engine.snapshot(reset=True)
    scored = engine.run(pid_leaf, samples("a", "b", "a", "a", "b"))
    assert scores(scored)[0] == scores(scored)[2] == scores(scored)[3]
    assert engine.snapshot()["fault.pid"]["count"] == 2
    assert before["fault.pid"]["count"] >= 1  # the reset returned the previous window


def test_concurrent_callers_share_the_pool(engine):
    isolated, inline = leaf("fault.inject"), leaf("fault.cheap")
    results: dict[int, list] = {}

    def work(k: int) -> None:
        texts = [f"ok:0.{k}{i}" for i in range(6)]
        results[k] = [engine.run(isolated, samples(*texts)), engine.run(inline, samples(*texts))]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for k in range(4):
        isolated_scored, inline_scored = results[k]
        assert scores(isolated_scored) == [float(f"0.{k}{i}") for i in range(6)]
        assert scores(inline_scored) == [len(f"ok:0.{k}{i}") % 10 / 10 for i in range(6)]


def test_queueing_is_not_a_timeout():
    engine = Engine(fault_recipe("  - {reward: fault.pid}\n", "workers: 1").engine)
    try:
        scored = engine.run(leaf("fault.pid"), samples(*[f"slow:0.3 #{i}" for i in range(4)]))  # 1.2 s > 0.5 s limit
        assert [s.outcome.label for s in scored] == ["ok"] * 4
        pids = engine.pool.pids()
    finally:
        engine.close()
    assert_no_orphans(pids)


def test_workers_are_recycled_after_max_tasks():
    engine = Engine(fault_recipe("  - {reward: fault.pid}\n", "workers: 1, max_tasks_per_worker: 2").engine)
    try:
        seen = set()
        for i in range(3):
            seen.update(scores(engine.run(leaf("fault.pid"), samples(f"a{i}", f"b{i}"))))
        assert len(seen) == 3
        assert engine.pool_stats()["recycled"] >= 2
        pids = engine.pool.pids()
    finally:
        engine.close()
    assert_no_orphans(pids)


def test_a_worker_killed_while_idle_is_replaced_silently(engine):
    pid_leaf = leaf("fault.pid")
    engine.run(pid_leaf, samples("warm 1", "warm 2"))
    victim = engine.pool.pids()[0]
    os.kill(victim, signal.SIGKILL)
    scored = engine.run(pid_leaf, samples(*[f"after {i}" for i in range(4)]))
    assert [s.outcome.label for s in scored] == ["ok"] * 4
    assert victim not in scores(scored)


def test_a_reward_workers_cannot_rebuild_is_an_error_outcome(engine):
    built = leaf("fault.cheap").reward
    built.hook = lambda: None  # closures do not pickle
    broken = Leaf("broken", "fault.missing", {}, "process", 0.5, built=built)
    scored = engine.run(broken, samples("x", "y"))
    assert [s.outcome.label for s in scored] == ["error:exception"] * 2
    assert "cannot build the reward in a worker" in scored[0].outcome.message


def test_workers_fall_back_to_the_pickled_reward(engine):
    name, module = import_local_plugin(str(HERE / "faulty_rewards.py"), HERE)
    register_plugin(module, name)  # registered at run time only: workers cannot rebuild it by name
    from rewardkit.plugins import get_registry

    reward = get_registry().reward("fault.pid").build()
    runtime_leaf = Leaf("runtime", "fault.pid", {}, "process", 0.5, built=reward)
    scored = engine.run(runtime_leaf, samples("p"))
    assert scored[0].outcome.status == "ok" and scored[0].outcome.score != os.getpid()


SCRIPT = """
import sys, time
from pathlib import Path
from rewardkit.recipe import loads_recipe
from rewardkit.runtime import compile_recipe
recipe = loads_recipe(
    "plugins: [./faulty_rewards.py]\\nengine: {{timeout_s: 60, workers: 2}}\\nrewards:\\n  - {{reward: fault.inject}}\\n",
    base_dir=Path({here!r}),
)
compiled = compile_recipe(recipe)
compiled.funcs[0](completions=["ok:1", "ok:2"])
print(*compiled.engine.pool.pids(), flush=True)
{tail}
"""


def run_script(tmp_path, tail: str) -> tuple[subprocess.Popen, list[int]]:
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(SCRIPT.format(here=str(HERE), tail=tail)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2
    return proc, pids


def test_exit_without_close_leaves_no_worker(tmp_path):
    proc, pids = run_script(tmp_path, "sys.exit(0)")  # atexit closes the pool
    assert proc.wait(timeout=30) == 0
    assert_no_orphans(pids)


def test_a_killed_parent_takes_busy_workers_with_it(tmp_path):
    tail = 'compiled.funcs[0](completions=["cpu", "sleep"])'  # one worker deep in C code, one asleep
    proc, pids = run_script(tmp_path, tail)
    time.sleep(1.5)  # let both workers get stuck
    assert all(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in pids)
    proc.kill()  # SIGKILL: no atexit; the kernel's parent-death signal must do it
    proc.wait(timeout=30)
    assert_no_orphans(pids)
