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
HOLDOUT = ROOT / "tests" / "data" / "vi_holdout.jsonl"  # blind set written by someone else; not timed
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


def verdict_accuracy(rows: Sequence[dict]) -> tuple[int, int, int]:
    """Snippets whose verdict (score >= 0.5 means Vietnamese) is right, that sit in the contract band, and all."""
    reward = get_registry().reward("vi.language").build({})
    outcomes = reward.score_batch([Sample(r["text"]) for r in rows])
    right = band = 0
    for o, r in zip(outcomes, rows, strict=True):
        score, vi = o.score or 0.0, r["label"] == "vi"
        right += (score >= 0.5) == vi
        band += score >= 0.8 if vi else score <= 0.2
    return right, band, len(rows)


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer items and rounds (a smoke run)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write benchmarks/results/vi.md")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    pinned = pin_to_one_core()

    rows = read_rows(DATA)
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
    accuracy = [(DATA, *verdict_accuracy(rows))]
    if HOLDOUT.exists():
        accuracy.append((HOLDOUT, *verdict_accuracy(read_rows(HOLDOUT))))

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
        "",
        "`vi.language` on the labelled sets: verdict (≥ 0.5 ⇔ proper Vietnamese) and contract band "
        "(≥ 0.8 for Vietnamese, ≤ 0.2 for the rest):",
        "",
    ]
    lines += [
        f"- `{path.relative_to(ROOT)}`: verdict {right}/{total} right ({100 * right / total:.1f} %), "
        f"band {band}/{total} ({100 * band / total:.1f} %)"
        for path, right, band, total in accuracy
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
