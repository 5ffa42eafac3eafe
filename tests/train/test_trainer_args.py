"""GRPOConfig/SFTConfig arguments checked against the installed classes: renamed fields, value types, sources, hardware."""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from rewardkit.train.config import TrainSettings
from rewardkit.train.trainer_args import describe, hardware_defaults, installed_name, resolve

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


@dataclasses.dataclass
class OldConfig:
    """A config class of an older transformers: only the old name of activation checkpointing."""

    gradient_checkpointing: bool = True
    learning_rate: float = 1e-6
    max_steps: int = -1
    use_cpu: bool = False
    bf16: bool | None = None
    report_to: str | None = "none"


@dataclasses.dataclass
class NewConfig:
    activation_checkpointing: bool | None = None
    learning_rate: float = 1e-6


def test_renamed_fields_are_mapped_and_unknown_defaults_dropped() -> None:
    settings = TrainSettings.model_validate({"grpo": {"activation_checkpointing": True}})
    old = resolve("grpo", settings, cls=OldConfig)
    kwargs = old.kwargs()
    assert kwargs["gradient_checkpointing"] is True and "activation_checkpointing" not in kwargs
    assert not old.problems
    assert set(kwargs) <= {f.name for f in dataclasses.fields(OldConfig)}  # nothing passed blind
    new = resolve("grpo", TrainSettings.model_validate({"grpo": {"gradient_checkpointing": False}}), cls=NewConfig)
    assert new.kwargs() == {"activation_checkpointing": False, "learning_rate": 3e-4}
    assert installed_name("max_seq_length", {"max_length": None}) == "max_length"


def test_installed_trl_gets_only_its_own_fields() -> None:
    from trl import GRPOConfig, SFTConfig

    settings = TrainSettings.model_validate({"warmup_sft": {"max_steps": 5}})
    for kind, cls in (("grpo", GRPOConfig), ("sft", SFTConfig)):
        kwargs = resolve(kind, settings).kwargs()
        assert set(kwargs) <= {f.name for f in dataclasses.fields(cls)}
        cls(output_dir="unused", **kwargs)  # constructs on this CPU-only machine


def test_values_are_checked_against_field_types() -> None:
    settings = TrainSettings.model_validate(
        {"grpo": {"learning_rate": "1e-5", "max_steps": "ten", "lr_scheduler_type": "cosin"}, "warmup_sft": {"max_steps": 2.5}}
    )
    grpo = resolve("grpo", settings)
    assert grpo.kwargs()["learning_rate"] == 1e-5 and isinstance(grpo.kwargs()["learning_rate"], float)
    problems = dict(grpo.problems)
    assert problems[("train", "grpo", "max_steps")] == "GRPOConfig.max_steps expects int, got 'ten'"
    assert "did you mean 'cosine'?" in problems[("train", "grpo", "lr_scheduler_type")]
    assert (
        dict(resolve("sft", settings).problems)[("train", "warmup_sft", "max_steps")]
        == "SFTConfig.max_steps expects int, got 2.5"
    )


