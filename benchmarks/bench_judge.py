"""rewardkit's math judge vs math-verify, side by side, on every labelled case set of the project.

1. Accuracy per set (tests/data/math_eval.jsonl, math_holdout.jsonl, math_realstyle.jsonl): overall, by
   language, by category, with false positives (a wrong answer judged correct) counted apart, and
   in-process throughput (one process, caches cleared, best of ``--repeat`` passes).
2. Whole process: scoring a 1,500-row file and a 6,000-distinct-row file with the ``rewardkit score``
   CLI (a subprocess, interpreter start-up included, default isolation, a recipe with only
   ``math.equivalence``) against math-verify's own parse/verify loop over the same rows in a
   subprocess (start-up included). Rows and recipe are written to a temporary directory.

Prints the report and writes benchmarks/results/judge.md through benchmarks/_report.py.

    .venv/bin/python benchmarks/bench_judge.py [--repeat N] [--quick] [--json PATH]

math-verify is imported here only (``pip install math-verify``); it is never a rewardkit dependency.
Its gold is parsed as given and, when that yields nothing, wrapped in ``$…$`` (its documented usage).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SETS = {"eval": DATA / "math_eval.jsonl", "holdout": DATA / "math_holdout.jsonl", "realstyle": DATA / "math_realstyle.jsonl"}
RESULTS = ROOT / "benchmarks" / "results" / "judge.md"
TITLE = "Math judge: rewardkit vs math-verify"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _clear_sympy_cache() -> None:
    """Both judges use sympy; its global cache must not carry one pass's work into the next."""
    from sympy.core.cache import clear_cache

    clear_cache()


def rewardkit_judge() -> tuple[Callable[[dict], bool], Callable[[], None]]:
    from rewardkit_math import reading
    from rewardkit_math.judge import Judge, JudgeConfig

    judges = {loc: Judge(JudgeConfig(locale=loc)) for loc in ("auto", "en", "vi")}

    def run(row: dict) -> bool:
        return judges[row.get("locale", "auto")].judge(row["completion"], row["gold"], row.get("prompt", "")).correct

    def clear() -> None:
        reading.read_values.cache_clear()
        reading.read_gold.cache_clear()
        _clear_sympy_cache()

    return run, clear


