"""``builtin:tiny``: the embedded default model, built from a config with a tokenizer trained here.

Nothing is downloaded. The tokenizer is a byte-level BPE trained in about a second on the run's own
problems: it lets BPE merge whole numbers (one token per small number), which makes the tiny model
learn arithmetic about ten times faster than one token per digit. A number is always a piece of its
own, never merged with the space before it, so ``= 42`` and ``<answer>42`` share the token ``42``.
The format tags are added as *non-special* tokens, because TRL decodes completions with
``skip_special_tokens=True`` and a special tag would vanish before the rewards see it. The model is
a Llama (a Qwen2 config would make ``AutoTokenizer`` swap in Qwen2's pre-tokenizer on reload). Both
are saved in a folder that ``from_pretrained`` loads like any hub model, and reused while the
settings are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rewardkit.train.config import TinyModelSettings

SPECIAL_TOKENS = ["<|pad|>", "<|bos|>", "<|im_start|>", "<|im_end|>"]
FORMAT_TAGS = ["<think>", "</think>", "<answer>", "</answer>"]
# ChatML-like; '\n' is written as a string literal so that {%- -%} whitespace control cannot eat it.
CHAT_TEMPLATE = (
    "{%- for m in messages -%}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n' }}{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)
FINGERPRINT_FILE = "rewardkit-tiny.json"
TOKENIZER_VERSION = "2"  # bumped when build_tokenizer changes, so that an older folder is rebuilt, not reused


def fingerprint(settings: TinyModelSettings, corpus: list[str], seed: int) -> str:
    digest = hashlib.sha256()
    digest.update(settings.model_dump_json().encode())
    digest.update(TOKENIZER_VERSION.encode())
    digest.update(str(seed).encode())
    for text in corpus:
        digest.update(text.encode("utf-8", "replace"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def build_tokenizer(corpus: Iterable[str], vocab_size: int = 1024) -> Any:
    """Train the byte-level BPE tokenizer on ``corpus`` and wrap it for transformers (chat template included).

    Args:
        corpus: texts to learn merges from (questions and reference solutions).
        vocab_size: the BPE target; a small corpus stops earlier.

    Returns:
        A ``PreTrainedTokenizerFast`` with pad/bos/eos set and left padding.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()  # Vietnamese must be NFC before merges are learned or applied
    # A number is its own piece, never merged with the space before it: "= 42" and "<answer>42" then hold
    # the same token, so what the model knows of 42 in one format it knows in the other.
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex(r"\p{N}+"), behavior="isolated"), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=SPECIAL_TOKENS,
        show_progress=False,
    )
    tok.train_from_iterator(corpus, trainer=trainer)
    tok.add_tokens([AddedToken(tag, special=False, normalized=False) for tag in FORMAT_TAGS])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|bos|>",
        eos_token="<|im_end|>",
        pad_token="<|pad|>",
        padding_side="left",
        chat_template=CHAT_TEMPLATE,
        # causal LMs take no token_type_ids; transformers 4.x would return them and generate() refuses them
        model_input_names=["input_ids", "attention_mask"],
    )


def build_model(tokenizer: Any, settings: TinyModelSettings, seed: int = 0) -> Any:
    """A randomly initialised Llama sized by ``settings``, with generation ids from ``tokenizer``."""
    import torch
    from transformers import AutoModelForCausalLM, GenerationConfig, LlamaConfig

    ids = {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id, "pad_token_id": tokenizer.pad_token_id}
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=settings.hidden_size,
        intermediate_size=settings.intermediate_size,
        num_hidden_layers=settings.num_hidden_layers,
        num_attention_heads=settings.num_attention_heads,
        num_key_value_heads=settings.num_key_value_heads,
        max_position_embeddings=settings.max_position_embeddings,
        tie_word_embeddings=True,
        **ids,
    )
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    model.generation_config = GenerationConfig(**ids)
    return model


def ensure_tiny_model(folder: Path, settings: TinyModelSettings, corpus: list[str], seed: int = 0) -> tuple[Path, bool]:
    """Build (or reuse) the tiny model and its tokenizer in ``folder``.

    Args:
        folder: where the model is saved; a folder built from the same settings, corpus and seed is reused.
        settings: the model's shape.
        corpus: the texts the tokenizer learns from.
        seed: initialisation seed.

    Returns:
        ``(folder, built)``, ``built`` False when a matching folder was reused.

    Example:
        >>> from rewardkit.train.config import TinyModelSettings
        >>> import tempfile
        >>> path, built = ensure_tiny_model(Path(tempfile.mkdtemp()), TinyModelSettings(hidden_size=32, intermediate_size=64,
        ...     num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1, vocab_size=300), ["1 + 2 = 3"] * 5)
        >>> built, (path / "config.json").is_file()
        (True, True)
    """
    corpus = corpus[: settings.corpus_size]
    print_id = fingerprint(settings, corpus, seed)
    marker = folder / FINGERPRINT_FILE
    if marker.is_file() and (folder / "config.json").is_file():
        try:
            if json.loads(marker.read_text()).get("fingerprint") == print_id:
                return folder, False
        except (OSError, ValueError):
            pass
    tokenizer = build_tokenizer(corpus, settings.vocab_size)
    model = build_model(tokenizer, settings, seed)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    n_params = sum(p.numel() for p in model.parameters())
    marker.write_text(json.dumps({"fingerprint": print_id, "parameters": n_params, "vocab_size": len(tokenizer)}, indent=2))
    return folder, True


def tokenizer_corpus(rows: Iterable[dict[str, Any]], limit: int) -> list[str]:
    """Texts for the tokenizer: each row's question, reference solution and answer, with the chat roles."""
    texts: list[str] = []
    for row in rows:
        if len(texts) >= limit:
            break
        parts = ("user", row.get("question"), "assistant", row.get("reference"), row.get("solution"))
        texts.append("\n".join(str(part or "") for part in parts))
    return texts
