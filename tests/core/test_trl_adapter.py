"""A recipe compiled for GRPOTrainer: names, weights, formats, columns, schedules, logging hooks."""

import pickle
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from rewardkit.recipe import load_recipe
from rewardkit.runtime import RewardRaised, compile_recipe

TOY = Path(__file__).with_name("toy_rewards.py")


def recipe_from(tmp_path, body):
    path = tmp_path / "r.yaml"
    path.write_text(f"plugins: [{TOY}]\n" + textwrap.dedent(body), encoding="utf-8")
    return load_recipe(path)


@pytest.fixture
def compiled(tmp_path):
    recipe = recipe_from(
        tmp_path,
        """\
        rewards:
          - {id: shout, reward: toy.contains, weight: 0.25, params: {word: "!"}}
          - {id: gold, reward: toy.gold, weight: 1.0}
          - {id: fragile, reward: toy.fragile, weight: 0.5, on_error: skip}
          - id: ramp
            reward: toy.length
            weight: {start: 0.0, end: 1.0, until_step: 100}
        """,
    )
    with compile_recipe(recipe) as result:
        yield result


def test_names_and_weights_for_grpo(compiled):
    assert [f.__name__ for f in compiled.funcs] == ["shout", "gold", "fragile", "ramp"]
    assert compiled.weights == [0.25, 1.0, 0.5, 1.0]  # a schedule scales inside its callable


def test_standard_and_conversational_completions_agree(compiled):
    gold = compiled.funcs[1]
    standard = gold(prompts=["q1", "q2"], completions=["42", "41"], solution=["42", "42"])
    conversational = gold(
        prompts=[[{"role": "user", "content": "q1"}], [{"role": "user", "content": "q2"}]],
        completions=[[{"role": "assistant", "content": "42"}], [{"role": "assistant", "content": "41"}]],
        solution=["42", "42"],
    )
    assert standard == conversational == [1.0, 0.0]


def test_errors_follow_policy_and_are_logged(compiled):
    fragile = compiled.funcs[2]
    extra, metrics = {}, {}
    values = fragile(
        prompts=["p"] * 3,
        completions=["ok", "boom", "skip"],
        log_extra=lambda column, vals: extra.setdefault(column, vals),
        log_metric=lambda name, value: metrics.setdefault(name, value),
    )
    assert values == [1.0, None, None]  # on_error: skip; the reward's own skip stays None
    assert extra["fragile/outcome"] == ["ok", "error:exception", "skip"]
    assert metrics["rewardkit/fragile/error_rate"] == pytest.approx(1 / 3)
    assert metrics["rewardkit/fragile/skip_rate"] == pytest.approx(1 / 3)


def test_schedule_reads_trainer_state(compiled):
    ramp = compiled.funcs[3]
    assert ramp(completions=["x" * 10], trainer_state=SimpleNamespace(global_step=0)) == [0.0]
    assert ramp(completions=["x" * 10], trainer_state=SimpleNamespace(global_step=50)) == [0.5]
    assert ramp(completions=["x" * 10], trainer_state=SimpleNamespace(global_step=500)) == [1.0]


def test_details_reach_log_extra(compiled):
    extra = {}
    compiled.funcs[0](completions=["hi!", "hi"], log_extra=lambda c, v: extra.setdefault(c, v))
    assert extra["shout/reason"] == ["found", "missing"]


def test_callables_pickle_without_their_engine(compiled):
    compiled.funcs[0](completions=["warm the engine up"])
    clone = pickle.loads(pickle.dumps(compiled.funcs[0]))
    assert clone.__name__ == "shout"
    assert clone(completions=["a!"]) == [1.0]


def test_raise_policy_stops_the_step(tmp_path):
    recipe = recipe_from(tmp_path, "rewards:\n  - {reward: toy.fragile, on_error: raise}\n")
    with compile_recipe(recipe) as compiled, pytest.raises(RewardRaised, match="kaboom"):
        compiled.funcs[0](completions=["boom"])


def test_gate_runs_then_only_where_gate_passes(tmp_path):
    recipe = recipe_from(
        tmp_path,
        """\
        rewards:
          - {id: gated, gate: {reward: toy.contains, params: {word: "<answer>"}}, then: toy.gold, otherwise: -0.5}
          - {id: clipped, clip: toy.length, min: 0, max: 1}
          - {id: both, min: [{reward: toy.contains, params: {word: a}}, toy.gold]}
        """,
    )
    with compile_recipe(recipe) as compiled:
        gated, clipped, both = compiled.funcs
        assert gated(completions=["<answer>7", "7"], solution=["<answer>7", "7"]) == [1.0, -0.5]
        assert compiled.engine.stats["gated/then"].total == 1  # the closed gate saved a call
        assert clipped(completions=["x" * 50, ""]) == [1.0, 0.0]
        assert both(completions=["a", "b"], solution=["a", "b"]) == [1.0, 0.0]


def test_plain_function_reward_in_recipe(tmp_path):
    recipe = recipe_from(tmp_path, "rewards:\n  - {reward: toy.plain}\n")
    with compile_recipe(recipe) as compiled:
        assert compiled.funcs[0](completions=["yes!", "no"]) == [1.0, 0.0]


def test_when_applies_a_reward_to_matching_rows_only(tmp_path):
    recipe = recipe_from(
        tmp_path,
        """\
        rewards:
          - {id: gold, reward: toy.gold}
          - {id: vi_only, reward: toy.length, when: {column: language, equals: vi}}
          - {id: some, reward: toy.length, when: {column: language, one_of: [en, fr]}}
        """,
    )
    with compile_recipe(recipe) as compiled:
        _, vi_only, some = compiled.funcs
        kwargs = {"completions": ["x" * 10, "y" * 10, "z" * 10], "solution": ["a", "b", "c"], "language": ["vi", "en", "de"]}
        assert vi_only(**kwargs) == [1.0, None, None]
        assert some(**kwargs) == [None, 1.0, None]
        assert compiled.engine.stats["vi_only"].total == 1  # rows that do not match are not scored at all
        extra = {}
        vi_only(**kwargs, log_extra=lambda c, v: extra.setdefault(c, v))
        assert extra["vi_only/outcome"] == ["ok", "skip", "skip"]


def test_a_missing_gold_column_is_reported_once_in_plain_trl_use(tmp_path, caplog):
    """From a plain TRL script there is no `check --dataset`: a gold column the batch lacks must not skip silently."""
    recipe = recipe_from(tmp_path, "rewards:\n  - {id: correct, reward: math.equivalence, params: {gold: answer}}\n")
    with compile_recipe(recipe) as compiled, caplog.at_level("WARNING", logger="rewardkit"):
        (reward,) = compiled.funcs
        for _ in range(3):  # three training steps
            assert reward(prompts=["1+1?"], completions=[r"\boxed{2}"], solution=["2"]) == [None]
        assert reward(prompts=["1+1?"], completions=[r"\boxed{2}"], answer=["2"]) == [1.0]
    warnings = [r.getMessage() for r in caplog.records if "reads the dataset column" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert "'answer'" in warnings[0] and "'correct'" in warnings[0] and "params.gold" in warnings[0]
