"""GRPO smoke tests: a tiny causal LM from a config (no download), LoRA, real GRPOTrainer steps, recipe rewards."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewardkit.recipe import load_recipe
from rewardkit.runtime import compile_recipe
from rewardkit.train.report import REPORT_KEYS

# transformers 5 deprecation chatter from inside peft/TRL, about a flag these tests never set
pytestmark = pytest.mark.filterwarnings("ignore:.*gradient_checkpointing.*:FutureWarning")


def _grpo_config(tmp_path: Path, **overrides):
    from trl import GRPOConfig

    from rewardkit.train.common import trainer_defaults

    args = {
        **trainer_defaults("grpo", cuda=False),
        "max_steps": 2,
        "per_device_train_batch_size": 8,
        "num_generations": 4,
        "max_completion_length": 8,
        "logging_steps": 1,
        "save_strategy": "no",
        **overrides,
    }
    return GRPOConfig(output_dir=str(tmp_path / "grpo"), **args)


def _dataset():
    from rewardkit.train.config import DatasetSettings
    from rewardkit.train.data import load_splits

    return load_splits(DatasetSettings(eval_size=4, arith={"size": 64, "difficulty": "tiny"})).train


def test_two_grpo_steps_log_every_recipe_reward(tmp_path: Path, tiny_model_dir: Path, tiny_recipe) -> None:
    """The spine smoke test: a model object built from a config, LoRA, the recipe's compiled rewards."""
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOTrainer

    recipe = load_recipe(tiny_recipe(tmp_path))
    compiled = compile_recipe(recipe)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_config(AutoModelForCausalLM.from_pretrained(tiny_model_dir).config)
    lora = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], task_type="CAUSAL_LM")
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=compiled.funcs,
        args=_grpo_config(tmp_path, reward_weights=compiled.weights),
        train_dataset=_dataset(),
        processing_class=tokenizer,
        peft_config=lora,
    )
    trainer.train()
    compiled.close()
    logged = set().union(*(entry.keys() for entry in trainer.state.log_history))
    assert trainer.state.global_step == 2
    for rid in compiled.ids:
        assert f"rewards/{rid}/mean" in logged
        assert f"rewardkit/{rid}/error_rate" in logged
    assert "reward" in logged
    assert sum(p.numel() for p in trainer.model.parameters() if p.requires_grad) < 0.2 * sum(
        p.numel() for p in trainer.model.parameters()
    )


def test_grpo_on_a_model_loaded_from_its_folder_and_adapter_reload(tmp_path: Path, tiny_model_dir: Path, tiny_recipe) -> None:
    """GRPOTrainer(model="<folder>") loads the saved tiny model like a hub id; the adapter reloads with peft."""
    from peft import LoraConfig, PeftModel
    from transformers import AutoModelForCausalLM
    from trl import GRPOTrainer

    recipe = load_recipe(tiny_recipe(tmp_path))
    compiled = compile_recipe(recipe)
    trainer = GRPOTrainer(
        model=str(tiny_model_dir),
        reward_funcs=compiled.funcs,
        args=_grpo_config(tmp_path, reward_weights=compiled.weights, max_steps=1),
        train_dataset=_dataset(),
        peft_config=LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"),
    )
    trainer.train()
    compiled.close()
    trainer.save_model(str(tmp_path / "adapter"))
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()
    reloaded = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model_dir), str(tmp_path / "adapter"))
    assert any("lora_A" in name for name, _ in reloaded.named_parameters())


