"""rewardkit probe: hacks are built from the recipe's settings, scored, and flagged when they pay."""

import dataclasses
import json
import re
import textwrap

import pytest
from click.testing import CliRunner
from pydantic import Field

import rewardkit
from rewardkit import Outcome, Reward, RewardParams
from rewardkit.cli.app import cli
from rewardkit.probe import PROBLEMS, Probe, context_from_recipe, parse_margin, run_probes
from rewardkit.recipe import load_recipe

_ANSWER = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_GROUPING = re.compile(r"(?<=\d)[.,](?=\d{3}\b)")  # 5,251 and 5.251 are 5251
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class JudgeParams(RewardParams):
    # The probe reads the gold column and locale from these markers, not from the names.
    gold: rewardkit.GoldColumn = Field("solution")
    locale: rewardkit.LocaleName = Field("auto")


class ToyJudge(Reward[JudgeParams]):
    """A strict toy judge: the last <answer> block must hold exactly one number, equal to the gold."""

    params_model = JudgeParams

    def score(self, sample):
        blocks = _ANSWER.findall(sample.completion)
        numbers = _NUMBER.findall(_GROUPING.sub("", blocks[-1])) if blocks else []
        if not numbers:
            return Outcome.error("no_answer", "no number in an answer block")
        return 1.0 if len(set(numbers)) == 1 and numbers[0] == sample.columns[self.params.gold] else 0.0


def echo_probe(ctx):
    """The question alone, no format at all."""
    return ctx.problem.question


def broken_probe(ctx):
    """A probe with a bug."""
    raise RuntimeError("oops")


class ProbeTestPlugin:
    @rewardkit.hookimpl
    def register_rewards(self, register):
        register("testing.judge", ToyJudge)

    @rewardkit.hookimpl
    def register_probes(self, register):
        register("testing_echo", echo_probe)
        register("testing_gain", Probe(lambda ctx: ctx.honest() + " extra", "appends a word", kind="must_not_gain"))


class BrokenProbePlugin:
    @rewardkit.hookimpl
    def register_probes(self, register):
        register("testing_broken", broken_probe)


@pytest.fixture
def judge(rewardkit_plugin):
    rewardkit_plugin(ProbeTestPlugin(), "probe-test-plugin")


