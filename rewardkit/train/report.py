"""``report.json`` and ``report.md``: what GRPO changed, measured on held-out problems.

Accuracy is reported two ways, before and after GRPO, on the same problems with the same greedy
decoding: *strict* (graded format and right answer) and *lenient* (right final number in any
format). Next to it, *pass@k*: k completions sampled at the training temperature, a problem counts
when one of them is right. Greedy accuracy is pass@1; the gap between pass@1 and pass@k before GRPO
is the room GRPO can turn into greedy accuracy (it learns only from groups with a right sample).

The verdict judges the two things GRPO can improve separately: the format (strict at least +30
points) and the answers themselves (lenient at least +5 points), and says which happened.
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
# With pass@k on (train.eval.pass_k > 0), report.json also has these (issue 14).
PASS_K_KEYS = (
    "pass_k",
    "pass_k_strict_before_grpo",
    "pass_k_strict_after_grpo",
    "pass_k_lenient_before_grpo",
    "pass_k_lenient_after_grpo",
)
STRICT_TARGET = 0.30
LENIENT_TARGET = 0.05


@dataclass(frozen=True)
class Verdict:
    """Which of the demo's targets a run reached: the format (strict) and the answers (lenient)."""

    strict_gain: float
    lenient_gain: float
    noise: float  # two standard errors of the lenient accuracy before GRPO
    strict_target: bool  # strict >= +30 points
    lenient_target: bool  # lenient >= +5 points
    room: float | None = None  # lenient pass@k minus greedy lenient accuracy, before GRPO
    k: int | None = None

    @property
    def target(self) -> bool:
        """Both targets: GRPO taught the format and made the answers better."""
        return self.strict_target and self.lenient_target

    @property
    def summary(self) -> str:
        gains = f"strict {self.strict_gain * 100:+.1f} pts, lenient {self.lenient_gain * 100:+.1f} pts"
        if self.lenient_target:
            answers = "improved the answers themselves"
        elif self.lenient_gain < -self.noise:
            answers = f"made the answers themselves worse (beyond the ±{self.noise * 100:.1f} pts noise)"
        elif self.lenient_gain > self.noise:
            answers = "improved the answers themselves, by less than 5 points"
        else:
            answers = f"left the answers themselves unchanged (within ±{self.noise * 100:.1f} pts noise)"
        if self.room is not None and self.k is not None:
            if self.room > 1e-9 and self.lenient_gain > 0:
                used = f"GRPO turned {self.lenient_gain / self.room * 100:.0f} % of it into greedy accuracy"
            else:
                used = "GRPO turned none of it into greedy accuracy"
            answers += f"; pass@{self.k} before GRPO left {self.room * 100:.1f} pts of room, and {used}"
        form = "taught the graded format" if self.strict_target else "did not teach the graded format (strict below +30 pts)"
        if self.target:
            head = "targets reached"
        elif self.strict_target:
            head = "strict target reached, lenient target not reached"
        elif self.lenient_target:
            head = "lenient target reached, strict target not reached"
        else:
            head = "targets not reached"
        return f"{head} ({gains}): GRPO {form} and {answers}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "strict_gain": self.strict_gain,
            "lenient_gain": self.lenient_gain,
            "lenient_noise": self.noise,
            "strict_target_reached": self.strict_target,
            "lenient_target_reached": self.lenient_target,
            "target_reached": self.target,
            "lenient_room": self.room,
            "summary": self.summary,
        }


