"""The plugin boundary is a declared API: built-in plugins (and the example package) import only
``rewardkit`` (names in its ``__all__``) and ``rewardkit.text`` (names in its ``__all__``).

Read from the source with ``ast``, function-level imports included, so a new internal import fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import rewardkit
import rewardkit.text

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_FILES = sorted([*(ROOT / "plugins").rglob("*.py"), *(ROOT / "examples").rglob("*.py")])
PUBLIC = {"rewardkit": set(rewardkit.__all__), "rewardkit.text": set(rewardkit.text.__all__)}


def _rewardkit_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """``(line, module, names)`` of every import of a ``rewardkit`` module in ``path`` (``names`` empty for ``import x``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "rewardkit" or node.module.startswith("rewardkit."):
                found.append((node.lineno, node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "rewardkit" or alias.name.startswith("rewardkit."):
                    found.append((node.lineno, alias.name, []))
    return found


def test_plugin_files_are_found():
    assert len(PLUGIN_FILES) > 20
    assert any(p.parts[-2] == "rewardkit_example" for p in PLUGIN_FILES)


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_use_only_the_declared_api(path: Path):
    wrong = []
    for line, module, names in _rewardkit_imports(path):
        if module not in PUBLIC:
            wrong.append(f"{path.name}:{line}: imports {module} (the plugin API is rewardkit and rewardkit.text)")
            continue
        wrong += [f"{path.name}:{line}: {module}.{n} is not in {module}.__all__" for n in names if n not in PUBLIC[module]]
    assert not wrong, "\n".join(wrong)


def test_attribute_access_on_rewardkit_stays_public():
    """``import rewardkit; rewardkit.X``: X must be public too (the example plugin writes it this way)."""
    wrong = []
    for path in PLUGIN_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "rewardkit":
                if node.attr not in PUBLIC["rewardkit"]:
                    wrong.append(f"{path.name}:{node.lineno}: rewardkit.{node.attr}")
    assert not wrong, "\n".join(wrong)


def test_every_public_name_resolves():
    for module, names in PUBLIC.items():
        package = rewardkit if module == "rewardkit" else rewardkit.text
        for name in names:
            assert getattr(package, name) is not None, f"{module}.{name}"
