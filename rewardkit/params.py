"""Reward parameters: the base model, and the markers that say what a parameter *means*.

rewardkit's tools (``check --dataset``, ``probe``, training preflight and evaluation) never rely on a
parameter's name. A parameter that names a dataset column, an answer tag or a locale says so in its
type, with a marker in ``Annotated``::

    class MyParams(RewardParams):
        reference: GoldColumn = "answer"               # the dataset column with the reference answer
        tag: Annotated[str, AnswerTag(required=True)] = "answer"

so a third-party reward gets the same checks as a built-in one. Put the marker at the top level of
the annotation (``Annotated[str | None, ReasoningTag()]``, not ``Annotated[str, ...] | None``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict


class RewardParams(BaseModel):
    """Validated, immutable parameters of one reward.

    ``extra="forbid"`` turns a typo in a recipe's ``params`` into an error with a line number
    instead of a silently ignored key; ``frozen`` keeps a built reward's settings from drifting.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(RewardParams):
    """For rewards that take no parameters."""


# --------------------------------------------------------------------------- markers


class ParamRole:
    """Base of the markers; ``role_name`` is how ``rewardkit rewards --json`` shows it."""

    role_name = "role"


@dataclass(frozen=True)
class Column(ParamRole):
    """The parameter names a dataset column the reward reads; ``gold=True``: the reference answer."""

    gold: bool = False
    role_name = "column"


@dataclass(frozen=True)
class AnswerTag(ParamRole):
    """The parameter names the tag around the final answer (``answer`` for ``<answer>``).

    ``required=True``: the reward checks the format (a completion without the tag scores low);
    ``False``: it only reads the answer from the tag when there is one.
    """

    required: bool = False
    role_name = "answer_tag"


@dataclass(frozen=True)
class ReasoningTag(ParamRole):
    """The parameter names the tag around the reasoning (``think``); ``required`` as for :class:`AnswerTag`."""

    required: bool = False
    role_name = "reasoning_tag"


@dataclass(frozen=True)
class ReasoningOpenedInPrompt(ParamRole):
    """A boolean parameter: the chat template opens the reasoning tag in the prompt."""

    role_name = "reasoning_opened_in_prompt"


@dataclass(frozen=True)
class Locale(ParamRole):
    """The parameter is a language/number locale (``en``, ``vi``, ``auto``)."""

    role_name = "locale"


@dataclass(frozen=True)
class LengthLimit(ParamRole):
    """The parameter is a completion length bound (``min`` or ``max``) in the reward's own unit."""

    bound: Literal["min", "max"] = "max"
    role_name = "length_limit"


@dataclass(frozen=True)
class BoxedAnswer(ParamRole):
    """A boolean parameter: ``True`` asks for the final answer in ``\\boxed{}``."""

    role_name = "boxed_answer"


@dataclass(frozen=True)
class ExtractorOrder(ParamRole):
    """A list of answer-extractor names in priority order (the first says where answers are looked for first)."""

    role_name = "extractor_order"


@dataclass(frozen=True)
class WrappedReward(ParamRole):
    """The parameter names another registered reward; its params are in the field ``params_field``."""

    params_field: str = "params"
    role_name = "wrapped_reward"


# Ready-made annotations for the common cases.
ColumnName = Annotated[str, Column()]
GoldColumn = Annotated[str, Column(gold=True)]
LocaleName = Annotated[Literal["auto", "en", "vi"], Locale()]

R = TypeVar("R", bound=ParamRole)


@dataclass(frozen=True)
class RoleValue(Generic[R]):
    """One marked parameter of a params instance: its field name, its marker and its value."""

    field: str
    role: R
    value: Any


@cache
def _roles_of(model: type[BaseModel]) -> tuple[tuple[str, ParamRole], ...]:
    found = []
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, ParamRole):
                found.append((name, meta))
    return tuple(found)


def marked_fields(model: type[BaseModel], role: type[R] = ParamRole) -> list[tuple[str, R]]:  # type: ignore[assignment]
    """``(field name, marker)`` of every field of ``model`` carrying a marker of type ``role``."""
    return [(name, meta) for name, meta in _roles_of(model) if isinstance(meta, role)]


def roles(params: BaseModel, role: type[R] = ParamRole) -> Iterator[RoleValue[R]]:  # type: ignore[assignment]
    """Every marked parameter of ``params`` (defaults included) whose marker is of type ``role``."""
    for name, meta in marked_fields(type(params), role):
        yield RoleValue(name, meta, getattr(params, name))
