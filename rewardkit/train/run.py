"""A training run from a recipe: data, model, preflight, warm-up SFT, GRPO with LoRA, evaluation, report.

The same code runs on one CPU and under ``accelerate launch`` on many GPUs: TRL's trainers and
accelerate do the distribution; this module only makes sure that shared work (building the tiny
model, evaluating, writing reports) happens once, on the main process.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import shutil
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.train import outputs
from rewardkit.train.common import grpo_args, quiet_libraries, without_printer
from rewardkit.train.config import TrainSettings, check_trainer_keys
from rewardkit.train.outputs import CHECKPOINTS, MANIFEST, METRICS

RESOLVED_RECIPE = "recipe.resolved.yaml"
# Checkpoint files that belong to the trainer, not to the model: left out when a checkpoint becomes the adapter.
TRAINER_FILES = ("optimizer.pt", "scheduler.pt", "trainer_state.json", "training_args.bin", outputs.CHECKPOINT_MARKER)


class TrainError(Exception):
    """A problem that stops a run before training; ``str()`` lists located messages, one per line.

    ``printed``: the messages were already shown (preflight's table); ``interrupted``: Ctrl-C (exit 130).
    """

    def __init__(self, messages: list[str], *, interrupted: bool = False) -> None:
        self.messages = messages
        self.interrupted = interrupted
        super().__init__("\n".join(messages))


@dataclass
class RunResult:
    """What a run left behind."""

    output_dir: Path
    report: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False
    dry_run: bool = False
    already_finished: bool = False  # --resume on a finished run: nothing done
    grpo_steps: int = 0


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

    outputs.write_text(out / RESOLVED_RECIPE, resolved_recipe_text(recipe, settings_of(recipe)))


class Run:
    """One training run; :meth:`execute` does everything, in order."""

    def __init__(
        self,
        recipe: Any,
        *,
        output_dir: Path | None = None,
        resume: bool = False,
        overwrite: bool = False,
        console: Any = None,
        command: str = "train",
    ) -> None:
        self.recipe = recipe
        self.settings = settings_of(recipe)
        name = recipe.name or (recipe.source.stem if recipe.source else "run")
        self.name = name
        # absolute and symlink-free, inside the template's base: the adapter's recorded base model path works
        # from any folder, and a recipe name cannot point the run at another folder
        self.out = outputs.resolve_output_dir(
            self.settings.output_dir, name, Path.cwd(), Path(output_dir) if output_dir else None
        )
        self.work = self.out  # where base/ is built: a temporary folder for a dry run next to an existing run
        self.resume = resume
        self.overwrite = overwrite
        self.command = command
        self.mode = "fresh"
        self.manifest: dict[str, Any] = {}
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
        if state.is_main_process and self.work == self.out:
            _save_resolved(self.recipe, self.out)
        self.splits = load_splits(self.settings.dataset, seed=self.settings.seed, base_dir=self.recipe.base_dir)
        data_fp = outputs.data_fingerprint(self.splits.train, self.splits.eval)
        self._same_as_before("data_fingerprint", data_fp, "the training or held-out rows changed")
        self.model_path = self._model_folder()
        self.tokenizer = load_tokenizer(self.model_path, self.settings.model)
        tokenizer_fp = outputs.tokenizer_fingerprint(self.tokenizer)
        self._same_as_before("tokenizer_fingerprint", tokenizer_fp, "the tokenizer changed")
        self.sft_fp = outputs.digest([outputs.sft_inputs(self.inputs), data_fp, tokenizer_fp])
        self.grpo_fp = outputs.digest([self.recipe_fp, data_fp, tokenizer_fp])
        self._update_manifest(data_fingerprint=data_fp, tokenizer_fingerprint=tokenizer_fp)
        self.compiled = compile_recipe(self.recipe)
        self.grpo_args = grpo_args(self.settings, self.cuda)
        self._timed("prepare", began)

    def _model_folder(self) -> str | Path:
        settings = self.settings
        if not settings.model.is_builtin:
            return settings.model.name_or_path
        from rewardkit.train.tiny import ensure_tiny_model, tokenizer_corpus

        folder = self.work / "base"
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
            # errors are printed once, by the caller (stderr), not here as well
            print_preflight(dataclasses.replace(report, errors=[]), self.console)
        self._timed("preflight", began)
        return report

    def _config_errors(self) -> list[str]:
        """Build the trainer configs once now, so that value errors (batch/generation sizes...) stop the run early."""
        from trl import GRPOConfig

        try:
            GRPOConfig(output_dir=str(self.out / CHECKPOINTS), **self.grpo_args)
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

    def evaluate(
        self, label: str, model_path: str | Path, adapter: Path | None = None, sample: bool = True
    ) -> dict[str, Any] | None:
        """Greedy held-out accuracy of a model (and adapter), and pass@k unless ``sample`` is False; main process only."""
        if not self.settings.eval.enabled:
            return None
        state = _state()
        result = None
        if state.is_main_process:
            from rewardkit.train.evaluate import evaluate_model
            from rewardkit.train.model import load_model

            began = time.monotonic()
            model = load_model(model_path, self.settings.model, adapter)
            if adapter is not None and hasattr(model, "merge_and_unload"):
                model = model.merge_and_unload()  # the same function, generated without the LoRA detour: faster
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
                pass_k=ev.pass_k if sample else 0,
                temperature=ev.temperature or float(self.grpo_args.get("temperature", 1.0)),
                seed=self.settings.seed,
                by_columns=ev.by_columns,
            )
            result = out.to_dict()
            del model
            gc.collect()
            self._timed(f"eval {label}", began)
            self.say(
                f"eval {label}: strict {100 * out.strict:.1f} %, lenient {100 * out.lenient:.1f} %, "
                f"graded format {100 * out.format:.1f} % on {out.n} held-out problems"
                + (
                    f"; pass@{out.pass_k.k} (T {out.pass_k.temperature:g}): strict {100 * out.pass_k.strict:.1f} %, "
                    f"lenient {100 * out.pass_k.lenient:.1f} % ({out.pass_k.seconds:.0f} s)"
                    if out.pass_k
                    else ""
                )
            )
        state.wait_for_everyone()
        return result

    def warmup_reusable(self) -> bool:
        """Whether ``sft/`` holds a finished warm-up of these very inputs (a different one is an error)."""
        from rewardkit.train.sft import DONE_MARKER, warmup_done

        sft_dir = self.out / "sft"
        if self.mode != "resume" or not (sft_dir / DONE_MARKER).exists():
            return False
        marker = warmup_done(sft_dir)
        if marker is None or marker.get("fingerprint") != self.sft_fp:
            raise TrainError(
                [
                    f"{sft_dir} holds a warm-up trained from other inputs (recipe, seed, data or tokenizer): "
                    "it cannot be resumed; start a new run with --overwrite, or use another output_dir"
                ]
            )
        return True

    def warmup(self, callbacks: list[Any], reuse: bool) -> Path:
        from rewardkit.train.sft import run_warmup

        sft_dir = self.out / "sft"
        if reuse:
            self.say(f"warm-up SFT already done: reusing {sft_dir}")
            return sft_dir
        if _state().is_main_process:
            outputs.remove(sft_dir)  # a warm-up cut short
        _state().wait_for_everyone()
        began = time.monotonic()
        self.say("warm-up SFT on reference solutions ...")
        run_warmup(self.model_path, self.tokenizer, self.splits.train, self.settings, sft_dir, callbacks, self.cuda, self.sft_fp)
        self._timed("warm-up sft", began)
        return sft_dir

    def grpo(self, model_path: str | Path, callbacks: list[Any], checkpoint: Path | None, done: int) -> tuple[Any, int]:
        """GRPO from ``checkpoint`` (None: from the start); no trainer when the checkpoint already has every step."""
        from trl import GRPOConfig, GRPOTrainer

        from rewardkit.train.callbacks import CheckpointMarker
        from rewardkit.train.model import lora_config

        began = time.monotonic()
        target = int(self.grpo_args.get("max_steps", -1) or -1)
        if checkpoint is not None and target > 0 and done >= target:
            self.say(f"GRPO already reached step {done} of {target} in {checkpoint}: nothing left to train")
            return None, done
        config = GRPOConfig(
            output_dir=str(self.out / CHECKPOINTS),
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
            callbacks=[*callbacks, CheckpointMarker(self.grpo_fp)],
        )
        without_printer(trainer)
        if checkpoint:
            self.say(f"resuming GRPO from {checkpoint}")
        self.say(f"GRPO: {config.max_steps} steps, rewards {', '.join(self.compiled.ids)} weighted {self.compiled.weights}")
        try:
            trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
        except KeyboardInterrupt:
            self.interrupted = True
            self.say("[yellow]interrupted: saving what was trained so far[/yellow]")
        self._timed("grpo", began)
        return trainer, trainer.state.global_step

    def save(self, trainer: Any, steps: int, checkpoint: Path | None) -> Path:
        """The adapter (LoRA) or the whole model (full fine-tuning), with the tokenizer, swapped in whole.

        Without a trainer (the checkpoint already had every step) the checkpoint's model files are the result.
        """
        target = self.out / ("adapter" if self.settings.lora.enabled else "model")
        tmp = target.with_name(f".{target.name}.tmp")
        state = _state()
        if state.is_main_process:
            outputs.remove(tmp)
            tmp.mkdir(parents=True)
        state.wait_for_everyone()
        if trainer is not None:
            trainer.save_model(str(tmp))
        elif state.is_main_process and checkpoint is not None:
            for item in checkpoint.iterdir():
                if item.is_file() and item.name not in TRAINER_FILES and not item.name.startswith("rng_state"):
                    shutil.copy2(item, tmp / item.name)
        if state.is_main_process:
            self.tokenizer.save_pretrained(str(tmp))
            outputs.write_json(tmp / outputs.ADAPTER_MARKER, {"grpo_steps": steps, "fingerprint": self.grpo_fp})
            outputs.swap_in(tmp, target)
        state.wait_for_everyone()
        return target

    # ---- the run folder
    def _same_as_before(self, key: str, value: str, what: str) -> None:
        before = self.manifest.get(key)
        if self.mode == "resume" and before and before != value:
            raise TrainError(
                [
                    f"cannot resume the run in {self.out}: {what} since it started; start a new run with "
                    "--overwrite, or use another output_dir"
                ]
            )

    def _update_manifest(self, **fields: Any) -> None:
        if self.work != self.out or not _state().is_main_process:
            return
        self.manifest.update(fields, updated=outputs.now())
        outputs.write_json(self.out / MANIFEST, self.manifest)

    def _plan(self, dry_run: bool) -> None:
        """Decide what happens to the output folder (``self.mode``); refuse before anything is written."""
        from rewardkit.train.model import has_cuda

        if self.resume and self.overwrite:
            raise TrainError(["--resume and --overwrite exclude each other: continue the run, or replace it"])
        self.inputs = outputs.training_inputs(self.recipe, self.settings)
        self.recipe_fp = outputs.digest(self.inputs)
        found = outputs.inspect(self.out)
        where = self.out
        if found.kind == "foreign":
            raise TrainError([f"output folder {where} is not empty and holds no rewardkit run: choose a new or empty output_dir"])
        if dry_run:
            self.mode = "dry"
            if found.has_run:
                self.work = Path(tempfile.mkdtemp(prefix="rewardkit-dry-run-"))
            return
        manifest = found.manifest or {}
        if not found.has_run:
            if self.resume:
                self.say(f"nothing trained in {where} yet: starting a new run")
            self.mode = "fresh"
            return
        replaceable = self.overwrite or (self.command == "demo" and manifest.get("command") == "demo")
        if replaceable:
            self.mode = "replace"
            return
        if not self.resume:
            status = manifest.get("status", "unknown")
            steps = manifest.get("grpo_steps")
            what = f"a run ({status}" + (f", {steps} GRPO steps" if steps is not None else "") + ")"
            raise TrainError(
                [
                    f"output folder {where} already holds {what}: pass --resume to continue it, or --overwrite to "
                    "replace it (the old run is deleted once the new one's inputs pass preflight), or choose "
                    "another output_dir"
                ]
            )
        if found.kind == "legacy":
            raise TrainError(
                [f"cannot resume {where}: it has no {MANIFEST} (an older rewardkit?); start a new run with --overwrite"]
            )
        old_inputs = manifest.get("inputs")
        if manifest.get("recipe_fingerprint") != self.recipe_fp:
            changed = outputs.differences(old_inputs, self.inputs) if isinstance(old_inputs, dict) else []
            raise TrainError(
                [
                    f"cannot resume the run in {where}: the recipe changed in what decides training "
                    f"({', '.join(changed) or 'unknown keys'}); change it back, or start a new run with --overwrite"
                ]
            )
        self.manifest = dict(manifest)
        self.mode = "resume"
        self.cuda = has_cuda()
        target = int(grpo_args(self.settings, self.cuda).get("max_steps", -1) or -1)
        done = int(manifest.get("grpo_steps") or 0)
        if manifest.get("status") == "finished" and (target <= 0 or done >= target):
            self.mode = "finished"

    def _start_manifest(self, dry_run: bool) -> None:
        if self.mode == "resume":
            self.manifest.update(status="training", resumed=int(self.manifest.get("resumed", 0)) + 1)
            self._update_manifest()
            return
        from rewardkit import __version__

        self.manifest = {
            "rewardkit_run": 1,
            "rewardkit_version": __version__,
            "recipe": self.name,
            "recipe_file": str(self.recipe.source) if self.recipe.source else None,
            "command": self.command,
            "status": "dry-run" if dry_run else "preparing",
            "created": outputs.now(),
            "recipe_fingerprint": self.recipe_fp,
            "inputs": self.inputs,
        }
        self._update_manifest()

    def execute(self, dry_run: bool = False) -> RunResult:
        self.interrupted = False
        self._plan(dry_run)
        if self.mode == "finished":
            steps = int(self.manifest.get("grpo_steps") or 0)
            report = outputs.read_json(self.out / "report.json") or {}
            return RunResult(self.out, report, already_finished=True, grpo_steps=steps)
        try:
            return self._execute(dry_run)
        finally:
            if self.work != self.out:
                shutil.rmtree(self.work, ignore_errors=True)

    def _execute(self, dry_run: bool) -> RunResult:
        main = _state().is_main_process
        outputs.check_writable(self.out)  # every process: a probe file each, before any compute
        _state().wait_for_everyone()
        aside = None
        if main and self.work == self.out:
            if self.mode == "replace":
                aside = outputs.move_aside(self.out)
                self.say(f"replacing the previous run in {self.out} (kept aside until the new one passes preflight)")
                self.out.mkdir(parents=True)
            if self.mode != "resume":
                for name in (METRICS, CHECKPOINTS, "sft", "adapter", "model", "report.json", "report.md", "rewards.png"):
                    outputs.remove(self.out / name)  # leftovers of a folder where nothing was trained
            self._start_manifest(dry_run)
        _state().wait_for_everyone()
        try:
            self.prepare()
            report = self.preflight()
            if report.errors:
                raise TrainError(report.errors)
        except BaseException:
            if aside is not None:
                outputs.remove(self.out)
                os.replace(aside, self.out)
                self.say(f"the previous run in {self.out} is left as it was")
            raise
        if aside is not None:
            outputs.remove(aside)
        try:
            if dry_run:
                return RunResult(self.out, {"preflight": report.to_dict()}, dry_run=True)
            return self._train(report)
        finally:
            self.compiled.close()

    def _train(self, report: Any) -> RunResult:
        from rewardkit.train.callbacks import GracefulStop, MetricsLogger, StopFlag, graceful_interrupt, read_metrics
        from rewardkit.train.plots import plot_run
        from rewardkit.train.report import build_report, reward_curve, write_report

        main = _state().is_main_process
        metrics_path = self.out / METRICS
        warm = self.settings.warmup_sft is not None and self.settings.warmup_sft.enabled
        reuse_sft = warm and self.warmup_reusable()
        checkpoint, done = None, 0
        if self.mode == "resume" and (reuse_sft or not warm):
            found = outputs.scan_checkpoints(self.out / CHECKPOINTS)
            if found.marker is not None and found.marker.get("fingerprint") != self.grpo_fp:
                raise TrainError(
                    [f"{found.last} was trained from other inputs: it cannot be resumed; start a new run with --overwrite"]
                )
            checkpoint, done = found.last, found.step
            if main:
                for stale in found.incomplete:
                    self.say(f"skipping {stale}: incomplete (cut short); removed")
                    outputs.remove(stale)
        if main:
            if checkpoint is None:
                outputs.remove(self.out / CHECKPOINTS)

            # metrics after the checkpoint (or of a warm-up cut short) would be logged twice
            def keep(record: dict[str, Any]) -> bool:
                if record.get("phase") == "sft":
                    return bool(reuse_sft)
                return checkpoint is not None and not record.get("summary") and int(record.get("step") or 0) <= done

            outputs.truncate_metrics(metrics_path, keep)
            self._update_manifest(status="training")
        _state().wait_for_everyone()
        flag = StopFlag()
        with graceful_interrupt(flag) if main else nullcontext(flag):
            eval_base = None
            grpo_start = self.model_path
            if warm:
                eval_base = self.evaluate("base model", self.model_path, sample=False)  # untrained: pass@k says nothing
                sft_log = MetricsLogger(metrics_path, "sft", self.console if main else None)
                grpo_start = self.warmup([sft_log, GracefulStop(flag)], reuse_sft)
                if flag.requested:
                    self.interrupted = True
                    self._update_manifest(status="interrupted")
                    raise TrainError(
                        ["interrupted during the warm-up SFT; nothing was saved for GRPO (--resume starts the warm-up again)"],
                        interrupted=True,
                    )
            eval_before = self.evaluate("before GRPO", grpo_start)
            grpo_log = MetricsLogger(metrics_path, "grpo", self.console if main else None, list(self.compiled.ids))
            trainer, steps = self.grpo(grpo_start, [grpo_log, GracefulStop(flag)], checkpoint, done)
            self.interrupted = self.interrupted or flag.requested
            saved = self.save(trainer, steps, checkpoint)
            engine_stats = self.compiled.engine.snapshot() if main else {}
            del trainer
            gc.collect()
            if self.settings.lora.enabled:
                eval_after = self.evaluate("after GRPO", grpo_start, adapter=saved)
            else:
                eval_after = self.evaluate("after GRPO", saved)
        result = RunResult(self.out, interrupted=self.interrupted, grpo_steps=steps)
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
            self._update_manifest(status="interrupted" if self.interrupted else "finished", grpo_steps=steps)
        return result


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def train_recipe(
    recipe: Any,
    *,
    output_dir: Path | None = None,
    resume: bool = False,
    dry_run: bool = False,
    console: Any = None,
    overwrite: bool = False,
    command: str = "train",
) -> RunResult:
    """Run the recipe's ``train:`` section end to end (or only its preflight with ``dry_run``).

    Args:
        recipe: a loaded recipe (``rewardkit.recipe.load_recipe``) with a ``train:`` section.
        output_dir: overrides ``train.output_dir``.
        resume: continue the run in the output folder (same training inputs): reuse its finished warm-up,
            continue GRPO from its last complete checkpoint; a finished run is left as it is.
        dry_run: stop after the preflight checks.
        console: a rich console for progress (None: silent).
        overwrite: replace a run already in the output folder (deleted once the new inputs pass preflight).
        command: ``train`` or ``demo`` (``demo`` replaces an earlier demo run without ``overwrite``).

    Returns:
        The :class:`RunResult`, with ``report`` as written to ``report.json``.

    Raises:
        TrainError: a configuration, data or preflight problem (messages carry file:line), or a folder
            that holds another run.
        OutputError: the output folder cannot be used (name, symlinks, not writable, no space).
    """
    run = Run(recipe, output_dir=output_dir, resume=resume, overwrite=overwrite, console=console, command=command)
    return run.execute(dry_run=dry_run)


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
