"""Recipe problems: :class:`RecipeIssue` (``file:line: key.path: message``), :class:`RecipeError`, and the
:class:`Collector` that turns pydantic errors into issues (union members folded, did-you-mean for unknown keys).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from rewardkit.yamlsource import KeyPath, Located, Where


@dataclass(frozen=True)
class RecipeIssue:
    where: Where | None
    path: str
    message: str

    def __str__(self) -> str:
        location = f"{self.where}: " if self.where is not None else ""
        return f"{location}{self.path + ': ' if self.path else ''}{self.message}"


class RecipeError(Exception):
    """One or more mistakes in a recipe; ``str()`` lists them one per line."""

    def __init__(self, issues: Iterable[RecipeIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def dotted(path: Sequence[Any]) -> str:
    return ".".join(str(p) for p in path)


class Collector:
    """Gathers every problem of one recipe, each placed at its ``file:line`` through the located document."""

    def __init__(self, located: Located) -> None:
        self.located = located
        self.issues: list[RecipeIssue] = []

    def add(self, path: KeyPath, message: str) -> None:
        self.issues.append(RecipeIssue(self.located.where(path), dotted(path), message))

    def add_validation(self, prefix: KeyPath, exc: ValidationError, model: type[BaseModel] | None = None) -> None:
        """Add a pydantic error under ``prefix``: one issue per key path, unions explained, did-you-mean for typos."""
        grouped: dict[KeyPath, list[Any]] = {}
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and _is_union_tag(p)))
            grouped.setdefault(loc, []).append(err)
        for loc, errs in grouped.items():
            field_name = loc[-1] if loc else ""
            if field_name in UNION_HINTS:
                # A union field (weight, on_error) fails once per member. Given a mapping, only the
                # mapping member's complaints matter; given a scalar, say what the field accepts.
                if isinstance(errs[0].get("input"), dict):
                    errs = [e for e in errs if e["type"] not in SCALAR_ERROR_TYPES]
                elif len(errs) > 1:
                    errs = []
                    self.add(prefix + loc, UNION_HINTS[field_name])
            messages = [_message(e, model, loc) for e in errs]
            if messages:
                self.add(prefix + loc, "; or ".join(dict.fromkeys(messages)))


SCALAR_ERROR_TYPES = {"float_type", "float_parsing", "int_type", "int_parsing", "literal_error", "string_type", "bool_type"}
UNION_HINTS = {
    "weight": "expected a number or a schedule {start, end, until_step}",
    "on_error": "expected raise, skip or {value: <number>}",
    "on_timeout": "expected raise, skip or {value: <number>}",
}


def _is_union_tag(part: str) -> bool:
    # pydantic inserts member names into union error locations ("float", "WeightSchedule", "literal['raise','skip']").
    return part in {"float", "int", "str", "bool", "ValuePolicy", "WeightSchedule", "RewardRef"} or part.startswith(
        ("literal[", "function-", "union[", "list[", "dict[")
    )


def _message(err: Any, model: type[BaseModel] | None, loc: KeyPath) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden" and loc:
        allowed = _field_names(model, loc[:-1])
        text = f"unknown key {loc[-1]!r}"
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        if close:
            return text + f"; did you mean {close[0]!r}?"
        return text + (f"; expected one of: {', '.join(allowed)}" if allowed else "")
    if kind == "missing":
        return "required key is missing"
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    return msg[0].lower() + msg[1:] if msg and msg[:2] != msg[:2].upper() else msg


def _field_names(model: type[BaseModel] | None, loc: KeyPath) -> list[str]:
    """Field names of the (nested) model at ``loc``; best effort for did-you-mean."""
    current: Any = model
    for part in loc:
        if current is None or not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def issue_order(issue: RecipeIssue) -> tuple[int, str, int]:
    """Sort key: issues with a place first, by file and line; placeless ones last."""
    if issue.where is None:
        return (1, "", 0)
    return (0, issue.where.file, issue.where.line)
