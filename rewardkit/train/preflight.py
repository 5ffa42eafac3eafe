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
    effective: dict[str, list[str]] = field(default_factory=dict)  # "grpo"/"sft" -> settings that differ from TRL's
    lora_targets: Any = None
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
            "effective_settings": self.effective,
            "lora_targets": self.lora_targets,
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


def missing_breakdown_columns(recipe: Any, settings: Any, available: list[str]) -> list[str]:
    """``train.eval.by_columns`` entries that the held-out rows do not have (file:line messages)."""
    if not settings.eval.enabled:
        return []
    where = recipe.locate(("train", "eval", "by_columns"))
    return [
        f"{where}: train.eval.by_columns: the held-out data has no column {column!r} (columns: {', '.join(available)})"
        for column in settings.eval.by_columns
        if column not in available
    ]


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
    report.errors.extend(missing_breakdown_columns(recipe, settings, list(splits.eval.column_names)))
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
    report.warnings.extend(skipped_everywhere(report.rewards, report.checked_rows))
    report.warnings.extend(completion_budget(splits.train, tokenizer, grpo_args, settings.preflight.sample_size))
    report.effective = effective_settings(settings)
    target_errors, report.lora_targets = lora_target_errors(recipe, settings, model_path)
    report.errors.extend(target_errors)
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


def skipped_everywhere(rewards: list[RewardCheck], rows: int) -> list[str]:
    """A warning for each reward that skipped (returned None on) every reference answer preflight scored."""
    return [
        f"reward {r.id!r} skipped all {rows} preflight rows: it never applies to this data (check its `when:` or columns), "
        "so it adds nothing to the training signal"
        for r in rewards
        if rows and r.outcomes.get("skip", 0) == rows
    ]


def completion_budget(rows: Any, tokenizer: Any, grpo_args: dict[str, Any], limit: int) -> list[str]:
    """A warning when ``max_completion_length`` is shorter than most reference solutions, in tokens."""
    budget = grpo_args.get("max_completion_length")
    if not budget or "reference" not in rows.column_names:
        return []
    refs = [r for r in rows.select(range(min(limit, len(rows))))["reference"] if r]
    if not refs:
        return []
    lengths = sorted(len(tokenizer(text=r)["input_ids"]) + 1 for r in refs)  # + the end-of-turn token
    longer = sum(1 for n in lengths if n > budget)
    if longer * 2 <= len(lengths):
        return []
    return [
        f"max_completion_length {budget} is shorter than {100 * longer // len(lengths)} % of the reference solutions "
        f"(median {lengths[len(lengths) // 2]} tokens, longest {lengths[-1]}): completions will be cut before their answer; "
        "raise train.grpo.max_completion_length"
    ]


def effective_settings(settings: TrainSettings, cuda: bool | None = None) -> dict[str, list[str]]:
    """The GRPO (and warm-up SFT) settings that differ from TRL's defaults, each with where it came from."""
    from rewardkit.train.model import has_cuda
    from rewardkit.train.trainer_args import bf16_supported, describe, resolve

    cuda = has_cuda() if cuda is None else cuda
    out = {"grpo": describe(resolve("grpo", settings, cuda, bf16_supported(cuda)))}
    if settings.warmup_sft is not None and settings.warmup_sft.enabled:
        out["sft"] = describe(resolve("sft", settings, cuda, bf16_supported(cuda)))
    return out


def lora_target_errors(recipe: Any, settings: TrainSettings, model_path: str | Path) -> tuple[list[str], Any]:
    """Located errors for LoRA targets that match no module of the model, and the targets the run will use."""
    from rewardkit.train.model import linear_modules, resolve_targets, unmatched_targets

    lora = settings.lora
    if not lora.enabled and not (settings.warmup_sft is not None and settings.warmup_sft.lora):
        return [], None
    try:
        cls, names = linear_modules(model_path, settings.model)
    except Exception:  # noqa: BLE001 - no readable config: the trainer reports it
        return [], lora.target_modules
    targets = resolve_targets(lora, names)
    leaves = sorted({n.rsplit(".", 1)[-1] for n in names})
    errors = [
        f"{recipe.locate(('train', 'lora', 'target_modules'))}: train.lora.target_modules: {t!r} matches no module of "
        f"{cls} (its linear layers: {', '.join(leaves)}; or use all-linear)"
        for t in unmatched_targets(targets, names)
    ]
    return errors, targets


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
    if report.lora_targets is not None:
        console.print(f"LoRA targets: {report.lora_targets}")
    for kind, lines in report.effective.items():
        title = "GRPOConfig" if kind == "grpo" else "SFTConfig (warm-up)"
        console.print(f"[bold]{title}[/bold] settings that differ from TRL's defaults:")
        for line in lines:
            console.print(f"  {escape(line)}")
    for warning in report.warnings:
        console.print(f"[yellow]warning[/yellow]: {escape(warning)}")
    for error in report.errors:
        console.print(f"[red]error[/red]: {escape(error)}")
