"""The recipe's shape: pydantic models for the engine settings, weights, policies and the reward nodes.

A ``rewards:`` item is one of the node models (:data:`NODE_KINDS` says which, by its marker key).
Every node lists the rewards it runs through :meth:`_NodeBase.refs`, the one walker of node
references; :meth:`_NodeBase.leaf_key` names each of them for the engine and the logs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictFloat, StrictInt, field_validator, model_validator

from rewardkit.yamlsource import KeyPath, Located

Isolation = Literal["auto", "inline", "process"]
ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValuePolicy(_Model):
    """Hand TRL this value for the completion (and count the error)."""

    value: float

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("policy value must be a finite number")
        return v


Policy = Literal["raise", "skip"] | ValuePolicy
DEFAULT_POLICY = ValuePolicy(value=0.0)


class EngineSettings(_Model):
    """How rewards run: in this process or in killable worker processes, and for how long."""

    isolation: Isolation = Field(
        "auto", description="inline, process, or auto (rewards that declare themselves cheap run inline)"
    )
    timeout_s: float = Field(2.0, gt=0, le=3600, description="Wall-clock limit per completion, enforced by killing the worker")
    workers: int | Literal["auto"] = Field("auto", description="Worker processes for isolated rewards (auto: one per core)")
    max_tasks_per_worker: int = Field(
        20_000, ge=1, description="A worker is recycled after scoring this many samples (sick workers are replaced at once)"
    )
    oversubscribe: bool = Field(False, description="Allow more workers than this machine's cores (capped otherwise)")
    memory_mb: int | None = Field(2048, ge=64, description="Address-space limit of each worker (None: unlimited)")
    dedupe: bool = Field(True, description="Score identical (completion, row) pairs in a batch once")

    @field_validator("workers")
    @classmethod
    def _positive_workers(cls, v: int | str) -> int | str:
        if isinstance(v, int) and v < 1:
            raise ValueError("workers must be at least 1 (or 'auto')")
        return v


class WeightSchedule(_Model):
    """A weight that moves from ``start`` to ``end`` between ``from_step`` and ``until_step``.

    Strict like :data:`Weight`: numbers must be written as numbers (``"0.5"`` and ``true`` are errors).
    """

    start: StrictFloat
    end: StrictFloat
    until_step: StrictInt = Field(gt=0)
    from_step: StrictInt = Field(0, ge=0)
    shape: Literal["linear", "cosine", "step"] = "linear"

    @model_validator(mode="after")
    def _ordered(self) -> WeightSchedule:
        if self.until_step <= self.from_step:
            raise ValueError(f"until_step ({self.until_step}) must be after from_step ({self.from_step})")
        for v in (self.start, self.end):
            if not math.isfinite(v):
                raise ValueError("schedule weights must be finite numbers")
        return self

    def at(self, step: int) -> float:
        if step <= self.from_step:
            return self.start
        if step >= self.until_step:
            return self.end
        t = (step - self.from_step) / (self.until_step - self.from_step)
        if self.shape == "step":
            return self.start
        if self.shape == "cosine":
            t = (1 - math.cos(math.pi * t)) / 2
        return self.start + (self.end - self.start) * t


# Strict: an int or float (ints become floats) or a schedule; "0.25" and true are errors, not coerced.
Weight = StrictFloat | WeightSchedule


Scalar = str | int | float | bool


class Condition(_Model):
    """``when: {column: language, equals: vi}``: the reward applies only to rows that match."""

    column: str = Field(description="Dataset column to test")
    equals: Scalar | None = Field(None, description="The row applies when the column equals this value")
    one_of: list[Scalar] | None = Field(None, description="The row applies when the column is one of these values")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.equals is None) == (self.one_of is None):
            raise ValueError("when: needs exactly one of equals or one_of")
        return self

    def matches(self, columns: Any) -> bool:
        if self.column not in columns:
            return False
        value = columns[self.column]
        return value == self.equals if self.one_of is None else value in self.one_of

    def describe(self) -> str:
        test = f"== {self.equals!r}" if self.one_of is None else f"in {self.one_of!r}"
        return f"when {self.column} {test}"


class _NodeBase(_Model):
    id: str | None = Field(
        None, pattern=ID_PATTERN, description="Name in logs and score output (default: derived from the reward)"
    )
    weight: Weight = Field(1.0, description="A number or a schedule {start, end, until_step}")
    on_error: Policy = Field(DEFAULT_POLICY, description="raise, skip, or {value: x} when the reward fails")
    on_timeout: Policy = Field(DEFAULT_POLICY, description="raise, skip, or {value: x} when the reward times out")
    isolation: Isolation | None = Field(None, description="Overrides engine.isolation for this reward")
    timeout_s: float | None = Field(None, gt=0, le=3600, description="Overrides engine.timeout_s for this reward")
    when: Condition | None = Field(None, description="Apply only to rows whose column matches; other rows skip (None)")

    @field_validator("weight")
    @classmethod
    def _finite_weight(cls, v: Weight) -> Weight:
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("weight must be a finite number")
        return v

    def refs(self) -> list[tuple[KeyPath, RewardRef]]:
        """The rewards this node runs, with their key path inside the node: ``()`` for a plain entry,
        ``("gate",)``/``("then",)``, ``("clip",)``, ``("min", 0)``, ``("product", 1)``.

        The one walker of node references: validation, :meth:`leaf_key` and :meth:`leaves` all go through it.
        """
        raise NotImplementedError

    def leaf_key(self, rel: KeyPath) -> str:
        """The engine's key (logs, score output) of the reward at ``rel``, a path from :meth:`refs`.

        A plain entry's reward is the node's key itself (``format``); inside a composition node it is
        ``<key>/<rel, dotted>``: ``answer/gate``, ``answer/then``, ``x/clip``, ``x/min.0``, ``x/product.1``.
        """
        return f"{self.key}/{'.'.join(str(p) for p in rel)}" if rel else self.key

    def leaves(self) -> list[tuple[str, RewardRef]]:
        """``(leaf key, reward)`` for every reward this node runs, in :meth:`refs` order."""
        return [(self.leaf_key(rel), ref) for rel, ref in self.refs()]

    @property
    def default_id(self) -> str:
        raise NotImplementedError

    @property
    def key(self) -> str:
        return self.id or self.default_id


class RewardRef(_Model):
    """A reward used inside a composition node: a name, or ``{reward: name, params: {...}}``."""

    reward: str
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"reward": value} if isinstance(value, str) else value


class RewardEntry(_NodeBase):
    """``{reward: name, weight, params}``: one reward, weighted."""

    reward: str
    params: dict[str, Any] = Field(default_factory=dict)

    def refs(self) -> list[tuple[KeyPath, RewardRef]]:
        return [((), RewardRef(reward=self.reward, params=self.params))]

    @property
    def default_id(self) -> str:
        return self.reward


class GateNode(_NodeBase):
    """``{gate: A, then: B}``: B's score counts only where A scores at least ``threshold``."""

    gate: RewardRef
    then: RewardRef
    threshold: float = 1.0
    otherwise: float = Field(0.0, description="Score where the gate is closed")

    def refs(self) -> list[tuple[KeyPath, RewardRef]]:
        return [(("gate",), self.gate), (("then",), self.then)]

    @property
    def default_id(self) -> str:
        return f"{self.then.reward}.gated"


