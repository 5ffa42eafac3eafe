"""Scoring at dataset scale, side by side in one run: `rewardkit score` (CLI, streaming), `datasets.map` and Ray Data.

For the CLI: rows/s and peak memory (the whole process tree: the CLI and its worker processes) at
10k, 100k and 1M rows, for a cheap recipe (format + length) and for the math judge recipe. For the
library paths: rows/s of ``score_dataset`` with 1 and 2 processes and of ``score_ray_dataset`` with
2 local actors, on the same rows. Absolute numbers depend on the machine; compare the ratios (memory
flat from 100k to 1M rows, throughput at 1M within 20 % of 100k).

    python benchmarks/bench_scale.py            # the full run (several minutes)
    python benchmarks/bench_scale.py --quick    # 2k/20k rows, nothing written
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _report import publish  # noqa: E402

RECIPES = {
    "cheap": "name: cheap\nrewards:\n  - {id: fmt, reward: format.tags}\n"
    "  - {id: length, reward: shaping.length, weight: 0.1, params: {max_length: 400, unit: chars}}\n",
    "judge": "name: judge\nrewards:\n  - {id: fmt, reward: format.tags, weight: 0.2}\n"
    "  - {id: correct, reward: math.equivalence, params: {gold: solution, locale: en}}\n",
}
LIBRARY_KINDS = (("datasets.map num_proc=1", "datasets=1"), ("datasets.map num_proc=2", "datasets=2"), ("ray 2 actors", "ray"))


def write_rows(path: Path, n: int, seed: int = 0) -> None:
    """``n`` distinct GSM8K-style rows, about 70 % right, in the graded format."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            a, b = rng.randint(1, 99_999), rng.randint(1, 999)
            said = a + b if rng.random() < 0.7 else a + b + rng.randint(1, 9)
            row = {
                "id": i,
                "completion": f"<think>We add {a} and {b}: {a} + {b} = {said}.</think><answer>{said}</answer>",
                "solution": str(a + b),
            }
            out.write(json.dumps(row) + "\n")


def run_cli(recipe: Path, rows: Path) -> dict[str, float]:
    """Wall time and peak RSS (summed over the process tree, sampled every 20 ms) of one `rewardkit score`."""
    command = [sys.executable, "-m", "rewardkit.cli", "score", str(recipe), str(rows), "--format", "jsonl"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"rewardkit score failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return {"wall_s": wall, "peak_mb": peak / 2**20}


LIBRARY_CODE = """
import json, sys, time
kind, recipe, rows = sys.argv[1:4]
if kind.startswith("datasets"):
    import datasets
    from rewardkit.integrations.hf_datasets import score_dataset
    data = datasets.Dataset.from_json(rows)
    procs = int(kind.split("=")[1])
    started = time.perf_counter()
    score_dataset(data, recipe, num_proc=procs if procs > 1 else None, load_from_cache_file=False, batch_size=1024)
else:
    import ray
    from rewardkit.integrations.ray_data import score_ray_dataset
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    data = ray.data.read_json(rows).materialize()  # reading is not scoring
    started = time.perf_counter()
    score_ray_dataset(data, recipe, concurrency=2, batch_size=1024).materialize()
n = data.count() if hasattr(data, "count") and callable(data.count) else len(data)
print(json.dumps(n / (time.perf_counter() - started)))
"""


def run_library(recipe: Path, rows: Path) -> dict[str, float | None]:
    """rows/s (scoring only) of score_dataset with 1 and 2 processes and score_ray_dataset with 2 actors.

    Each runs in a fresh interpreter, as a user's script would.
    """
    out: dict[str, float | None] = {}
    for label, kind in (
        ("datasets.map num_proc=1", "datasets=1"),
        ("datasets.map num_proc=2", "datasets=2"),
        ("ray 2 actors", "ray"),
    ):
        if kind == "ray" and importlib.util.find_spec("ray") is None:
            out[label] = None
            continue
        proc = subprocess.run(
            [sys.executable, "-c", LIBRARY_CODE, kind, str(recipe), str(rows)], capture_output=True, text=True, timeout=1800
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{label} failed:\n{proc.stderr[-2000:]}")
        out[label] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"  {label}: {out[label]:,.0f} rows/s", file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, nothing written")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    sizes = [2_000, 20_000] if args.quick else [10_000, 100_000, 1_000_000]
    library_rows = 2_000 if args.quick else 20_000
    results: dict[str, Any] = {"cli": {}, "library": {}, "library_rows": library_rows}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        recipes = {}
        for name, text in RECIPES.items():
            recipes[name] = folder / f"{name}.yaml"
            recipes[name].write_text(text, encoding="utf-8")
        for n in sizes:
            rows = folder / f"rows{n}.jsonl"
            write_rows(rows, n)
            for name, recipe in recipes.items():
                measured = run_cli(recipe, rows)
                results["cli"][f"{name} {n}"] = {"rows": n, **measured, "rows_per_s": n / measured["wall_s"]}
                print(f"  cli {name} {n:>9,} rows: {measured['wall_s']:.1f} s, {measured['peak_mb']:.0f} MB", file=sys.stderr)
            if n != sizes[-1]:
                rows.unlink()
        rows = folder / "library.jsonl"
        write_rows(rows, library_rows, seed=1)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        library_recipe = folder / "judge-1-worker.yaml"  # several processes or actors: one engine worker each
        library_recipe.write_text(RECIPES["judge"].replace("rewards:", "engine: {workers: 1}\nrewards:", 1), encoding="utf-8")
        results["library"] = run_library(library_recipe, rows)
    publish(
        results,
        print_report,
        results_path=ROOT / "benchmarks" / "results" / "scale.md",
        title="Scoring at dataset scale",
        script="bench_scale.py",
        quick=args.quick,
        json_path=args.json,
    )


def print_report(results: dict[str, Any]) -> None:
    print("rewardkit score (CLI, --format jsonl, default isolation), whole process:")
    print(f"  {'recipe':<7} {'rows':>10} {'wall s':>8} {'rows/s':>9} {'peak MB':>8}")
    for key, r in results["cli"].items():
        print(f"  {key.split()[0]:<7} {r['rows']:>10,} {r['wall_s']:>8.1f} {r['rows_per_s']:>9,.0f} {r['peak_mb']:>8.0f}")
    for name in RECIPES:
        runs = [r for key, r in results["cli"].items() if key.split()[0] == name]
        if len(runs) >= 2:
            a, b = runs[-2], runs[-1]
            print(
                f"  {name}: {b['rows']:,} vs {a['rows']:,} rows: peak memory x{b['peak_mb'] / a['peak_mb']:.2f}, "
                f"throughput x{b['rows_per_s'] / a['rows_per_s']:.2f}"
            )
    print(f"\nlibrary paths, judge recipe with engine.workers 1, {results['library_rows']:,} rows (rows/s, scoring only):")
    for name, rate in results["library"].items():
        print(f"  {name:<24} {'not installed' if rate is None else f'{rate:,.0f}'}")


if __name__ == "__main__":
    main()
