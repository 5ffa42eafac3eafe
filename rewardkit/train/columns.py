"""Which dataset columns a recipe's rewards read, found through the params' declared markers.

A reward says that a parameter names a dataset column with :class:`rewardkit.Column` in its type
(``GoldColumn`` for the reference answer), so the training layer never relies on parameter names:
a third-party reward whose gold parameter is ``reference: GoldColumn = "target"`` is checked by
preflight and judges the evaluation exactly like ``math.equivalence``. Wrapped rewards
(:class:`rewardkit.WrappedReward`) are followed through :meth:`rewardkit.registry.Registry.walk`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rewardkit.params import Column, RewardParams, roles


@dataclass(frozen=True)
class ColumnUse:
    """One reward parameter (defaults included) that names a dataset column."""

    entry_id: str  # the recipe entry (``id``, the name TRL logs) whose reward reads the column
    path: tuple[Any, ...]  # key path under the recipe root, e.g. ("rewards", 1, "params", "gold")
    where: tuple[Any, ...]  # the closest key path the recipe file has (for ``recipe.locate``)
    reward: str  # the registered name of the reward that declares the parameter
    params: RewardParams  # that reward's validated params, as in the recipe
    field: str
    column: str
    gold: bool


def column_uses(recipe: Any, registry: Any = None) -> Iterator[ColumnUse]:
    """Every column-naming parameter of the recipe's rewards, in recipe order.

    Args:
        recipe: a loaded :class:`rewardkit.recipe.Recipe`.
        registry: the reward registry (default: the loaded plugins').

    Yields:
        :class:`ColumnUse` for each parameter marked :class:`rewardkit.Column` whose value is a
        column name, for each entry's rewards and every reward they wrap.
    """
    if registry is None:
        from rewardkit.plugins import get_registry

        registry = get_registry()
    for i, node in enumerate(recipe.rewards):
        for rel, ref in node.refs():
            entry = ("rewards", i, *rel)
            for depth, (name, params) in enumerate(registry.walk(ref.reward, ref.params)):
                for role in roles(params, Column):
                    if not isinstance(role.value, str):
                        continue  # an optional column left unset
                    given = depth == 0 and role.field in ref.params
                    path = (*entry, "params", role.field) if depth == 0 else (*entry, "params")
                    yield ColumnUse(
                        entry_id=node.key,
                        path=path,
                        where=path if given else entry,
                        reward=name,
                        params=params,
                        field=role.field,
                        column=role.value,
                        gold=bool(getattr(role.role, "gold", False)),
                    )


def gold_reader(recipe: Any, registry: Any = None) -> ColumnUse | None:
    """The recipe's first reward that reads a gold column (``Column(gold=True)``), or None."""
    return next((use for use in column_uses(recipe, registry) if use.gold), None)
