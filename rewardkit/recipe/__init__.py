"""Recipes: weighted YAML compositions of rewards, validated with every mistake reported at once.

One job per module, in data-flow order:

- :mod:`~rewardkit.recipe.models`: the pydantic models (engine settings, weights, policies, nodes, :class:`Recipe`);
- :mod:`~rewardkit.recipe.errors`: :class:`RecipeIssue`, :class:`RecipeError`, pydantic errors -> ``file:line`` issues;
- :mod:`~rewardkit.recipe.merge`: ``extends`` (child keys override, ``rewards`` merge by ``id``), ``--set`` overrides;
- :mod:`~rewardkit.recipe.validate`: the validation passes, the injected section models;
- :mod:`~rewardkit.recipe.load`: :func:`load_recipe` / :func:`loads_recipe`, the entry points.

Every error carries ``file:line`` and the dotted key path, e.g.
``recipes/vi-math.yaml:12: rewards.1.params.locale: Input should be 'en', 'vi' or 'auto'``.
The core never imports the training layer: callers pass its section model (``sections={"train": TrainSettings}``).
"""

from rewardkit.recipe.errors import RecipeError, RecipeIssue, dotted
from rewardkit.recipe.load import load_recipe, loads_recipe
from rewardkit.recipe.merge import merge
from rewardkit.recipe.models import (
    DEFAULT_POLICY,
    ID_PATTERN,
    NODE_KINDS,
    ClipNode,
    Condition,
    EngineSettings,
    GateNode,
    Isolation,
    MinNode,
    Node,
    Policy,
    ProductNode,
    Recipe,
    RewardEntry,
    RewardRef,
    Scalar,
    ValuePolicy,
    Weight,
    WeightSchedule,
)
from rewardkit.recipe.validate import SECTION_FIELDS, SectionChecks, Sections, validate_located

__all__ = [
    "DEFAULT_POLICY",
    "ID_PATTERN",
    "NODE_KINDS",
    "SECTION_FIELDS",
    "ClipNode",
    "Condition",
    "EngineSettings",
    "GateNode",
    "Isolation",
    "MinNode",
    "Node",
    "Policy",
    "ProductNode",
    "Recipe",
    "RecipeError",
    "RecipeIssue",
    "RewardEntry",
    "RewardRef",
    "Scalar",
    "SectionChecks",
    "Sections",
    "ValuePolicy",
    "Weight",
    "WeightSchedule",
    "dotted",
    "load_recipe",
    "loads_recipe",
    "merge",
    "validate_located",
]
