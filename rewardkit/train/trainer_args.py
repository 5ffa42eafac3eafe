"""The ``GRPOConfig``/``SFTConfig`` arguments of a run, checked against the *installed* trl/transformers.

Every default rewardkit adds and every key a recipe gives is looked up in the installed config class's
dataclass fields, never passed blind:

* a field renamed between versions (``gradient_checkpointing`` -> ``activation_checkpointing``, ...)
  is mapped to the name the installed version has (:data:`RENAMED`); a default whose field exists
  under no name is dropped;
* each value is validated against the field's declared type (YAML reads ``1e-5`` as a string: it is
  accepted as the float it means; ``max_steps: ten`` is an error), enum-typed strings
  (``lr_scheduler_type``) against the enum's values, with file:line through the caller;
* each final value carries where it came from (``recipe``, ``rewardkit default``, ``hardware``), so
  ``--dry-run`` and ``recipe.resolved.yaml`` show the effective configuration.

trl is imported inside the functions (seconds), never at module import.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

TrainSettings = Any  # rewardkit.train.config.TrainSettings (config imports this module, not the reverse)

# Config keys rewardkit fills itself: typing them in the recipe would say the same thing twice.
RESERVED_GRPO_KEYS = {
    "reward_weights": "reward weights come from the recipe's `rewards:` weights",
    "output_dir": "set `train.output_dir` (or --output-dir) instead",
    "seed": "set `train.seed` instead",
}
RESERVED_SFT_KEYS = {
    "output_dir": "the warm-up writes to <output_dir>/sft",
    "seed": "set `train.seed` instead",
}

TrainerKind = Literal["grpo", "sft"]
Source = Literal["recipe", "rewardkit default", "hardware"]

# Names of one setting across trl/transformers versions, newest first. A key given under any of them
# is passed under the first one the installed config class has.
RENAMED: tuple[tuple[str, ...], ...] = (
    ("activation_checkpointing", "gradient_checkpointing"),
    ("activation_checkpointing_kwargs", "gradient_checkpointing_kwargs"),
    ("max_length", "max_seq_length"),
    ("eval_strategy", "evaluation_strategy"),
    ("dataloader_prefetch_factor",),
)

# Defaults that work on a 2-core CPU, measured (docs/training.md); a recipe's ``train.grpo`` or
# ``train.warmup_sft`` overrides any of them. TRL's own defaults assume a GPU (bf16, gradient
# checkpointing, 512-token completions, learning rate 1e-6).
SHARED_DEFAULTS: dict[str, Any] = {
    "per_device_train_batch_size": 64,  # GRPO: completions per step, 8 prompts x 8 generations
    "report_to": "none",
    "disable_tqdm": True,
    "activation_checkpointing": False,  # mapped to gradient_checkpointing where that is the installed name
}
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
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


def hardware_defaults(cuda: bool, bf16_supported: bool = False) -> dict[str, Any]:
    """``bf16``/``use_cpu`` for the machine: CPU fp32 without a GPU, bf16 on a GPU that supports it.

    A bare ``GRPOConfig()`` turns bf16 on, which raises on a CPU-only machine; on a GPU without bf16
    (T4, V100) bf16 would raise too, so it is off there (fp16 is left to the recipe).

    Example:
        >>> hardware_defaults(cuda=False)
        {'use_cpu': True, 'bf16': False}
        >>> hardware_defaults(cuda=True, bf16_supported=True)
        {'use_cpu': False, 'bf16': True}
    """
    if not cuda:
        return {"use_cpu": True, "bf16": False}
    return {"use_cpu": False, "bf16": bool(bf16_supported)}


def bf16_supported(cuda: bool) -> bool:
    """Whether the GPU does bf16 (False without one)."""
    if not cuda:
        return False
    import torch

    return bool(torch.cuda.is_bf16_supported())


def config_class(kind: TrainerKind) -> type:
    from trl import GRPOConfig, SFTConfig

    return GRPOConfig if kind == "grpo" else SFTConfig


@cache
def _fields(cls: type) -> dict[str, tuple[Any, Any]]:
    """``{name: (type, default)}`` for a config dataclass; ``default`` is ``dataclasses.MISSING`` when none."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - an unresolvable annotation: fall back to the raw ones
        hints = {}
    out = {}
    for f in dataclasses.fields(cls):
        default: Any = f.default
        if f.default_factory is not dataclasses.MISSING and default is dataclasses.MISSING:
            try:
                default = f.default_factory()
            except Exception:  # noqa: BLE001
                default = dataclasses.MISSING
        kind = hints.get(f.name, f.type)
        out[f.name] = (None if isinstance(kind, str) else kind, default)
    return out


