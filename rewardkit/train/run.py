"""A training run from a recipe: data, model, preflight, warm-up SFT, GRPO with LoRA, evaluation, report.

The same code runs on one CPU and under ``accelerate launch`` on many GPUs: TRL's trainers and
accelerate do the distribution; this module only makes sure that shared work (building the tiny
model, evaluating, writing reports) happens once, on the main process.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.train.common import grpo_args, quiet_libraries, without_printer
from rewardkit.train.config import TrainSettings, check_trainer_keys

RESOLVED_RECIPE = "recipe.resolved.yaml"
METRICS = "metrics.jsonl"


class TrainError(Exception):
    """A problem that stops a run before training; ``str()`` lists located messages, one per line."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class RunResult:
    """What a run left behind."""

    output_dir: Path
    report: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False
    dry_run: bool = False


def settings_of(recipe: Any) -> TrainSettings:
    """The recipe's validated ``train:`` section (a recipe without one cannot be trained)."""
    train = recipe.train
    if train is None:
        where = recipe.locate(())
        raise TrainError([f"{where}: the recipe has no `train:` section; see docs/training.md (or run `rewardkit demo`)"])
    if isinstance(train, dict):  # loaded without sections={"train": TrainSettings}: validate here, located
        from pydantic import ValidationError

        try:
            train = TrainSettings.model_validate(train)
        except ValidationError as exc:
            messages = []
            for error in exc.errors():
                path = ("train", *error["loc"])
                messages.append(f"{recipe.locate(path)}: {'.'.join(map(str, path))}: {error['msg']}")
            raise TrainError(messages) from None
    return train


def check_settings(recipe: Any, settings: TrainSettings) -> None:
    """GRPOConfig/SFTConfig field names, with file:line and did-you-mean; raises :class:`TrainError`."""
    problems = check_trainer_keys(settings)
    if problems:
        raise TrainError([f"{recipe.locate(path)}: {'.'.join(path)}: {message}" for path, message in problems])


def _state() -> Any:
    from accelerate import PartialState

    return PartialState()


def _set_threads(settings: TrainSettings) -> None:
    if settings.threads:
        import torch

        torch.set_num_threads(settings.threads)


def _offline_if_local(settings: TrainSettings, base_dir: Path) -> None:
    # Built-in model and data need no hub; don't let a half-working network stall the run.
    data_local = (
        settings.dataset.is_builtin or (base_dir / settings.dataset.source).exists() or Path(settings.dataset.source).exists()
    )
    model_local = settings.model.is_builtin or Path(settings.model.name_or_path).exists()
    if data_local and model_local:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def _save_resolved(recipe: Any, out: Path) -> None:
    from rewardkit.train.trainer_args import resolved_recipe_text  # effective GRPO/SFT settings and their origin

    (out / RESOLVED_RECIPE).write_text(resolved_recipe_text(recipe, settings_of(recipe)), encoding="utf-8")


def _last_checkpoint(folder: Path) -> str | None:
    if not folder.is_dir():
        return None
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(folder))


