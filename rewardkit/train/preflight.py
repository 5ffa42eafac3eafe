"""Preflight: what ``rewardkit train --dry-run`` shows, and what every training run checks first.

* the columns the rewards read are in the data (parameters marked :class:`rewardkit.Column`, never
  parameter names: a third-party reward's columns are checked the same way);
* the prompt the model will see, rendered for two samples, with its length in tokens;
* every reward run on the dataset's own reference answers: the gold must score as correct, and
  the share of golds the rewards can read (the *gold parse rate*) stops the run when it is low;
* a memory estimate of the model plus LoRA.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.outcome import ErrorKind
from rewardkit.reward import Sample
from rewardkit.train.columns import column_uses
from rewardkit.train.config import TrainSettings

UNPARSEABLE = f"error:{ErrorKind.UNPARSEABLE_GOLD.value}"


@dataclass
class RewardCheck:
    """One reward on the reference answers."""

    id: str
    mean: float | None
    full_marks: float  # share of rows scored at the reward's maximum (1.0)
    outcomes: dict[str, int]
    uses_gold: bool


@dataclass
class PreflightReport:
    """What preflight found; ``errors`` stop the run."""

    train_rows: int
    eval_rows: int
    prompts: list[tuple[str, int]] = field(default_factory=list)  # (rendered text, tokens)
    rewards: list[RewardCheck] = field(default_factory=list)
    gold_parse_rate: float | None = None
    gold_correct_rate: float | None = None
    checked_rows: int = 0
    memory: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "train_rows": self.train_rows,
            "eval_rows": self.eval_rows,
            "gold_parse_rate": self.gold_parse_rate,
            "gold_correct_rate": self.gold_correct_rate,
            "checked_rows": self.checked_rows,
            "rewards_on_reference": {
                r.id: {"mean": r.mean, "full_marks": r.full_marks, "outcomes": r.outcomes} for r in self.rewards
            },
            "memory": self.memory,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def missing_columns(recipe: Any, columns: set[str]) -> list[str]:
    """Located errors for every column a reward reads (its params say so with a ``Column`` marker) that the data lacks."""
    errors = []
    for use in column_uses(recipe):
        if use.column not in columns:
            errors.append(
                f"{recipe.locate(use.where)}: {'.'.join(map(str, use.path))}: column {use.column!r} "
                f"(read by {use.reward}) is not in the training data (columns: {', '.join(sorted(columns))})"
            )
    return errors


def _full_marks(value: float | None) -> bool:
    return value is not None and value >= 1.0 - 1e-9


def render_for_display(prompt: Any, tokenizer: Any) -> tuple[str, int]:
    """The exact text the model sees for ``prompt`` and its length in tokens."""
    if isinstance(prompt, str):
        return prompt, len(tokenizer(text=prompt)["input_ids"])
    text = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=False)
    ids = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    return text, len(ids)


def check_rewards_on_reference(
    recipe: Any, compiled: Any, rows: Any, limit: int
) -> tuple[list[RewardCheck], float | None, float | None, int]:
    """Score each row's reference answer with every reward of the recipe.

    The completion is the row's ``reference`` solution when it has one, else the bare gold. Returns
    the per-reward checks, the gold parse rate and the gold correct rate (over the entries whose
    rewards read a gold column, ``Column(gold=True)``; None when none does) and the number of rows
    checked.
    """
    from rewardkit.score import score_samples

    n = min(limit, len(rows))
    subset = rows.select(range(n))
    skip = {"prompt"}
    samples = [
        Sample(
            completion=row["reference"] or row["solution"],
            prompt=row["question"],
            columns={k: v for k, v in row.items() if k not in skip},
        )
        for row in subset
    ]
    results = score_samples(recipe, samples, compiled=compiled)
    checks = []
    gold_entries = {use.entry_id for use in column_uses(recipe) if use.gold}
    gold_ids = [f.__name__ for f in compiled.funcs if f.__name__ in gold_entries]
    for func in compiled.funcs:
        rid = func.__name__
        values = [v for v in (r.rewards[rid] for r in results) if v is not None]
        outcomes: dict[str, int] = {}
        for r in results:
            outcomes[r.outcomes[rid]] = outcomes.get(r.outcomes[rid], 0) + 1
        full = sum(1 for v in values if _full_marks(v)) / n if n else 0.0
        checks.append(RewardCheck(rid, sum(values) / len(values) if values else None, full, outcomes, rid in gold_ids))
    if not gold_ids or not n:
        return checks, None, None, n
    parsed = sum(1 for r in results if all(r.outcomes[g] != UNPARSEABLE for g in gold_ids)) / n
    correct = sum(1 for r in results if all(_full_marks(r.rewards[g]) for g in gold_ids)) / n
    return checks, parsed, correct, n


def run_preflight(
    recipe: Any,
    settings: TrainSettings,
    splits: Any,
    tokenizer: Any,
    compiled: Any,
    model_path: str | Path,
    grpo_args: dict[str, Any],
) -> PreflightReport:
    """Run every preflight check; nothing here trains or generates.

    Args:
        recipe: the loaded recipe.
        settings: its ``train:`` section.
        splits: the training and held-out data (:class:`rewardkit.train.data.Splits`).
        tokenizer: the model's tokenizer.
        compiled: the recipe compiled for TRL.
        model_path: the model folder or hub id (for the memory estimate).
        grpo_args: the ``GRPOConfig`` arguments the run will use.

    Returns:
        The :class:`PreflightReport`; a run stops when ``report.errors`` is not empty.
    """
    from rewardkit.train.model import estimate_memory

    report = PreflightReport(train_rows=len(splits.train), eval_rows=len(splits.eval))
    columns = set(splits.train.column_names)
    report.errors.extend(missing_columns(recipe, columns))
    for row in splits.train.select(range(min(2, len(splits.train)))):
        report.prompts.append(render_for_display(row["prompt"], tokenizer))
    if not report.errors:
        report.rewards, report.gold_parse_rate, report.gold_correct_rate, report.checked_rows = check_rewards_on_reference(
            recipe, compiled, splits.train, settings.preflight.sample_size
        )
        threshold = settings.preflight.min_gold_parse_rate
        if report.gold_parse_rate is not None and report.gold_parse_rate < threshold:
            report.errors.append(
                f"{recipe.locate(('train', 'dataset'))}: only {100 * report.gold_parse_rate:.0f} % of the gold answers "
                f"can be read by the rewards (minimum {100 * threshold:.0f} %, train.preflight.min_gold_parse_rate): "
                "check the solution column or the dataset adapter"
            )
        if report.gold_correct_rate is not None and report.gold_correct_rate < threshold:
            report.warnings.append(
                f"only {100 * report.gold_correct_rate:.0f} % of the reference solutions score as correct: "
                "the rewards may not read this dataset's answer style"
            )
    prompt_tokens = max((n for _, n in report.prompts), default=64)
    length = prompt_tokens + int(grpo_args.get("max_completion_length", 256))
    try:
        memory = estimate_memory(
            model_path, settings.model, settings.lora, int(grpo_args.get("per_device_train_batch_size", 8)), length
        )
        report.memory = memory.describe()
    except Exception as exc:  # noqa: BLE001 - an estimate must never stop a run
        report.memory = f"unavailable ({type(exc).__name__}: {exc})"
    return report


def print_preflight(report: PreflightReport, console: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]preflight[/bold]: {report.train_rows} training rows, {report.eval_rows} held-out rows")
    for i, (text, n) in enumerate(report.prompts, 1):
        console.print(f"prompt {i} ({n} tokens):")
        console.print(escape(text.rstrip()), style="dim")
    if report.rewards:
        table = Table(
            "reward", "mean on reference", "full marks", "outcomes", title=f"rewards on {report.checked_rows} reference answers"
        )
        for r in report.rewards:
            mean = "-" if r.mean is None else f"{r.mean:.3f}"
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items()))
            table.add_row(r.id + (" (gold)" if r.uses_gold else ""), mean, f"{100 * r.full_marks:.0f} %", outcomes)
        console.print(table)
    if report.gold_parse_rate is not None:
        correct = 100 * (report.gold_correct_rate or 0)
        console.print(f"gold parse rate {100 * report.gold_parse_rate:.1f} %, reference judged correct {correct:.1f} %")
    if report.memory:
        console.print(f"memory: {report.memory}")
    for warning in report.warnings:
        console.print(f"[yellow]warning[/yellow]: {escape(warning)}")
    for error in report.errors:
        console.print(f"[red]error[/red]: {escape(error)}")
