"""`rewardkit check` validates a recipe's train section against TRL's own config fields."""

import subprocess
import sys
from pathlib import Path

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def test_check_reports_grpo_typo_with_line(tmp_path):
    text = (RECIPES / "demo.yaml").read_text(encoding="utf-8").replace("learning_rate: 3.0e-4", "learnig_rate: 3.0e-4")
    recipe = tmp_path / "demo.yaml"
    recipe.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "learnig_rate" in row)
    proc = subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", "check", "demo.yaml"], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        f"demo.yaml:{line}: train.grpo.learnig_rate: unknown GRPOConfig field 'learnig_rate'; did you mean 'learning_rate'?"
    )
    assert "Traceback" not in proc.stderr


def test_check_accepts_the_demo_recipe():
    proc = subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", "check", str(RECIPES / "demo.yaml")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
