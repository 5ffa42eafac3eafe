"""Shared by the benchmark scripts: print a report and keep it with the machine it ran on."""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_markdown(path: Path, title: str, report: str, script: str) -> None:
    """The report as it printed, with the machine it ran on (ratios travel; absolute times do not)."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    machine = f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average {load}"
    path.parent.mkdir(exist_ok=True)
    header = f"# {title}\n\nWritten by `benchmarks/{script}`. {machine}.\n\n"
    path.write_text(f"{header}```\n{report}```\n", encoding="utf-8")


def publish(
    results: dict[str, Any],
    print_report: Callable[[dict[str, Any]], None],
    *,
    results_path: Path,
    title: str,
    script: str,
    quick: bool,
    json_path: Path | None,
) -> None:
    """Print the report; unless ``quick``, write it to ``results_path``; with ``json_path``, the raw results too."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_report(results)
    print(buffer.getvalue(), end="")
    if not quick:
        write_markdown(results_path, title, buffer.getvalue(), script)
    if json_path:
        json_path.write_text(json.dumps(results, indent=2))
