"""The scoring engine, side by side in one run: ratios, not absolute times.

1. Overhead on a cheap reward: a recipe callable (``isolation: inline``; dedupe, timing, counters,
   policies) against calling the same reward object directly as a TRL function. Target: < 5 %.
2. A heavy CPU-bound reward: the worker pool with 1..N workers (N = the cores present) against
   inline, on the same batches; first batch (includes starting the workers) and steady state.
3. A GRPO-like batch (8 generations per prompt, duplicates among them): dedupe saves calls.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--quick] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "engine.md"
TITLE = "Scoring engine: overhead, worker pool, dedupe"
sys.path.insert(0, str(HERE))

from _report import publish  # noqa: E402

from rewardkit.engine import default_workers  # noqa: E402
from rewardkit.plugins import get_registry  # noqa: E402
from rewardkit.recipe import loads_recipe  # noqa: E402
from rewardkit.reward import samples_from_trl  # noqa: E402
from rewardkit.runtime import compile_recipe  # noqa: E402


def recipe(rewards: str, engine: str = "{}") -> Any:
    text = f"name: bench\nplugins: [./bench_rewards.py]\nengine: {engine}\nrewards:\n{rewards}"
    return loads_recipe(text, name="bench.yaml", base_dir=HERE)


def completions(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Completions shaped like a reasoning model's (a few hundred characters) and their gold answers."""
    rng = random.Random(seed)
    texts, golds = [], []
    for _ in range(n):
        a, b = rng.randint(1, 999), rng.randint(1, 999)
        steps = " ".join(
            f"Step {k}: {rng.randint(1, 99)} + {rng.randint(1, 99)} = {rng.randint(2, 198)}." for k in range(rng.randint(3, 12))
        )
        answer = a + b if rng.random() < 0.6 else a + b + 1
        texts.append(f"<think>We add {a} and {b}. {steps}</think>\n<answer>{answer}</answer>")
        golds.append(str(a + b))
    return texts, golds


def interleaved(funcs: dict[str, Callable[[], Any]], rounds: int, repeat: int) -> dict[str, list[float]]:
    """Per-call CPU seconds of each function, measured in alternation so that machine load hits them alike.

    CPU time of this process, not wall time: on shared cores the wall clock also counts the time
    other processes held the core, which swamps microsecond differences. Many short rounds, compared
    by their best: the quietest moments of a busy machine are the ones that measure the code.
    """
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(rounds):
        for name, func in funcs.items():
            start = time.process_time()
            for _ in range(repeat):
                func()
            times[name].append((time.process_time() - start) / repeat)
    return times


def bench_overhead(quick: bool) -> dict[str, Any]:
    """Two levels: the engine alone (``Engine.run`` against ``reward.score_batch`` on the same samples),
    and the whole recipe callable TRL calls (against the reward object's own TRL ``__call__``)."""
    texts, golds = completions(64)
    prompts = ["Add the numbers."] * len(texts)
    kwargs = {"prompts": prompts, "completions": texts, "solution": golds}
    samples = samples_from_trl(**kwargs)
    rows = []
    for name in ("format.tags", "bench.answer", "bench.format"):
        direct = get_registry().reward(name).build()
        compiled = compile_recipe(recipe(f"  - {{reward: {name}, isolation: inline}}\n"))
        via_recipe, leaf, engine = compiled.funcs[0], compiled.funcs[0].leaves[0], compiled.engine
        assert direct(**kwargs) == via_recipe(**kwargs)
        times = interleaved(
            {
                "score_batch": lambda d=direct: d.score_batch(samples),
                "engine": lambda e=engine, lf=leaf: e.run(lf, samples),
                "direct": lambda d=direct: d(**kwargs),
                "recipe": lambda f=via_recipe: f(**kwargs),
            },
            rounds=100 if quick else 600,
            repeat=3,
        )
        best = {k: min(v) for k, v in times.items()}
        rows.append(
            {
                "reward": name,
                "direct_us_per_completion": round(1e6 * best["direct"] / len(texts), 2),
                "engine_ratio": round(best["engine"] / best["score_batch"], 3),
                "recipe_ratio": round(best["recipe"] / best["direct"], 3),
                "recipe_overhead_us_per_completion": round(1e6 * (best["recipe"] - best["direct"]) / len(texts), 2),
                "recipe_ratio_median": round(
                    statistics.median(r / d for r, d in zip(times["recipe"], times["direct"], strict=True)), 3
                ),
            }
        )
        compiled.close()
    return {"cheap_reward_overhead": rows}


