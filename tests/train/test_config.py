"""The train: section: shorthands, validation with file:line, GRPOConfig/SFTConfig keys with did-you-mean."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from rewardkit.recipe import RecipeError, load_recipe
from rewardkit.train.config import TrainSettings, check_trainer_keys
from rewardkit.train.run import TrainError, settings_of


def test_shorthands_and_defaults() -> None:
    s = TrainSettings.model_validate({"model": "Qwen/Qwen2.5-0.5B-Instruct", "dataset": "gsm8k_local.jsonl", "lora": False})
    assert s.model.name_or_path == "Qwen/Qwen2.5-0.5B-Instruct" and not s.model.is_builtin
    assert s.dataset.source == "gsm8k_local.jsonl" and not s.lora.enabled
    assert s.lora.target_modules == ["q_proj", "k_proj", "v_proj", "o_proj"]
    assert TrainSettings.model_validate({"warmup_sft": True}).warmup_sft is not None
    assert TrainSettings.model_validate({"warmup_sft": False}).warmup_sft is None
    warm = TrainSettings.model_validate({"warmup_sft": {"max_steps": 10, "lora": True}}).warmup_sft
    assert warm is not None and warm.lora and warm.sft_args() == {"max_steps": 10}
    assert TrainSettings().resolve_output_dir("demo", Path("/x")) == Path("/x/runs/demo")


def test_invalid_values_are_rejected() -> None:
    with pytest.raises(ValidationError, match="multiple of num_attention_heads"):
        TrainSettings.model_validate({"model": {"tiny": {"hidden_size": 30, "num_attention_heads": 4}}})
    with pytest.raises(ValidationError, match="extra"):
        TrainSettings.model_validate({"lora": {"rank": 8}})


def test_trainer_keys_get_suggestions_and_reserved_keys_are_refused() -> None:
    s = TrainSettings.model_validate(
        {"grpo": {"lerning_rate": 1e-4, "reward_weights": [1.0], "num_generations": 4}, "warmup_sft": {"max_stpes": 3}}
    )
    problems = dict(check_trainer_keys(s))
    assert "did you mean 'learning_rate'" in problems[("train", "grpo", "lerning_rate")]
    assert "recipe's `rewards:` weights" in problems[("train", "grpo", "reward_weights")]
    assert "did you mean 'max_steps'" in problems[("train", "warmup_sft", "max_stpes")]
    assert ("train", "grpo", "num_generations") not in problems


def test_recipe_errors_in_train_have_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "rewards:\n"
        "  - {reward: format.tags, weight: 1.0}\n"
        "train:\n"
        "  model: builtin:tiny\n"
        "  lora:\n"
        "    r: 0\n"
        "  dataset:\n"
        "    formt: standard\n"
    )
    with pytest.raises(RecipeError) as info:
        load_recipe(path, sections={"train": TrainSettings})
    text = str(info.value)
    assert "r.yaml:6: train.lora.r:" in text
    assert "r.yaml:8: train.dataset.formt: unknown key 'formt'; did you mean 'format'?" in text


def test_a_raw_train_section_is_validated_with_locations() -> None:
    """A recipe loaded without the train section's model (sections=) still fails with file:line."""
    recipe = SimpleNamespace(train={"lora": {"r": 0}, "seed": 3}, locate=lambda path: f"r.yaml:{len(path)}")
    with pytest.raises(TrainError) as info:
        settings_of(recipe)
    assert info.value.messages == ["r.yaml:3: train.lora.r: Input should be greater than or equal to 1"]
    assert settings_of(SimpleNamespace(train={"seed": 3}, locate=None)).seed == 3
