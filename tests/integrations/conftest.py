"""Recipes and rows shared by the dataset-scale tests: a math judge reading the dataset's own column."""

from __future__ import annotations

from pathlib import Path

import pytest

FAULTS = Path(__file__).resolve().parents[1] / "engine" / "faulty_rewards.py"


@pytest.fixture
def recipe_path(tmp_path: Path) -> Path:
    path = tmp_path / "judge.yaml"
    path.write_text(
        "name: judge\n"
        "engine: {workers: 1}\n"
        "rewards:\n"
        "  - {id: correct, reward: math.equivalence, params: {gold: answer, locale: en}}\n"
        "  - {id: fmt, reward: format.tags, weight: 0.2}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def fault_recipe(tmp_path: Path) -> Path:
    """A reward that hangs on 'sleep' under a 0.5 s limit: isolation must hold wherever the recipe runs."""
    path = tmp_path / "faults.yaml"
    path.write_text(
        f"name: faults\nplugins: [{FAULTS}]\n"
        "engine: {timeout_s: 0.5, workers: 1}\n"
        "rewards:\n  - {id: inject, reward: fault.inject, isolation: process, on_timeout: skip}\n",
        encoding="utf-8",
    )
    return path
