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


def _report(before: dict, after: dict, base: dict | None = None) -> dict:
    """A report of one GRPO step from three eval results (no timings, no extras)."""
    return build_report(
        recipe_name="demo",
        eval_base=base,
        eval_before=before,
        eval_after=after,
        wall_seconds=1.0,
        phases={},
        grpo_steps=1,
        interrupted=False,
    )


def test_verdict_judges_the_format_and_the_answers_separately() -> None:
    down_a_little = verdict(_result(0.2, 0.7), _result(0.7, 0.69))
    assert down_a_little.strict_target and not down_a_little.lenient_target and not down_a_little.target
    assert "unchanged (within" in down_a_little.summary and "strict target reached, lenient target not" in down_a_little.summary
    assert "worse" in verdict(_result(0.2, 0.7), _result(0.7, 0.6)).summary  # lenient down 10 pts: beyond noise
    assert not verdict(_result(0.2, 0.7), _result(0.45, 0.7)).strict_target  # strict +25 only
    both = verdict(_result(0.2, 0.6), _result(0.7, 0.7))
    assert both.target and both.lenient_target and both.summary.startswith("targets reached")
    assert "improved the answers themselves" in both.summary
    small = verdict(_result(0.2, 0.9), _result(0.7, 0.94))  # +4 pts, noise ±2.7
    assert not small.lenient_target and "by less than 5 points" in small.summary


def test_verdict_names_the_room_pass_at_k_left() -> None:
    before = {**_result(0.2, 0.6), "pass_k": {"k": 8, "temperature": 0.7, "strict": 0.3, "lenient": 0.9}}
    result = verdict(before, _result(0.8, 0.75))
    assert abs(result.room - 0.3) < 1e-9 and result.k == 8
    assert "pass@8 before GRPO left 30.0 pts of room, and GRPO turned 50 % of it into greedy accuracy" in result.summary
    assert "turned none of it" in verdict(before, _result(0.8, 0.55)).summary
    assert result.to_dict()["lenient_room"] == result.room


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
    assert "strict target reached" in text and "a⏎b" in text
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


def _with_pass_k(strict: float, lenient: float, pk_strict: float, pk_lenient: float) -> dict:
    result = _result(strict, lenient)
    result["pass_k"] = {
        "k": 8,
        "temperature": 0.7,
        "strict": pk_strict,
        "lenient": pk_lenient,
        "sample_strict": strict,
        "sample_lenient": lenient,
        "seconds": 1.0,
    }
    result["by_language"]["en"].update(pass_k_strict=pk_strict, pass_k_lenient=pk_lenient)
    return result


def test_report_pass_at_k_fields_and_table(tmp_path: Path) -> None:
    from rewardkit.train.report import PASS_K_KEYS

    report = _report(_with_pass_k(0.1, 0.5, 0.3, 0.8), _with_pass_k(0.6, 0.6, 0.7, 0.75), base=_result(0.0, 0.0))
    for key in PASS_K_KEYS:
        assert key in report
    assert report["pass_k"] == {"k": 8, "temperature": 0.7}
    assert report["pass_k_lenient_before_grpo"] == 0.8 and report["pass_k_strict_after_grpo"] == 0.7
    assert report["by_language"]["en"]["pass_k_lenient_after_grpo"] == 0.75
    assert report["verdict"]["target_reached"] and abs(report["verdict"]["lenient_room"] - 0.3) < 1e-9
    text = render_markdown(report)
    assert "| lenient pass@8 | - | 80.0 % | 75.0 % | -5.0 pts |" in text
    assert "| strict pass@8 | - | 30.0 % | 70.0 % | +40.0 pts |" in text
    assert "lenient pass@8 before → after" in text and "| en | 250 | 10.0 % → 60.0 %" in text
    assert "the answers themselves: lenient ≥ +5 pts: **reached**" in text
    greedy_only = _report(_result(0.1, 0.5), _result(0.6, 0.6))
    assert "pass_k" not in greedy_only and "pass@" not in render_markdown(greedy_only)


def test_report_breaks_accuracy_down_by_the_configured_columns() -> None:
    def with_ops(strict: float, lenient: float, mul_lenient: float) -> dict:
        result = _result(strict, lenient)
        result["by_column"] = {
            "op": {
                "add": {"n": 250, "strict": strict, "lenient": lenient, "format": 1.0},
                "mul": {"n": 250, "strict": strict, "lenient": mul_lenient, "format": 1.0},
            }
        }
        return result

    report = _report(with_ops(0.0, 0.4, 0.6), with_ops(0.6, 0.6, 0.9))
    mul = report["by_column"]["op"]["mul"]
    assert (mul["n"], mul["lenient_before_grpo"], mul["lenient_after_grpo"]) == (250, 0.6, 0.9)
    text = render_markdown(report)
    assert "## By op" in text and "| mul | 250 | 0.0 % → 60.0 % | 60.0 % → 90.0 % |" in text
    assert text.index("## By language") < text.index("## By op")
    plain = _report(_result(0.0, 0.4), _result(0.6, 0.6))
    assert "by_column" not in plain and "## By op" not in render_markdown(plain)
