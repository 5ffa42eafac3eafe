"""Loading models and tokenizers with ``from_pretrained``, LoRA configs, adapters, and memory estimates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewardkit.train.config import LoraSettings, ModelSettings

BYTES_PER_DTYPE = {"float32": 4, "bfloat16": 2, "float16": 2, "auto": 2}


def has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def load_tokenizer(path: str | Path, settings: ModelSettings) -> Any:
    """The tokenizer of ``path`` (or of ``settings.tokenizer``), padding on the left as generation needs."""
    from transformers import AutoTokenizer

    source = settings.tokenizer if settings.tokenizer and not settings.is_builtin else str(path)
    kwargs: dict[str, Any] = {"trust_remote_code": settings.trust_remote_code, "padding_side": "left"}
    if settings.revision and source == settings.name_or_path:
        kwargs["revision"] = settings.revision
    tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(path: str | Path, settings: ModelSettings, adapter: str | Path | None = None) -> Any:
    """A causal LM loaded with the real ``from_pretrained`` (dtype, attention, trust settings), on GPU when there is one.

    Args:
        path: hub id or local folder.
        settings: the recipe's ``train.model`` section (dtype, attn_implementation, trust_remote_code, revision).
        adapter: a LoRA adapter folder to load on top (``PeftModel.from_pretrained``).

    Returns:
        The model, in eval mode.
    """
    import torch
    from transformers import AutoModelForCausalLM

    kwargs = settings.init_kwargs(path)
    dtype = kwargs.pop("dtype")
    kwargs["dtype"] = dtype if dtype == "auto" else getattr(torch, dtype)
    model: Any = AutoModelForCausalLM.from_pretrained(str(path), **kwargs)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter))
    if has_cuda():
        model = model.to("cuda")
    model.train(False)  # inference mode: dropout off
    return model


# Attention projections per architecture family, tried in order: the first whose names all exist wins.
ATTENTION_TARGETS: tuple[tuple[str, ...], ...] = (
    ("q_proj", "k_proj", "v_proj", "o_proj"),  # Llama, Qwen2/2.5/3, Gemma 1-3, Mistral, SmolLM
    ("qkv_proj", "o_proj"),  # Phi-3 / Phi-4: fused query-key-value
    ("query_key_value", "dense"),  # Falcon, GPT-NeoX
    ("c_attn", "c_proj"),  # GPT-2
)


def linear_modules(path: str | Path, settings: ModelSettings) -> tuple[str, list[str]]:
    """The model class name and the full names of its linear layers (lm_head excluded), built on the meta device."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    config = AutoConfig.from_pretrained(str(path), trust_remote_code=settings.trust_remote_code)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, trust_remote_code=settings.trust_remote_code)
    names = [
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and not name.endswith("lm_head") and name.rsplit(".", 1)[-1] != "lm_head"
    ]
    return type(model).__name__, names


def default_targets(linear_names: list[str]) -> list[str] | str:
    """LoRA targets for a model with these linear layers: its attention projections, else ``all-linear``.

    Example:
        >>> default_targets(["model.layers.0.self_attn.qkv_proj", "model.layers.0.self_attn.o_proj"])
        ['qkv_proj', 'o_proj']
        >>> default_targets(["blocks.0.fc"])
        'all-linear'
    """
    leaves = {name.rsplit(".", 1)[-1] for name in linear_names}
    for group in ATTENTION_TARGETS:
        if set(group) <= leaves:
            return list(group)
    return "all-linear"


def unmatched_targets(targets: list[str] | str, module_names: list[str]) -> list[str]:
    """The targets that match no module the way peft matches them (the full name, or a ``.``-suffix)."""
    if isinstance(targets, str):
        return []
    return [t for t in targets if not any(name == t or name.endswith("." + t) for name in module_names)]


def resolve_targets(settings: LoraSettings, linear_names: list[str] | None) -> list[str] | str:
    """The recipe's ``target_modules`` when it gives them, else the architecture's attention projections."""
    if settings.target_modules == "all-linear" or "target_modules" in settings.model_fields_set or linear_names is None:
        return settings.target_modules if isinstance(settings.target_modules, str) else list(settings.target_modules)
    return default_targets(linear_names)


def lora_config(settings: LoraSettings, model_path: str | Path | None = None, model: ModelSettings | None = None) -> Any:
    """The peft ``LoraConfig`` for ``settings``; None means full fine-tuning.

    With ``model_path``, targets the recipe does not give resolve to that architecture's attention
    projections (``qkv_proj`` for Phi-3, ``q_proj``... for Llama, Qwen, Gemma).
    """
    if not settings.enabled:
        return None
    from peft import LoraConfig

    names = None
    if model_path is not None and "target_modules" not in settings.model_fields_set:
        try:
            names = linear_modules(model_path, model or ModelSettings())[1]
        except Exception:  # noqa: BLE001 - no config to read: keep the recipe's (default) targets
            names = None
    return LoraConfig(
        r=settings.r,
        lora_alpha=int(settings.alpha) if float(settings.alpha).is_integer() else settings.alpha,  # type: ignore[arg-type]
        lora_dropout=settings.dropout,
        target_modules=resolve_targets(settings, names),
        bias=settings.bias,
        task_type="CAUSAL_LM",
    )


@dataclass
class MemoryEstimate:
    """A rough training-memory budget (weights, trainable state, activations), in bytes."""

    parameters: int
    trainable: int
    weights: int
    trainable_state: int
    activations: int

    @property
    def total(self) -> int:
        return self.weights + self.trainable_state + self.activations

    def describe(self) -> str:
        return (
            f"{self.parameters / 1e6:,.1f}M parameters, {self.trainable / 1e6:,.2f}M trainable "
            f"({100 * self.trainable / max(self.parameters, 1):.1f} %); memory ≈ {_gib(self.total)} "
            f"(weights {_gib(self.weights)}, grads+Adam {_gib(self.trainable_state)}, activations {_gib(self.activations)})"
        )


def _gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB" if n >= 2**28 else f"{n / 2**20:.0f} MiB"


def estimate_memory(
    path: str | Path, settings: ModelSettings, lora: LoraSettings, batch_size: int, sequence_length: int
) -> MemoryEstimate:
    """Estimate training memory without loading weights: the model is built on the meta device.

    Trainable state is fp32 weights + gradients + two Adam moments (16 bytes per trainable
    parameter); activations use ``batch × length × hidden × layers × 34 bytes`` (Korthikanti et al.),
    an upper-side guess for one micro-batch with checkpointing off.
    """
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    config = AutoConfig.from_pretrained(str(path), trust_remote_code=settings.trust_remote_code)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, trust_remote_code=settings.trust_remote_code)
    parameters = sum(p.numel() for p in model.parameters())
    if lora.enabled:
        trainable = _lora_parameters(model, lora)
    else:
        trainable = parameters
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    hidden = getattr(text, "hidden_size", 0) or 0
    layers = getattr(text, "num_hidden_layers", 0) or 0
    weight_bytes = BYTES_PER_DTYPE.get(settings.dtype, 2)
    return MemoryEstimate(
        parameters=parameters,
        trainable=trainable,
        weights=parameters * weight_bytes,
        trainable_state=trainable * 16,
        activations=batch_size * sequence_length * hidden * layers * 34,
    )


def _lora_parameters(model: Any, lora: LoraSettings) -> int:
    import torch

    targets = lora.target_modules
    total = 0
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Linear) or name.endswith("lm_head"):
            continue
        if targets == "all-linear" or name.rsplit(".", 1)[-1] in targets:
            total += lora.r * (module.in_features + module.out_features)
    return total
