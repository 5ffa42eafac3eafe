"""Probe problems from a recipe's own ``train:`` dataset, for ``rewardkit probe`` (passed in by the CLI).

The probes' core (:mod:`rewardkit.probe`) never imports the training layer: it takes this reader as an
argument. Local files and ``builtin:arith`` are read; hub datasets are never downloaded by a probe.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from rewardkit.probe.problems import Problem
from rewardkit.probe.sample import _arith_problem, problem_from_row


def dataset_problems(recipe: Any, train: Any, languages: tuple[str, ...], per_kind: int, seed: int) -> tuple[list[Problem], str]:
    if importlib.util.find_spec("datasets") is None:
        return [], "train dataset not used: the train extra is not installed (pip install 'rewardkit[train]')"
    from rewardkit.train.config import DatasetSettings

    raw = getattr(train, "dataset", None) if not isinstance(train, dict) else train.get("dataset")
    if raw is None:
        settings = DatasetSettings()
    elif isinstance(raw, DatasetSettings):
        settings = raw
    else:
        settings = DatasetSettings.model_validate(raw if not hasattr(raw, "model_dump") else raw.model_dump())
    if settings.is_builtin:
        return _arith_problems(settings, languages, per_kind, seed), f"{settings.source} (the recipe's train dataset)"
    source: Path | None = getattr(recipe, "source", None)
    base = source.parent if source is not None else Path.cwd()
    path = Path(settings.source).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        return [], f"train dataset not used: {settings.source!r} is not a local file (probes do not download datasets)"
    from rewardkit.train.data import _load_source, normalize

    rows = normalize(_load_source(settings, settings.split, base), settings)
    problems: list[Problem] = []
    taken: dict[tuple[str, str], int] = {}
    for row in rows:
        language = row["language"] if row["language"] in ("en", "vi") else (languages[0] if languages else "en")
        if language not in languages:
            continue
        problem = problem_from_row(row["question"], row["solution"], row["reference"], language)
        if problem is None or taken.get((problem.kind, language), 0) >= per_kind:
            continue
        taken[(problem.kind, language)] = taken.get((problem.kind, language), 0) + 1
        problems.append(problem)
    return problems, f"{settings.source} (the recipe's train dataset)"


def _arith_problems(settings: Any, languages: tuple[str, ...], per_kind: int, seed: int) -> list[Problem]:
    from rewardkit.train import arith
    from rewardkit.train.data import HELD_OUT_SEED_OFFSET

    cfg = settings.arith
    wanted = [lang for lang in cfg.languages if lang in languages]
    if not wanted:
        return []
    drawn = arith.generate(
        per_kind * len(wanted) * 3,
        seed=seed + HELD_OUT_SEED_OFFSET,  # the held-out stream: problems training evaluates on
        level=cfg.difficulty,
        languages=wanted,
        graded_fraction=0.0,
        two_step_fraction=cfg.two_step_fraction,
    )
    problems: list[Problem] = []
    for language in wanted:
        mine = [p for p in drawn if p.language == language][:per_kind]
        for p in mine:
            problems.append(_arith_problem(p.question, int(p.solution), p.equation, language))
    return problems
