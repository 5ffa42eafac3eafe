"""The verdict against the demo's targets, report.md/report.json, and the plot."""

from __future__ import annotations

import json
from pathlib import Path

from rewardkit.train.plots import plot_run
from rewardkit.train.report import REPORT_KEYS, build_report, render_markdown, reward_curve, verdict, write_report


def _result(strict: float, lenient: float, n: int = 500) -> dict:
    return {
        "n": n,
        "strict": strict,
        "lenient": lenient,
        "format": strict,
        "judge": "numeric",
        "by_language": {"en": {"n": n // 2, "strict": strict, "lenient": lenient, "format": 1.0}},
    }


def test_verdict_target_stretch_and_noise() -> None:
    assert verdict(_result(0.2, 0.7), _result(0.7, 0.69)).target  # lenient down 1 pt: within noise
    assert not verdict(_result(0.2, 0.7), _result(0.7, 0.6)).target  # lenient down 10 pts: beyond noise
    assert not verdict(_result(0.2, 0.7), _result(0.45, 0.7)).target  # strict +25 only
    both = verdict(_result(0.2, 0.6), _result(0.7, 0.7))
    assert both.target and both.stretch and "stretch reached" in both.summary
    only = verdict(_result(0.2, 0.7), _result(0.7, 0.72))
    assert only.target and not only.stretch and "stretch not reached" in only.summary


def test_report_json_keys_and_markdown(tmp_path: Path) -> None:
    records = [
        {"phase": "sft", "step": 10, "loss": 1.0},
        {"phase": "grpo", "step": 10, "reward": 0.4, "rewards/format/mean": 0.5},
        {"phase": "grpo", "step": 20, "reward": 0.8, "rewards/format/mean": 0.9},
    ]
    report = build_report(
        recipe_name="demo",
        eval_base=_result(0.0, 0.0),
        eval_before=_result(0.2, 0.7),
        eval_after=_result(0.7, 0.7),
        wall_seconds=123.4,
        phases={"grpo": 60.0},
        grpo_steps=20,
        interrupted=False,
        extra={"reward_curve": reward_curve(records, ["format"])},
    )
    for key in REPORT_KEYS:
        assert key in report
    assert report["by_language"]["en"]["strict_after_grpo"] == 0.7
    assert report["reward_curve"]["format"] == (0.5, 0.9)
    json_path, md_path = write_report(tmp_path, report, [{"completion": "a\nb", "gold": "5", "strict": False, "lenient": True}])
    assert json.loads(json_path.read_text())["eval_size"] == 500
    text = md_path.read_text()
    assert "| strict | 0.0 % | 20.0 % | 70.0 % | +50.0 pts |" in text
    assert "target reached" in text and "a⏎b" in text
    assert "Interrupted" in render_markdown({**report, "interrupted": True})


def test_plot_writes_a_png(tmp_path: Path) -> None:
    records = [{"phase": "grpo", "step": s, "reward": s / 10, "rewards/format/mean": s / 20} for s in range(1, 6)]
    report = {
        "accuracy_before_grpo": 0.2,
        "lenient_before_grpo": 0.7,
        "accuracy_after_grpo": 0.7,
        "lenient_after_grpo": 0.7,
        "eval_size": 500,
    }
    path = plot_run(tmp_path / "rewards.png", records, ["format"], report)
    assert path is not None and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot_run(tmp_path / "empty.png", [], [], {}) is not None
