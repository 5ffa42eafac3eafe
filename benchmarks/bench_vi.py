"""Throughput of the Vietnamese rewards on one core, and vi.language's verdict on the labelled set.

Run ``python benchmarks/bench_vi.py`` (``--quick`` for a smoke run). It pins itself to one CPU, times
each ``vi.*`` reward on the short snippets of ``tests/data/vi_snippets.jsonl`` (best of several
rounds, the reward's own ``score_batch``, details included) and on long completions, prints a table
and writes ``benchmarks/results/vi.md``. ``normalize_text`` alone runs side by side as the floor:
the ratio column says how many times that floor each reward costs, which travels across machines
better than absolute numbers. The target is ≥ 10,000 short snippets/s for ``vi.language``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from rewardkit import Sample
from rewardkit.plugins import get_registry
from rewardkit.text.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "vi_snippets.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "vi.md"
REWARDS = (
    "vi.language",
    "vi.script_purity",
    "vi.diacritics",
    "vi.no_english",
    "vi.syllables",
    "vi.answer_marker",
    "vi.number_convention",
)
SHORT_CHARS = 120


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity)"


def best_rate(run: Callable[[], object], n: int, rounds: int) -> float:
    """Items per second of the fastest of ``rounds`` runs (the least disturbed by other processes)."""
    run()  # warm caches and regexes
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return n / best


def verdict_accuracy(rows: Sequence[dict]) -> tuple[int, int]:
    reward = get_registry().reward("vi.language").build({})
    outcomes = reward.score_batch([Sample(r["text"]) for r in rows])
    right = sum(((o.score or 0.0) >= 0.5) == (r["label"] == "vi") for o, r in zip(outcomes, rows, strict=True))
    return right, len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer items and rounds (a smoke run)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write benchmarks/results/vi.md")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    pinned = pin_to_one_core()

    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    short = [r["text"] for r in rows if len(r["text"]) <= SHORT_CHARS]
    reasoning = [r["text"] for r in rows if r["category"] == "vi_math"]
    long_text = "\n\n".join(reasoning * 4)[:13_000]  # a long Vietnamese reasoning of ~13k characters
    n_short = 4_000 if args.quick else 20_000
    rounds = 2 if args.quick else 5
    batch = [Sample(short[i % len(short)]) for i in range(n_short)]
    long_batch = [Sample(long_text)] * (5 if args.quick else 40)

    floor = best_rate(lambda: [normalize_text(s.completion) for s in batch], n_short, rounds)
    table = []
    for name in REWARDS:
        reward = get_registry().reward(name).build({})
        rate = best_rate(partial(reward.score_batch, batch), n_short, rounds)
        long_rate = best_rate(partial(reward.score_batch, long_batch), len(long_batch), rounds)
        table.append((name, rate, 1e6 / rate, floor / rate, 1e3 / long_rate))
    right, total = verdict_accuracy(rows)

    mean_chars = sum(len(s.completion) for s in batch) / len(batch)
    lines = [
        "# Vietnamese rewards: throughput on one core",
        "",
        f"Written by `benchmarks/bench_vi.py`{' --quick' if args.quick else ''}. Python {platform.python_version()}, "
        f"{platform.machine()}, {pinned}; best of {rounds} rounds; load average {load:.1f} on {os.cpu_count()} CPUs "
        "(on a busy machine every number is noisy).",
        f"Short snippets: {len(short)} distinct texts of at most {SHORT_CHARS} characters from tests/data/vi_snippets.jsonl "
        f"(mean {mean_chars:.0f} characters), {n_short} per round; long: one {len(long_text):,}-character reasoning.",
        f"Floor: `normalize_text` alone runs at {floor:,.0f} snippets/s; the ratio is floor time / reward time.",
        "",
        "| reward | short snippets/s | µs per snippet | × normalize_text | ms per 13k-char completion |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| `{name}` | {rate:,.0f} | {us:.1f} | {ratio:.1f} | {ms:.2f} |" for name, rate, us, ratio, ms in table]
    language_rate = table[0][1]
    met = "met" if language_rate >= 10_000 else "NOT met"
    lines += [
        "",
        f"Target: `vi.language` ≥ 10,000 short snippets/s: {met} ({language_rate:,.0f}/s).",
        f"`vi.language` verdict (≥ 0.5 ⇔ proper Vietnamese) on the labelled set: {right}/{total} right "
        f"({100 * right / total:.1f} %).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
