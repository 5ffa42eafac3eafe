"""math.equivalence and math.answer_format through the public plugin API."""

from __future__ import annotations

import pickle

import pytest
from pydantic import ValidationError

from rewardkit import ErrorKind, Sample, hookimpl
from rewardkit.extractors import ExtractContext, Extraction, Extractor
from rewardkit.plugins import get_registry, register_plugin, unregister_plugin
from rewardkit_math import MathAnswerFormat, MathEquivalence
from rewardkit_math.rewards import AnswerFormatParams, EquivalenceParams


def test_registered_with_params_and_isolation() -> None:
    registry = get_registry()
    spec = registry.reward("math.equivalence")
    assert spec.params_model is EquivalenceParams and spec.cheap is False
    assert registry.reward("math.answer_format").cheap is True
    reward = spec.build({"gold": "answer", "locale": "vi"})
    assert isinstance(reward, MathEquivalence) and reward.params.gold == "answer"


def test_hook_register_extractors() -> None:
    registry = get_registry()
    names = {"boxed", "tags", "phrase", "gsm8k", "choice", "conclusion", "last_number"}
    assert names <= set(registry.extractors)
    for name in names:
        assert isinstance(registry.extractor(name).obj, Extractor)
        assert registry.extractor(name).plugin == "rewardkit_math"


def test_trl_contract() -> None:
    reward = MathEquivalence()
    completions = [
        "<think>2.500 + 500</think><answer>3.000</answer>",
        [{"role": "assistant", "content": "The answer is \\boxed{42}"}],
        "Đáp án: 5 hoặc 6",
        "no number here",
    ]
    scores = reward(prompts=["p"] * 4, completions=completions, solution=["3000", "42", "5", "1"])
    assert scores == [1.0, 1.0, 0.0, 0.0]  # no answer: an error outcome, 0.0 outside recipes
    assert reward.__name__ == "math_equivalence"


def test_outcomes_and_details() -> None:
    reward = MathEquivalence()
    ok = reward.score(Sample("Vậy đáp án là 1.500.000 đồng.", columns={"solution": "1500000"}))
    assert ok.status == "ok" and ok.score == 1.0
    assert ok.details["extracted"] == "1.500.000 đồng" and ok.details["parsed"] == "1500000"
    assert ok.details["gold_parsed"] == "1500000" and ok.details["extractor"] == "phrase" and ok.details["rule"] == "exact"

    missing = reward.score(Sample("I give up.", columns={"solution": "3"}))
    assert missing.status == "error" and missing.kind is ErrorKind.NO_ANSWER

    skipped = reward.score(Sample("\\boxed{3}", columns={"solution": "not a math answer at all, sorry: 1 2"}))
    assert skipped.status == "skip" and "cannot be read" in skipped.message
    strict = MathEquivalence(EquivalenceParams(unparseable_gold="error"))
    assert strict.score(Sample("\\boxed{3}", columns={"solution": "1 2 3 ???"})).kind is ErrorKind.UNPARSEABLE_GOLD
    assert reward.score(Sample("\\boxed{3}", columns={"other": "3"})).status == "skip"
    assert reward.score(Sample("\\boxed{3}", columns={"solution": None})).status == "skip"
    assert reward.score(Sample("\\boxed{3}", columns={"solution": 3})).score == 1.0  # non-string golds


def test_pickle_round_trip() -> None:
    for reward in (MathEquivalence(EquivalenceParams(locale="vi", extract=["tags", "last_number"])), MathAnswerFormat()):
        clone = pickle.loads(pickle.dumps(reward))
        assert clone(completions=["<answer>7</answer>"], solution=["7"]) == reward(
            completions=["<answer>7</answer>"], solution=["7"]
        )


def test_params_validation() -> None:
    with pytest.raises(ValidationError, match="did you mean"):  # plugin extractors are checked against the registry given
        EquivalenceParams.model_validate({"extract": ["boxd"]}, context={"registry": get_registry()})
    EquivalenceParams(extract=["boxd"])  # no registry in the context: validating loads no plugin; building checks
    with pytest.raises(ValidationError, match="did you mean"):
        get_registry().build("math.equivalence", {"extract": ["boxd"]})
    with pytest.raises(ValidationError):
        EquivalenceParams(locale="fr")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        EquivalenceParams(tolerance=0)
    with pytest.raises(ValidationError):
        EquivalenceParams(extract=[])


def _result_line(text: str, context: ExtractContext) -> list[Extraction]:
    index = text.rfind("RESULT=")
    if index == -1:
        return []
    value = text[index + 7 :].split()[0]
    return [Extraction(value, index + 7, index + 7 + len(value), "result_line")]


class _ResultPlugin:
    @hookimpl
    def register_extractors(self, register):  # type: ignore[no-untyped-def]
        register("result_line", _result_line)


def test_third_party_extractor_by_name() -> None:
    register_plugin(_ResultPlugin(), "test-result-line")
    try:
        reward = get_registry().reward("math.equivalence").build({"extract": ["result_line", "last_number"]})
        assert reward(completions=["blah 3 RESULT=12 more 7"], solution=["12"]) == [1.0]
        assert reward(completions=["blah 3 more 7"], solution=["7"]) == [1.0]  # falls back to last_number
    finally:
        unregister_plugin("test-result-line")


def test_answer_format() -> None:
    reward = MathAnswerFormat()
    scores = reward(
        completions=["So \\boxed{\\frac{1}{2}}", "It is about five-ish", "Step 1: add. Step 2: done", "The answer is 12"]
    )
    assert scores == [1.0, 0.0, 0.0, 1.0]
    loose = MathAnswerFormat(AnswerFormatParams(require_marker=False))
    assert loose(completions=["He has 12 apples."]) == [1.0]
    outcome = reward.score(Sample("The answer is __import__('os')"))
    assert outcome.score == 0.0 and outcome.details["rule"] == "unparseable_answer"


def test_audit_records_math_verify() -> None:
    pytest.importorskip("math_verify")
    reward = MathEquivalence(EquivalenceParams(audit=True))
    outcome = reward.score(Sample("Vậy đáp án là 1.500.000 đồng", columns={"solution": "1500000"}))
    assert outcome.score == 1.0
    assert outcome.details["audit_math_verify"] is False and outcome.details["audit_disagree"] is True
