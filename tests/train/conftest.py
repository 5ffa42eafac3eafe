"""Shared pieces of the training tests: a tiny recipe and a tiny model built from a config (no download)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

STUB_PLUGIN = Path(__file__).with_name("stub_rewards.py")

# The smallest settings that still exercise every phase: a 1-layer Llama, a few steps of each trainer.
TINY_TRAIN = """
train:
  model:
    name_or_path: builtin:tiny
    tiny: {{hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2,
            num_key_value_heads: 1, vocab_size: 400, corpus_size: 300}}
  dataset:
    source: {source}
    eval_size: 16
    arith: {{size: 300, difficulty: tiny}}
  warmup_sft: {{max_steps: 3, per_device_train_batch_size: 8, logging_steps: 1}}
  grpo: {{max_steps: {grpo_steps}, per_device_train_batch_size: 8, num_generations: 4, max_completion_length: 8,
          logging_steps: 1, save_steps: 1}}
  eval: {{batch_size: 16}}
  output_dir: {output_dir}
  threads: 1
"""


def write_tiny_recipe(tmp_path: Path, *, source: str = "builtin:arith", grpo_steps: int = 2, extra: str = "") -> Path:
    """A recipe file with stand-in rewards and the tiny train: section; outputs go under tmp_path/out."""
    text = (
        f"name: tiny\nplugins: [{STUB_PLUGIN}]\n"
        "rewards:\n"
        "  - {id: format, reward: format.tags, weight: 0.25}\n"
        "  - {id: answer, reward: stub.answer, weight: 1.0}\n"
        + TINY_TRAIN.format(source=source, grpo_steps=grpo_steps, output_dir=tmp_path / "out")
        + extra
    )
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny_recipe() -> Callable[..., Path]:
    """``tiny_recipe(tmp_path, source=..., grpo_steps=...)`` writes the tiny recipe and returns its path."""
    return write_tiny_recipe


@pytest.fixture
def tiny_model_dir(tmp_path: Path) -> Path:
    """A tiny Llama and its tokenizer saved in a folder, built from a config."""
    from rewardkit.train import arith
    from rewardkit.train.config import TinyModelSettings
    from rewardkit.train.tiny import ensure_tiny_model, tokenizer_corpus

    settings = TinyModelSettings(
        hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1, vocab_size=400
    )
    corpus = tokenizer_corpus((p.as_row() for p in arith.generate(300, seed=0, level="tiny")), 300)
    folder, _ = ensure_tiny_model(tmp_path / "tiny-model", settings, corpus)
    return folder