def bench_pool(quick: bool) -> dict[str, Any]:
    """Inline against pools of 1..N workers, batches interleaved across the configurations.

    Two rewards: ``bench.heavy`` (CPU-bound: scaling needs free cores) and ``bench.wait`` (latency-bound).
    """
    batch, repeats = (16, 3) if quick else (32, 5)
    texts, _ = completions(batch * repeats, seed=1)
    batches = [texts[i * batch : (i + 1) * batch] for i in range(repeats)]
    cores = default_workers()
    out: dict[str, Any] = {"batch": batch, "cores": cores}
    rewards = {
        "heavy": f"  - {{reward: bench.heavy, params: {{rounds: {60_000 if quick else 150_000}}}, isolation: %s}}\n",
        "wait": "  - {reward: bench.wait, params: {ms: 10}, isolation: %s}\n",
    }
    for label, entry in rewards.items():
        configs = {"inline": compile_recipe(recipe(entry % "inline"))}
        for workers in sorted({1, 2, cores, 2 * cores}):
            configs[f"{workers} workers"] = compile_recipe(recipe(entry % "process", f"{{workers: {workers}, timeout_s: 60}}"))
        first: dict[str, float] = {}
        for name, compiled in configs.items():  # the first batch starts the workers
            start = time.perf_counter()
            compiled.funcs[0](completions=[f"warm-up {i}" for i in range(batch)])
            first[name] = time.perf_counter() - start
        steady: dict[str, list[float]] = {name: [] for name in configs}
        for chunk in batches:
            for name, compiled in configs.items():
                start = time.perf_counter()
                compiled.funcs[0](completions=chunk)
                steady[name].append(time.perf_counter() - start)
        inline_s = statistics.median(steady["inline"])
        rows = []
        for name, compiled in configs.items():
            if name != "inline":
                stats = compiled.engine.pool_stats() or {}
                rows.append(
                    {
                        "workers": int(name.split()[0]),
                        "first_batch_s": round(first[name], 3),
                        "steady_batch_s": round(statistics.median(steady[name]), 3),
                        "speedup_vs_inline": round(inline_s / statistics.median(steady[name]), 2),
                        "worker_startup_ms": round(stats.get("startup_ms_median") or 0, 1),
                    }
                )
            compiled.close()
        out[label] = {"ms_per_completion_inline": round(1000 * inline_s / batch, 2), "inline_batch_s": round(inline_s, 3)}
        out[label]["rows"] = rows
    return {"pool": out}


def bench_dedupe(quick: bool) -> dict[str, Any]:
    """8 generations per prompt; a tiny model often repeats itself, here a third of each group is a duplicate."""
    rng = random.Random(2)
    texts, golds = completions(8)
    group = []
    for prompt in range(8):
        distinct = [f"{texts[prompt]} v{k}" for k in range(5)]
        group += [rng.choice(distinct) if k >= 5 else distinct[k] for k in range(8)]
    rounds = 40_000 if quick else 100_000
    heavy = f"  - {{reward: bench.heavy, params: {{rounds: {rounds}}}, isolation: inline}}\n"
    timings = {}
    for dedupe in (False, True):
        compiled = compile_recipe(recipe(heavy, f"{{dedupe: {str(dedupe).lower()}}}"))
        start = time.perf_counter()
        compiled.funcs[0](completions=group, solution=[g for g in golds for _ in range(8)])
        timings[dedupe] = time.perf_counter() - start
        compiled.close()
    unique = len(set(group))
    return {"dedupe": {"completions": len(group), "unique": unique, "speedup": round(timings[False] / timings[True], 2)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results: dict[str, Any] = {"load": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    for part in (bench_overhead, bench_pool, bench_dedupe):
        results.update(part(args.quick))
    publish(
        results,
        print_report,
        results_path=RESULTS,
        title=TITLE,
        script=Path(__file__).name,
        quick=args.quick,
        json_path=args.json,
    )


def print_report(results: dict[str, Any]) -> None:
    print("1. overhead on cheap rewards, 64 completions inline (best of many interleaved rounds, CPU time)")
    print("   engine = Engine.run / reward.score_batch;  recipe = compiled TRL callable / the reward's own TRL call")
    for row in results["cheap_reward_overhead"]:
        print(
            f"   {row['reward']:<13} {row['direct_us_per_completion']:6.2f} us/completion   engine x{row['engine_ratio']:.3f}   "
            f"recipe x{row['recipe_ratio']:.3f} (median x{row['recipe_ratio_median']:.3f}, "
            f"+{row['recipe_overhead_us_per_completion']:.2f} us/completion)"
        )
    pool = results["pool"]
    print(f"2. worker pool against inline, batches of {pool['batch']}, {pool['cores']} cores, load average {results['load']}")
    for label in ("heavy", "wait"):
        part = pool[label]
        kind = "CPU-bound" if label == "heavy" else "latency-bound"
        inline = f"{part['ms_per_completion_inline']} ms/completion inline, {part['inline_batch_s']:.3f} s/batch"
        print(f"   bench.{label} ({kind}, {inline})")
        for row in part["rows"]:
            print(
                f"     workers {row['workers']:>2}: first batch {row['first_batch_s']:.3f} s "
                f"(startup {row['worker_startup_ms']:.0f} ms/worker)   steady {row['steady_batch_s']:.3f} s   "
                f"speed-up vs inline x{row['speedup_vs_inline']:.2f}"
            )
    d = results["dedupe"]
    print(f"3. dedupe: {d['unique']} unique of {d['completions']} completions: x{d['speedup']:.2f} on a heavy reward")


if __name__ == "__main__":
    main()
