"""What the GRPO run and the warm-up SFT share: trainer defaults and trainer quieting.

Both :mod:`rewardkit.train.run` and :mod:`rewardkit.train.sft` import from here; neither imports the
other at module level (``run`` loads ``sft`` inside the warm-up phase). Nothing heavy is imported at
module level.
"""

from __future__ import annotations

from typing import Any, Literal

from rewardkit.train.config import TrainSettings

TrainerKind = Literal["grpo", "sft"]


def trainer_defaults(kind: TrainerKind, cuda: bool) -> dict[str, Any]:
    """rewardkit's ``GRPOConfig`` (``kind="grpo"``) or ``SFTConfig`` (``"sft"``) defaults, under the installed field names.

    The defaults themselves live in :mod:`rewardkit.train.trainer_args`; a default whose field the
    installed trl/transformers lacks (under every known name) is left out, never passed blind.

    Example:
        >>> trainer_defaults("grpo", cuda=False)["use_cpu"], trainer_defaults("sft", cuda=True)["max_steps"]
        (True, 300)
    """
    from rewardkit.train.trainer_args import bf16_supported, resolve

    return resolve(kind, TrainSettings(), cuda, bf16_supported(cuda)).kwargs()


def grpo_args(settings: TrainSettings, cuda: bool) -> dict[str, Any]:
    """The ``GRPOConfig`` arguments of a run: the defaults, the hardware's, then ``train.grpo``, checked and renamed."""
    from rewardkit.train.trainer_args import bf16_supported, resolve

    return resolve("grpo", settings, cuda, bf16_supported(cuda)).kwargs()


def sft_args(settings: TrainSettings, cuda: bool) -> dict[str, Any]:
    """The ``SFTConfig`` arguments of the warm-up: defaults, hardware, then ``train.warmup_sft``, checked and renamed."""
    from rewardkit.train.trainer_args import bf16_supported, resolve

    return resolve("sft", settings, cuda, bf16_supported(cuda)).kwargs()


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
