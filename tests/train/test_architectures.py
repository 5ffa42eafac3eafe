"""Real architectures with their published chat templates: preflight, two GRPO steps with LoRA, adapter save/reload, eval.

Each family is a tiny random model built here (tests/train/families.py); the default LoRA targets
resolve per architecture (Phi-3's fused qkv_proj), a target that matches nothing is a located error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from families import FAMILIES, build_family

from rewardkit.recipe import load_recipe
from rewardkit.train.config import TrainSettings

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")

STUB = Path(__file__).with_name("stub_rewards.py")
CORPUS = [
    f"user\nWhat is {a} + {b}?\nassistant\n<think>{a} + {b} = {a + b}</think><answer>{a + b}</answer>"
    for a in range(10)
    for b in range(10)
]


def _recipe(tmp_path: Path, model: Path, lora: str = "") -> Path:
    text = f"""name: arch
plugins: [{STUB}]
rewards:
  - {{id: format, reward: format.tags, weight: 0.25}}
  - {{id: answer, reward: stub.answer, weight: 1.0}}
train:
  model: {{name_or_path: {model}}}
  dataset: {{source: builtin:arith, eval_size: 4, arith: {{size: 40, difficulty: tiny}}}}
  {lora}
  grpo: {{max_steps: 2, per_device_train_batch_size: 4, num_generations: 2, max_completion_length: 6,
          logging_steps: 1, save_strategy: "no"}}
  eval: {{batch_size: 4, max_new_tokens: 6}}
  preflight: {{sample_size: 8, min_gold_parse_rate: 0.0}}
  output_dir: {tmp_path / "out"}
  threads: 1
"""
    path = tmp_path / "arch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_two_grpo_steps_adapter_and_eval(tmp_path: Path, family: str) -> None:
    import transformers

    from rewardkit.train.run import train_recipe

    if family == "gemma3" and int(transformers.__version__.split(".")[0]) < 5:
        # trl 1.16's GRPO loss reads `last_hidden_state` from Gemma3ForCausalLM.get_decoder(), which
        # transformers 4.x answers with the whole causal LM: Gemma 3 GRPO needs transformers 5
        pytest.skip("Gemma 3 GRPO with trl 1.16 needs transformers >= 5 (known incompatibility, docs/training.md)")
    model = build_family(family, tmp_path / family, CORPUS)
    recipe = load_recipe(_recipe(tmp_path, model), sections={"train": TrainSettings})
    result = train_recipe(recipe)
    report = result.report
    assert report["grpo_steps"] == 2
    adapter = result.output_dir / "adapter"
    config = json.loads((adapter / "adapter_config.json").read_text())
    expected = {"qkv_proj", "o_proj"} if family == "phi3" else {"q_proj", "k_proj", "v_proj", "o_proj"}
    assert set(config["target_modules"]) == expected
    assert set(report["preflight"]["lora_targets"]) == expected
    # reload: the base model plus the saved adapter, as `rewardkit eval` does
    from peft import PeftModel

    from rewardkit.train.config import ModelSettings
    from rewardkit.train.model import load_model

    reloaded = load_model(model, ModelSettings(name_or_path=str(model)), adapter)
    assert isinstance(reloaded, PeftModel)
    resolved = (result.output_dir / "recipe.resolved.yaml").read_text()
    assert "#   train.grpo.learning_rate: rewardkit default" in resolved and "#   train.grpo.use_cpu: hardware" in resolved
    assert report.get("accuracy_after_grpo") is not None


def test_all_linear_and_an_unmatched_target(tmp_path: Path) -> None:
    from rewardkit.train.run import TrainError, train_recipe

    model = build_family("phi3", tmp_path / "phi3", CORPUS)
    bad = _recipe(tmp_path, model, lora="lora: {target_modules: [q_proj, o_proj]}")
    recipe = load_recipe(bad, sections={"train": TrainSettings})
    with pytest.raises(TrainError) as info:
        train_recipe(recipe, dry_run=True)
    line = next(i for i, row in enumerate(bad.read_text().splitlines(), 1) if "target_modules" in row)
    assert f"arch.yaml:{line}: train.lora.target_modules: 'q_proj' matches no module of Phi3ForCausalLM" in str(info.value)
    assert "qkv_proj" in str(info.value) and "Traceback" not in str(info.value)

    good = _recipe(tmp_path, model, lora="lora: {target_modules: all-linear}")
    result = train_recipe(load_recipe(good, sections={"train": TrainSettings}), dry_run=True)
    assert result.report["preflight"]["lora_targets"] == "all-linear"
