"""Recipes: weighted YAML compositions of rewards, validated with every mistake reported at once.

Loading runs in passes, collecting errors instead of stopping at the first:

1. YAML syntax and ``extends`` (child keys override the parent's; ``rewards`` merge by ``id``;
   cycles are errors);
2. the recipe's shape (the pydantic models below) and the ``train:`` section;
3. names (rewards resolved through the plugin registry, with did-you-mean) and each reward's
   ``params`` validated against that reward's own params model.

Every error carries ``file:line`` and the dotted key path, e.g.
``recipes/vi-math.yaml:12: rewards.1.params.locale: Input should be 'en', 'vi' or 'auto'``.
"""

from __future__ import annotations

import difflib
import importlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from rewardkit.plugins import PluginLoadError, get_registry, load_local_plugins
from rewardkit.registry import Registry, UnknownNameError
from rewardkit.yamlsource import KeyPath, Located, Where, YamlSyntaxError, display_path, load_located

Isolation = Literal["auto", "inline", "process"]
ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- models


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
    max_tasks_per_worker: int = Field(1000, ge=1, description="A worker is recycled after this many tasks")
    memory_mb: int | None = Field(2048, ge=64, description="Address-space limit of each worker (None: unlimited)")
    dedupe: bool = Field(True, description="Score identical (completion, row) pairs in a batch once")

    @field_validator("workers")
    @classmethod
    def _positive_workers(cls, v: int | str) -> int | str:
        if isinstance(v, int) and v < 1:
            raise ValueError("workers must be at least 1 (or 'auto')")
        return v


class WeightSchedule(_Model):
    """A weight that moves from ``start`` to ``end`` between ``from_step`` and ``until_step``."""

    start: float
    end: float
    until_step: int = Field(gt=0)
    from_step: int = Field(0, ge=0)
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


Weight = float | WeightSchedule


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
        """The rewards this node runs, with their key path inside the node."""
        raise NotImplementedError

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


class Recipe(_Model):
    """A validated recipe."""

    name: str | None = None
    description: str = ""
    extends: str | None = Field(None, description="Parent recipe, relative to this file")
    plugins: list[str] = Field(default_factory=list, description="Local plugin modules: ./file.py or dotted.module")
    engine: EngineSettings = Field(default_factory=EngineSettings)
    rewards: list[Node] = Field(min_length=1)
    train: Any = None

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


# --------------------------------------------------------------------------- errors


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


class _Collector:
    def __init__(self, located: Located) -> None:
        self.located = located
        self.issues: list[RecipeIssue] = []

    def add(self, path: KeyPath, message: str) -> None:
        self.issues.append(RecipeIssue(self.located.where(path), dotted(path), message))

    def add_validation(self, prefix: KeyPath, exc: ValidationError, model: type[BaseModel] | None = None) -> None:
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


# --------------------------------------------------------------------------- loading


def load_recipe(path: str | Path, overrides: Sequence[str] = (), registry: Registry | None = None) -> Recipe:
    """Load, merge (``extends``), validate and resolve a recipe file. Raises :class:`RecipeError`."""
    path = Path(path)
    try:
        located = _load_with_parents(path.resolve(), [], display_path(path))
    except YamlSyntaxError as exc:
        raise RecipeError([RecipeIssue(exc.where, "", exc.message)]) from None
    issues: list[RecipeIssue] = []
    for override in overrides:
        problem = _apply_override(located, override)
        if problem:
            issues.append(RecipeIssue(Where("--set", 1), override, problem))
    recipe = validate_located(located, path, registry, issues)
    return recipe


def loads_recipe(text: str, name: str = "<recipe>", registry: Registry | None = None, base_dir: Path | None = None) -> Recipe:
    """Validate a recipe given as YAML text (tests, notebooks). ``extends`` resolves against ``base_dir``."""
    from rewardkit.yamlsource import parse_located

    try:
        located = parse_located(text, name)
        base = (base_dir or Path.cwd()) / name
        located = _resolve_extends(located, base, [])
    except YamlSyntaxError as exc:
        raise RecipeError([RecipeIssue(exc.where, "", exc.message)]) from None
    return validate_located(located, (base_dir or Path.cwd()) / name, registry, [])