class ClipNode(_NodeBase):
    """``{clip: A, min: lo, max: hi}``: A's score clamped to ``[lo, hi]``."""

    clip: RewardRef
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> ClipNode:
        if self.min is None and self.max is None:
            raise ValueError("clip needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"clip min ({self.min}) is above max ({self.max})")
        return self

    def refs(self) -> list[tuple[KeyPath, RewardRef]]:
        return [(("clip",), self.clip)]

    @property
    def default_id(self) -> str:
        return f"{self.clip.reward}.clipped"


class MinNode(_NodeBase):
    """``{min: [A, B, ...]}``: the lowest of the scores (all must pass)."""

    min: Annotated[list[RewardRef], Field(min_length=2)]

    def refs(self) -> list[tuple[KeyPath, RewardRef]]:
        return [(("min", i), r) for i, r in enumerate(self.min)]

    @property
    def default_id(self) -> str:
        return "min." + "+".join(r.reward for r in self.min)


class ProductNode(_NodeBase):
    """``{product: [A, B, ...]}``: the product of the scores."""

    product: Annotated[list[RewardRef], Field(min_length=2)]

    def refs(self) -> list[tuple[KeyPath, RewardRef]]:
        return [(("product", i), r) for i, r in enumerate(self.product)]

    @property
    def default_id(self) -> str:
        return "product." + "+".join(r.reward for r in self.product)


Node = RewardEntry | GateNode | ClipNode | MinNode | ProductNode

# Which model validates a `rewards:` item, by the key that marks it (first match wins).
NODE_KINDS: tuple[tuple[str, type[_NodeBase]], ...] = (
    ("gate", GateNode),
    ("clip", ClipNode),
    ("reward", RewardEntry),
    ("product", ProductNode),
    ("min", MinNode),
)


def node_model(entry: dict[str, Any]) -> type[_NodeBase]:
    """The node model for a raw ``rewards:`` item, by its marker key. Raises ``TypeError`` when it has none."""
    for key, model in NODE_KINDS:
        if key in entry:
            return model
    raise TypeError("no node kind")


class Recipe(_Model):
    """A validated recipe."""

    name: str | None = None
    description: str = ""
    extends: str | None = Field(None, description="Parent recipe, relative to this file")
    plugins: list[str] = Field(default_factory=list, description="Local plugin modules: ./file.py or dotted.module")
    engine: EngineSettings = Field(default_factory=EngineSettings)
    rewards: list[Node] = Field(min_length=1)
    train: Any = Field(
        None,
        description="Training settings: the model instance when the loader was given sections={'train': Model}, else raw mapping",
    )

    _source: Path | None = PrivateAttr(None)
    _located: Located | None = PrivateAttr(None)

    @property
    def source(self) -> Path | None:
        return self._source

    @property
    def base_dir(self) -> Path:
        return self._source.parent if self._source is not None else Path.cwd()

    @property
    def ids(self) -> list[str]:
        return [node.key for node in self.rewards]

    def node(self, node_id: str) -> Node:
        for node in self.rewards:
            if node.key == node_id:
                return node
        raise KeyError(node_id)

    def locate(self, path: Sequence[Any]) -> str:
        """``file:line`` of a key path, for errors found after loading (e.g. by ``train``)."""
        where = self._located.where(tuple(path)) if self._located is not None else None
        return str(where) if where is not None else str(self._source or "<recipe>")

    def resolved_dict(self) -> dict[str, Any]:
        """The merged recipe as plain data (what ``train`` saves next to its outputs)."""
        return self.model_dump(mode="json", exclude_none=True, exclude={"extends"})