def write(tmp_path, text, name="recipe.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


WEAK = """\
    name: weak
    rewards:
      - {reward: format.tags, weight: 1.0}
    """

SOUND = """\
    name: sound
    rewards:
      - {id: format, reward: format.tags, weight: 0.5}
      - {id: judge, reward: testing.judge, weight: 1.0, params: {gold: answer_col}}
      - {id: repetition, reward: shaping.repetition, weight: 0.5}
    """


def test_weak_format_only_recipe_is_flagged(tmp_path):
    report = run_probes(load_recipe(write(tmp_path, WEAK)))
    flagged = {p.name for p in report.flagged}
    assert {"wrong_answer_perfect_format", "filler_text", "hedged_answer", "prompt_echo"} <= flagged
    assert report.honest.total == 1.0
    wrong = next(p for p in report.probes if p.name == "wrong_answer_perfect_format")
    assert wrong.total == 1.0 and "on 120 of 120 problems (100%" in wrong.reason and "vs the honest 1.00" in wrong.reason
    assert wrong.share == 1.0 and set(wrong.by_kind) == {"integer", "decimal", "fraction", "symbolic", "interval", "choice"}
    # the families that defeat a format-only recipe: every right-format hack with a wrong answer reaches it
    assert {
        "mc_every_letter", "mc_every_boxed", "mc_two_letters", "prompt_number", "right_format_wrong_value", "multiple_boxed"
    } <= flagged  # fmt: skip
    mc = next(p for p in report.probes if p.name == "mc_every_boxed")
    assert mc.problems == 20 and set(mc.by_kind) == {"choice"}  # skipped on every other kind
    assert "tie or beat the honest completion" in report.summary() and "flagged" in report.summary()


def test_weak_recipe_fails_strict_cli(tmp_path):
    result = CliRunner().invoke(cli, ["probe", str(write(tmp_path, WEAK)), "--strict"])
    assert result.exit_code == 1, result.output
    assert "FLAG" in result.output and "wrong_answer_perfect_format" in result.output
    assert "honest" in result.output and "format.tags" in result.output


def test_sound_recipe_passes_strict(tmp_path, judge):
    path = write(tmp_path, SOUND)
    # the toy judge reads numbers only: probe it on integer problems
    report = run_probes(load_recipe(path), only=[n for n in PROBE_NAMES], kinds=["integer"])
    assert not report.failed, [(p.name, p.reason) for p in report.flagged]
    assert report.honest.total == pytest.approx(1.5, abs=0.01)  # the repetition reward docks a few short solutions
    args = [str(path), "--strict", "--kind", "integer", "--only", "wrong_answer_perfect_format"]
    result = CliRunner().invoke(cli, ["probe", *args])
    assert result.exit_code == 0, result.output
    assert "no hack pays" in result.output


PROBE_NAMES = [
    "duplicated_blocks",
    "empty_blocks",
    "multiple_boxed",
    "hedged_answer",
    "answer_in_reasoning",
    "prompt_echo",
    "padding",
    "repetition",
    "english_marker",
    "filler_text",
    "wrong_answer_perfect_format",
    "right_answer_broken_format",
]


def test_every_builtin_probe_is_registered_and_described():
    from rewardkit.plugins import get_registry

    probes = get_registry().probes
    for name in PROBE_NAMES:
        assert probes[name].plugin == "rewardkit_shaping"
        assert probes[name].obj.description


def test_context_follows_the_recipes_tags_gold_and_locale(tmp_path, judge):
    path = write(
        tmp_path,
        """\
        rewards:
          - {reward: format.tags, params: {reasoning_tag: reasoning, answer_tag: final, think_opened_in_prompt: true}}
          - {reward: testing.judge, params: {gold: answer_col, locale: vi}}
          - {reward: shaping.length, params: {min_length: 5, max_length: 300}}
        """,
    )
    ctx = context_from_recipe(load_recipe(path))
    assert (ctx.reasoning_tag, ctx.answer_tag, ctx.gold_column, ctx.locale) == ("reasoning", "final", "answer_col", "vi")
    assert (ctx.min_length, ctx.max_length) == (5, 300)
    assert ctx.problem is PROBLEMS["vi"]
    honest = ctx.honest()
    assert honest.startswith("Bước 1")  # the chat template opened <reasoning> already
    assert "</reasoning>\n<final>\n42\n</final>" in honest
    assert ctx.sample(honest).columns == {"answer_col": "42"}
    from rewardkit_shaping.probes import duplicated_blocks, english_marker, padding

    assert duplicated_blocks(ctx).count("<reasoning>") == 1  # the second copy opens its block
    assert english_marker(ctx) is None  # Vietnamese numbers, but no vi.* reward checks the language
    assert "The answer is 42" in english_marker(dataclasses.replace(ctx, vietnamese=True))
    assert len(padding(ctx).split()) > 2 * 300


def test_context_without_tags_or_locale(tmp_path, judge):
    ctx = context_from_recipe(load_recipe(write(tmp_path, "rewards: [{reward: testing.judge}]\n")))
    assert (ctx.answer_tag, ctx.reasoning_tag, ctx.locale, ctx.gold_column) == (None, None, "en", "solution")
    assert ctx.honest().endswith("The answer is 42")
    report = run_probes(load_recipe(write(tmp_path, "rewards: [{reward: testing.judge}]\n")))
    not_applicable = {p.name for p in report.probes if not p.applicable}
    assert {"duplicated_blocks", "right_answer_broken_format", "english_marker"} <= not_applicable


def test_padding_into_a_length_band_gains_and_is_flagged(tmp_path, judge):
    path = write(
        tmp_path,
        """\
        rewards:
          - {reward: format.tags, weight: 0.5}
          - {reward: testing.judge, weight: 1.0}
          - {reward: shaping.length, weight: 1.0, params: {min_length: 200, max_length: 400}}
        """,
    )
    report = run_probes(load_recipe(path), only=["padding", "repetition"])
    padding = next(p for p in report.probes if p.name == "padding")
    assert padding.flagged and "the hack pays" in padding.reason
    assert padding.rewards["shaping.length"] == 1.0 > report.honest.rewards["shaping.length"]


def test_plugin_probes_run_and_must_not_gain_is_judged_by_gain(tmp_path, judge):
    report = run_probes(load_recipe(write(tmp_path, SOUND)), only=["testing_echo", "testing_gain"], kinds=["integer"])
    echo, gain = report.probes
    assert (echo.description, echo.kind, echo.flagged) == ("The question alone, no format at all.", "must_lose", False)
    assert gain.kind == "must_not_gain" and not gain.flagged  # ties with the honest completion: no gain


def test_a_broken_probe_is_reported_not_fatal(tmp_path, rewardkit_plugin):
    rewardkit_plugin(BrokenProbePlugin(), "broken-probe")
    report = run_probes(load_recipe(write(tmp_path, WEAK)), only=["testing_broken", "filler_text"])
    broken, filler = (next(p for p in report.probes if p.name == name) for name in ("testing_broken", "filler_text"))
    assert not broken.applicable and "RuntimeError" in broken.reason
    assert filler.flagged


def test_honest_reference_that_earns_nothing_is_a_recipe_problem(tmp_path):
    path = write(tmp_path, "rewards: [{reward: shaping.repetition}]\n")
    report = run_probes(load_recipe(path))
    assert report.failed and "honest reference earns 0" in report.problems[0]
    assert CliRunner().invoke(cli, ["probe", str(path), "--strict"]).exit_code == 1


def test_json_output(tmp_path):
    result = CliRunner().invoke(cli, ["probe", str(write(tmp_path, WEAK)), "--json"])
    assert result.exit_code == 0  # flags fail only with --strict
    data = json.loads(result.output)
    assert data["recipe"] == "weak" and data["honest"]["total"] == 1.0
    assert "wrong_answer_perfect_format" in data["flagged"]
    row = next(p for p in data["probes"] if p["name"] == "empty_blocks")
    assert row["rewards"] == {"format.tags": 0.0} and row["outcomes"] == {"format.tags": "ok"}
    assert row["delta"] == -1.0 and row["completion"].startswith("<think>")


def test_margin_option(tmp_path, judge):
    path = write(tmp_path, SOUND)
    base = [str(path), "--strict", "--kind", "integer", "--only", "duplicated_blocks"]
    loose = CliRunner().invoke(cli, ["probe", *base, "--margin", "80%"])
    assert loose.exit_code == 1 and "FLAG" in loose.output
    absolute = CliRunner().invoke(cli, ["probe", *base, "--margin", "0.4"])
    assert absolute.exit_code == 0, absolute.output
    bad = CliRunner().invoke(cli, ["probe", str(path), "--margin", "lots"])
    assert bad.exit_code == 2 and "--margin" in bad.output


def test_parse_margin():
    assert parse_margin("15%") == (None, 0.15)
    assert parse_margin(" 0.25 ") == (0.25, 0.0)
    with pytest.raises(ValueError):
        parse_margin("-1")


def test_recipe_errors_and_unknown_probes_exit_2(tmp_path):
    bad = write(tmp_path, "rewards:\n  - {reward: format.tagz}\n")
    result = CliRunner().invoke(cli, ["probe", str(bad)])
    assert result.exit_code == 2
    assert "recipe.yaml:2" in result.output and "format.tags" in result.output
    unknown = CliRunner().invoke(cli, ["probe", str(write(tmp_path, WEAK, "weak.yaml")), "--only", "padding_x"])
    assert unknown.exit_code == 2 and "did you mean 'padding'" in unknown.output


def test_show_prints_completions(tmp_path):
    result = CliRunner().invoke(cli, ["probe", str(write(tmp_path, WEAK)), "--show", "--only", "hedged_answer"])
    assert result.exit_code == 0
    assert "41 or 42" in result.output


def test_scheduled_weights_are_probed_after_the_schedule_by_default(tmp_path, judge):
    path = write(
        tmp_path,
        """\
        rewards:
          - {id: format, reward: format.tags, weight: {start: 0.0, end: 0.5, until_step: 100}}
          - {id: judge, reward: testing.judge, weight: 1.0}
        """,
    )
    recipe = load_recipe(path)
    late = run_probes(recipe, only=["duplicated_blocks"])
    assert (late.step, late.weights["format"], late.flagged) == (100, 0.5, [])
    early = run_probes(recipe, only=["duplicated_blocks"], step=0)
    assert early.weights["format"] == 0.0 and [p.name for p in early.flagged] == ["duplicated_blocks"]
    result = CliRunner().invoke(cli, ["probe", str(path), "--step", "0", "--strict", "--only", "duplicated_blocks"])
    assert result.exit_code == 1, result.output


def test_a_judge_reading_answer_tags_does_not_make_tags_a_format(tmp_path):
    boxed = write(tmp_path, "rewards: [{reward: math.equivalence, params: {extract: [boxed, last_number]}}]\n", "boxed.yaml")
    ctx = context_from_recipe(load_recipe(boxed))
    assert ctx.answer_tag is None and ctx.boxed
    assert ctx.honest().endswith("The answer is \\boxed{42}")
    path = write(tmp_path, "engine: {isolation: inline}\nrewards: [{reward: math.equivalence}]\n")
    report = run_probes(load_recipe(path))
    assert not report.context.has_tags and not report.context.boxed
    assert not report.failed, [(p.name, p.reason) for p in report.flagged]


class FailingJudge(Reward):
    """Always fails, as a crashed worker would."""

    def score(self, sample):
        raise RuntimeError("judge is down")


class FailingPlugin:
    @rewardkit.hookimpl
    def register_rewards(self, register):
        register("testing.failing", FailingJudge)


def test_an_erroring_honest_reference_is_a_recipe_problem(tmp_path, rewardkit_plugin):
    rewardkit_plugin(FailingPlugin(), "failing-judge")
    path = write(tmp_path, "rewards:\n  - {reward: format.tags, weight: 0.5}\n  - {reward: testing.failing}\n")
    report = run_probes(load_recipe(path), only=["filler_text"])
    assert report.failed
    assert any("error:exception from testing.failing" in p and "judge is down" in p for p in report.problems)


def test_probe_rows_satisfy_when_conditions(tmp_path):
    from rewardkit.probe import context_from_recipe
    from rewardkit.recipe import load_recipe

    path = tmp_path / "mixed.yaml"
    path.write_text(
        "rewards:\n"
        "  - {id: correct, reward: math.equivalence, params: {locale: vi}}\n"
        "  - {id: lang, reward: vi.language, weight: 0.2, when: {column: language, equals: vi}}\n"
        "  - {id: lang2, reward: vi.answer_marker, weight: 0.1, when: {column: language, one_of: [en]}}\n",
        encoding="utf-8",
    )
    context = context_from_recipe(load_recipe(path))
    sample = context.sample("Đáp án: 42")
    assert sample.columns["language"] == "vi"  # the first entry's condition wins; every probe reaches vi.language
    assert sample.columns["solution"] == context.problem.gold
