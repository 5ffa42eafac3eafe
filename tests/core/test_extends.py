"""`extends`: child keys override, rewards merge by id, plugin paths stay relative to their file."""

from pathlib import Path

from rewardkit.recipe import load_recipe

TOY = Path(__file__).with_name("toy_rewards.py")


def test_child_overrides_and_merges_by_id(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "toy.py").write_text(TOY.read_text().replace('"toy.', '"subtoy.'), encoding="utf-8")
    (tmp_path / "sub" / "base.yaml").write_text(
        "name: base\nplugins: [./toy.py]\nengine: {timeout_s: 3, isolation: inline}\n"
        "rewards:\n"
        "  - {id: shout, reward: subtoy.contains, weight: 0.5, params: {word: '!', value: 2}}\n"
        "  - {reward: subtoy.length}\n"
        "  - {reward: subtoy.gold}\n",
        encoding="utf-8",
    )
    (tmp_path / "child.yaml").write_text(
        "extends: sub/base.yaml\nname: child\nengine: {timeout_s: 5}\n"
        "rewards:\n"
        "  - {id: shout, params: {word: '?'}}\n"
        "  - {id: subtoy.length, remove: true}\n"
        "  - {reward: subtoy.fragile, weight: 0.1}\n",
        encoding="utf-8",
    )
    recipe = load_recipe(tmp_path / "child.yaml")
    assert recipe.name == "child"
    assert recipe.engine.timeout_s == 5 and recipe.engine.isolation == "inline"
    assert recipe.ids == ["shout", "subtoy.gold", "subtoy.fragile"]
    shout = recipe.node("shout")
    assert shout.weight == 0.5 and shout.params == {"word": "?", "value": 2}
    # lines still point into the file that wrote each key
    assert recipe.locate(("rewards", 0, "params", "word")) == f"{tmp_path / 'child.yaml'}:5"
    assert recipe.locate(("rewards", 0, "weight")) == f"{tmp_path / 'sub' / 'base.yaml'}:5"
    assert recipe.locate(("rewards", 2)) == f"{tmp_path / 'child.yaml'}:7"


def test_set_overrides_apply_after_merge(tmp_path):
    (tmp_path / "r.yaml").write_text(f"plugins: [{TOY}]\nrewards:\n  - {{reward: toy.length, weight: 1}}\n", encoding="utf-8")
    recipe = load_recipe(tmp_path / "r.yaml", overrides=["rewards.0.weight=0.25", "engine.timeout_s=9"])
    assert recipe.rewards[0].weight == 0.25 and recipe.engine.timeout_s == 9
    assert recipe.locate(("engine", "timeout_s")) == "--set:1"
