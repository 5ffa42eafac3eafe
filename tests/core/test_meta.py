"""Meta-tests that keep hooks, docs, tests and recipes in step (the datasette way)."""

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from rewardkit import hookspecs
from rewardkit.plugins import BUILTIN_PLUGINS, get_registry

ROOT = Path(__file__).resolve().parents[2]
HOOKS = [name for name, obj in vars(hookspecs).items() if callable(obj) and hasattr(obj, "rewardkit_spec")]


def test_there_are_hooks():
    assert set(HOOKS) == {"register_rewards", "register_extractors", "register_probes"}


@pytest.mark.parametrize("hook", HOOKS)
def test_plugin_hooks_are_documented(hook):
    signature = f"{hook}({', '.join(inspect.signature(getattr(hookspecs, hook)).parameters)})"
    assert f"### {signature}" in (ROOT / "docs" / "writing-plugins.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("hook", HOOKS)
def test_plugin_hooks_have_tests(hook):
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    assert re.search(rf"def test_hook_{hook}", sources), f"add a test named test_hook_{hook}..."


def _generator():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "docs" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _builtin_specs():
    return [s for s in get_registry().rewards.values() if s.plugin in BUILTIN_PLUGINS]


def test_every_builtin_reward_is_documented_with_an_example():
    for spec in _builtin_specs():
        assert spec.doc, f"{spec.name} has no docstring"
        assert ">>>" in spec.doc or "Example" in spec.doc, f"{spec.name}: docstring needs an Example"
        for name, info in spec.params_model.model_fields.items():
            assert info.description, f"{spec.name}: param {name!r} has no Field(description=...)"


def test_generated_docs_are_up_to_date(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    for path, text in _generator().generated().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make docs`"


def test_every_builtin_reward_is_exercised_by_a_case_file():
    recipes_dir = ROOT / "recipes"
    used = set()
    for cases in recipes_dir.rglob("*.cases.yaml"):
        recipe_ref = re.search(r"^recipe:\s*(\S+)", cases.read_text(encoding="utf-8"), re.M)
        if recipe_ref:
            used |= set(re.findall(r"\b([a-z_]+\.[a-z_]+)\b", (cases.parent / recipe_ref.group(1)).read_text(encoding="utf-8")))
    missing = sorted(s.name for s in _builtin_specs() if s.name not in used)
    assert not missing, f"built-in rewards without a recipe + case file under recipes/: {missing}"
