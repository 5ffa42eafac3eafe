"""Reward-hacking probes: attack a recipe with hostile completions before paying for a training run.

Each probe builds one hostile completion from the recipe's own settings (its tags, its gold column,
its locale, read from the params' markers) and a small sample problem; the recipe scores it beside an
honest reference completion, and :func:`run_probes` flags the hacks that pay. The ``rewardkit probe``
command (rendering included) lives in :mod:`rewardkit.cli.probe`; this package imports neither click
nor rich.

Probes are plugins: ``register_probes(register)`` registers a :class:`Probe` (or a plain function
``ctx -> str | None``, whose docstring describes it). The built-ins live in ``rewardkit_shaping.probes``.

Layout: :mod:`~rewardkit.probe.problems` (the sample problems), :mod:`~rewardkit.probe.context`
(:class:`ProbeContext`, :class:`Probe`, :func:`context_from_recipe`), :mod:`~rewardkit.probe.run`
(:func:`run_probes`, :class:`ProbeReport`, margins).

Example:
    >>> from rewardkit.probe import PROBLEMS, ProbeContext
    >>> ProbeContext(PROBLEMS["en"], answer_tag="answer", boxed=True).answer_block("\\\\boxed{42}").splitlines()[0]
    '<answer>'
"""

from rewardkit.probe.context import Probe, ProbeContext, ProbeKind, as_probe, context_from_recipe, recipe_params
from rewardkit.probe.problems import KINDS, PROBLEMS, Problem, builtin_problems
from rewardkit.probe.run import (
    DEFAULT_RELATIVE_MARGIN,
    GAIN_TOLERANCE,
    ProbeReport,
    ProbeResult,
    final_step,
    parse_margin,
    run_probes,
)
from rewardkit.probe.sample import ProblemSample, recipe_problems

__all__ = [
    "DEFAULT_RELATIVE_MARGIN",
    "GAIN_TOLERANCE",
    "KINDS",
    "PROBLEMS",
    "Probe",
    "ProbeContext",
    "ProbeKind",
    "ProbeReport",
    "ProbeResult",
    "Problem",
    "ProblemSample",
    "as_probe",
    "builtin_problems",
    "context_from_recipe",
    "final_step",
    "parse_margin",
    "recipe_params",
    "recipe_problems",
    "run_probes",
]
