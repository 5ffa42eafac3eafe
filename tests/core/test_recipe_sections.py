"""Recipe sections (``train:``): validated by the model the caller passes, raw otherwise; the core never imports train/."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from rewardkit.recipe import RecipeError, load_recipe, loads_recipe

TOY = Path(__file__).with_name("toy_rewards.py")


class Lora(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rank: int = Field(8, ge=1)


class Section(BaseModel):
    """Stands in for the training layer's TrainSettings."""

    model_config = ConfigDict(extra="forbid")
    model: str = "tiny"
    lora: Lora = Field(default_factory=Lora)


RECIPE = f"""\
plugins: [{TOY}]
rewards:
  - {{reward: toy.length, weight: 1}}
train:
  model: small
  lora: {{rank: 4}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_named_section_becomes_its_model(tmp_path: Path) -> None:
    recipe = load_recipe(write(tmp_path, RECIPE), sections={"train": Section})
    assert recipe.train == Section(model="small", lora=Lora(rank=4))
    assert loads_recipe(RECIPE, sections={"train": Section}).train == recipe.train


def test_a_section_not_named_stays_raw_data(tmp_path: Path) -> None:
    recipe = load_recipe(write(tmp_path, RECIPE))
    assert recipe.train == {"model": "small", "lora": {"rank": 4}}
    assert recipe.resolved_dict()["train"] == {"model": "small", "lora": {"rank": 4}}


def test_a_raw_section_must_be_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, f"plugins: [{TOY}]\nrewards:\n  - {{reward: toy.length}}\ntrain: [1, 2]\n")
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    assert [str(i) for i in info.value.issues] == [f"{path}:4: train: expected a mapping of keys"]


def test_section_errors_are_reported_with_every_other_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""\
        plugins: [{TOY}]
        rewards:
          - {{reward: toy.lenght, weight: 1}}
        train:
          lora:
            rank: 0
          modle: x
        """,
    )
    with pytest.raises(RecipeError) as info:
        load_recipe(path, sections={"train": Section})
    assert [str(i).replace(f"{path}:", "recipe.yaml:") for i in info.value.issues] == [
        "recipe.yaml:3: rewards.0.reward: unknown reward 'toy.lenght'; did you mean 'toy.length'?",
        "recipe.yaml:6: train.lora.rank: input should be greater than or equal to 1",
        "recipe.yaml:7: train.modle: unknown key 'modle'; did you mean 'model'?",
    ]


def test_a_section_the_recipe_does_not_declare_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown recipe section"):
        load_recipe(write(tmp_path, RECIPE), sections={"trian": Section})


def test_the_recipe_package_never_imports_the_training_layer(tmp_path: Path) -> None:
    path = write(tmp_path, RECIPE)
    code = (
        "import json, sys\n"
        "from rewardkit.recipe import load_recipe\n"
        f"recipe = load_recipe({str(path)!r})\n"
        "assert isinstance(recipe.train, dict)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'torch', 'trl'} or m.startswith('rewardkit.train'))))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "plugins"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
