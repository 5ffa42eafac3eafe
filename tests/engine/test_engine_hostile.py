"""Every built-in reward, through the engine, on hostile completions: an outcome in time, nothing executed.

Power towers, megabyte strings, deep nesting and code-execution strings must each get a finite
score, a skip or a named error within 2 s, and no completion may ever run as code.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from engine_helpers import assert_no_orphans
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewardkit.engine import Engine, Leaf
from rewardkit.plugins import get_registry
from rewardkit.recipe import EngineSettings
from rewardkit.reward import Sample
from rewardkit.runtime import resolve_isolation

LIMIT_S = 2.0
SENTINEL = Path(os.environ.get("TMPDIR", "/tmp")) / f"rewardkit-pwned-{os.getpid()}"
S = str(SENTINEL)

HOSTILE = [
    # power towers and huge numbers
    r"<answer>9^{9^{9^{9}}}</answer>",
    r"\boxed{10^{10^{10^{10^{10}}}}}",
    "The answer is 2**2**2**2**2**2**2**2",
    "#### " + "9" * 100_000,
    r"\boxed{1e999999999}",
    r"Đáp án: 0," + "0" * 50_000 + "1",
    r"\boxed{(10^{100})!}",
    r"\boxed{\frac{1}{0}}",
    # megabyte strings
    "1" * 1_000_000,
    "a " * 500_000,
    "<think>" * 140_000,
    "<answer>" + "x" * 1_000_000 + "</answer>",
    "Bước 1. " * 120_000,
    # deep nesting
    "(" * 50_000 + "1" + ")" * 50_000,
    r"\boxed{" * 20_000 + "1" + "}" * 20_000,
    r"\frac{" * 5_000 + "1}{2}" * 5_000,
    "<answer>" + "[" * 20_000 + "]" * 20_000 + "</answer>",
    "\\sqrt{" * 10_000 + "2" + "}" * 10_000,
    # code execution attempts
    f"<answer>__import__('os').system('touch {S}')</answer>",
    f"\\boxed{{exec(\"open('{S}', 'w').write('x')\")}}",
    f"The answer is eval(compile(\"open('{S}','w')\", 'x', 'exec'))",
    f"<think>x</think><answer>(lambda: __import__('os').system('touch {S}'))()</answer>",
    f"Final answer: {{{{ ''.__class__.__mro__[1].__subclasses__() }}}} $(touch {S})",
    # odd text
    "\x00\ud800\u202e\ufeff" * 1000,
    "",
]


def builtin_leaves(timeout_s: float, isolation: str = "auto") -> list[Leaf]:
    """Every registered reward that builds with default params (rewards with required params are skipped)."""
    leaves = []
    for name, spec in sorted(get_registry().rewards.items()):
        try:
            reward = spec.build()
        except Exception:  # noqa: BLE001 - required params: nothing to try with defaults
            continue
        leaves.append(Leaf(name, name, {}, resolve_isolation(isolation, reward), timeout_s, built=reward))
    return leaves


@pytest.fixture(scope="module")
def engine():
    engine = Engine(EngineSettings(timeout_s=LIMIT_S - 0.2, workers=2))
    yield engine
    pids = engine._pool.pids() if engine._pool else []
    engine.close()
    assert_no_orphans(pids)


def check(scored) -> None:
    outcome = scored.outcome
    assert outcome.status in {"ok", "skip", "error"}
    if outcome.status == "ok":
        assert math.isfinite(outcome.score)
    if outcome.status == "error":
        assert outcome.kind is not None


# "auto" is how recipes run them; "process" sends the megabyte strings through the workers as well
# (two cheap rewards are enough for that: every isolated reward already runs there under "auto").
@pytest.mark.parametrize("isolation", ["auto", "process"])
def test_hostile_completions_get_outcomes_in_time(engine, isolation):
    leaves = builtin_leaves(LIMIT_S - 0.2, isolation)
    if isolation == "process":
        leaves = [leaf for leaf in leaves if leaf.key in {"format.tags", "vi.language"}]
    assert leaves, "no built-in reward builds with default params"
    rows = [Sample(text, prompt="q", columns={"solution": "42"}) for text in HOSTILE]
    rows += [Sample("<answer>42</answer>", columns={"solution": text}) for text in HOSTILE[:8] + HOSTILE[18:]]
    slow = []
    for leaf in leaves:
        for sample, scored in zip(rows, engine.run(leaf, rows), strict=True):
            check(scored)
            if scored.elapsed_ms >= LIMIT_S * 1000:
                slow.append((leaf.key, sample.completion[:40], sample.columns["solution"][:40], round(scored.elapsed_ms)))
    assert not slow, f"outcomes slower than {LIMIT_S} s: {slow}"
    assert not SENTINEL.exists(), "a completion was executed"


nested = st.recursive(
    st.sampled_from(["1", "x", "2.5", "1.000", "3,5", r"\pi", "-7", "9" * 40]),
    lambda inner: st.one_of(
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a, b: f"{a}^{{{b}}}", inner, inner),
        st.builds(lambda a, b: rf"\frac{{{a}}}{{{b}}}", inner, inner),
        st.builds(lambda a: rf"\boxed{{{a}}}", inner),
        st.builds(lambda a: f"<answer>{a}</answer>", inner),
    ),
    max_leaves=30,
)
completions = st.one_of(
    st.text(max_size=300),
    nested,
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.builds(lambda t, a: f"<think>{t}</think><answer>{a}</answer>", st.text(max_size=80), nested),
    st.builds(lambda n, k: ("(" * n) + "1" + (")" * k), st.integers(0, 3000), st.integers(0, 3000)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=completions, gold=st.one_of(st.just("42"), nested))
def test_random_text_gets_a_finite_outcome(engine, text, gold):
    sample = Sample(text, prompt="q", columns={"solution": gold})
    for leaf in builtin_leaves(LIMIT_S - 0.2):
        [scored] = engine.run(leaf, [sample])
        check(scored)
        assert scored.elapsed_ms < LIMIT_S * 1000, (leaf.key, text[:60])
