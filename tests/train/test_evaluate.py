"""Strict and lenient judging of completions, per language."""

from __future__ import annotations

from rewardkit.train.evaluate import graded_answer, make_judge, score_completions


def test_graded_answer_needs_both_blocks_in_order() -> None:
    assert graded_answer("<think>3 + 4 = 7</think><answer>7</answer>") == "7"
    assert graded_answer("  <think>a</think>\n<answer> 7 </answer>\n") == "7"
    assert graded_answer("<answer>7</answer><think>a</think>") is None
    assert graded_answer("<think>a</think><answer>7</answer> and more") is None
    assert graded_answer("<think></think><answer>7</answer>") is None
    assert graded_answer("<r>a</r><a>7</a>", reasoning_tag="r", answer_tag="a") == "7"


def test_the_default_judge_reads_the_final_answer_in_either_convention() -> None:
    judge = make_judge()  # no recipe: math.equivalence, locale auto
    texts = ["3 + 4 = 7. The answer is 7.", "Đáp số: 2.500", "2,5", "1,200", "7 or 8", "", "nothing"]
    golds = ["7", "2500", "2.5", "1200", "7", "7", "7"]
    assert judge(texts, golds) == [True, True, True, True, False, False, False]


def test_score_completions_strict_lenient_format_by_language() -> None:
    completions = [
        "<think>2 + 3 = 5</think><answer>5</answer>",  # strict and lenient
        "2 + 3 = 5. The answer is 5.",  # lenient only
        "<think>2 + 3 = 6</think><answer>6</answer>",  # format only
        "Đáp số: 5",  # lenient only
    ]
    judge = make_judge()
    result = score_completions(completions, ["5"] * 4, ["en", "en", "vi", "vi"], judge)
    assert (result.n, result.strict, result.lenient, result.format) == (4, 0.25, 0.75, 0.5)
    assert result.by_language["en"].strict == 0.5 and result.by_language["en"].lenient == 1.0
    assert result.by_language["vi"].format == 0.5 and result.by_language["vi"].lenient == 0.5
    assert result.judge == "math.equivalence" and result.examples[0]["strict"] is True
    unlabeled = score_completions(["5"], ["5"], [""], judge)
    assert list(unlabeled.by_language) == ["all"]


def test_pass_at_k_estimator() -> None:
    import math

    import pytest

    from rewardkit.train.evaluate import pass_at_k

    assert pass_at_k(8, 0, 8) == 0.0 and pass_at_k(8, 1, 8) == 1.0 and pass_at_k(8, 8, 1) == 1.0
    assert pass_at_k(4, 2, 1) == pytest.approx(0.5)  # pass@1 is the share of right samples
    assert pass_at_k(10, 3, 2) == pytest.approx(1 - math.comb(7, 2) / math.comb(10, 2))
    with pytest.raises(ValueError):
        pass_at_k(4, 5, 1)
    with pytest.raises(ValueError):
        pass_at_k(4, 1, 5)


def test_score_samples_pass_at_k_strict_lenient_by_language() -> None:
    from rewardkit.train.evaluate import score_samples

    samples = [
        ["<think>2 + 3 = 5</think><answer>5</answer>", "7"],  # one strict right: pass@2 strict and lenient
        ["The answer is 5.", "4"],  # lenient only
        ["<think>x</think><answer>6</answer>", "6"],  # nothing right
        ["Đáp số: 5", "5"],  # lenient both
    ]
    ops = {"op": ["add", "mul", "add", "mul"]}
    overall, by_language, by_column = score_samples(
        samples, ["5"] * 4, ["en", "en", "vi", "vi"], make_judge(), k=2, temperature=0.7, by=ops
    )
    assert (overall.k, overall.temperature) == (2, 0.7)
    assert (overall.strict, overall.lenient) == (0.25, 0.75)
    assert overall.sample_strict == 1 / 8 and overall.sample_lenient == 4 / 8
    assert by_language == {"en": (0.5, 1.0), "vi": (0.0, 0.5)}
    assert by_column == {"op": {"add": (0.5, 0.5), "mul": (0.0, 1.0)}}
    one, _, no_columns = score_samples(samples, ["5"] * 4, ["en"] * 4, make_judge(), k=1, temperature=0.7)
    assert one.lenient == overall.sample_lenient  # pass@1 from n samples: the mean accuracy of one sample
    assert no_columns == {}


def test_score_completions_breaks_down_by_any_column() -> None:
    completions = [
        "<think>2 + 3 = 5</think><answer>5</answer>",  # add: strict
        "<think>2 * 3 = 6</think><answer>6</answer>",  # mul: strict
        "The answer is 7.",  # add: wrong
        "3 * 2 = 6. The answer is 6.",  # mul: lenient only
    ]
    golds = ["5", "6", "5", "6"]
    result = score_completions(completions, golds, ["en"] * 4, make_judge(), by={"op": ["add", "mul", "add", "mul"]})
    add, mul = result.by_column["op"]["add"], result.by_column["op"]["mul"]
    assert (add.n, add.strict, add.lenient, add.format) == (2, 0.5, 0.5, 0.5)
    assert (mul.n, mul.strict, mul.lenient, mul.format) == (2, 0.5, 1.0, 0.5)
    assert list(result.by_language) == ["en"] and result.by_language["en"].lenient == 0.75
    assert score_completions(completions, golds, ["en"] * 4, make_judge()).by_column == {}
