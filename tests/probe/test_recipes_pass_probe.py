"""Every shipped recipe withstands the built-in hacking probes (``rewardkit probe --strict``)."""

from pathlib import Path

import pytest

from rewardkit.probe import run_probes
from rewardkit.recipe import load_recipe

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
RECIPE_FILES = sorted(p for p in RECIPES.glob("*.yaml") if not p.name.endswith(".cases.yaml"))


@pytest.mark.parametrize("path", RECIPE_FILES, ids=[p.name for p in RECIPE_FILES])
def test_recipe_passes_probe_strict(path):
    report = run_probes(load_recipe(path))
    problems = list(report.problems) + [f"{p.name}: {p.reason} ({p.description})" for p in report.flagged]
    assert not problems, f"{path.name} is hackable:\n  " + "\n  ".join(problems)
