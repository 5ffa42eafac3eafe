"""The problem sample: every answer kind in both languages, correct golds, honest reasoning; the recipe's data first."""

import json
import textwrap

import pytest
from click.testing import CliRunner

from rewardkit.cli.app import cli
from rewardkit.probe import KINDS, builtin_problems, context_from_recipe, recipe_problems, run_probes
from rewardkit.recipe import load_recipe
from rewardkit.score import score_samples


def write(tmp_path, text, name="recipe.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_builtin_sample_covers_every_kind_in_both_languages_deterministically():
    sample = builtin_problems()
    assert len(sample) == 240
    for kind in KINDS:
        for language in ("en", "vi"):
            mine = [p for p in sample if p.kind == kind and p.language == language]
            assert len(mine) == 20 and len({p.question for p in mine}) == 20
    assert [p.question for p in builtin_problems()] == [p.question for p in sample]
    vi = [p for p in sample if p.language == "vi"]
    assert any("," in p.stated_gold and p.kind == "decimal" for p in vi)  # decimal comma
    assert any(p.kind == "integer" and "." in p.stated_gold for p in vi)  # thousands dot
    assert all(any(ch in "ăâđêôơưáàảãạ" for ch in p.question.lower()) for p in vi)  # diacritics


@pytest.mark.parametrize("locale", ["vi", "en", "auto"])
def test_golds_are_right_and_wrong_answers_wrong_under_the_judge(tmp_path, locale):
    recipe = load_recipe(
        write(tmp_path, f"engine: {{isolation: inline}}\nrewards: [{{reward: math.equivalence, params: {{locale: {locale}}}}}]\n")
    )
    languages = ("en", "vi") if locale == "auto" else (locale,)
    problems = builtin_problems(languages, per_kind=10)
    ctx = context_from_recipe(recipe)
    samples = []
    for p in problems:
        c = ctx.with_problem(p)
        samples += [
            c.sample(c.honest()),
            c.sample(c.compose(c.honest_reasoning, p.wrong)),
            c.sample(c.compose(c.honest_reasoning, p.near_miss)),
        ]
    rows = score_samples(recipe, samples)
    for k, p in enumerate(problems):
        honest, wrong, near = (rows[3 * k + j].total for j in range(3))
        assert (honest, wrong, near) == (1.0, 0.0, 0.0), (
            p.kind,
            p.language,
            p.question,
            p.gold,
            p.stated_gold,
            p.wrong,
            p.near_miss,
        )


def test_a_recipe_with_builtin_arith_is_probed_on_its_own_problems(tmp_path):
    pytest.importorskip("datasets")
    path = write(
        tmp_path,
        """\
        rewards:
          - {reward: format.tags, weight: 0.25}
          - {reward: math.equivalence, params: {locale: auto}}
        train:
          dataset: {source: "builtin:arith", arith: {difficulty: medium, languages: [vi]}}
        """,
    )
    from rewardkit.train.probe_problems import dataset_problems  # the training layer reads the dataset

    recipe = load_recipe(path)
    assert recipe_problems(recipe, ("vi",), per_kind=5).notes == ["train dataset not used: no dataset reader was given"]
    sample = recipe_problems(recipe, ("en", "vi"), per_kind=5, dataset_problems=dataset_problems)
    from_data = [p for p in sample.problems if p.source == "dataset"]
    assert len(from_data) == 5 and {(p.kind, p.language) for p in from_data} == {("integer", "vi")}
    assert "builtin:arith" in sample.source
    counts = sample.counts()
    assert set(counts) == set(KINDS) and counts["integer"] == {"vi": 5, "en": 5}  # English integers are built-in
    report = run_probes(recipe, per_kind=5, dataset_problems=dataset_problems)
    assert not report.problems, report.problems
    assert "builtin:arith" in report.sample.source


def test_without_a_train_section_the_builtin_examples_are_used(tmp_path):
    recipe = load_recipe(write(tmp_path, "rewards: [{reward: math.equivalence, params: {locale: vi}}]\n"))
    sample = recipe_problems(recipe, ("vi",), per_kind=3)
    assert sample.source == "built-in examples" and len(sample.problems) == 18
    assert context_from_recipe(recipe).languages == ("vi",)


FORMAT_ONLY = "name: weak\nrewards:\n  - {reward: format.tags, weight: 1.0}\n"


def test_json_carries_shares_and_kind_breakdown(tmp_path):
    result = CliRunner().invoke(cli, ["probe", str(write(tmp_path, FORMAT_ONLY)), "--json", "--per-kind", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["sample"]["problems"] == 18 and set(data["sample"]["kinds"]) == set(KINDS)
    mc = next(p for p in data["probes"] if p["name"] == "mc_every_boxed")
    assert (mc["problems"], mc["reached"], mc["share"], mc["flagged"]) == (3, 3, 1.0, True)
    assert set(mc["by_kind"]) == {"choice"} and mc["by_kind"]["choice"]["share"] == 1.0
    assert data["reaching"]["padding"] == 1.0 and "padding" not in data["flagged"]
    assert "tie or beat the honest completion" in data["summary"]


def test_summary_never_claims_every_probe_is_clearly_below_when_some_tie(tmp_path):
    path = write(
        tmp_path,
        "engine: {isolation: inline}\nrewards:\n  - {reward: format.tags, weight: 0.25}\n  - {reward: math.equivalence}\n",
    )
    result = CliRunner().invoke(cli, ["probe", str(path), "--per-kind", "2", "--strict"])
    assert result.exit_code == 0, result.output
    assert "clearly below" not in result.output
    assert "probes tie or beat the honest completion" in result.output and "0 flagged" in result.output


def test_families_skip_problems_they_do_not_apply_to(tmp_path):
    recipe = load_recipe(write(tmp_path, "rewards:\n  - {reward: format.tags}\n  - {reward: vi.language}\n"))
    report = run_probes(recipe, per_kind=2)
    by_name = {p.name: p for p in report.probes}
    assert set(by_name["mc_two_letters"].by_kind) == {"choice"}
    assert by_name["no_diacritics"].problems == 12  # Vietnamese problems only (the recipe has vi.* rewards)
    assert by_name["bare_answer"].kind == "must_lose"  # a reasoning block is asked for
    assert by_name["no_diacritics"].flagged is False and by_name["reasoning_chinese"].flagged is False
    math_only = run_probes(load_recipe(write(tmp_path, "rewards: [{reward: math.equivalence}]\n", "m.yaml")), per_kind=2)
    bare = next(p for p in math_only.probes if p.name == "bare_answer")
    assert bare.kind == "must_not_gain" and bare.reached == bare.problems and not bare.flagged
    assert not next(p for p in math_only.probes if p.name == "reasoning_other_language").applicable