class Run:
    """One training run; :meth:`execute` does everything, in order."""

    def __init__(self, recipe: Any, *, output_dir: Path | None = None, resume: bool = False, console: Any = None) -> None:
        self.recipe = recipe
        self.settings = settings_of(recipe)
        name = recipe.name or (recipe.source.stem if recipe.source else "run")
        self.name = name
        # absolute, so that the adapter's recorded base model path works from any folder
        self.out = (Path(output_dir) if output_dir else self.settings.resolve_output_dir(name, Path.cwd())).resolve()
        self.resume = resume
        self.console = console
        self.phases: dict[str, float] = {}
        self._judge: Any = None
        self.start = time.monotonic()

    # ---- helpers
    def say(self, text: str) -> None:
        if self.console is not None and _state().is_main_process:
            self.console.print(text)

    def _timed(self, phase: str, began: float) -> None:
        self.phases[phase] = self.phases.get(phase, 0.0) + time.monotonic() - began

    # ---- phases
    def prepare(self) -> None:
        """Data, model folder, tokenizer, compiled rewards and the GRPO arguments."""
        from rewardkit.runtime import compile_recipe
        from rewardkit.train.data import load_splits
        from rewardkit.train.model import has_cuda, load_tokenizer

        check_settings(self.recipe, self.settings)
        quiet_libraries()
        _set_threads(self.settings)
        _offline_if_local(self.settings, self.recipe.base_dir)
        began = time.monotonic()
        self.cuda = has_cuda()
        state = _state()
        if state.is_main_process:
            self.out.mkdir(parents=True, exist_ok=True)
            _save_resolved(self.recipe, self.out)
        self.splits = load_splits(self.settings.dataset, seed=self.settings.seed, base_dir=self.recipe.base_dir)
        self.model_path = self._model_folder()
        self.tokenizer = load_tokenizer(self.model_path, self.settings.model)
        self.compiled = compile_recipe(self.recipe)
        self.grpo_args = grpo_args(self.settings, self.cuda)
        self._timed("prepare", began)

    def _model_folder(self) -> str | Path:
        settings = self.settings
        if not settings.model.is_builtin:
            return settings.model.name_or_path
        from rewardkit.train.tiny import ensure_tiny_model, tokenizer_corpus

        folder = self.out / "base"
        state = _state()
        with state.main_process_first():
            if state.is_main_process:
                corpus = tokenizer_corpus(self.splits.train, settings.model.tiny.corpus_size)
                _, built = ensure_tiny_model(folder, settings.model.tiny, corpus, settings.seed)
                self.say(f"{'built' if built else 'reusing'} the tiny model in {folder}")
        return folder

    def preflight(self) -> Any:
        from rewardkit.train.preflight import print_preflight, run_preflight

        began = time.monotonic()
        report = run_preflight(
            self.recipe, self.settings, self.splits, self.tokenizer, self.compiled, self.model_path, self.grpo_args
        )
        report.errors = list(report.errors) + self._config_errors() + self._judge_errors()
        if self.settings.model.is_builtin and (self.settings.warmup_sft is None or not self.settings.warmup_sft.enabled):
            report.warnings.append(
                "builtin:tiny starts untrained: without warmup_sft every sample scores 0 and GRPO cannot learn anything"
            )
        if self.console is not None and _state().is_main_process:
            print_preflight(report, self.console)
        self._timed("preflight", began)
        return report

    def _config_errors(self) -> list[str]:
        """Build the trainer configs once now, so that value errors (batch/generation sizes...) stop the run early."""
        from trl import GRPOConfig

        try:
            GRPOConfig(output_dir=str(self.out / "checkpoints"), **self.grpo_args)
        except (ValueError, TypeError) as exc:
            return [f"{self.recipe.locate(('train', 'grpo'))}: train.grpo: {exc}"]
        return []

    def _judge_errors(self) -> list[str]:
        if not self.settings.eval.enabled:
            return []
        try:
            self.judge()
        except TrainError as exc:
            return exc.messages
        return []

    def judge(self) -> Any:
        """The held-out judge: the recipe's gold-reading reward, else ``math.equivalence`` (built once)."""
        if self._judge is None:
            from rewardkit.train.evaluate import JudgeUnavailable, make_judge

            try:
                self._judge = make_judge(self.recipe, self.settings.eval.locale)
            except JudgeUnavailable as exc:
                raise TrainError([f"{self.recipe.locate(('rewards',))}: {exc}"]) from None
        return self._judge

    def evaluate(self, label: str, model_path: str | Path, adapter: Path | None = None) -> dict[str, Any] | None:
        """Greedy held-out accuracy of a model (and adapter), on the main process only."""
        if not self.settings.eval.enabled:
            return None
        state = _state()
        result = None
        if state.is_main_process:
            from rewardkit.train.evaluate import evaluate_model
            from rewardkit.train.model import load_model

            began = time.monotonic()
            model = load_model(model_path, self.settings.model, adapter)
            ev = self.settings.eval
            max_new = ev.max_new_tokens or int(self.grpo_args.get("max_completion_length", 32))
            out = evaluate_model(
                model,
                self.tokenizer,
                self.splits.eval,
                max_new_tokens=max_new,
                batch_size=ev.batch_size,
                reasoning_tag=ev.reasoning_tag,
                answer_tag=ev.answer_tag,
                judge=self.judge(),
            )
            result = out.to_dict()
            del model
            gc.collect()
            self._timed(f"eval {label}", began)
            self.say(
                f"eval {label}: strict {100 * out.strict:.1f} %, lenient {100 * out.lenient:.1f} %, "
                f"graded format {100 * out.format:.1f} % on {out.n} held-out problems"
            )
        state.wait_for_everyone()
        return result

    def warmup(self, callbacks: list[Any]) -> Path:
        from rewardkit.train.sft import DONE_MARKER, run_warmup

        sft_dir = self.out / "sft"
        if self.resume and (sft_dir / DONE_MARKER).is_file():
            self.say(f"warm-up SFT already done: reusing {sft_dir}")
            return sft_dir
        began = time.monotonic()
        self.say("warm-up SFT on reference solutions ...")
        run_warmup(self.model_path, self.tokenizer, self.splits.train, self.settings, sft_dir, callbacks, self.cuda)
        self._timed("warm-up sft", began)
        return sft_dir

    def grpo(self, model_path: str | Path, callbacks: list[Any]) -> tuple[Any, int]:
        from trl import GRPOConfig, GRPOTrainer

        from rewardkit.train.model import lora_config

        began = time.monotonic()
        config = GRPOConfig(
            output_dir=str(self.out / "checkpoints"),
            seed=self.settings.seed,
            reward_weights=list(self.compiled.weights),
            model_init_kwargs=self.settings.model.init_kwargs(model_path),
            **self.grpo_args,
        )
        trainer = GRPOTrainer(
            model=str(model_path),
            reward_funcs=list(self.compiled.funcs),
            args=config,
            train_dataset=self.splits.train,
            processing_class=self.tokenizer,
            peft_config=lora_config(self.settings.lora, model_path, self.settings.model),
            callbacks=callbacks,
        )
        without_printer(trainer)
        checkpoint = _last_checkpoint(self.out / "checkpoints") if self.resume else None
        if checkpoint:
            self.say(f"resuming GRPO from {checkpoint}")
        self.say(f"GRPO: {config.max_steps} steps, rewards {', '.join(self.compiled.ids)} weighted {self.compiled.weights}")
        try:
            trainer.train(resume_from_checkpoint=checkpoint)
        except KeyboardInterrupt:
            self.interrupted = True
            self.say("[yellow]interrupted: saving what was trained so far[/yellow]")
        self._timed("grpo", began)
        return trainer, trainer.state.global_step

    def save(self, trainer: Any) -> Path:
        """The adapter (LoRA) or the whole model (full fine-tuning), with the tokenizer."""
        target = self.out / ("adapter" if self.settings.lora.enabled else "model")
        trainer.save_model(str(target))
        if trainer.accelerator.is_main_process:
            self.tokenizer.save_pretrained(str(target))
        trainer.accelerator.wait_for_everyone()
        return target

    def execute(self, dry_run: bool = False) -> RunResult:
        from rewardkit.train.callbacks import GracefulStop, MetricsLogger, StopFlag, graceful_interrupt, read_metrics
        from rewardkit.train.plots import plot_run
        from rewardkit.train.report import build_report, reward_curve, write_report

        self.interrupted = False
        self.prepare()
        try:
            report = self.preflight()
            if report.errors:
                raise TrainError(report.errors)
            if dry_run:
                return RunResult(self.out, {"preflight": report.to_dict()}, dry_run=True)
            metrics_path = self.out / METRICS
            if _state().is_main_process and not self.resume:
                # a fresh run: stale metrics or checkpoints of an earlier one would mix into this one's
                metrics_path.unlink(missing_ok=True)
                shutil.rmtree(self.out / "checkpoints", ignore_errors=True)
            _state().wait_for_everyone()
            flag = StopFlag()
            main = _state().is_main_process
            with graceful_interrupt(flag) if main else nullcontext(flag):
                eval_base = None
                grpo_start = self.model_path
                if self.settings.warmup_sft is not None and self.settings.warmup_sft.enabled:
                    eval_base = self.evaluate("base model", self.model_path)
                    sft_log = MetricsLogger(metrics_path, "sft", self.console if main else None)
                    grpo_start = self.warmup([sft_log, GracefulStop(flag)])
                    if flag.requested:
                        self.interrupted = True
                        raise TrainError(["interrupted during the warm-up SFT; nothing was saved for GRPO"])
                eval_before = self.evaluate("before GRPO", grpo_start)
                grpo_log = MetricsLogger(metrics_path, "grpo", self.console if main else None, list(self.compiled.ids))
                trainer, steps = self.grpo(grpo_start, [grpo_log, GracefulStop(flag)])
                self.interrupted = self.interrupted or flag.requested
                saved = self.save(trainer)
                engine_stats = self.compiled.engine.snapshot() if main else {}
                del trainer
                gc.collect()
                if self.settings.lora.enabled:
                    eval_after = self.evaluate("after GRPO", grpo_start, adapter=saved)
                else:
                    eval_after = self.evaluate("after GRPO", saved)
            result = RunResult(self.out, interrupted=self.interrupted)
            if main:
                records = read_metrics(metrics_path)
                extra = {
                    "reward_ids": list(self.compiled.ids),
                    "reward_weights": list(self.compiled.weights),
                    "reward_curve": reward_curve(records, list(self.compiled.ids)),
                    "preflight": report.to_dict(),
                    "engine": _jsonable(engine_stats),
                    "artifacts": {"adapter" if self.settings.lora.enabled else "model": str(saved), "metrics": str(metrics_path)},
                }
                result.report = build_report(
                    recipe_name=self.name,
                    eval_base=eval_base,
                    eval_before=eval_before,
                    eval_after=eval_after,
                    wall_seconds=time.monotonic() - self.start,
                    phases=self.phases,
                    grpo_steps=steps,
                    interrupted=self.interrupted,
                    extra=extra,
                )
                plot_run(self.out / "rewards.png", records, list(self.compiled.ids), result.report)
                write_report(self.out, result.report, (eval_after or {}).get("examples"))
            return result
        finally:
            self.compiled.close()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def train_recipe(
    recipe: Any, *, output_dir: Path | None = None, resume: bool = False, dry_run: bool = False, console: Any = None
) -> RunResult:
    """Run the recipe's ``train:`` section end to end (or only its preflight with ``dry_run``).

    Args:
        recipe: a loaded recipe (``rewardkit.recipe.load_recipe``) with a ``train:`` section.
        output_dir: overrides ``train.output_dir``.
        resume: reuse a finished warm-up and continue GRPO from the last checkpoint.
        dry_run: stop after the preflight checks.
        console: a rich console for progress (None: silent).

    Returns:
        The :class:`RunResult`, with ``report`` as written to ``report.json``.

    Raises:
        TrainError: a configuration, data or preflight problem (messages carry file:line).
    """
    return Run(recipe, output_dir=output_dir, resume=resume, console=console).execute(dry_run=dry_run)


