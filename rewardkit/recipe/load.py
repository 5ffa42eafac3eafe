"""Entry points: a recipe file or YAML text -> ``extends`` merged, ``--set`` applied -> validated :class:`Recipe`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rewardkit.recipe.errors import RecipeError, RecipeIssue
from rewardkit.recipe.merge import apply_override, load_with_parents, resolve_extends
from rewardkit.recipe.models import Recipe
from rewardkit.recipe.validate import SectionChecks, Sections, check_sections, validate_located
from rewardkit.registry import Registry
from rewardkit.yamlsource import Where, YamlSyntaxError, display_path, parse_located, resolve_path


def load_recipe(
    path: str | Path,
    overrides: Sequence[str] = (),
    registry: Registry | None = None,
    *,
    sections: Sections | None = None,
    section_checks: SectionChecks | None = None,
) -> Recipe:
    """Load, merge (``extends``), override (``key.path=value``), validate and resolve a recipe file.

    ``registry`` resolves reward names (default: the process's plugin registry). ``sections`` gives models
    for top-level sections the caller understands, e.g. ``{"train": TrainSettings}``: such a section is
    validated by its model (errors reported with all others) and ``recipe.<name>`` is the model instance;
    a section not named stays raw data. ``section_checks`` adds checks of a validated section, e.g.
    ``{"train": check_trainer_keys}`` (train.grpo keys against TRL's GRPOConfig), so that their errors come
    with all others instead of after the recipe is fixed. Raises :class:`RecipeError` listing every problem.
    """
    check_sections(sections, section_checks)
    path = Path(path)
    try:
        shown = display_path(path)
        located = load_with_parents(resolve_path(path, Where(shown, 1), "recipe"), [], shown)
    except YamlSyntaxError as exc:
        raise RecipeError([RecipeIssue(exc.where, "", exc.message)]) from None
    issues: list[RecipeIssue] = []
    for override in overrides:
        problem = apply_override(located, override)
        if problem:
            issues.append(RecipeIssue(Where("--set", 1), override, problem))
    return validate_located(located, path, registry, issues, sections, section_checks)


def loads_recipe(
    text: str,
    name: str = "<recipe>",
    registry: Registry | None = None,
    base_dir: Path | None = None,
    *,
    sections: Sections | None = None,
    section_checks: SectionChecks | None = None,
) -> Recipe:
    """Validate a recipe given as YAML text (tests, notebooks). ``extends`` resolves against ``base_dir``;
    ``registry``, ``sections`` and ``section_checks`` as in :func:`load_recipe`."""
    check_sections(sections, section_checks)
    try:
        located = parse_located(text, name)
        base = (base_dir or Path.cwd()) / name
        located = resolve_extends(located, base, [])
    except YamlSyntaxError as exc:
        raise RecipeError([RecipeIssue(exc.where, "", exc.message)]) from None
    return validate_located(located, (base_dir or Path.cwd()) / name, registry, [], sections, section_checks)