def math_verify_judge() -> tuple[Callable[[dict], bool], Callable[[], None]] | None:
    try:
        from math_verify import parse, verify
        from math_verify import parser as mv_parser
    except ImportError:
        return None

    def run(row: dict) -> bool:
        try:
            gold = parse(row["gold"])
            if not gold:
                gold = parse(f"${row['gold']}$")
            return bool(verify(gold, parse(row["completion"])))
        except Exception:  # noqa: BLE001 - math-verify raising counts as "not correct"
            return False

    def clear() -> None:
        _clear_sympy_cache()
        for name in ("parse_latex_cached", "parse_expr_cached"):
            cached = getattr(mv_parser, name, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()

    return run, clear


def evaluate(
    rows: list[dict], judge: Callable[[dict], bool], clear: Callable[[], None], repeat: int
) -> tuple[list[bool], float, float, int]:
    """Verdicts, cases per second (best of ``repeat`` passes), median per-case ms, and cases over 1 s."""
    judge({"completion": "The answer is 1", "gold": "1"})  # lazy imports (sympy) are not part of the measurement
    best = float("inf")
    verdicts: list[bool] = []
    times: list[float] = []
    for _ in range(repeat):
        clear()
        verdicts, times = [], []
        start = time.perf_counter()
        for row in rows:
            began = time.perf_counter()
            verdicts.append(judge(row))
            times.append(time.perf_counter() - began)
        best = min(best, time.perf_counter() - start)
    return verdicts, len(rows) / best, 1000 * statistics.median(times), sum(t > 1.0 for t in times)


def summarise(rows: list[dict], verdicts: list[bool]) -> dict:
    groups: dict[str, list[bool]] = defaultdict(list)
    fp = fn = 0
    fp_by: dict[str, int] = defaultdict(int)
    for row, verdict in zip(rows, verdicts, strict=True):
        ok = verdict == row["expected"]
        groups["all"].append(ok)
        groups["lang:" + row["lang"]].append(ok)
        groups["cat:" + row["category"]].append(ok)
        fp += verdict and not row["expected"]
        if verdict and not row["expected"]:
            fp_by["cat:" + row["category"]] += 1
        fn += row["expected"] and not verdict
    negatives = sum(not r["expected"] for r in rows)
    return {
        "cases": len(rows),
        "vi": sum(r["lang"] == "vi" for r in rows),
        "negatives": negatives,
        "acc": {k: sum(v) / len(v) for k, v in groups.items()},
        "n": {k: len(v) for k, v in groups.items()},
        "fp": fp,
        "fp_by": dict(fp_by),
        "fn": fn,
        "fp_rate": fp / len(rows),
        "fp_of_negatives": fp / negatives if negatives else 0.0,
    }


# -- whole process: the CLI against math-verify's own loop ----------------------------------------
_RECIPE = """name: bench-judge
rewards:
  - {id: correct, reward: math.equivalence, params: {gold: solution}}
"""

_MATH_VERIFY_LOOP = """
import json, logging, sys
from math_verify import parse, verify
logging.getLogger("math_verify").setLevel(logging.CRITICAL)
right = 0
for line in open(sys.argv[1], encoding="utf-8"):
    row = json.loads(line)
    try:
        gold = parse(row["solution"]) or parse("$" + row["solution"] + "$")
        right += bool(verify(gold, parse(row["completion"])))
    except Exception:
        pass
print(right)
"""


def _tag(k: int) -> str:
    """A distinct lower-case word per row, with no digit that a fallback could read as an answer."""
    letters = string.ascii_lowercase
    word = ""
    while True:
        k, r = divmod(k, 26)
        word = letters[r] + word
        if not k:
            return "ref " + word


def process_rows(cases: list[dict], count: int, distinct: bool) -> list[dict]:
    """``count`` rows cycled from the case sets; ``distinct`` makes every completion unique (a leading tag)."""
    rows = []
    for k in range(count):
        case = cases[k % len(cases)]
        completion = f"({_tag(k)})\n{case['completion']}" if distinct else case["completion"]
        rows.append({"id": k, "completion": completion, "prompt": case.get("prompt", ""), "solution": case["gold"]})
    return rows


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {done.stderr[-2000:]}")
    return wall, done.stdout


def bench_process(
    cases: list[dict], sizes: list[tuple[int, bool]], with_math_verify: bool, rounds: int = 1
) -> list[dict[str, Any]]:
    """Wall time of each whole process; ``rounds`` alternate the two (rewardkit, math-verify, …), best of each counts."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "plugins"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-judge-") as tmp:
        recipe = Path(tmp) / "recipe.yaml"
        recipe.write_text(_RECIPE, encoding="utf-8")
        inline_recipe = Path(tmp) / "recipe-inline.yaml"
        inline_recipe.write_text(_RECIPE.replace("rewards:", "engine: {isolation: inline}\nrewards:", 1), encoding="utf-8")
        loop = Path(tmp) / "math_verify_loop.py"
        loop.write_text(_MATH_VERIFY_LOOP, encoding="utf-8")
        for count, distinct in sizes:
            rows = process_rows(cases, count, distinct)
            path = Path(tmp) / f"rows-{count}.jsonl"
            # ASCII JSON: some adversarial cases hold lone surrogates, which UTF-8 cannot encode.
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
            cli = [sys.executable, "-c", "from rewardkit.cli import main; main()", "score", str(recipe), str(path)]
            inline_cli = [*cli[:4], str(inline_recipe), str(path)]
            ours = inline = theirs = float("inf")
            right = their_right = 0
            for _ in range(rounds):
                wall, _ = _run([*inline_cli, "--format", "jsonl"], env)
                inline = min(inline, wall)
                wall, stdout = _run([*cli, "--format", "jsonl"], env)
                ours = min(ours, wall)
                right = sum(json.loads(line)["rewards"].get("correct") == 1.0 for line in stdout.splitlines() if line.strip())
                if with_math_verify:
                    wall, stdout = _run([sys.executable, str(loop), str(path)], env)
                    theirs, their_right = min(theirs, wall), int(stdout.strip() or 0)
            row: dict[str, Any] = {
                "rows": count,
                "distinct": distinct,
                "rewardkit_s": round(ours, 2),
                "rewardkit_inline_s": round(inline, 2),
                "isolation_overhead": round(ours / inline - 1, 3),
                "rewardkit_correct": right,
            }
            if with_math_verify:
                row.update(math_verify_s=round(theirs, 2), math_verify_correct=their_right, ratio=round(theirs / ours, 2))
            out.append(row)
    return out


# -- report ------------------------------------------------------------------------------------------
def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def print_report(results: dict[str, Any]) -> None:
    print(
        f"Python {platform.python_version()}, math-verify {results['math_verify_version']}. In-process figures: "
        f"one process, caches cleared, best of {results['repeat']} pass(es); "
        "math-verify's throughput includes its 5 s timeouts on adversarial cases."
    )
    for name, part in results["sets"].items():
        ours, theirs = part["rewardkit"], part.get("math_verify")
        print(f"\n## {name}: {ours['cases']} cases ({ours['vi']} Vietnamese, {ours['negatives']} labelled wrong)\n")
        print("| metric | rewardkit | math-verify |\n|---|---|---|")

        def line(label: str, key: str, ours: dict = ours, theirs: dict | None = theirs) -> None:
            other = _pct(theirs["acc"][key]) if theirs else "n/a"
            print(f"| {label} (n={ours['n'][key]}) | {_pct(ours['acc'][key])} | {other} |")

        line("accuracy, all", "all")
        for lang in ("en", "vi"):
            if f"lang:{lang}" in ours["acc"]:
                line(f"accuracy, {lang}", f"lang:{lang}")
        other_fp = f"{theirs['fp']} ({_pct(theirs['fp_rate'])})" if theirs else "n/a"
        print(f"| false positives (share of all cases) | {ours['fp']} ({_pct(ours['fp_rate'])}) | {other_fp} |")
        print(f"| false negatives | {ours['fn']} | {theirs['fn'] if theirs else 'n/a'} |")
        speed = part["speed"]
        their_speed = speed.get("math_verify_cases_s")
        print(f"| throughput (cases/s) | {speed['rewardkit_cases_s']:.0f} | {f'{their_speed:.0f}' if their_speed else 'n/a'} |")
        if their_speed:
            print(f"| throughput ratio | {speed['rewardkit_cases_s'] / their_speed:.1f}x | 1.0x |")
            print(f"| median time per case (ms) | {speed['rewardkit_median_ms']:.2f} | {speed['math_verify_median_ms']:.2f} |")
        print(f"| cases over 1 s | {speed['rewardkit_slow']} | {speed.get('math_verify_slow', 'n/a')} |")
        print("\n| category | n | rewardkit | FP | math-verify | FP |\n|---|---|---|---|---|---|")
        for key in sorted(k for k in ours["acc"] if k.startswith("cat:")):
            other = f"{_pct(theirs['acc'][key])} | {theirs['fp_by'].get(key, 0)}" if theirs else "n/a | n/a"
            print(f"| {key[4:]} | {ours['n'][key]} | {_pct(ours['acc'][key])} | {ours['fp_by'].get(key, 0)} | {other} |")
    print("\n## Whole process: `rewardkit score` CLI vs math-verify's own parse/verify loop\n")
    print(
        f"Each in a fresh subprocess, interpreter start-up and imports included; best of {results['rounds']} "
        "alternating rounds; rewardkit with the default isolation "
        "(`math.equivalence` is not cheap, so it runs in killable workers), recipe locale `auto`. Rows are cycled "
        "from the three case sets; the 6,000-row file makes every completion distinct (a leading tag), so "
        "rewardkit's de-duplication and caches cannot help."
    )
    print(
        "\n| rows | rewardkit (s) | rewardkit inline (s) | isolation overhead | math-verify (s) "
        "| ratio (math-verify / rewardkit) | judged correct: rewardkit / math-verify |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in results["process"]:
        label = f"{row['rows']:,}" + (" distinct" if row["distinct"] else "")
        their = row.get("math_verify_s", "n/a")
        ratio = f"{row['ratio']:.1f}x" if "ratio" in row else "n/a"
        correct = f"{row['rewardkit_correct']} / {row.get('math_verify_correct', 'n/a')}"
        overhead = f"{100 * row['isolation_overhead']:+.0f}%" if "isolation_overhead" in row else "n/a"
        inline = row.get("rewardkit_inline_s", "n/a")
        print(f"| {label} | {row['rewardkit_s']:.2f} | {inline} | {overhead} | {their} | {ratio} | {correct} |")


def main() -> None:
    from _report import publish

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="timed in-process passes per judge, caches cleared (best counts)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating whole-process rounds (the best of each counts)")
    parser.add_argument("--quick", action="store_true", help="print only, and a smaller whole-process run")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()

    ours_run, ours_clear = rewardkit_judge()
    mv = math_verify_judge()
    if mv is not None:
        logging.getLogger("math_verify").setLevel(logging.CRITICAL)  # it logs every timeout
    results: dict[str, Any] = {"repeat": args.repeat, "sets": {}, "math_verify_version": _math_verify_version()}
    everything: list[dict] = []
    for name, path in SETS.items():
        if not path.exists():
            continue
        rows = load(path)
        everything += rows
        verdicts, speed, median, slow = evaluate(rows, ours_run, ours_clear, args.repeat)
        part: dict[str, Any] = {
            "rewardkit": summarise(rows, verdicts),
            "speed": {"rewardkit_cases_s": speed, "rewardkit_median_ms": median, "rewardkit_slow": slow},
        }
        if mv is not None:
            verdicts, speed, median, slow = evaluate(rows, mv[0], mv[1], args.repeat)
            part["math_verify"] = summarise(rows, verdicts)
            part["speed"].update(math_verify_cases_s=speed, math_verify_median_ms=median, math_verify_slow=slow)
        results["sets"][name] = part
    sizes = [(300, False)] if args.quick else [(1_500, False), (6_000, True)]
    results["process"] = bench_process(everything, sizes, mv is not None, 1 if args.quick else args.rounds)
    results["rounds"] = 1 if args.quick else args.rounds
    publish(
        results,
        print_report,
        results_path=RESULTS,
        title=TITLE,
        script=Path(__file__).name,
        quick=args.quick,
        json_path=args.json,
    )


def _math_verify_version() -> str:
    try:
        from importlib.metadata import version

        return version("math-verify")
    except Exception:  # noqa: BLE001 - not installed
        return "not installed"


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