def test_check_and_dry_run_report_bad_values_with_lines(tmp_path: Path) -> None:
    original = (RECIPES / "demo.yaml").read_text(encoding="utf-8")
    grpo = original.index("  grpo:")  # the GRPO section's max_steps (the warm-up has one too)
    text = original[:grpo] + original[grpo:].replace("max_steps: 200", "max_steps: ten", 1)
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "max_steps: ten" in row)
    expected = f"demo.yaml:{line}: train.grpo.max_steps: GRPOConfig.max_steps expects int, got 'ten'"
    for args in (["check", "demo.yaml"], ["train", "--dry-run", "demo.yaml"]):
        proc = subprocess.run([sys.executable, "-m", "rewardkit.cli", *args], capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert expected in proc.stderr and "Traceback" not in proc.stderr


def test_hardware_decides_bf16_and_use_cpu() -> None:
    assert hardware_defaults(cuda=False) == {"use_cpu": True, "bf16": False}
    assert hardware_defaults(cuda=True, bf16_supported=True) == {"use_cpu": False, "bf16": True}
    assert hardware_defaults(cuda=True, bf16_supported=False) == {"use_cpu": False, "bf16": False}
    gpu = {s.name: s for s in resolve("grpo", TrainSettings(), cuda=True, bf16_supported=True).settings}
    assert gpu["bf16"].value is True and gpu["bf16"].source == "hardware"
    recipe_wins = resolve("grpo", TrainSettings.model_validate({"grpo": {"bf16": False}}), cuda=True, bf16_supported=True)
    assert recipe_wins.kwargs()["bf16"] is False


def test_effective_settings_name_their_source() -> None:
    settings = TrainSettings.model_validate({"grpo": {"learning_rate": 1e-4}})
    lines = describe(resolve("grpo", settings))
    assert any(line.startswith("learning_rate = 0.0001  (recipe; TRL default") for line in lines)
    assert any(line.startswith("max_completion_length = 32  (rewardkit default") for line in lines)
    assert any(line.startswith("use_cpu = True  (hardware") for line in lines)
    assert not any(line.startswith("beta") for line in lines)  # rewardkit's 0.0 equals TRL's default: not shown


def test_dry_run_prints_effective_settings_and_preflight_warnings(tmp_path: Path, tiny_recipe) -> None:
    path = tiny_recipe(tmp_path)
    text = path.read_text().replace(
        "  - {id: answer, reward: stub.answer, weight: 1.0}\n",
        "  - {id: answer, reward: stub.answer, weight: 1.0}\n"
        "  - {id: never, reward: format.tags, weight: 0.5, when: {column: language, equals: xx}}\n",
    )
    path.write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", "train", "--dry-run", str(path), "--set", "train.grpo.max_completion_length=2"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = " ".join(proc.stdout.split())
    assert "GRPOConfig settings that differ from TRL's defaults:" in out
    assert "max_completion_length = 2 (recipe; TRL default 512)" in out
    assert "SFTConfig (warm-up) settings" in out
    assert "max_completion_length 2 is shorter than" in out
    assert "reward 'never' skipped all" in out


def test_trl_grpo_resolves_the_recipe_rewards_by_dotted_path(tmp_path: Path, tiny_recipe, monkeypatch) -> None:
    """As trl/scripts/grpo.py does: module_path, name = s.rsplit('.', 1); getattr(import_module(module_path), name)."""
    monkeypatch.setenv("REWARDKIT_RECIPE", str(tiny_recipe(tmp_path)))

    def load(dotted: str):
        module_path, name = dotted.rsplit(".", 1)
        return getattr(importlib.import_module(module_path), name)

    total = load("rewardkit.train.trl_cli.recipe_reward")
    fmt = load("rewardkit.train.trl_cli.format")
    good = "<think>1 + 1 = 2</think><answer>2</answer>"
    kwargs = {"solution": ["2", "2"]}
    assert fmt(prompts=["q", "q"], completions=[good, "2"], **kwargs) == [1.0, 0.0]
    values = total(prompts=["q", "q"], completions=[good, "nope"], **kwargs)
    assert values[0] == pytest.approx(0.25 * 1.0 + 1.0 * 1.0) and values[0] > values[1]
    with pytest.raises(AttributeError, match="no reward entry 'nope'"):
        load("rewardkit.train.trl_cli.nope")
    from rewardkit.train import trl_cli

    assert trl_cli.compiled_recipe().weights == [0.25, 1.0]


def test_eval_judge_runs_through_the_engine_with_the_recipe_timeout(tmp_path: Path, tiny_recipe) -> None:
    from rewardkit.recipe import load_recipe
    from rewardkit.train.evaluate import make_judge

    recipe = load_recipe(tiny_recipe(tmp_path))
    judge = make_judge(recipe)
    assert judge.leaf.timeout_s == recipe.engine.timeout_s
    assert judge([("5"), ("6")], ["5", "5"]) == [True, False]
    assert judge.engine.snapshot()[judge.leaf.key]["count"] == 2


def test_lowest_constraints_pin_every_training_floor() -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, str(root / ".ci" / "lowest_constraints.py")], capture_output=True, text=True, check=True
    )
    pins = dict(line.split("==") for line in out.stdout.split())
    assert {"trl", "transformers", "peft", "accelerate", "datasets"} <= set(pins)
    assert "torch" not in pins  # torch stays at constraints.txt's CPU build


def test_dry_run_names_a_breakdown_column_the_held_out_data_lacks(tmp_path: Path) -> None:
    text = (RECIPES / "demo.yaml").read_text(encoding="utf-8").replace("by_columns: [op]", "by_columns: [op, level]")
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "by_columns" in row)
    proc = subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", "train", "--dry-run", "demo.yaml", "--set", "train.dataset.arith.size=200"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr
    assert f"demo.yaml:{line}: train.eval.by_columns: the held-out data has no column 'level'" in proc.stderr
    assert "'op'" not in proc.stderr.split("no column", 1)[1].split("(columns")[0]  # op exists: only level is named
    assert "Traceback" not in proc.stderr
