"""Run every benchmark in turn (what `make bench` does); `--quick` passes --quick to each (nothing written).

Each script writes its own report to benchmarks/results/. They run one after the other, never at the
same time: they compare variants side by side, and a second benchmark would be load on the first.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_judge.py", "bench_vi.py", "bench_engine.py", "bench_scale.py", "bench_trl_step.py")


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    failed = []
    for script in SCRIPTS:
        started = time.perf_counter()
        print(f"== {script}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *(["--quick"] if quick else [])])
        print(f"== {script}: exit {code}, {time.perf_counter() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
