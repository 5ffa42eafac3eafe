"""What the GRPO run and the warm-up SFT share: trainer defaults and trainer quieting.

Both :mod:`rewardkit.train.run` and :mod:`rewardkit.train.sft` import from here; neither imports the
other at module level (``run`` loads ``sft`` inside the warm-up phase). Nothing heavy is imported at
module level.
"""

from __future__ import annotations

from typing import Any, Literal

from rewardkit.train.config import TrainSettings

TrainerKind = Literal["grpo", "sft"]

# Defaults that work on a 2-core CPU, measured (docs/training.md); a recipe's ``train.grpo`` or
# ``train.warmup_sft`` overrides any of them. TRL's own defaults assume a GPU (bf16, gradient
# checkpointing, 512-token completions, learning rate 1e-6).
_SHARED_DEFAULTS: dict[str, Any] = {
    "per_device_train_batch_size": 64,  # GRPO: completions per step, 8 prompts x 8 generations
    "report_to": "none",
    "disable_tqdm": True,
    "activation_checkpointing": False,
}
_KIND_DEFAULTS: dict[TrainerKind, dict[str, Any]] = {
    "grpo": {
        "max_steps": 200,
        "num_generations": 8,
        "max_completion_length": 32,
        "temperature": 0.7,
        "learning_rate": 3e-4,
        "lr_scheduler_type": "constant",
        "beta": 0.0,
        "logging_steps": 10,
        "save_strategy": "steps",
        "save_steps": 50,
        "save_total_limit": 2,
    },
    "sft": {
        "max_steps": 300,
        "learning_rate": 1e-3,
        "lr_scheduler_type": "cosine",
        "adam_beta2": 0.98,
        "weight_decay": 0.01,
        "max_length": 256,
        "logging_steps": 25,
        "save_strategy": "no",
    },
}
# Without a GPU: a bare GRPOConfig()/SFTConfig() raises on a CPU-only machine (bf16 defaults on).
_CPU_DEFAULTS: dict[str, Any] = {"use_cpu": True, "bf16": False}


def trainer_defaults(kind: TrainerKind, cuda: bool) -> dict[str, Any]:
    """rewardkit's ``GRPOConfig`` (``kind="grpo"``) or ``SFTConfig`` (``"sft"``) defaults.

    Example:
        >>> trainer_defaults("grpo", cuda=False)["use_cpu"], trainer_defaults("sft", cuda=True)["max_steps"]
        (True, 300)
    """
    defaults = {**_SHARED_DEFAULTS, **_KIND_DEFAULTS[kind]}
    if not cuda:
        defaults.update(_CPU_DEFAULTS)
    return defaults


def grpo_args(settings: TrainSettings, cuda: bool) -> dict[str, Any]:
    """The ``GRPOConfig`` arguments of a run: the defaults, overridden by ``train.grpo``."""
    return {**trainer_defaults("grpo", cuda), **settings.grpo}


def quiet_libraries() -> None:
    """Silence per-call progress bars and known-harmless warnings; the run prints its own progress."""
    import warnings

    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    # peft/transformers deprecation chatter about checkpointing flags the run never sets
    warnings.filterwarnings("ignore", message=r".*gradient_checkpointing.*deprecated.*", category=FutureWarning)


def without_printer(trainer: Any) -> Any:
    """Drop transformers' PrinterCallback: it prints raw log dicts next to our progress lines."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    return trainer