def installed_name(name: str, fields: typing.Mapping[str, Any]) -> str | None:
    """The name the installed config class uses for ``name`` (itself, a renamed form, or None).

    Example:
        >>> installed_name("gradient_checkpointing", {"activation_checkpointing": None})
        'activation_checkpointing'
        >>> installed_name("activation_checkpointing", {"gradient_checkpointing": None})
        'gradient_checkpointing'
        >>> installed_name("activation_checkpointing", {}) is None
        True
    """
    for group in RENAMED:
        if name in group:
            return next((alias for alias in group if alias in fields), None)
    return name if name in fields else None


def _enum_values(tp: Any) -> list[str] | None:
    args = typing.get_args(tp) or (tp,)
    for arg in args:
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return [str(m.value) for m in arg]
    return None


def _strip_enums(tp: Any) -> Any:
    """The type with enum members replaced by ``str`` (the config classes accept the enum's string)."""
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return str
    args = typing.get_args(tp)
    if not args or typing.get_origin(tp) not in (typing.Union, getattr(__import__("types"), "UnionType", typing.Union)):
        return tp
    stripped = tuple(dict.fromkeys(_strip_enums(a) for a in args))
    return typing.Union[stripped] if len(stripped) > 1 else stripped[0]  # noqa: UP007


class ValueProblem(ValueError):
    """A recipe value that the installed config field's type does not accept."""


def coerce(cls_name: str, name: str, value: Any, tp: Any) -> Any:
    """``value`` validated against the field type ``tp`` (pydantic's lax mode: ``"1e-5"`` -> ``1e-05``).

    Raises:
        ValueProblem: with a message fit for ``file:line: train.grpo.<name>: ...``.

    Example:
        >>> coerce("GRPOConfig", "learning_rate", "1e-5", float)
        1e-05
        >>> coerce("GRPOConfig", "max_steps", "ten", int)
        Traceback (most recent call last):
        ...
        rewardkit.train.trainer_args.ValueProblem: GRPOConfig.max_steps expects int, got 'ten'
    """
    if tp is None or tp is typing.Any:
        return value
    choices = _enum_values(tp)
    if choices is not None and isinstance(value, str) and value not in choices:
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f" (one of: {', '.join(choices)})"
        raise ValueProblem(f"{cls_name}.{name}: {value!r} is not a valid value{hint}")
    from pydantic import TypeAdapter, ValidationError

    try:
        adapter: Any = TypeAdapter(_strip_enums(tp))
    except Exception:  # noqa: BLE001 - a type pydantic cannot check: the config class checks it itself
        return value
    if isinstance(value, bool) and tp in (int, float):
        raise ValueProblem(f"{cls_name}.{name} expects {_type_name(tp)}, got {value!r}")
    try:
        return adapter.validate_python(value)
    except ValidationError:
        raise ValueProblem(f"{cls_name}.{name} expects {_type_name(tp)}, got {value!r}") from None


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


@dataclass(frozen=True)
class Effective:
    """One argument passed to the config class: its installed name, value, origin and TRL's default."""

    name: str
    value: Any
    source: Source
    trl_default: Any
    given_as: str | None = None  # the recipe's (or rewardkit's) name when the installed one differs

    @property
    def differs(self) -> bool:
        return self.trl_default is dataclasses.MISSING or self.value != self.trl_default


@dataclass
class Resolution:
    """The arguments of one config class, and the problems found on the way (location, message)."""

    kind: TrainerKind
    settings: list[Effective]
    problems: list[tuple[tuple[str, ...], str]]

    def kwargs(self) -> dict[str, Any]:
        return {s.name: s.value for s in self.settings}


def _recipe_keys(kind: TrainerKind, settings: TrainSettings) -> tuple[dict[str, Any], tuple[str, ...], dict[str, str]]:
    if kind == "grpo":
        return dict(settings.grpo), ("train", "grpo"), RESERVED_GRPO_KEYS
    warm = settings.warmup_sft
    return (dict(warm.sft_args()) if warm else {}), ("train", "warmup_sft"), RESERVED_SFT_KEYS


