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
