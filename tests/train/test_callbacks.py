"""Progress lines, metrics.jsonl, and the graceful Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from rewardkit.train.callbacks import GracefulStop, MetricsLogger, StopFlag, graceful_interrupt, progress_line, read_metrics


def test_first_ctrl_c_requests_a_stop_and_the_second_interrupts() -> None:
    flag = StopFlag()
    with graceful_interrupt(flag):
        os.kill(os.getpid(), signal.SIGINT)
        assert flag.requested
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    control = SimpleNamespace(should_training_stop=False)
    GracefulStop(flag).on_step_end(None, None, control)
    assert control.should_training_stop
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_metrics_logger_writes_json_lines_on_the_main_process_only(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    logger = MetricsLogger(path, "grpo", console=None, reward_ids=["format"])
    main = SimpleNamespace(is_world_process_zero=True, global_step=10, max_steps=200)
    other = SimpleNamespace(is_world_process_zero=False, global_step=10, max_steps=200)
    logger.on_log(None, main, None, logs={"reward": 0.5, "rewards/format/mean": 0.25, "nan": float("nan")})
    logger.on_log(None, other, None, logs={"reward": 0.9})
    records = read_metrics(path)
    assert len(records) == 1
    assert records[0]["phase"] == "grpo" and records[0]["step"] == 10 and records[0]["nan"] is None
    path.write_text(path.read_text() + '{"cut sho')  # a line cut by a hard interrupt is skipped
    assert len(read_metrics(path)) == 1
    assert json.loads(path.read_text().splitlines()[0])["reward"] == 0.5


def test_progress_line_shows_each_reward_and_errors() -> None:
    record = {
        "phase": "grpo",
        "step": 50,
        "max_steps": 200,
        "reward": 1.1,
        "rewards/format/mean": 0.85,
        "rewards/correct/mean": 0.7,
        "rewardkit/correct/error_rate": 0.02,
        "loss": -0.05,
        "step_time": 0.75,
        "elapsed_s": 40,
    }
    line = progress_line(record, ["format", "correct"])
    for part in ("50/200", "reward 1.100", "format 0.850", "correct 0.700", "correct errors 2.0%", "0.75 s/step", "40s"):
        assert part in line