def resolve(
    kind: TrainerKind, settings: TrainSettings, cuda: bool = False, bf16_supported: bool = False, cls: type | None = None
) -> Resolution:
    """The arguments for ``GRPOConfig`` (``kind="grpo"``) or ``SFTConfig`` (``"sft"``).

    Order: rewardkit's defaults, then the hardware's (``bf16``/``use_cpu``), then the recipe's keys;
    each name mapped to the installed one and each recipe value checked against the field's type.

    Args:
        kind: which trainer.
        settings: the ``train:`` section.
        cuda: whether a GPU is used.
        bf16_supported: whether that GPU does bf16.
        cls: the config class (default: the installed trl's).

    Returns:
        A :class:`Resolution`; its ``problems`` are ``(key path, message)`` pairs for recipe keys.
    """
    cls = cls or config_class(kind)
    fields = _fields(cls)
    cls_name = cls.__name__
    layers: list[tuple[Source, dict[str, Any]]] = [
        ("rewardkit default", {**SHARED_DEFAULTS, **KIND_DEFAULTS[kind]}),
        ("hardware", hardware_defaults(cuda, bf16_supported)),
    ]
    given, where, reserved = _recipe_keys(kind, settings)
    layers.append(("recipe", given))
    chosen: dict[str, Effective] = {}
    problems: list[tuple[tuple[str, ...], str]] = []
    own = set(type(settings.warmup_sft).model_fields) if kind == "sft" and settings.warmup_sft is not None else set()
    for source, values in layers:
        for key, value in values.items():
            if source == "recipe":
                if key in own:
                    continue
                if key in reserved:
                    problems.append(((*where, key), f"{key!r} is set by rewardkit: {reserved[key]}"))
                    continue
            name = installed_name(key, fields)
            if name is None:
                if source == "recipe":
                    close = difflib.get_close_matches(key, sorted(fields), n=1, cutoff=0.6)
                    hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
                    problems.append(((*where, key), f"unknown {cls_name} field {key!r}{hint}"))
                continue  # a default this version has no field for: never passed blind
            tp, default = fields[name]
            if source == "recipe":
                try:
                    value = coerce(cls_name, name, value, tp)
                except ValueProblem as exc:
                    problems.append(((*where, key), str(exc)))
                    continue
            chosen[name] = Effective(name, value, source, default, key if key != name else None)
    if kind == "sft" and "max_steps" in chosen and "warmup_steps" not in chosen and "warmup_steps" in fields:
        steps = chosen["max_steps"].value
        if isinstance(steps, int) and steps > 0:
            chosen["warmup_steps"] = Effective(
                "warmup_steps", max(1, int(0.05 * steps)), "rewardkit default", fields["warmup_steps"][1]
            )
    return Resolution(kind, list(chosen.values()), problems)


def check_values(settings: TrainSettings) -> list[tuple[tuple[str, ...], str]]:
    """Every problem of ``train.grpo`` and ``train.warmup_sft``: unknown or reserved keys, wrong value types."""
    problems = resolve("grpo", settings).problems
    if settings.warmup_sft is not None:
        problems += resolve("sft", settings).problems
    return problems


def describe(resolution: Resolution) -> list[str]:
    """One line per setting that differs from TRL's default: ``name = value  (source; TRL default: x)``."""
    lines = []
    for s in resolution.settings:
        if not s.differs:
            continue
        trl = "none" if s.trl_default is dataclasses.MISSING else repr(_plain(s.trl_default))
        alias = f", given as {s.given_as}" if s.given_as else ""
        lines.append(f"{s.name} = {_plain(s.value)!r}  ({s.source}{alias}; TRL default {trl})")
    return lines


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    return value


def resolved_section(resolution: Resolution) -> tuple[dict[str, Any], dict[str, str]]:
    """The values (plain YAML types) and sources of the settings that differ from TRL's defaults."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for s in resolution.settings:
        if s.differs:
            values[s.name] = _plain(s.value)
            sources[s.name] = s.source
    return values, sources


def resolved_recipe_text(recipe: Any, settings: TrainSettings, cuda: bool | None = None) -> str:
    """``recipe.resolved.yaml``: the recipe as run, ``train.grpo``/``train.warmup_sft`` holding every effective value.

    Each value that differs from TRL's default is written under its installed name; a comment
    header says where each came from (recipe, rewardkit default, hardware).
    """
    import yaml

    if cuda is None:
        import torch

        cuda = torch.cuda.is_available()
    data = recipe.resolved_dict()
    header = ["# The recipe as run. Effective trainer settings (those that differ from TRL's defaults) and their origin:"]
    train = data.get("train")
    if isinstance(train, dict):
        kinds: list[TrainerKind] = ["grpo"]
        if settings.warmup_sft is not None and settings.warmup_sft.enabled:
            kinds.append("sft")
        for kind in kinds:
            values, sources = resolved_section(resolve(kind, settings, cuda, bf16_supported(cuda)))
            key = "grpo" if kind == "grpo" else "warmup_sft"
            section = dict(train.get(key) or {}) if isinstance(train.get(key), dict) else {}
            section.update(values)
            train[key] = section
            header.extend(f"#   train.{key}.{name}: {source}" for name, source in sources.items())
    return "\n".join(header) + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
