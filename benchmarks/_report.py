"""Shared by the benchmark scripts: write a report with the machine it ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def write_markdown(path: Path, title: str, report: str, script: str) -> None:
    """The report as it printed, with the machine it ran on (ratios travel; absolute times do not)."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    machine = f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average {load}"
    path.parent.mkdir(exist_ok=True)
    header = f"# {title}\n\nWritten by `benchmarks/{script}`. {machine}.\n\n"
    path.write_text(f"{header}```\n{report}```\n", encoding="utf-8")