def _load_with_parents(path: Path, stack: list[Path], shown: str) -> Located:
    if path in stack:
        chain = " -> ".join(display_path(p) for p in [*stack, path])
        raise YamlSyntaxError(Where(display_path(stack[-1]), 1), f"extends: cycle: {chain}")
    located = load_located(path)
    return _resolve_extends(located, path, [*stack, path])


def _resolve_extends(located: Located, path: Path, stack: list[Path]) -> Located:
    data = located.data
    if not isinstance(data, dict):
        raise YamlSyntaxError(located.where(()) or Where(display_path(path), 1), "a recipe must be a mapping of keys")
    _absolutize_plugins(located, path.parent)
    parent_ref = data.get("extends")
    if parent_ref is None:
        return located
    if not isinstance(parent_ref, str):
        raise YamlSyntaxError(located.where(("extends",)) or Where(display_path(path), 1), "extends: must be a file path")
    parent_path = (path.parent / parent_ref).resolve()
    if parent_path in stack or parent_path == path:
        chain = " -> ".join(display_path(p) for p in [*stack, parent_path])
        raise YamlSyntaxError(located.where(("extends",)) or Where(display_path(path), 1), f"extends: cycle: {chain}")
    if not parent_path.is_file():
        raise YamlSyntaxError(
            located.where(("extends",)) or Where(display_path(path), 1), f"extends: file not found: {parent_ref}"
        )
    parent = _load_with_parents(parent_path, stack or [path], display_path(parent_path))
    return merge(parent, located)


def _absolutize_plugins(located: Located, base_dir: Path) -> None:
    """Plugin paths are relative to the file that names them, which is lost after merging."""
    plugins = located.data.get("plugins")
    if isinstance(plugins, list):
        located.data["plugins"] = [
            str((base_dir / p).resolve()) if isinstance(p, str) and (p.endswith(".py") or "/" in p) else p for p in plugins
        ]


