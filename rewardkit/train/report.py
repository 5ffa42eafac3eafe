"""``report.json`` and ``report.md``: what GRPO changed, measured on held-out problems.

Accuracy is reported two ways, before and after GRPO, on the same problems with the same greedy
decoding: *strict* (graded format and right answer) and *lenient* (right final number in any
format). The verdict compares the gains with the demo's targets: strict at least +30 points with
lenient not lower beyond noise, and the stretch, lenient at least +5 points.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The keys of report.json that the demo and `rewardkit eval` always write (issue 7 names them).
REPORT_KEYS = (
    "accuracy_before_grpo",
    "accuracy_after_grpo",
    "lenient_before_grpo",
    "lenient_after_grpo",
    "accuracy_base",
    "eval_size",
    "by_language",
    "wall_seconds",
)
STRICT_TARGET = 0.30
LENIENT_STRETCH = 0.05


@dataclass(frozen=True)
class Verdict:
    """Which of the demo's targets a run reached."""

    strict_gain: float
    lenient_gain: float
    noise: float  # two standard errors of the lenient accuracy before GRPO
    target: bool  # strict >= +30 points and lenient not lower beyond noise
    stretch: bool  # lenient >= +5 points

    @property
    def summary(self) -> str:
        gains = f"strict {self.strict_gain * 100:+.1f} pts, lenient {self.lenient_gain * 100:+.1f} pts"
        if self.target and self.stretch:
            return f"target and stretch reached ({gains}): GRPO fixed the format and improved the answers themselves"
        if self.target:
            return (
                f"target reached, stretch not reached ({gains}): GRPO taught the graded format; "
                "the answers themselves did not improve by 5 points"
            )
        if self.stretch:
            return f"stretch reached but not the strict target ({gains})"
        return f"target not reached ({gains})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "strict_gain": self.strict_gain,
            "lenient_gain": self.lenient_gain,
            "lenient_noise": self.noise,
            "target_reached": self.target,
            "stretch_reached": self.stretch,
            "summary": self.summary,
        }


def verdict(before: dict[str, Any], after: dict[str, Any]) -> Verdict:
    """Compare two eval results (``EvalResult.to_dict()``) against the demo's targets."""
    n = max(int(before.get("n") or 0), 1)
    lenient_before = float(before["lenient"])
    noise = 2 * math.sqrt(max(lenient_before * (1 - lenient_before), 1e-9) / n)
    strict_gain = float(after["strict"]) - float(before["strict"])
    lenient_gain = float(after["lenient"]) - lenient_before
    return Verdict(
        strict_gain=strict_gain,
        lenient_gain=lenient_gain,
        noise=noise,
        target=strict_gain >= STRICT_TARGET - 1e-9 and lenient_gain >= -noise,
        stretch=lenient_gain >= LENIENT_STRETCH - 1e-9,
    )


