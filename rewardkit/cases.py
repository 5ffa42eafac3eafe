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
    if not isinstance(name, str) or not name.strip():
        problem(("cases", i, "name"), "each case needs a `name:`")
        name = f"case {i}"
    if "completion" not in raw or not isinstance(raw["completion"], (str, list)):
        problem(("cases", i, "completion"), "`completion:` must be a string or a list of messages")
    expect = raw.get("expect")
    if not isinstance(expect, dict) or not expect:
        problem(("cases", i, "expect"), "`expect:` must map reward ids (or total) to expectations")
        expect = {}
    for key, value in expect.items():
        error = _expectation_problem(value)
        if error:
            problem(("cases", i, "expect", key), error)
    columns = raw.get("columns", {})
    if not isinstance(columns, dict):
        problem(("cases", i, "columns"), "`columns:` must be a mapping of column name to value")
        columns = {}
    sample = Sample(
        completion=message_text(raw.get("completion"), role="assistant"),
        prompt=message_text(raw.get("prompt"), role="user"),
        columns=columns,
        completion_ids=raw.get("completion_ids"),
    )
    step = raw.get("step", 0)
    if not isinstance(step, int) or step < 0:
        problem(("cases", i, "step"), "`step:` must be a non-negative integer")
        step = 0
    return Case(name, where, sample, expect, step)


def _check_expectation_ids(located: Located, cases: list[Case | None], recipe: Recipe, problem: Any) -> None:
    ids = set(recipe.ids) | {"total"}
    for i, case in enumerate(cases):
        if case is None:
            continue
        for key in case.expect:
            if key not in ids:
                problem(("cases", i, "expect", key), f"no reward with id {key!r} in the recipe; ids: {', '.join(sorted(ids))}")


def _expectation_problem(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None if value is None else "expected a number, null, a comparison like '>= 0.5' or an outcome label"
    if isinstance(value, (int, float)):
        return None
    if isinstance(value, str) and (_COMPARISON.match(value) or OUTCOME_LABELS.match(value.strip())):
        return None
    return f"cannot read expectation {value!r}: use a number, null, '>= x', '< x', '== x', '!= x', '~ x' or ok/skip/error:<kind>"


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
                hint = f" [{row.messages[key]}]" if key in row.messages else ""
                failures.append(f"{key}: expected {expected}, got {_describe(value, label)}{hint}")
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
