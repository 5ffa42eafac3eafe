"""Bad recipes: every mistake reported at once as `file:LINE: key.path: message`, exit code 2."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rewardkit.recipe import RecipeError, load_recipe

TOY = Path(__file__).with_name("toy_rewards.py")


def write(tmp_path: Path, text: str, name: str = "recipe.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).replace("TOY", str(TOY)), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    prefix = f"{path}:"
    return [str(issue).replace(prefix, "recipe.yaml:") for issue in info.value.issues]


BAD_RECIPES = {
    "yaml syntax": (
        """\
        rewards:
          - {reward: toy.length, weight: 1
        """,
        ["recipe.yaml:3: YAML syntax error: while parsing a flow mapping expected ',' or '}', but got '<stream end>'"],
    ),
    "unknown reward with suggestion": (
        """\
        plugins: [TOY]
        rewards:
          - reward: toy.lenght
        """,
        ["recipe.yaml:3: rewards.0.reward: unknown reward 'toy.lenght'; did you mean 'toy.length'?"],
    ),
    "unknown reward without close match lists the family": (
        """\
        plugins: [TOY]
        rewards:
          - reward: toy.zzz
        """,
        [
            "recipe.yaml:3: rewards.0.reward: unknown reward 'toy.zzz'; available: toy.contains, toy.fragile, toy.gold, toy.length, toy.plain"
        ],
    ),
    "unknown param": (
        """\
        plugins: [TOY]
        rewards:
          - reward: toy.contains
            params: {word: x, valeu: 2}
        """,
        ["recipe.yaml:4: rewards.0.params.valeu: unknown key 'valeu'; did you mean 'value'?"],
    ),
    "ill-typed and missing params": (
        """\
        plugins: [TOY]
        rewards:
          - reward: toy.contains
            params:
              value: -1
        """,
        [
            "recipe.yaml:4: rewards.0.params.word: required key is missing",
            "recipe.yaml:5: rewards.0.params.value: input should be greater than 0",
        ],
    ),
    "bad weight": (
        """\
        plugins: [TOY]
        rewards:
          - {reward: toy.length, weight: heavy}
        """,
        ["recipe.yaml:3: rewards.0.weight: expected a number or a schedule {start, end, until_step}"],
    ),
    "non-finite weight": (
        """\
        plugins: [TOY]
        rewards:
          - {reward: toy.length, weight: .nan}
        """,
        ["recipe.yaml:3: rewards.0.weight: weight must be a finite number"],
    ),
    "bad schedule": (
        """\
        plugins: [TOY]
        rewards:
          - reward: toy.length
            weight: {start: 0, end: 1, until_step: 10, from_step: 20}
        """,
        ["recipe.yaml:4: rewards.0.weight: until_step (10) must be after from_step (20)"],
    ),
    "duplicate ids": (
        """\
        plugins: [TOY]
        rewards:
          - {reward: toy.length}
          - {reward: toy.length, weight: 2}
        """,
        ["recipe.yaml:4: rewards.1: duplicate id 'toy.length' (also rewards.0); give one of them a distinct `id:`"],
    ),
    "bad policy": (
        """\
        plugins: [TOY]
        rewards:
          - {reward: toy.length, on_error: ignore, on_timeout: {value: x}}
        """,
        [
            "recipe.yaml:3: rewards.0.on_error: expected raise, skip or {value: <number>}",
            "recipe.yaml:3: rewards.0.on_timeout.value: input should be a valid number, unable to parse string as a number",
        ],
    ),
    "engine typo and range": (
        """\
        plugins: [TOY]
        engine:
          isolaton: process
          timeout_s: 0
        rewards:
          - {reward: toy.length}
        """,
        [
            "recipe.yaml:3: engine.isolaton: unknown key 'isolaton'; did you mean 'isolation'?",
            "recipe.yaml:4: engine.timeout_s: input should be greater than 0",
        ],
    ),
    "unknown top-level key": (
        """\
        plugins: [TOY]
        reward:
          - {reward: toy.length}
        """,
        [
            "recipe.yaml:1: rewards: required key is missing",
            "recipe.yaml:2: reward: unknown key 'reward'; did you mean 'rewards'?",
        ],
    ),
    "gate with unknown inner reward and clip without bounds": (
        """\
        plugins: [TOY]
        rewards:
          - gate: toy.fragile
            then: toy.gould
          - clip: {reward: toy.length}
        """,
        [
            "recipe.yaml:4: rewards.0.then: unknown reward 'toy.gould'; did you mean 'toy.gold'?",
            "recipe.yaml:5: rewards.1: clip needs min, max or both",
        ],
    ),
    "entry that is not a reward": (
        """\
        plugins: [TOY]
        rewards:
          - {weight: 1}
          - toy.length
        """,
        [
            "recipe.yaml:3: rewards.0: a reward entry needs one of the keys: reward, gate, clip, min, product",
            "recipe.yaml:4: rewards.1: a reward entry must be a mapping like {reward: name, weight: 1.0}",
        ],
    ),
    "missing local plugin": (
        """\
        plugins: [./nowhere.py]
        rewards:
          - {reward: toy.length}
        """,
        None,  # checked separately: the message holds a temporary path
    ),
    "empty rewards": (
        """\
        rewards: []
        """,
        ["recipe.yaml:1: rewards: a recipe needs at least one reward"],
    ),
    "YAML duplicate key": (
        """\
        rewards:
          - {reward: toy.length}
        rewards:
          - {reward: toy.length}
        """,
        ["recipe.yaml:3: duplicate key 'rewards'"],
    ),
}


@pytest.mark.parametrize("name", [k for k, v in BAD_RECIPES.items() if v[1] is not None])
def test_bad_recipe_reports_exact_lines(tmp_path, name):
    text, expected = BAD_RECIPES[name]
    assert errors_of(write(tmp_path, text)) == expected


def test_missing_plugin_file_is_reported_at_its_line(tmp_path):
    errors = errors_of(write(tmp_path, BAD_RECIPES["missing local plugin"][0]))
    assert errors[0].startswith("recipe.yaml:1: plugins.0: plugin file ") and "nowhere.py' not found" in errors[0]
    # its rewards are then unknown, and said so, in the same run
    assert errors[1] == "recipe.yaml:3: rewards.0.reward: unknown reward 'toy.length'" + errors[1].split("'toy.length'", 1)[1]


def test_all_mistakes_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        """\
        plugins: [TOY]
        engine: {timeout_s: -1}
        rewards:
          - {reward: toy.lenght}
          - {reward: toy.contains, params: {word: 3, extra: 1}}
          - {reward: toy.length, weight: lots}
        """,
    )
    errors = errors_of(path)
    assert [e.split(": ")[0] for e in errors] == [
        "recipe.yaml:2",
        "recipe.yaml:4",
        "recipe.yaml:5",
        "recipe.yaml:5",
        "recipe.yaml:6",
    ]


def test_cycle_in_extends_is_an_error(tmp_path):
    write(tmp_path, "extends: b.yaml\nrewards: [{reward: toy.length}]\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\nrewards: [{reward: toy.length}]\n", "b.yaml")
    with pytest.raises(RecipeError) as info:
        load_recipe(tmp_path / "a.yaml")
    message = str(info.value)
    assert "extends: cycle:" in message and "a.yaml -> " in message and message.endswith("a.yaml")


def test_error_in_parent_points_at_parent_file(tmp_path):
    write(tmp_path, f"plugins: [{TOY}]\nrewards:\n  - {{reward: toy.length, weight: x}}\n", "base.yaml")
    child = write(tmp_path, "extends: base.yaml\nname: child\n", "child.yaml")
    with pytest.raises(RecipeError) as info:
        load_recipe(child)
    assert (
        str(info.value)
        == f"{tmp_path / 'base.yaml'}:3: rewards.0.weight: expected a number or a schedule {{start, end, until_step}}"
    )


def test_cli_check_prints_errors_without_traceback(tmp_path):
    path = write(tmp_path, BAD_RECIPES["unknown param"][0])
    proc = subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", "check", str(path)], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "recipe.yaml:4: rewards.0.params.valeu: unknown key 'valeu'; did you mean 'value'?",
        "1 error in " + str(path),
    ]
    assert "Traceback" not in proc.stderr + proc.stdout


def test_when_needs_exactly_one_test(tmp_path):
    path = write(tmp_path, "plugins: [TOY]\nrewards:\n  - reward: toy.length\n    when: {column: language}\n")
    assert errors_of(path) == ["recipe.yaml:4: rewards.0.when: when: needs exactly one of equals or one_of"]
