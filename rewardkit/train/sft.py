"""Warm-up SFT: a short supervised run on reference solutions before GRPO.

GRPO learns only from differences within a group of samples: a model that never produces the
answer format (the untrained tiny model) gives every sample reward 0 and learns nothing. A few
hundred steps of SFT on reference solutions fix that. TRL's ``SFTTrainer`` does the work (so the
warm-up scales out under ``accelerate`` like GRPO does); the result is a full model folder that
GRPO then loads with ``from_pretrained``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rewardkit.train.common import sft_args, without_printer
from rewardkit.train.config import LoraSettings, TrainSettings
from rewardkit.train.outputs import SFT_MARKER, read_json, write_json

# Written last, as JSON {"steps", "fingerprint"}: the warm-up is reused only when the fingerprint matches.
DONE_MARKER = SFT_MARKER


def warmup_done(out_dir: Path) -> dict[str, Any] | None:
    """The done-marker of a finished warm-up in ``out_dir`` (None: none, or an older marker without a fingerprint)."""
    marker = read_json(out_dir / DONE_MARKER)
    return marker if marker is not None and "fingerprint" in marker else None


def sft_dataset(rows: Any, limit: int | None = None) -> Any:
    """Prompt-completion rows for ``SFTTrainer``: the rendered prompt and the reference solution."""
    with_reference = rows.filter(lambda row: bool(row["reference"]))
    if limit is not None:
        with_reference = with_reference.select(range(min(limit, len(with_reference))))
    conversational = len(with_reference) > 0 and not isinstance(with_reference[0]["prompt"], str)

    def to_pair(row: dict[str, Any]) -> dict[str, Any]:
        completion = [{"role": "assistant", "content": row["reference"]}] if conversational else row["reference"]
        return {"prompt": row["prompt"], "completion": completion}

    return with_reference.map(to_pair, remove_columns=with_reference.column_names, desc="SFT pairs")


def run_warmup(
    model_path: str | Path,
    tokenizer: Any,
    rows: Any,
    settings: TrainSettings,
    out_dir: Path,
    callbacks: list[Any],
    cuda: bool,
    fingerprint: str = "",
) -> Path:
    """Train on the reference solutions and save the full model to ``out_dir``.

    Args:
        model_path: the base model (hub id or folder).
        tokenizer: its tokenizer.
        rows: training rows with ``prompt`` and ``reference`` columns.
        settings: the ``train:`` section (``warmup_sft`` holds SFTConfig fields).
        out_dir: where the warmed-up model is saved.
        callbacks: trainer callbacks (progress, metrics, Ctrl-C).
        cuda: whether a GPU is used (CPU defaults otherwise).
        fingerprint: the inputs' fingerprint, stored in the done-marker (written last).

    Returns:
        ``out_dir``, a folder ``from_pretrained`` loads.
    """
    from trl import SFTConfig, SFTTrainer

    from rewardkit.train.model import lora_config

    warm = settings.warmup_sft
    assert warm is not None
    args = sft_args(settings, cuda)  # defaults + hardware + recipe, checked against the installed SFTConfig
    dataset = sft_dataset(rows, warm.train_size)
    if len(dataset) == 0:
        raise ValueError(
            "warm-up SFT needs reference solutions, and no training row has one: map a column with "
            "`dataset.columns.reference` (or use an adapter), or remove `warmup_sft`"
        )
    config = SFTConfig(
        output_dir=str(out_dir / "checkpoints"),
        seed=settings.seed,
        model_init_kwargs=settings.model.init_kwargs(model_path),
        **args,
    )
    peft_config = None
    if warm.lora:
        peft_config = lora_config(settings.lora if settings.lora.enabled else LoraSettings.model_validate({}))
    trainer = SFTTrainer(
        model=str(model_path),
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=callbacks,
        peft_config=peft_config,
    )
    without_printer(trainer)
    trainer.train()
    model: Any = trainer.model
    if peft_config is not None:
        model = model.merge_and_unload()
    if trainer.accelerator.is_main_process:
        out_dir.mkdir(parents=True, exist_ok=True)
        trainer.accelerator.unwrap_model(model).save_pretrained(out_dir)
        tokenizer.save_pretrained(out_dir)
        write_json(out_dir / DONE_MARKER, {"steps": trainer.state.global_step, "fingerprint": fingerprint})
    trainer.accelerator.wait_for_everyone()
    return out_dir
