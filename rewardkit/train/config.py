"""The ``train:`` section of a recipe: model, data, LoRA, GRPO and warm-up settings.

The recipe loader validates ``train:`` with :class:`TrainSettings` (pydantic, so every mistake gets
``file:line``). This module never imports torch or trl: the ``grpo`` and ``warmup_sft`` keys are
checked against ``GRPOConfig``/``SFTConfig`` fields by :func:`check_trainer_keys`, which the CLI calls
(importing trl costs seconds).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rewardkit.train.trainer_args import RESERVED_GRPO_KEYS, RESERVED_SFT_KEYS, check_values  # noqa: F401 - re-exported

BUILTIN_TINY = "builtin:tiny"
BUILTIN_ARITH = "builtin:arith"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TinyModelSettings(_Section):
    """Shape of the embedded ``builtin:tiny`` Llama (defaults: 3.3M parameters, 13 MB)."""

    hidden_size: int = Field(default=256, ge=16, le=4096)
    intermediate_size: int = Field(default=768, ge=16, le=16384)
    num_hidden_layers: int = Field(default=4, ge=1, le=48)
    num_attention_heads: int = Field(default=4, ge=1, le=64)
    num_key_value_heads: int = Field(default=2, ge=1, le=64)
    max_position_embeddings: int = Field(default=256, ge=32, le=8192)
    vocab_size: int = Field(default=1024, ge=300, le=65536, description="BPE vocabulary target (the corpus may give fewer)")
    corpus_size: int = Field(default=20000, ge=100, le=500_000, description="generated problems the tokenizer is trained on")

    @model_validator(mode="after")
    def _heads_divide(self) -> TinyModelSettings:
        if self.hidden_size % self.num_attention_heads:
            raise ValueError("hidden_size must be a multiple of num_attention_heads")
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")
        return self


class ModelSettings(_Section):
    """Which model to train: a hub id, a local folder, or ``builtin:tiny``."""

    name_or_path: str = Field(default=BUILTIN_TINY, description="hub id, local folder, or builtin:tiny (built here, no download)")
    revision: str | None = None
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "float32"
    attn_implementation: str | None = Field(
        default=None, description="eager, sdpa, flash_attention_2, ... (None: transformers decides)"
    )
    trust_remote_code: bool = False
    tokenizer: str | None = Field(default=None, description="tokenizer hub id or folder when it differs from the model")
    tiny: TinyModelSettings = Field(default_factory=TinyModelSettings)

    @property
    def is_builtin(self) -> bool:
        return self.name_or_path == BUILTIN_TINY

    def init_kwargs(self, path: str | Path | None = None) -> dict[str, Any]:
        """Keyword arguments for ``from_pretrained`` (TRL's ``model_init_kwargs``).

        ``path``: the folder or id actually loaded. When it is not ``name_or_path`` (the built tiny
        model, the warmed-up SFT folder), ``revision`` is left out: it names a hub commit, not a
        folder rewardkit wrote.
        """
        kwargs: dict[str, Any] = {"dtype": self.dtype, "trust_remote_code": self.trust_remote_code}
        if self.revision and (path is None or str(path) == self.name_or_path):
            kwargs["revision"] = self.revision
        if self.attn_implementation:
            kwargs["attn_implementation"] = self.attn_implementation
        return kwargs


class ColumnMap(_Section):
    """Which source columns hold the question, the gold answer, a reference solution and the language."""

    prompt: str = Field(default="question", description="column with the problem text")
    solution: str = Field(default="solution", description="column with the gold final answer")
    reference: str | None = Field(default=None, description="column with a full reference solution (warm-up SFT, preflight)")
    language: str | None = Field(default=None, description="column with the language code (en, vi) for per-language reports")


class ArithSettings(_Section):
    """The ``builtin:arith`` generator: seeded English and Vietnamese arithmetic word problems."""

    difficulty: Literal["tiny", "easy", "medium", "hard"] = "easy"
    languages: list[Literal["en", "vi"]] = Field(default_factory=lambda: ["en", "vi"], min_length=1)  # type: ignore[arg-type]
    size: int = Field(default=20000, ge=10, le=2_000_000, description="training problems to generate")
    graded_fraction: float = Field(
        default=0.3, ge=0.0, le=1.0, description="share of reference solutions written in the graded <think>/<answer> format"
    )
    two_step_fraction: float = Field(
        default=0.0, ge=0.0, le=1.0, description="share of two-step problems (a + b - d) on top of the difficulty's own mix"
    )
    working_fraction: float = Field(
        default=2 / 7,
        ge=0.0,
        le=1.0,
        description="share of free-form references that write the working first ('7 + 5 = 12. The answer is 12.')",
    )


class DatasetSettings(_Section):
    """Where the problems come from and how they become prompts."""

    source: str = Field(default=BUILTIN_ARITH, description="hub id, local .jsonl/.json/.csv/.parquet file, or builtin:arith")
    subset: str | None = Field(default=None, description="the hub dataset's configuration name (load_dataset's `name`)")
    split: str = "train"
    eval_split: str | None = Field(
        default=None, description="split to evaluate on; by default eval_size rows are held out from `split`"
    )
    eval_size: int = Field(default=500, ge=1, le=100_000, description="held-out problems for before/after accuracy")
    limit: int | None = Field(default=None, ge=1, description="use at most this many training rows")
    adapter: Literal["metamathqa_vi", "metamathqa", "gsm8k", "math"] | None = Field(
        default=None, description="ready column mapping and gold extraction for a known dataset"
    )
    columns: ColumnMap = Field(default_factory=ColumnMap)
    prompt_template: str = Field(default="{question}", description="user message; {question} and any column name can be used")
    system_prompt: str | None = None
    format: Literal["conversational", "standard"] = Field(
        default="conversational", description="chat messages (chat template applied) or plain-text prompts"
    )
    language: str | None = Field(default=None, description="language of every row when no column says it")
    arith: ArithSettings = Field(default_factory=ArithSettings)

    @property
    def is_builtin(self) -> bool:
        return self.source == BUILTIN_ARITH


class LoraSettings(_Section):
    """LoRA adapter settings (peft). ``enabled: false`` trains every weight instead."""

    enabled: bool = True
    r: int = Field(default=16, ge=1, le=1024)
    alpha: float = Field(default=32, gt=0)
    dropout: float = Field(default=0.0, ge=0.0, lt=1.0)
    target_modules: list[str] | Literal["all-linear"] = Field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])
    bias: Literal["none", "all", "lora_only"] = "none"


class WarmupSettings(BaseModel):
    """An optional supervised warm start on reference solutions before GRPO.

    Besides the fields below, any ``trl.SFTConfig`` field may be given (``max_steps``,
    ``learning_rate`` ...); they are checked against ``SFTConfig`` when training starts.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    enabled: bool = True
    lora: bool = Field(default=False, description="train a LoRA and merge it (large models) instead of every weight")
    train_size: int | None = Field(default=None, ge=1, description="reference solutions to train on (default: all training rows)")

    def sft_args(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class EvalSettings(_Section):
    """Held-out evaluation before and after GRPO: greedy strict and lenient accuracy, and sampled pass@k."""

    enabled: bool = True
    pass_k: int = Field(
        default=8, ge=0, le=256, description="completions sampled per problem for pass@k (0: greedy accuracy only)"
    )
    temperature: float | None = Field(default=None, gt=0, description="pass@k sampling temperature (default: grpo.temperature)")
    max_new_tokens: int | None = Field(default=None, ge=1, le=8192, description="default: grpo.max_completion_length")
    batch_size: int = Field(default=128, ge=1, le=4096)
    reasoning_tag: str = "think"
    answer_tag: str = "answer"
    locale: Literal["en", "vi", "auto"] = Field(default="auto", description="number convention for judging answers")
    by_columns: list[str] = Field(
        default_factory=list,
        description="held-out columns to break accuracy down by, besides language (e.g. [op], [type], [level])",
    )


class PreflightSettings(_Section):
    """Checks run before training (and alone with ``--dry-run``)."""

    sample_size: int = Field(default=200, ge=1, le=100_000, description="rows whose reference answers the rewards score")
    min_gold_parse_rate: float = Field(default=0.9, ge=0.0, le=1.0, description="stop when fewer golds can be read")


class TrainSettings(_Section):
    """The ``train:`` section of a recipe."""

    model: ModelSettings = Field(default_factory=ModelSettings)
    dataset: DatasetSettings = Field(default_factory=DatasetSettings)
    lora: LoraSettings = Field(default_factory=LoraSettings)
    grpo: dict[str, Any] = Field(default_factory=dict, description="GRPOConfig fields (validated against trl's GRPOConfig)")
    warmup_sft: WarmupSettings | None = None
    eval: EvalSettings = Field(default_factory=EvalSettings)
    preflight: PreflightSettings = Field(default_factory=PreflightSettings)
    output_dir: str = Field(default="runs/{name}", description="where everything is written; {name} is the recipe name")
    seed: int = 0
    threads: int | None = Field(default=None, ge=1, le=1024, description="torch CPU threads (default: torch decides)")

    @field_validator("model", mode="before")
    @classmethod
    def _model_shorthand(cls, value: Any) -> Any:
        return {"name_or_path": value} if isinstance(value, str) else value

    @field_validator("dataset", mode="before")
    @classmethod
    def _dataset_shorthand(cls, value: Any) -> Any:
        return {"source": value} if isinstance(value, str) else value

    @field_validator("lora", mode="before")
    @classmethod
    def _lora_shorthand(cls, value: Any) -> Any:
        # `lora: false` means full fine-tuning; `lora: true` the defaults
        return {"enabled": value} if isinstance(value, bool) else value

    @field_validator("warmup_sft", mode="before")
    @classmethod
    def _warmup_shorthand(cls, value: Any) -> Any:
        if value is False:
            return None
        return {} if value is True else value

    def resolve_output_dir(self, recipe_name: str, base: Path | None = None) -> Path:
        """The output folder with ``{name}`` filled in; relative paths are relative to ``base`` (the cwd)."""
        path = Path(self.output_dir.replace("{name}", recipe_name))
        return path if path.is_absolute() or base is None else base / path


def check_trainer_keys(settings: TrainSettings) -> list[tuple[tuple[str, ...], str]]:
    """Check ``train.grpo`` against ``GRPOConfig`` and ``train.warmup_sft`` against ``SFTConfig``.

    Names (with did-you-mean, renamed fields mapped) and values (against each field's type: YAML's
    ``1e-5`` string is the float it means, ``max_steps: ten`` is an error). Imports trl (seconds), so
    the recipe loader leaves it to ``check``, ``train`` and ``train --dry-run``.

    Args:
        settings: the validated ``train:`` section.

    Returns:
        ``(location, message)`` pairs, the location a key path under the recipe root such as
        ``("train", "grpo", "lerning_rate")``; empty when everything is valid.
    """
    return check_values(settings)