def verdict(before: dict[str, Any], after: dict[str, Any]) -> Verdict:
    """Compare two eval results (``EvalResult.to_dict()``) against the demo's targets."""
    n = max(int(before.get("n") or 0), 1)
    lenient_before = float(before["lenient"])
    noise = 2 * math.sqrt(max(lenient_before * (1 - lenient_before), 1e-9) / n)
    strict_gain = float(after["strict"]) - float(before["strict"])
    lenient_gain = float(after["lenient"]) - lenient_before
    sampled = before.get("pass_k") or None
    return Verdict(
        strict_gain=strict_gain,
        lenient_gain=lenient_gain,
        noise=noise,
        strict_target=strict_gain >= STRICT_TARGET - 1e-9,
        lenient_target=lenient_gain >= LENIENT_TARGET - 1e-9,
        room=float(sampled["lenient"]) - lenient_before if sampled else None,
        k=int(sampled["k"]) if sampled else None,
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
    for label, result in (("before_grpo", eval_before), ("after_grpo", eval_after)):
        sampled = (result or {}).get("pass_k")
        if sampled:
            report["pass_k"] = {"k": sampled["k"], "temperature": sampled["temperature"]}
            for key in ("strict", "lenient", "sample_strict", "sample_lenient"):
                report[f"pass_k_{key}_{label}"] = sampled[key]
    if eval_base is not None:
        report["accuracy_base"] = eval_base["strict"]
        report["lenient_base"] = eval_base["lenient"]
    report["by_language"] = _merge_groups([(r or {}).get("by_language") for r in (eval_base, eval_before, eval_after)])
    columns = sorted({column for r in (eval_before, eval_after) for column in (r or {}).get("by_column", {})})
    if columns:
        report["by_column"] = {
            column: _merge_groups([((r or {}).get("by_column") or {}).get(column) for r in (eval_base, eval_before, eval_after)])
            for column in columns
        }
    if eval_before is not None and eval_after is not None:
        report["verdict"] = verdict(eval_before, eval_after).to_dict()
    report["wall_seconds"] = round(wall_seconds, 1)
    report["phase_seconds"] = {k: round(v, 1) for k, v in phases.items()}
    report.update(extra or {})
    return report


def _merge_groups(per_result: list[dict[str, Any] | None]) -> dict[str, dict[str, Any]]:
    """One entry per group (a language, or a value of a ``by_columns`` column) with its base/before/after scores."""
    out: dict[str, dict[str, Any]] = {}
    for label, groups in zip(("base", "before_grpo", "after_grpo"), per_result, strict=True):
        for name, score in (groups or {}).items():
            entry = out.setdefault(name, {"n": score["n"]})
            entry[f"strict_{label}"] = score["strict"]
            entry[f"lenient_{label}"] = score["lenient"]
            entry[f"format_{label}"] = score["format"]
            if score.get("pass_k_lenient") is not None:
                entry[f"pass_k_strict_{label}"] = score["pass_k_strict"]
                entry[f"pass_k_lenient_{label}"] = score["pass_k_lenient"]
    return out


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * float(value):.1f} %"


def _group_table(column: str, groups: dict[str, dict[str, Any]], k: int | None) -> list[str]:
    """``## By <column>``: each group's greedy (and pass@k) strict and lenient accuracy, before → after."""
    if not groups:
        return []
    head = f"| {column} | n | strict before → after | lenient before → after |"
    if k:
        head += f" strict pass@{k} before → after | lenient pass@{k} before → after |"
    lines = [f"## By {column}", "", head, "|" + "---|" * (head.count("|") - 1)]
    for name, entry in sorted(groups.items()):
        row = (
            f"| {name} | {entry['n']} | {_pct(entry.get('strict_before_grpo'))} → {_pct(entry.get('strict_after_grpo'))} "
            f"| {_pct(entry.get('lenient_before_grpo'))} → {_pct(entry.get('lenient_after_grpo'))} |"
        )
        if k:
            row += (
                f" {_pct(entry.get('pass_k_strict_before_grpo'))} → {_pct(entry.get('pass_k_strict_after_grpo'))} "
                f"| {_pct(entry.get('pass_k_lenient_before_grpo'))} → {_pct(entry.get('pass_k_lenient_after_grpo'))} |"
            )
        lines.append(row)
    return [*lines, ""]


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
        sampled = report.get("pass_k") or {}
        k = sampled.get("k")
        rows = [("accuracy", "strict")]
        if k:
            rows += [("pass_k_strict", f"strict pass@{k}")]
        rows += [("lenient", "lenient")]
        if k:
            rows += [("pass_k_lenient", f"lenient pass@{k}"), ("pass_k_sample_lenient", "lenient, one sample (mean)")]
        rows += [("format", "graded format")]
        for key, label in rows:
            base = report.get(f"{key}_base")
            before, after = report.get(f"{key}_before_grpo"), report.get(f"{key}_after_grpo")
            change = "-" if before is None or after is None else f"{100 * (after - before):+.1f} pts"
            lines.append(f"| {label} | {_pct(base)} | {_pct(before)} | {_pct(after)} | {change} |")
        lines.append("")
        if k:
            lines += [
                f"*strict* and *lenient* are greedy (pass@1). *pass@{k}*: {k} completions sampled per problem at "
                f"temperature {sampled.get('temperature')}, the problem counts when one is right. GRPO learns only "
                f"from problems some sample solves, so lenient pass@{k} minus greedy lenient before GRPO is the room "
                "it has to make the answers better.",
                "",
            ]
    k = (report.get("pass_k") or {}).get("k")
    lines += _group_table("language", report.get("by_language") or {}, k)
    for column, groups in sorted((report.get("by_column") or {}).items()):
        lines += _group_table(column, groups, k)
    result = report.get("verdict")
    if result:
        lines += [
            "## Verdict",
            "",
            f"**{result['summary']}.**",
            "",
            f"- the format: strict ≥ +{100 * STRICT_TARGET:.0f} pts: "
            f"**{'reached' if result['strict_target_reached'] else 'not reached'}** "
            f"({100 * result['strict_gain']:+.1f} pts)",
            f"- the answers themselves: lenient ≥ +{100 * LENIENT_TARGET:.0f} pts: "
            f"**{'reached' if result['lenient_target_reached'] else 'not reached'}** "
            f"({100 * result['lenient_gain']:+.1f} pts; noise ±{100 * result['lenient_noise']:.1f} pts, two standard errors)",
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
