"""Golden-case files (``*.cases.yaml``): sample completions with the scores a recipe must give them.

```yaml
recipe: vi-math.yaml                 # relative to this file
cases:
  - name: boxed answer with Vietnamese thousands dot
    completion: "<think>2.500 + 500 = 3.000</think><answer>3.000</answer>"
    columns: {solution: "3000"}
    expect: {math.equivalence: 1.0, total: ">= 1.0"}
```

An expectation is a number (equal within 1e-9), ``null`` (the reward skipped), a comparison
(``">= 0.5"``, ``"< 1"``, ``"== 0"``, ``"!= 0"``, ``"~ 0.33"`` within 0.01) or an outcome label
(``ok``, ``skip``, ``error``, ``error:timeout`` ...). ``total`` is the weighted total, as in training.
``rewardkit test`` and the pytest plugin both run these files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.recipe import Recipe, RecipeError, RecipeIssue, load_recipe
from rewardkit.reward import Sample, message_text
from rewardkit.score import RowResult, score_samples
from rewardkit.yamlsource import Located, Where, YamlSyntaxError, display_path, load_located

CASES_SUFFIX = ".cases.yaml"
CASE_KEYS = {"name", "completion", "prompt", "columns", "completion_ids", "expect", "step"}
_COMPARISON = re.compile(r"^\s*(>=|<=|==|!=|>|<|~)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?)\s*$", re.IGNORECASE)
OUTCOME_LABELS = re.compile(r"^(ok|skip|error(:[a-z_]+)?)$")


class CaseFileError(Exception):
    """A case file is malformed; ``str()`` lists ``file:line: message`` lines."""

    def __init__(self, issues: Iterable[RecipeIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass
class Case:
    name: str
    where: Where
    sample: Sample
    expect: dict[str, Any]
    step: int = 0


@dataclass
class CaseResult:
    case: Case
    row: RowResult | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class CaseFile:
    path: Path
    recipe: Recipe
    cases: list[Case]


def find_case_files(paths: Iterable[str | Path]) -> list[Path]:
    """Case files named by ``paths`` (files, or directories searched recursively), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{CASES_SUFFIX}") if ".venv" not in p.parts))
        else:
            found.append(path)
    return found


def load_case_file(path: Path) -> CaseFile:
    """Parse a case file and load its recipe. Raises :class:`CaseFileError` or ``RecipeError``."""
    try:
        located = load_located(path)
    except YamlSyntaxError as exc:
        raise CaseFileError([RecipeIssue(exc.where, "", exc.message)]) from None
    data = located.data
    issues: list[RecipeIssue] = []

    def problem(key_path: tuple[Any, ...], message: str) -> None:
        issues.append(RecipeIssue(located.where(key_path), ".".join(map(str, key_path)), message))

    if not isinstance(data, dict):
        raise CaseFileError([RecipeIssue(located.where(()), "", "a case file must be a mapping with `recipe:` and `cases:`")])
    recipe_ref = data.get("recipe")
    if not isinstance(recipe_ref, str):
        problem(("recipe",), "`recipe:` must name the recipe file, relative to this file")
    cases_raw = data.get("cases")
    if not isinstance(cases_raw, list) or not cases_raw:
        problem(("cases",), "`cases:` must be a non-empty list")
        cases_raw = []
    for key in data:
        if key not in {"recipe", "cases", "description"}:
            problem((key,), f"unknown key {key!r}; expected recipe, cases, description")
    cases = [_parse_case(located, i, raw, problem) for i, raw in enumerate(cases_raw)]
    if issues:
        raise CaseFileError(issues)
    recipe = load_recipe(path.parent / str(recipe_ref))
    _check_expectation_ids(located, cases, recipe, problem)
    if issues:
        raise CaseFileError(issues)
    return CaseFile(path, recipe, [c for c in cases if c is not None])


def _parse_case(located: Located, i: int, raw: Any, problem: Any) -> Case | None:
    where = located.where(("cases", i)) or Where(display_path(Path(".")), 1)
    if not isinstance(raw, dict):
        problem(("cases", i), "each case must be a mapping with name, completion, expect")
        return None
    for key in raw:
        if key not in CASE_KEYS:
            problem(("cases", i, key), f"unknown key {key!r}; expected one of: {', '.join(sorted(CASE_KEYS))}")
    name = raw.get("name")
    if isinstance(name, (int, float)) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str) or not name.strip():
        shown = "" if name is None else f", got {_kind(name)}"
        problem(("cases", i, "name"), f"each case needs a `name:` (a string){shown}")
        name = f"case {i}"
    completion = raw.get("completion")
    if not _is_text(completion):
        problem(("cases", i, "completion"), "`completion:` must be a string or a list of messages {role, content}")
        completion = ""
    prompt = raw.get("prompt")
    if prompt is not None and not _is_text(prompt):
        problem(("cases", i, "prompt"), "`prompt:` must be a string or a list of messages {role, content}")
        prompt = None
    expect = raw.get("expect")
    if not isinstance(expect, dict) or not expect:
        problem(("cases", i, "expect"), "`expect:` must map reward ids (or total) to expectations")
        expect = {}
    for key, value in expect.items():
        error = _expectation_problem(value)
        if error:
            problem(("cases", i, "expect", key), error)
    columns = raw.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(k, str) for k in columns):
        problem(("cases", i, "columns"), "`columns:` must be a mapping of column name (a string) to value")
        columns = {}
    completion_ids = raw.get("completion_ids")
    if completion_ids is not None and not (
        isinstance(completion_ids, list) and all(isinstance(t, int) and not isinstance(t, bool) for t in completion_ids)
    ):
        problem(("cases", i, "completion_ids"), "`completion_ids:` must be a list of integer token ids")
        completion_ids = None
    sample = Sample(
        completion=message_text(completion, role="assistant"),
        prompt=message_text(prompt, role="user"),
        columns=columns,
        completion_ids=completion_ids,
    )
    step = raw.get("step", 0)
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        problem(("cases", i, "step"), "`step:` must be a non-negative integer")
        step = 0
    return Case(name, where, sample, expect, step)