def evaluate_recipe(recipe: Any, adapter: Path | None = None, model: str | None = None, console: Any = None) -> dict[str, Any]:
    """Held-out accuracy of a base model, optionally with an adapter, exactly as ``train`` measures it."""
    run = Run(recipe, console=console)
    from rewardkit.train.data import load_splits
    from rewardkit.train.model import has_cuda, load_tokenizer

    settings = run.settings
    quiet_libraries()
    _set_threads(settings)
    _offline_if_local(settings, recipe.base_dir)
    run.cuda = has_cuda()
    run.splits = load_splits(settings.dataset, seed=settings.seed, base_dir=recipe.base_dir)
    run.grpo_args = grpo_args(settings, run.cuda)
    base = model or _base_of_adapter(adapter) or settings.model.name_or_path
    if base == "builtin:tiny":
        base = str(run.out / "sft") if (run.out / "sft").is_dir() else str(run.out / "base")
    run.tokenizer = load_tokenizer(
        adapter if adapter and (Path(adapter) / "tokenizer_config.json").is_file() else base, settings.model
    )
    result = run.evaluate("adapter" if adapter else "model", base, adapter)
    return result or {}


def _base_of_adapter(adapter: Path | None) -> str | None:
    if adapter is None:
        return None
    config = Path(adapter) / "adapter_config.json"
    if not config.is_file():
        return None
    try:
        base = json.loads(config.read_text()).get("base_model_name_or_path")
    except ValueError:
        return None
    return base if base and (Path(base).exists() or "/" in base) else None
