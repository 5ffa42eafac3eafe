"""Hostile completions: each returns a finite reward within 2 s and executes nothing (issue 3, "Done means")."""

from __future__ import annotations

import builtins
import math
import os
import subprocess
import time

import pytest

from rewardkit_math import MathAnswerFormat, MathEquivalence

HOSTILE = {
    "code": "__import__('os').system('echo pwned')",
    "boxed code": "\\boxed{__import__('os').system('rm -rf /')}",
    "eval in tags": "<answer>eval(\"__import__('subprocess').call(['ls'])\")</answer>",
    "lambda": "The answer is (lambda: exec('import os'))()",
    "power tower": "\\boxed{9^{9^{9^9}}}",
    "big power": "The answer is 2^{10^{6}}",
    "big factorial": "\\boxed{10000!}",
    "factorial of a power": "\\boxed{(10^{300})!}",
    "huge exp": "\\boxed{e^{10^{300}}}",
    "huge sine": "\\boxed{\\sin(10^{300})}",
    "huge binomial": "\\boxed{\\binom{10^{6}}{500000}}",
    "20,000 nested parens": "\\boxed{" + "(" * 20_000 + "1" + ")" * 20_000 + "}",
    "nested sqrt": "\\boxed{" + "\\sqrt{" * 900 + "2" + "}" * 900 + "}",
    "1 MB of x": "x" * 1_000_000,
    "1 MB of digits": "7" * 1_000_000,
    "1 MB of boxes": "\\boxed{" * 150_000,
    "1 MB of answer phrases": "Đáp án: " * 125_000,
    "1 MB of step numbers": "Step 1. " * 125_000,
    "1 MB of decimals": "1.1." * 250_000,
    "NUL bytes": "The answer is 5\x00\x00\x00",
    "lone surrogates": "\ud800 The answer is \udfff 5 \udc00",
    "control characters": "\x1b[31mThe answer is 5\x07",
    "symbolic blow-up": "\\boxed{(x+1)^{1000} - (x+1)^{1000}}",
    "matrix flood": "\\boxed{" + "\\begin{pmatrix} 1 & " * 5_000 + "}",
    "huge matrix": "\\boxed{\\begin{pmatrix}" + " \\\\ ".join(["1 & 2 & 3"] * 300) + "\\end{pmatrix}}",
    "box chain flood": "\\boxed{1} and " * 100_000 + "\\boxed{2}",
    "superscript flood": "The answer is 10" + "²³" * 200_000,
    "inequality chain": "\\boxed{" + " < ".join(f"{k}x + 1" for k in range(1, 200)) + "}",
    "long symbolic": "\\boxed{" + "+".join(f"x^{{{k}}}" for k in range(300)) + "}",
}


@pytest.fixture
def no_execution(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record any attempt to run code or commands while the judge works.

    sympy generates some of its own functions with ``exec`` the first time a code path runs; that is
    library code, not model text. Warming the judge's symbolic and numeric paths first keeps the trap
    about what matters: nothing the completion says is ever executed.
    """
    for warm in ("\\boxed{(x+1)^{2} - (x+1)^{2}}", "The answer is \\sqrt{2}/2", "\\boxed{\\sin(x)^2 + \\cos(x)^2}"):
        for reward in (MathEquivalence(), MathAnswerFormat()):
            reward(completions=[warm], solution=["0"])
    calls: list[str] = []

    def trap(name: str):  # type: ignore[no-untyped-def]
        def _trap(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(name)
            raise AssertionError(f"{name} called while judging")

        return _trap

    monkeypatch.setattr(os, "system", trap("os.system"))
    monkeypatch.setattr(subprocess, "Popen", trap("subprocess.Popen"))
    monkeypatch.setattr(builtins, "eval", trap("eval"))
    monkeypatch.setattr(builtins, "exec", trap("exec"))
    return calls


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_completion(name: str, no_execution: list[str]) -> None:
    completion = HOSTILE[name]
    for reward in (MathEquivalence(), MathAnswerFormat()):
        start = time.perf_counter()
        (score,) = reward(completions=[completion], solution=["5"])
        elapsed = time.perf_counter() - start
        assert score is not None and math.isfinite(score), name
        assert elapsed < 2.0, f"{name}: {elapsed:.2f}s"
    assert no_execution == []


@pytest.mark.parametrize("gold", ["9^{9^{9^9}}", "__import__('os').system('x')", "(" * 5000 + "1" + ")" * 5000, "\x00\ud800"])
def test_hostile_gold_is_skipped(gold: str, no_execution: list[str]) -> None:
    (score,) = MathEquivalence()(completions=["The answer is 5"], solution=[gold])
    assert score is None  # an unreadable gold skips the row
    assert no_execution == []
