"""Trainer callbacks: a rich progress line per logging step, ``metrics.jsonl``, and a graceful Ctrl-C.

The first Ctrl-C asks the trainer to stop at the end of the current step; the run then saves the
adapter, the metrics and the report as usual (marked as interrupted). A second Ctrl-C interrupts
at once, and the run still saves what it can.
"""

from __future__ import annotations

import json
import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

# The columns of the progress line, in order: (log key prefix or key, label).
HEADLINE = (("reward", "reward"), ("loss", "loss"), ("step_time", "s/step"))


class StopFlag:
    """Set by the SIGINT handler, read by :class:`GracefulStop` at the end of each step."""

    def __init__(self) -> None:
        self.requested = False


@contextmanager
def graceful_interrupt(flag: StopFlag) -> Iterator[StopFlag]:
    """Turn the first Ctrl-C into a stop request; the second one raises ``KeyboardInterrupt`` as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        flag.requested = True
        signal.signal(signal.SIGINT, previous if callable(previous) else signal.default_int_handler)

    signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


class GracefulStop(TrainerCallback):
    """Stops training cleanly (and saves a checkpoint) once the stop flag is set."""

    def __init__(self, flag: StopFlag) -> None:
        self.flag = flag

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        if self.flag.requested:
            control.should_training_stop = True
        return control


class MetricsLogger(TrainerCallback):
    """Appends every log to ``metrics.jsonl`` and prints one progress line per logging step.

    Each JSON line holds ``phase`` (``sft`` or ``grpo``), ``step``, ``max_steps``, ``elapsed_s`` and
    the trainer's logs (for GRPO: ``reward``, ``rewards/<id>/mean``, ``rewardkit/<id>/error_rate`` ...).
    """

    def __init__(self, path: Path, phase: str, console: Any = None, reward_ids: list[str] | None = None) -> None:
        self.path = path
        self.phase = phase
        self.console = console
        self.reward_ids = reward_ids or []
        self.start = time.monotonic()
        self.history: list[dict[str, Any]] = []

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        self.start = time.monotonic()
        return control

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if not state.is_world_process_zero or not logs:
            return control
        record = {
            "phase": self.phase,
            "step": state.global_step,
            "max_steps": state.max_steps,
            "elapsed_s": round(time.monotonic() - self.start, 2),
            **{k: _jsonable(v) for k, v in logs.items()},
        }
        if any(k.startswith("train_") for k in logs):
            record["summary"] = True  # the trainer's end-of-training totals, at the last step's number
        self.history.append(record)
        try:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            from rewardkit.train.outputs import OutputError

            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        if self.console is not None and not any(k.startswith("train_") for k in logs):
            self.console.print(progress_line(record, self.reward_ids), highlight=False, soft_wrap=True)
        return control


class CheckpointMarker(TrainerCallback):
    """Writes each checkpoint's completion marker once the trainer has saved all of it (``on_save`` runs last)."""

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        from rewardkit.train.outputs import mark_checkpoint

        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if state.is_world_process_zero and folder.is_dir():
            mark_checkpoint(folder, state.global_step, self.fingerprint)
        return control


def progress_line(record: dict[str, Any], reward_ids: list[str]) -> str:
    """``grpo  40/200 ━━━━╸      reward 0.751 · format 0.83 · math 0.43 · loss 0.01 · 0.55 s/step · 25s``."""
    step, total = record.get("step", 0), record.get("max_steps") or 0
    width = 16
    filled = int(width * step / total) if total else 0
    bar = "━" * filled + " " * (width - filled)
    parts = []
    for key, label in HEADLINE[:1]:
        if key in record:
            parts.append(f"{label} {record[key]:.3f}")
    for rid in reward_ids:
        value = record.get(f"rewards/{rid}/mean")
        if isinstance(value, (int, float)):
            parts.append(f"{rid} {value:.3f}")
        error_rate = record.get(f"rewardkit/{rid}/error_rate")
        if isinstance(error_rate, (int, float)) and error_rate > 0:
            parts.append(f"{rid} errors {100 * error_rate:.1f}%")
    for key, label in HEADLINE[1:]:
        if isinstance(record.get(key), (int, float)):
            parts.append(f"{record[key]:.3g} {label}" if label == "s/step" else f"{label} {record[key]:.4g}")
    parts.append(f"{record.get('elapsed_s', 0):.0f}s")
    return f"{record.get('phase', ''):<5} {step:>5}/{total:<5} [cyan]{bar}[/cyan] " + " · ".join(parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """The records of a ``metrics.jsonl`` (missing file: none; torn lines skipped)."""
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue  # a line cut short by a hard interrupt
    return records
