"""Tiny random-initialised models of real architecture families, with each family's published chat template.

Each family: its transformers config class (a few layers, hidden 32-64), its special tokens, its
chat template (tests/data/chat_templates/), and a byte-level BPE tokenizer trained here on a small
corpus. Nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "chat_templates"


@dataclass(frozen=True)
class Family:
    name: str
    config_class: str  # transformers config class
    template: str  # file under tests/data/chat_templates
    specials: tuple[str, ...]
    bos: str | None
    eos: str  # the end-of-turn token generation stops at
    pad: str
    extra: dict[str, Any] = field(default_factory=dict)


SHAPE = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2}

FAMILIES = {
    "llama3": Family(
        "llama3",
        "LlamaConfig",
        "llama3.jinja",
        (
            "<|begin_of_text|>",
            "<|end_of_text|>",
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|eot_id|>",
            "<|finetune_right_pad_id|>",
        ),
        "<|begin_of_text|>",
        "<|eot_id|>",
        "<|finetune_right_pad_id|>",
        {"rope_theta": 500000.0, "tie_word_embeddings": True},
    ),
    "qwen2.5": Family(
        "qwen2.5",
        "Qwen2Config",
        "qwen2.5.jinja",
        ("<|endoftext|>", "<|im_start|>", "<|im_end|>"),
        None,
        "<|im_end|>",
        "<|endoftext|>",
        {"tie_word_embeddings": True},
    ),
    "qwen3": Family(
        "qwen3",
        "Qwen3Config",
        "qwen3.jinja",
        ("<|endoftext|>", "<|im_start|>", "<|im_end|>"),
        None,
        "<|im_end|>",
        "<|endoftext|>",
        {"head_dim": 16, "tie_word_embeddings": True},
    ),
    "gemma3": Family(
        "gemma3",
        "Gemma3TextConfig",
        "gemma3.jinja",
        ("<pad>", "<eos>", "<bos>", "<start_of_turn>", "<end_of_turn>"),
        "<bos>",
        "<end_of_turn>",
        "<pad>",
        {"head_dim": 16, "sliding_window": 16, "query_pre_attn_scalar": 16},
    ),
    "phi3": Family(
        "phi3",
        "Phi3Config",
        "phi3.jinja",
        ("<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"),
        None,
        "<|end|>",
        "<|endoftext|>",
        {"pad_token_id": None},
    ),
}


def build_family(name: str, folder: Path, corpus: list[str], seed: int = 0) -> Path:
    """Save a tiny random ``name`` model and its tokenizer (with the family's chat template) in ``folder``."""
    import torch
    import transformers
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import AutoModelForCausalLM, GenerationConfig, PreTrainedTokenizerFast

    from rewardkit.train.tiny import FORMAT_TAGS

    family = FAMILIES[name]
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        min_frequency=2,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=list(family.specials),
        show_progress=False,
    )
    tok.train_from_iterator(corpus, trainer=trainer)
    tok.add_tokens([AddedToken(tag, special=False, normalized=False) for tag in FORMAT_TAGS])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=family.bos,
        eos_token=family.eos,
        pad_token=family.pad,
        padding_side="left",
        chat_template=(TEMPLATES / family.template).read_text(encoding="utf-8"),
        model_input_names=["input_ids", "attention_mask"],
    )
    ids = {
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    extra = dict(family.extra)
    extra.pop("pad_token_id", None)
    config = getattr(transformers, family.config_class)(
        vocab_size=len(tokenizer), max_position_embeddings=256, **SHAPE, **ids, **extra
    )
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    model.generation_config = GenerationConfig(**ids)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
