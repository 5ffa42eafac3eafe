"""Node references: one walker (``refs``) names every leaf; reward params see the registry while validating."""

from pathlib import Path

import pytest

from rewardkit.recipe import RecipeError, loads_recipe
from rewardkit.runtime import compile_recipe

TOY = Path(__file__).with_name("toy_rewards.py")

ALL_KINDS = f"""\
plugins: [{TOY}]
rewards:
  - {{id: format, reward: toy.length, weight: 0.5}}
  - {{id: answer, gate: toy.length, then: {{reward: toy.contains, params: {{word: x}}}}}}
  - {{id: c, clip: toy.length, min: 0, max: 1}}
  - {{id: x, min: [toy.length, toy.plain]}}
  - {{id: p, product: [toy.length, toy.plain, toy.length]}}
"""


def test_leaf_keys_come_from_the_refs_walk() -> None:
    recipe = loads_recipe(ALL_KINDS)
    assert [[key for key, _ in node.leaves()] for node in recipe.rewards] == [
        ["format"],
        ["answer/gate", "answer/then"],
        ["c/clip"],
        ["x/min.0", "x/min.1"],
        ["p/product.0", "p/product.1", "p/product.2"],
    ]
    gate = recipe.node("answer")
    assert [gate.leaf_key(rel) for rel, _ in gate.refs()] == ["answer/gate", "answer/then"]
    assert gate.leaves()[1][1].params == {"word": "x"}


def test_the_engine_names_its_leaves_like_the_recipe() -> None:
    recipe = loads_recipe(ALL_KINDS)
    compiled = compile_recipe(recipe)
    assert [[leaf.key for leaf in func.leaves] for func in compiled.funcs] == [
        [key for key, _ in node.leaves()] for node in recipe.rewards
    ]


def test_params_inside_a_node_are_validated_with_the_registry_in_context() -> None:
    # shaping.cosine checks the reward it wraps only when pydantic's context carries the registry.
    text = (
        "rewards:\n"
        "  - gate: format.tags\n"
        "    then:\n"
        "      reward: shaping.cosine\n"
        "      params: {reward: math.equivalense, max_length: 100}\n"
    )
    with pytest.raises(RecipeError) as info:
        loads_recipe(text, name="r.yaml")
    [issue] = info.value.issues
    assert str(issue).startswith("r.yaml:5: rewards.0.then.params.reward: ")
    assert "did you mean 'math.equivalence'" in str(issue)