def _is_text(value: Any) -> bool:
    """A completion or prompt: a string, or a list of messages ``{role, content}``."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(m, dict) and isinstance(m.get("content", ""), (str, list)) for m in value)
    )


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean"}.get(type(value), type(value).__name__)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_expectation_ids(located: Located, cases: list[Case | None], recipe: Recipe, problem: Any) -> None:
    ids = set(recipe.ids) | {"total"}
    for i, case in enumerate(cases):
        if case is None:
            continue
        for key in case.expect:
            if key not in ids:
                problem(("cases", i, "expect", key), f"no reward with id {key!r} in the recipe; ids: {', '.join(sorted(ids))}")


def _expectation_problem(value: Any) -> str | None:
    usage = "use a number, null, '>= x', '< x', '== x', '!= x', '~ x' or ok/skip/error:<kind>"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return f"an expectation must be a number, null or a string, got {_kind(value)}: {usage}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"cannot read expectation {value!r}: {usage}"
    if isinstance(value, (int, float)):
        return None
    if _COMPARISON.match(value) or OUTCOME_LABELS.match(value.strip()):
        return None
    return f"cannot read expectation {_short(value)}: {usage}"


def check_expectation(expected: Any, value: float | None, label: str | None) -> bool:
    """Whether a reward's ``value`` (and outcome ``label``) meet one expectation."""
    if expected is None:
        return value is None
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return value is not None and math.isclose(value, float(expected), rel_tol=1e-9, abs_tol=1e-9)
    text = str(expected).strip()
    if OUTCOME_LABELS.match(text):
        if label is None:
            return False
        return label == text or (text == "error" and label.startswith("error:"))
    match = _COMPARISON.match(text)
    if match is None or value is None:
        return False
    op, number = match.group(1), float(match.group(2))
    eps = 1e-9
    return {
        ">=": value >= number - eps,
        "<=": value <= number + eps,
        ">": value > number + eps,
        "<": value < number - eps,
        "==": abs(value - number) <= eps,
        "!=": abs(value - number) > eps,
        "~": abs(value - number) <= 0.01,
    }[op]


def _describe(value: float | None, label: str | None) -> str:
    shown = "null" if value is None else f"{value:.6g}"
    return shown if label in (None, "ok") else f"{shown} ({label})"


EXPLAIN_FIRST = ("extracted", "parsed", "gold", "gold_parsed", "rule", "reason")
"""Details keys shown first when a case fails (what ``score --explain`` shows), then any others."""


def _explain(row: RowResult, key: str) -> str:
    """What ``score --explain`` would show for ``key``: the reward's message and details, or for ``total``
    each reward's value and details. Each value is shortened; empty when there is nothing to add."""
    if key != "total":
        return _explain_one(row, key)
    parts = [f"{rid}={_describe(row.rewards.get(rid), row.outcomes.get(rid))}{_explain_one(row, rid)}" for rid in row.rewards]
    return f" ({'; '.join(parts)})" if parts else ""


def _explain_one(row: RowResult, key: str) -> str:
    details = dict(row.details.get(key) or {})
    message = row.messages.get(key)
    if message:
        details = {"message": message, **details}
    if not details:
        return ""
    order = [k for k in ("message", *EXPLAIN_FIRST) if k in details] + [
        k for k in details if k not in EXPLAIN_FIRST and k != "message"
    ]
    shown = ", ".join(f"{k}={_short(details[k], 80)}" for k in order[:8])
    return f" [{shown}{', ...' if len(order) > 8 else ''}]"


def run_case_file(case_file: CaseFile) -> list[CaseResult]:
    """Score every case (one batch per step value) and compare with the expectations."""
    results: list[CaseResult] = []
    by_step: dict[int, list[Case]] = {}
    for case in case_file.cases:
        by_step.setdefault(case.step, []).append(case)
    rows: dict[int, RowResult] = {}
    for step, cases in by_step.items():
        for case, row in zip(cases, score_samples(case_file.recipe, [c.sample for c in cases], step=step), strict=True):
            rows[id(case)] = row
    for case in case_file.cases:
        row = rows[id(case)]
        failures = []
        for key, expected in case.expect.items():
            value = row.total if key == "total" else row.rewards.get(key)
            label = None if key == "total" else row.outcomes.get(key)
            if not check_expectation(expected, value, label):
                failures.append(f"{key}: expected {expected}, got {_describe(value, label)}{_explain(row, key)}")
        results.append(CaseResult(case, row, failures))
    return results


def run_paths(paths: Iterable[str | Path]) -> tuple[list[CaseResult], list[str]]:
    """Run every case file under ``paths``; returns the results and file-level errors."""
    results: list[CaseResult] = []
    errors: list[str] = []
    for path in find_case_files(paths):
        try:
            case_file = load_case_file(path)
        except (CaseFileError, RecipeError) as exc:
            errors.append(str(exc))
            continue
        results.extend(run_case_file(case_file))
    return results, errors