def _entry_id(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return None
    if entry.get("id") is not None:
        return entry["id"]
    for key, _ in NODE_KINDS:
        if key in entry:
            try:
                node = _node_model(entry).model_validate(entry)
            except (ValidationError, TypeError):
                return entry.get("reward") if key == "reward" else None
            return node.key
    return None


def merge(parent: Located, child: Located) -> Located:
    """``child`` over ``parent``: mappings merge key by key, ``rewards`` merge by ``id``, other values replace."""
    result = Located(_copy(parent.data), dict(parent.places))
    result.places[()] = child.places.get((), parent.places.get(()))  # type: ignore[assignment]
    for key, value in child.data.items():
        if key == "extends":
            continue
        if key == "rewards" and isinstance(value, list) and isinstance(result.data.get("rewards"), list):
            _merge_rewards(result, child, value)
        elif key == "plugins" and isinstance(value, list) and isinstance(result.data.get("plugins"), list):
            merged = list(result.data["plugins"]) + [p for p in value if p not in result.data["plugins"]]
            result.data["plugins"] = merged
            result.places[("plugins",)] = child.places[("plugins",)]
        elif isinstance(value, dict) and isinstance(result.data.get(key), dict):
            _merge_mapping(result, child, (key,))
        else:
            result.data[key] = _copy(value)
            result.put((key,), child.sub((key,)))
    return result


def _merge_mapping(result: Located, child: Located, prefix: KeyPath) -> None:
    target = result.data
    source = child.data
    for part in prefix:
        target = target[part]
        source = source[part]
    for key, value in source.items():
        path = (*prefix, key)
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_mapping(result, child, path)
        else:
            target[key] = _copy(value)
            result.put(path, child.sub(path))
    result.places[prefix] = child.places.get(prefix, result.places.get(prefix))  # type: ignore[assignment]


def _merge_rewards(result: Located, child: Located, child_entries: list[Any]) -> None:
    parent_entries: list[Any] = result.data["rewards"]
    parent_places = [result.sub(("rewards", i)) for i in range(len(parent_entries))]
    index = {_entry_id(e): i for i, e in enumerate(parent_entries) if _entry_id(e) is not None}
    removed: set[int] = set()
    appended: list[tuple[Any, dict[KeyPath, Where]]] = []
    for j, entry in enumerate(child_entries):
        places = child.sub(("rewards", j))
        key = _entry_id(entry)
        if key is not None and key in index and isinstance(entry, dict):
            i = index[key]
            if entry.get("remove") is True:
                removed.add(i)
                continue
            merged = dict(parent_entries[i])
            merged_places = dict(parent_places[i])
            for k, v in entry.items():
                if k == "params" and isinstance(v, dict) and isinstance(merged.get("params"), dict):
                    merged["params"] = {**merged["params"], **_copy(v)}
                    merged_places.update({p: w for p, w in places.items() if p[:1] == ("params",)})
                else:
                    merged[k] = _copy(v)
                    merged_places = {p: w for p, w in merged_places.items() if p[:1] != (k,)}
                    merged_places.update({p: w for p, w in places.items() if p[:1] == (k,)})
            merged_places[()] = places.get((), merged_places.get(()))  # type: ignore[assignment]
            parent_entries[i] = merged
            parent_places[i] = merged_places
        else:
            appended.append((_copy(entry), places))
    entries = [(e, p) for i, (e, p) in enumerate(zip(parent_entries, parent_places, strict=True)) if i not in removed] + appended
    result.data["rewards"] = [e for e, _ in entries]
    rewards_line = child.places.get(("rewards",))
    result.put(("rewards",), {})
    for i, (_, places) in enumerate(entries):
        for rel, where in places.items():
            result.places[("rewards", i, *rel)] = where
    if rewards_line is not None:
        result.places[("rewards",)] = rewards_line


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _apply_override(located: Located, override: str) -> str | None:
    """Apply ``key.path=value`` (value parsed as YAML). Returns a problem description or None."""
    if "=" not in override:
        return "expected key.path=value"
    key, _, raw = override.partition("=")
    parts: list[Any] = [int(p) if p.isdigit() else p for p in key.strip().split(".") if p]
    if not parts:
        return "empty key path"
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as exc:
        return f"cannot read value: {exc}"
    target = located.data
    for part in parts[:-1]:
        if isinstance(target, dict):
            target = target.setdefault(part, {})
        elif isinstance(target, list) and isinstance(part, int) and part < len(target):
            target = target[part]
        else:
            return f"cannot set {key}: {part!r} is not a mapping key here"
        if not isinstance(target, (dict, list)):
            return f"cannot set {key}: {part!r} holds a value, not a mapping"
    if isinstance(target, list):
        if not isinstance(parts[-1], int) or parts[-1] >= len(target):
            return f"cannot set {key}: index out of range"
    elif not isinstance(target, dict):
        return f"cannot set {key}"
    target[parts[-1]] = value
    located.put(tuple(parts), {(): Where("--set", 1)})
    return None


# --------------------------------------------------------------------------- validation


def _node_model(entry: dict[str, Any]) -> type[_NodeBase]:
    for key, model in NODE_KINDS:
        if key in entry:
            return model
    raise TypeError("no node kind")


def validate_located(located: Located, path: Path, registry: Registry | None, issues: list[RecipeIssue]) -> Recipe:
    collect = _Collector(located)
    collect.issues.extend(issues)
    data = dict(located.data)

    # Pass 2a: local plugins first, so their rewards resolve in pass 3.
    plugins = data.get("plugins") or []
    if isinstance(plugins, list):
        for i, ref in enumerate(plugins):
            if not isinstance(ref, str):
                continue
            try:
                load_local_plugins([ref], path.parent)
            except PluginLoadError as exc:
                collect.add(("plugins", i), str(exc))

    # Pass 2b: each rewards item against the model its marker key selects.
    nodes: list[Any] = []
    partial: list[tuple[int, dict[str, Any]]] = []  # entries whose shape failed: still check their names and params
    raw_rewards = data.get("rewards")
    if isinstance(raw_rewards, list):
        for i, entry in enumerate(raw_rewards):
            if not isinstance(entry, dict):
                collect.add(("rewards", i), "a reward entry must be a mapping like {reward: name, weight: 1.0}")
                continue
            try:
                model = _node_model(entry)
            except TypeError:
                collect.add(("rewards", i), "a reward entry needs one of the keys: reward, gate, clip, min, product")
                continue
            try:
                nodes.append(model.model_validate(entry))
            except ValidationError as exc:
                collect.add_validation(("rewards", i), exc, model)
                nodes.append(None)
                partial.append((i, entry))
        if not raw_rewards:
            collect.add(("rewards",), "a recipe needs at least one reward")
        data["rewards"] = [n for n in nodes if n is not None] or [RewardEntry(reward="x.placeholder")]
    recipe: Recipe | None = None
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        collect.add_validation((), exc, Recipe)

    # Pass 2c: the train section, by its own model (imported lazily: only pydantic, no torch).
    train_settings = None
    if data.get("train") is not None:
        train_settings = _validate_train(data["train"], collect)

    # Pass 3: names and params of every reward, duplicate ids.
    registry = registry or _safe_registry(collect)
    seen: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node is None:
            continue
        if node.key in seen:
            collect.add(
                ("rewards", i, "id") if node.id else ("rewards", i),
                f"duplicate id {node.key!r} (also rewards.{seen[node.key]}); give one of them a distinct `id:`",
            )
        seen.setdefault(node.key, i)
        if registry is not None:
            for rel, ref in node.refs():
                _check_ref(collect, registry, ("rewards", i, *rel), ref)
    for i, entry in partial:
        if registry is not None and isinstance(entry.get("reward"), str) and isinstance(entry.get("params", {}), dict):
            _check_ref(collect, registry, ("rewards", i), RewardRef(reward=entry["reward"], params=entry.get("params", {})))

    if collect.issues:
        raise RecipeError(sorted(collect.issues, key=_issue_order))
    assert recipe is not None
    if train_settings is not None:
        recipe = recipe.model_copy(update={"train": train_settings})
    recipe._source = path.resolve()
    recipe._located = located
    return recipe


def _issue_order(issue: RecipeIssue) -> tuple[int, str, int]:
    if issue.where is None:
        return (1, "", 0)
    return (0, issue.where.file, issue.where.line)


def _safe_registry(collect: _Collector) -> Registry | None:
    try:
        return get_registry()
    except Exception as exc:  # noqa: BLE001 - a broken plugin is reported like any recipe problem
        collect.add((), f"plugins failed to load: {exc}")
        return None


def _check_ref(collect: _Collector, registry: Registry, path: KeyPath, ref: RewardRef) -> None:
    # `then: math.equivalence` (a bare name) sits at `path`; `{reward: ...}` forms have a `reward` key.
    name_path = (*path, "reward") if (*path, "reward") in collect.located.places else path
    try:
        spec = registry.reward(ref.reward)
    except UnknownNameError as exc:
        collect.add(name_path, exc.describe())
        return
    try:
        spec.validate(ref.params, registry)
    except ValidationError as exc:
        collect.add_validation((*path, "params"), exc, spec.params_model)


def _validate_train(train: Any, collect: _Collector) -> Any:
    try:
        module = importlib.import_module("rewardkit.train.config")
    except ModuleNotFoundError:
        return train
    model = getattr(module, "TrainSettings", None)
    if model is None:
        return train
    try:
        return model.model_validate(train)
    except ValidationError as exc:
        collect.add_validation(("train",), exc, model)
        return None
