"""Validating a located recipe, collecting every mistake before raising :class:`RecipeError`.

Passes, each adding to one :class:`Collector`:

1. local plugins (so their rewards resolve later);
2. the recipe's shape: each ``rewards:`` item against the node model its marker key selects, then
   the whole :class:`Recipe`, then each *section* (``train:``) the caller passed a model for;
3. names (rewards resolved through the plugin registry, with did-you-mean), each reward's ``params``
   against that reward's own params model (the registry reaches validators through pydantic's
   context), and duplicate ids.

Sections are the top-level keys the core carries for the layers above it (:data:`SECTION_FIELDS`).
The core never imports those layers: a caller that understands a section passes its model, e.g.
``sections={"train": TrainSettings}``, and the section is validated with ``file:line`` errors reported
together with every other error. A section without a model stays raw data, only checked to be a mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from rewardkit.plugins import PluginLoadError, get_registry, load_local_plugins
from rewardkit.recipe.errors import Collector, RecipeError, RecipeIssue, issue_order
from rewardkit.recipe.models import Recipe, RewardEntry, RewardRef, node_model
from rewardkit.registry import Registry, UnknownNameError
from rewardkit.yamlsource import KeyPath, Located

Sections = Mapping[str, type[BaseModel]]
"""Models for recipe sections, by top-level key: ``{"train": TrainSettings}``."""

SectionChecks = Mapping[str, Callable[[Any], Iterable[tuple[KeyPath, str]]]]
"""Further checks of a validated section, by top-level key: ``{"train": check_trainer_keys}``. Each gets the
section's model instance and returns ``(key path from the recipe root, message)`` pairs, reported with every
other error. A check that raises ``ImportError`` (an optional dependency is missing) is skipped."""

SECTION_FIELDS: tuple[str, ...] = ("train",)
"""Top-level recipe keys that belong to layers above the core; see :data:`Sections`."""


def check_sections(sections: Sections | None, section_checks: SectionChecks | None = None) -> Sections:
    """``sections`` or ``{}``; a name the recipe does not declare is a programming error (``ValueError``)."""
    sections = sections or {}
    unknown = [name for name in [*sections, *(section_checks or {})] if name not in SECTION_FIELDS]
    if unknown:
        raise ValueError(f"unknown recipe section(s) {', '.join(map(repr, unknown))}; sections: {', '.join(SECTION_FIELDS)}")
    return sections


def validate_located(
    located: Located,
    path: Path,
    registry: Registry | None,
    issues: list[RecipeIssue],
    sections: Sections | None = None,
    section_checks: SectionChecks | None = None,
) -> Recipe:
    """Validate merged, located recipe data read from ``path``; raises :class:`RecipeError` listing ``issues`` and
    every problem found. ``sections`` and ``section_checks`` as in :func:`rewardkit.recipe.load_recipe`."""
    sections = check_sections(sections)
    collect = Collector(located)
    collect.issues.extend(issues)
    data = dict(located.data)

    # Pass 1: local plugins first, so their rewards resolve in pass 3.
    plugins = data.get("plugins") or []
    if isinstance(plugins, list):
        for i, ref in enumerate(plugins):
            if not isinstance(ref, str):
                continue
            try:
                load_local_plugins([ref], path.parent)
            except PluginLoadError as exc:
                collect.add(("plugins", i), str(exc))
            except (OSError, RuntimeError) as exc:  # a symlink loop, an unreadable directory: never a traceback
                collect.add(("plugins", i), f"cannot load plugin {ref!r}: {exc}")

    # Pass 2a: each rewards item against the model its marker key selects.
    nodes: list[Any] = []
    partial: list[tuple[int, dict[str, Any]]] = []  # entries whose shape failed: still check their names and params
    raw_rewards = data.get("rewards")
    if isinstance(raw_rewards, list):
        for i, entry in enumerate(raw_rewards):
            if not isinstance(entry, dict):
                collect.add(("rewards", i), "a reward entry must be a mapping like {reward: name, weight: 1.0}")
                continue
            try:
                model = node_model(entry)
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

    # Pass 2b: the recipe as a whole.
    recipe: Recipe | None = None
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        collect.add_validation((), exc, Recipe)

    # Pass 2c: sections, by the caller's models; raw (a mapping) otherwise.
    validated = {name: _validate_section(name, data.get(name), sections.get(name), collect) for name in SECTION_FIELDS}
    for name, check in (section_checks or {}).items():
        if validated.get(name) is not None and sections.get(name) is not None:
            try:
                for rel, message in check(validated[name]):
                    collect.add(tuple(rel), message)
            except ImportError:
                pass  # the check needs an optional dependency (trl for train.grpo): the section's shape was checked

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
        raise RecipeError(sorted(collect.issues, key=issue_order))
    assert recipe is not None
    recipe = recipe.model_copy(update=validated)
    recipe._source = path.resolve()
    recipe._located = located
    return recipe


def _validate_section(name: str, value: Any, model: type[BaseModel] | None, collect: Collector) -> Any:
    if value is None:
        return None
    if model is None:
        if not isinstance(value, dict):
            collect.add((name,), "expected a mapping of keys")
        return value
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        collect.add_validation((name,), exc, model)
        return None


def _safe_registry(collect: Collector) -> Registry | None:
    try:
        return get_registry()
    except Exception as exc:  # noqa: BLE001 - a broken plugin is reported like any recipe problem
        collect.add((), f"plugins failed to load: {exc}")
        return None


def _check_ref(collect: Collector, registry: Registry, path: KeyPath, ref: RewardRef) -> None:
    # `then: math.equivalence` (a bare name) sits at `path`; `{reward: ...}` forms have a `reward` key.
    name_path = (*path, "reward") if (*path, "reward") in collect.located.places else path
    try:
        spec = registry.reward(ref.reward)
    except UnknownNameError as exc:
        collect.add(name_path, exc.describe())
        return
    try:
        spec.validate(ref.params, registry)  # the registry reaches params validators through pydantic's context
    except ValidationError as exc:
        collect.add_validation((*path, "params"), exc, spec.params_model)