@pytest.mark.slow
def test_train_command_end_to_end_then_resume_and_eval(tmp_path: Path, tiny_recipe) -> None:
    """`rewardkit train` leaves adapter, metrics, plot, reports; --resume continues; `eval --adapter` measures it."""
    import json

    from click.testing import CliRunner
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from rewardkit.cli import cli

    recipe = tiny_recipe(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["train", str(recipe)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for name in (
        "adapter/adapter_model.safetensors",
        "recipe.resolved.yaml",
        "metrics.jsonl",
        "rewards.png",
        "report.md",
        "report.json",
    ):
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text())
    for key in REPORT_KEYS:
        assert key in report, key
    assert report["eval_size"] == 16 and set(report["by_language"]) == {"en", "vi"}
    from rewardkit.train.report import PASS_K_KEYS

    for key in PASS_K_KEYS:  # pass@k before and after GRPO, by default k = 8 at the GRPO temperature
        assert key in report, key
    assert report["pass_k"]["k"] == 8 and 0.0 <= report["pass_k_lenient_after_grpo"] <= 1.0
    assert report["pass_k_lenient_before_grpo"] >= report["pass_k_sample_lenient_before_grpo"]
    assert "pass_k_lenient_after_grpo" in report["by_language"]["en"] and "pass_k_lenient_base" not in report
    assert "lenient pass@8" in (out / "report.md").read_text()
    phases = {json.loads(line)["phase"] for line in (out / "metrics.jsonl").read_text().splitlines()}
    assert phases == {"sft", "grpo"}
    assert "outputs in" in result.output and "preflight" in result.output
    PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(out / "sft"), str(out / "adapter"))

    resumed = runner.invoke(cli, ["train", str(recipe), "--resume", "--set", "train.grpo.max_steps=3"], catch_exceptions=False)
    assert resumed.exit_code == 0, resumed.output
    assert "warm-up SFT already done" in resumed.output and "resuming GRPO from" in resumed.output
    assert json.loads((out / "report.json").read_text())["grpo_steps"] == 3

    evaluated = runner.invoke(cli, ["eval", str(recipe), "--adapter", str(out / "adapter"), "--json"], catch_exceptions=False)
    assert evaluated.exit_code == 0, evaluated.output
    measured = json.loads(evaluated.output)
    assert measured["n"] == 16 and measured["pass_k"]["k"] == 8
    assert measured["by_language"]["vi"]["pass_k_lenient"] is not None
    shown = runner.invoke(
        cli, ["eval", str(recipe), "--adapter", str(out / "adapter"), "--set", "train.eval.pass_k=2"], catch_exceptions=False
    )
    assert shown.exit_code == 0 and "pass@2 (T" in shown.output and "greedy (pass@1)" in shown.output


def test_dry_run_shows_preflight_and_trains_nothing(tmp_path: Path, tiny_recipe) -> None:
    from click.testing import CliRunner

    from rewardkit.cli import cli

    result = CliRunner().invoke(cli, ["train", str(tiny_recipe(tmp_path)), "--dry-run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "gold parse rate 100.0 %" in result.output and "prompt 1" in result.output and "memory:" in result.output
    assert "preflight passed" in result.output
    assert not (tmp_path / "out" / "sft").exists() and not (tmp_path / "out" / "adapter").exists()


def test_unreadable_golds_stop_the_run(tmp_path: Path, tiny_recipe) -> None:
    import json

    from click.testing import CliRunner

    from rewardkit.cli import cli

    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "".join(json.dumps({"question": f"{i} + 1?", "solution": "n/a" if i % 2 else str(i + 1)}) + "\n" for i in range(40))
    )
    result = CliRunner().invoke(cli, ["train", str(tiny_recipe(tmp_path, source=str(rows))), "--dry-run"])
    assert result.exit_code == 2
    assert "of the gold answers can be read" in result.output and "tiny.yaml:" in result.output


def test_unknown_grpo_key_is_a_located_error_with_a_suggestion(tmp_path: Path, tiny_recipe) -> None:
    from click.testing import CliRunner

    from rewardkit.cli import cli

    recipe = tiny_recipe(tmp_path)
    result = CliRunner().invoke(cli, ["train", str(recipe), "--dry-run", "--set", "train.grpo.lerning_rate=0.1"])
    assert result.exit_code == 2
    assert "train.grpo.lerning_rate: unknown GRPOConfig field 'lerning_rate'; did you mean 'learning_rate'?" in result.output
