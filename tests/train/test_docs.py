"""docs/training.md stays true: its example recipe validates, GRPOConfig keys included."""

from __future__ import annotations

import re
from pathlib import Path

from rewardkit.recipe import loads_recipe
from rewardkit.train.config import TrainSettings, check_trainer_keys
from rewardkit.train.run import settings_of

ROOT = Path(__file__).resolve().parents[2]


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)


def test_the_metamathqa_example_recipe_is_valid() -> None:
    text = (ROOT / "docs" / "training.md").read_text(encoding="utf-8")
    block = next(b for b in _yaml_blocks(text) if b.startswith("# recipes/vi-math-qwen.yaml"))
    recipe = loads_recipe(block, name="vi-math-qwen.yaml", base_dir=ROOT / "recipes")
    settings = settings_of(recipe)
    assert isinstance(settings, TrainSettings)
    assert settings.dataset.adapter == "metamathqa_vi" and settings.lora.target_modules == "all-linear"
    assert check_trainer_keys(settings) == []
    assert "correct" in recipe.ids


def test_the_demo_recipe_is_valid_and_documented() -> None:
    from rewardkit.recipe import load_recipe

    recipe = load_recipe(ROOT / "recipes" / "demo.yaml", sections={"train": TrainSettings})
    assert recipe.ids == ["format", "correct", "vi_language"]
    settings = settings_of(recipe)
    assert check_trainer_keys(settings) == []
    assert settings.dataset.eval_size >= 500
    assert "recipes/demo.yaml" in (ROOT / "docs" / "training.md").read_text(encoding="utf-8")