def build_report(
    *,
    recipe_name: str,
    eval_base: dict[str, Any] | None,
    eval_before: dict[str, Any] | None,
    eval_after: dict[str, Any] | None,
    wall_seconds: float,
    phases: dict[str, float],
    grpo_steps: int,
    interrupted: bool,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``report.json`` document (keys named in the issue: ``accuracy_before_grpo`` ...)."""
    report: dict[str, Any] = {"recipe": recipe_name, "interrupted": interrupted, "grpo_steps": grpo_steps}
    if eval_before is not None:
        report["accuracy_before_grpo"] = eval_before["strict"]
        report["lenient_before_grpo"] = eval_before["lenient"]
        report["format_before_grpo"] = eval_before["format"]
        report["eval_size"] = eval_before["n"]
        report["judge"] = eval_before.get("judge", "")
    if eval_after is not None:
        report["accuracy_after_grpo"] = eval_after["strict"]
        report["lenient_after_grpo"] = eval_after["lenient"]
        report["format_after_grpo"] = eval_after["format"]
        report["eval_size"] = eval_after["n"]
    if eval_base is not None:
        report["accuracy_base"] = eval_base["strict"]
        report["lenient_base"] = eval_base["lenient"]
    report["by_language"] = _by_language(eval_base, eval_before, eval_after)
    if eval_before is not None and eval_after is not None:
        report["verdict"] = verdict(eval_before, eval_after).to_dict()
    report["wall_seconds"] = round(wall_seconds, 1)
    report["phase_seconds"] = {k: round(v, 1) for k, v in phases.items()}
    report.update(extra or {})
    return report


def _by_language(*results: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for label, result in zip(("base", "before_grpo", "after_grpo"), results, strict=True):
        if result is None:
            continue
        for lang, score in result.get("by_language", {}).items():
            entry = out.setdefault(lang, {"n": score["n"]})
            entry[f"strict_{label}"] = score["strict"]
            entry[f"lenient_{label}"] = score["lenient"]
            entry[f"format_{label}"] = score["format"]
    return out


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * float(value):.1f} %"


def render_markdown(report: dict[str, Any], examples: list[dict[str, Any]] | None = None) -> str:
    """``report.md``: the before → after table, per language, the verdict and sample completions."""
    lines = [f"# rewardkit train: {report.get('recipe', '')}", ""]
    if report.get("interrupted"):
        lines += [f"**Interrupted** after {report.get('grpo_steps', 0)} GRPO steps; the figures below are for that adapter.", ""]
    n = report.get("eval_size")
    if n is not None:
        lines += [
            f"Held-out accuracy on **{n}** problems that neither training phase saw, greedy decoding, "
            f"same settings before and after (judge: {report.get('judge') or 'n/a'}). "
            "*Strict*: `<think>…</think><answer>N</answer>` and N right; *lenient*: the final number right in any format.",
            "",
            "| | base model | before GRPO | after GRPO | change |",
            "|---|---|---|---|---|",
        ]
        for key, label in (("accuracy", "strict"), ("lenient", "lenient"), ("format", "graded format")):
            base = report.get(f"{key}_base")
            before, after = report.get(f"{key}_before_grpo"), report.get(f"{key}_after_grpo")
            change = "-" if before is None or after is None else f"{100 * (after - before):+.1f} pts"
            lines.append(f"| {label} | {_pct(base)} | {_pct(before)} | {_pct(after)} | {change} |")
        lines.append("")
    by_language = report.get("by_language") or {}
    if by_language:
        lines += ["## By language", "", "| language | n | strict before → after | lenient before → after |", "|---|---|---|---|"]
        for lang, entry in sorted(by_language.items()):
            lines.append(
                f"| {lang} | {entry['n']} | {_pct(entry.get('strict_before_grpo'))} → {_pct(entry.get('strict_after_grpo'))} "
                f"| {_pct(entry.get('lenient_before_grpo'))} → {_pct(entry.get('lenient_after_grpo'))} |"
            )
        lines.append("")
    result = report.get("verdict")
    if result:
        lines += [
            "## Verdict",
            "",
            f"**{result['summary']}.**",
            "",
            f"Targets: strict ≥ +{100 * STRICT_TARGET:.0f} pts with lenient not lower beyond noise "
            f"(±{100 * result['lenient_noise']:.1f} pts, two standard errors); "
            f"stretch: lenient ≥ +{100 * LENIENT_STRETCH:.0f} pts.",
            "",
        ]
    rewards = report.get("reward_curve") or {}
    if rewards:
        lines += ["## Training rewards (GRPO)", "", "| reward | first log | last log |", "|---|---|---|"]
        for key, (first, last) in rewards.items():
            lines.append(f"| {key} | {first:.3f} | {last:.3f} |")
        lines.append("")
    lines += [f"Wall time: {report.get('wall_seconds', 0):.0f} s ("]
    lines[-1] += ", ".join(f"{k} {v:.0f} s" for k, v in (report.get("phase_seconds") or {}).items()) + ")."
    lines.append("")
    if examples:
        lines += ["## Sample completions after GRPO", ""]
        for ex in examples[:6]:
            mark = "strict ✓" if ex["strict"] else ("lenient ✓" if ex["lenient"] else "✗")
            text = ex["completion"][:160].replace("\n", "⏎").replace("`", "'") or "(empty)"
            lines.append(f"- `{text}` (gold {ex['gold']}; {mark})")
        lines.append("")
    lines += ["Files: `adapter/` (peft LoRA), `recipe.resolved.yaml`, `metrics.jsonl`, `rewards.png`, `report.json`.", ""]
    return "\n".join(lines)


def write_report(out_dir: Path, report: dict[str, Any], examples: list[dict[str, Any]] | None = None) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into ``out_dir``, each atomically (temporary file, then rename)."""
    from rewardkit.train.outputs import write_text

    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    write_text(json_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_text(md_path, render_markdown(report, examples))
    return json_path, md_path


def reward_curve(records: list[dict[str, Any]], ids: list[str]) -> dict[str, tuple[float, float]]:
    """First and last logged value of the total reward and each component during GRPO."""
    grpo = [r for r in records if r.get("phase") == "grpo" and isinstance(r.get("reward"), (int, float))]
    if not grpo:
        return {}
    curve = {"reward (total)": (float(grpo[0]["reward"]), float(grpo[-1]["reward"]))}
    for rid in ids:
        key = f"rewards/{rid}/mean"
        values = [r[key] for r in grpo if isinstance(r.get(key), (int, float))]
        if values:
            curve[rid] = (float(values[0]), float(values[-1]))
    return curve
