"""rewardkit's math judge vs math-verify, side by side in one process, on tests/data/math_eval.jsonl.

Reports accuracy (overall, by language, by category), false positives (a wrong answer judged
correct) and throughput (cases per second, one process, one pass each, caches cleared).
Prints a markdown table and writes benchmarks/results/judge.md.

    .venv/bin/python benchmarks/bench_judge.py [--cases PATH] [--repeat N]

math-verify is imported here only (``pip install math-verify``); it is never a rewardkit dependency.
Its gold is parsed as given and, when that yields nothing, wrapped in ``$…$`` (its documented usage).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = ROOT / "tests" / "data" / "math_eval.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "judge.md"


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
    for row, verdict in zip(rows, verdicts, strict=True):
        ok = verdict == row["expected"]
        groups["all"].append(ok)
        groups["lang:" + row["lang"]].append(ok)
        groups["cat:" + row["category"]].append(ok)
        fp += verdict and not row["expected"]
        fn += row["expected"] and not verdict
    negatives = sum(not r["expected"] for r in rows)
    return {
        "acc": {k: sum(v) / len(v) for k, v in groups.items()},
        "n": {k: len(v) for k, v in groups.items()},
        "fp": fp,
        "fn": fn,
        "fp_rate": fp / len(rows),
        "fp_of_negatives": fp / negatives if negatives else 0.0,
    }


def table(
    rows: list[dict],
    ours: dict,
    theirs: dict | None,
    speed: tuple[float, float | None],
    median: tuple[float, float | None],
    slow: tuple[int, int | None],
) -> str:
    def pct(x: float) -> str:
        return f"{100 * x:.1f}%"

    lines = [
        f"Cases: {len(rows)} ({ours['n'].get('lang:vi', 0)} Vietnamese, {ours['n'].get('lang:en', 0)} English, "
        f"{sum(not r['expected'] for r in rows)} labelled wrong). Python {platform.python_version()}, one process, "
        "best of the timed passes with caches cleared. math-verify's throughput is dominated by its 5 s timeouts "
        "on a few adversarial cases; the median-time ratio compares typical cases.",
        "",
        "| metric | rewardkit | math-verify |",
        "|---|---|---|",
    ]

    def row(label: str, key: str) -> None:
        other = pct(theirs["acc"][key]) if theirs else "n/a"
        lines.append(f"| {label} (n={ours['n'][key]}) | {pct(ours['acc'][key])} | {other} |")

    row("accuracy, all", "all")
    for lang in ("en", "vi"):
        if f"lang:{lang}" in ours["acc"]:
            row(f"accuracy, {lang}", f"lang:{lang}")
    other_fp = f"{theirs['fp']} ({pct(theirs['fp_rate'])})" if theirs else "n/a"
    lines.append(f"| false positives (share of all cases) | {ours['fp']} ({pct(ours['fp_rate'])}) | {other_fp} |")
    other_fn = str(theirs["fn"]) if theirs else "n/a"
    lines.append(f"| false negatives | {ours['fn']} | {other_fn} |")
    ours_speed, their_speed = speed
    other_speed = f"{their_speed:.0f}" if their_speed else "n/a"
    lines.append(f"| throughput (cases/s) | {ours_speed:.0f} | {other_speed} |")
    if their_speed:
        lines.append(f"| throughput ratio | {ours_speed / their_speed:.1f}x | 1.0x |")
    ours_median, their_median = median
    other_median = f"{their_median:.2f}" if their_median is not None else "n/a"
    lines.append(f"| median time per case (ms) | {ours_median:.2f} | {other_median} |")
    if their_median:
        lines.append(f"| median-time ratio | {their_median / ours_median:.1f}x faster | 1.0x |")
    lines.append(f"| cases over 1 s (timeouts) | {slow[0]} | {slow[1] if slow[1] is not None else 'n/a'} |")
    lines += ["", "| category | n | rewardkit | math-verify |", "|---|---|---|---|"]
    for key in sorted(k for k in ours["acc"] if k.startswith("cat:")):
        other = pct(theirs["acc"][key]) if theirs else "n/a"
        lines.append(f"| {key[4:]} | {ours['n'][key]} | {pct(ours['acc'][key])} | {other} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per judge, caches cleared (the best one counts)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = load(args.cases)

    ours_run, ours_clear = rewardkit_judge()
    ours_verdicts, ours_speed, ours_median, ours_slow = evaluate(rows, ours_run, ours_clear, args.repeat)
    ours = summarise(rows, ours_verdicts)

    theirs = None
    their_speed = their_median = their_slow = None
    mv = math_verify_judge()
    if mv is not None:
        logging.getLogger("math_verify").setLevel(logging.CRITICAL)  # it logs every timeout
        their_verdicts, their_speed, their_median, their_slow = evaluate(rows, mv[0], mv[1], args.repeat)
        theirs = summarise(rows, their_verdicts)

    body = table(rows, ours, theirs, (ours_speed, their_speed), (ours_median, their_median), (ours_slow, their_slow))
    report = "# Math judge: rewardkit vs math-verify\n\n" + body + "\n"
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
