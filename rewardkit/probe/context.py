"""What probes see: :class:`ProbeContext` (the recipe's settings, read from its params' markers) and :class:`Probe`.

The recipe's tags, gold column, locale, answer style and length limits are read from the typed markers
of every reward's params (``rewardkit.roles``), never from parameter names, so a third-party reward
whose gold column is called ``reference`` is probed like ``math.equivalence``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from rewardkit.params import (
    AnswerTag,
    BoxedAnswer,
    Column,
    ExtractorOrder,
    LengthLimit,
    Locale,
    ReasoningOpenedInPrompt,
    ReasoningTag,
    RewardParams,
    roles,
)
from rewardkit.probe.problems import PROBLEMS, Problem, with_language
from rewardkit.registry import Registry, first_paragraph
from rewardkit.reward import Sample

if TYPE_CHECKING:
    from rewardkit.recipe import Recipe

ProbeKind = Literal["must_lose", "must_not_gain"]


@dataclass(frozen=True)
class ProbeContext:
    """The recipe's settings as the probes need them, and helpers to write completions in its format.

    ``reasoning_tag``/``answer_tag`` are ``None`` when the recipe checks no tags; ``locale`` is
    ``"vi"`` or ``"en"``; ``min_length``/``max_length`` are the largest such params among the recipe's rewards
    (length bands, overlong limits), in the rewards' own units.
    """

    problem: Problem
    locale: str = "en"
    reasoning_tag: str | None = None
    answer_tag: str | None = None
    think_opened_in_prompt: bool = False
    boxed: bool = False
    gold_column: str = "solution"
    gold_columns: tuple[str, ...] = ("solution",)  # every gold column the recipe's rewards read
    vietnamese: bool = False
    min_length: int | None = None
    max_length: int | None = None
    reward_names: frozenset[str] = frozenset()
    row: tuple[tuple[str, Any], ...] = ()  # extra dataset columns, so that every entry's `when:` applies
    languages: tuple[str, ...] = ("en",)  # the languages of the problem sample: the judge's locale, both for `auto`

    @property
    def has_tags(self) -> bool:
        return self.answer_tag is not None

    def has_family(self, family: str) -> bool:
        return any(name.split(".", 1)[0] == family for name in self.reward_names)

    def checks_language(self, language: str) -> bool:
        """Whether the recipe has rewards that check text in ``language`` (``vi.*`` for Vietnamese, ``<lang>.*`` else)."""
        return self.vietnamese if language == "vi" else self.has_family(language)

    @property
    def asks_reasoning(self) -> bool:
        """Whether the recipe pays for visible reasoning: a reasoning block, a steps reward or language rewards."""
        return (
            self.reasoning_tag is not None
            or self.vietnamese
            or any(name.rsplit(".", 1)[-1] in ("reasoning_steps", "steps") for name in self.reward_names)
        )

    def with_problem(self, problem: Problem) -> ProbeContext:
        return replace(self, problem=problem)

    def in_language(self, language: str) -> ProbeContext:
        """The same problem with ``language``'s answer phrase and hedge word (``en``, ``vi``, ``zh``), for language switches."""
        return replace(self, problem=with_language(self.problem, language))

    def answer(self, value: str) -> str:
        """``value`` as the recipe expects a final answer written (boxed or plain)."""
        return f"\\boxed{{{value}}}" if self.boxed else value

    def answer_block(self, answer: str) -> str:
        """``answer`` in the answer tag, or after the language's answer phrase when the recipe has no tags."""
        if self.answer_tag is None:
            return f"{self.problem.answer_phrase} {answer}"
        return f"<{self.answer_tag}>\n{answer}\n</{self.answer_tag}>"

    def compose(self, reasoning: str, answer: str | None, *, first: bool = True) -> str:
        """A completion in the recipe's format: the reasoning (in its block, if any), then the answer block.

        ``first=False`` writes the opening reasoning tag even when the chat template opens it in the
        prompt (for a second block appended to a completion).
        """
        if self.reasoning_tag is not None:
            opening = "" if (first and self.think_opened_in_prompt) else f"<{self.reasoning_tag}>\n"
            head = f"{opening}{reasoning}\n</{self.reasoning_tag}>\n"
        else:
            head = reasoning + "\n" if reasoning else ""
        return head + (self.answer_block(answer) if answer is not None else "")

    @property
    def honest_reasoning(self) -> str:
        return "\n".join(self.problem.steps)

    def honest(self) -> str:
        """The reference: step-by-step reasoning and the right answer, in the recipe's format."""
        return self.compose(self.honest_reasoning, self.answer(self.problem.stated_gold))

    def sample(self, completion: str) -> Sample:
        """The scored row: the problem as prompt, its gold in every gold column, its own columns (``language``)."""
        golds = dict.fromkeys((self.gold_column, *self.gold_columns), self.problem.gold)
        columns = {**dict(self.row), **dict(self.problem.columns), **golds}
        return Sample(completion=completion, prompt=self.problem.question, columns=columns)


def recipe_params(recipe: Recipe, registry: Registry) -> list[tuple[str, RewardParams]]:
    """``(reward name, validated params)`` of every reward the recipe runs, wrapped rewards included, in recipe order."""
    found: list[tuple[str, RewardParams]] = []
    for node in recipe.rewards:
        for _, ref in node.refs():
            found.extend(registry.walk(ref.reward, ref.params))
    return found


def context_from_recipe(recipe: Recipe, registry: Registry | None = None, problem: Problem | None = None) -> ProbeContext:
    """Read tags, gold column, locale, answer style and length limits from the markers of the recipe's params.

    Params are validated with each reward's own model, so defaults count (``format.tags`` without
    params still means ``<think>``/``<answer>``); wrapped rewards (``shaping.cosine``'s inner reward)
    are read too. Tags count only from a reward whose :class:`~rewardkit.AnswerTag` is ``required``
    (a judge that merely *reads* an answer tag does not make a tagless answer a broken format). The
    locale comes first from a reward that reads a gold column (the judge), then from any reward.
    """
    from rewardkit.plugins import get_registry

    registry = registry or get_registry()
    found = recipe_params(recipe, registry)
    names = frozenset(name for name, _ in found)

    def values(params: RewardParams, marker: type[Any]) -> list[Any]:
        return [role.value for role in roles(params, marker)]

    tag_params = next(
        (p for _, p in found if any(r.role.required and isinstance(r.value, str) for r in roles(p, AnswerTag))),
        None,
    )
    answer_tag = reasoning_tag = None
    opened = False
    if tag_params is not None:
        answer_tag = next(r.value for r in roles(tag_params, AnswerTag) if r.role.required and isinstance(r.value, str))
        reasoning_tag = next((r.value for r in roles(tag_params, ReasoningTag) if isinstance(r.value, str)), None)
        opened = any(v is True for v in values(tag_params, ReasoningOpenedInPrompt))
    gold_columns = tuple(
        dict.fromkeys(r.value for _, p in found for r in roles(p, Column) if r.role.gold and isinstance(r.value, str))
    )
    # the judge's locale first (a reward that reads a gold column), then any reward's; recipe order within each
    by_judge = sorted((p for _, p in found), key=lambda p: not any(r.role.gold for r in roles(p, Column)))
    locale = next((v for p in by_judge for v in values(p, Locale) if v in ("vi", "en")), None)
    vietnamese = any(name.startswith("vi.") for name in names)
    auto = any(v == "auto" for p in by_judge for v in values(p, Locale))
    if locale is not None:
        languages: tuple[str, ...] = (locale,)
    elif auto:  # a judge that detects each document's convention: probe both languages
        languages = ("en", "vi")
    else:
        languages = ("vi",) if vietnamese else ("en",)
    if locale is None:
        locale = "vi" if vietnamese else "en"
    row: dict[str, Any] = {}
    for node in recipe.rewards:  # probe every component: satisfy each entry's `when:` (the first one wins)
        if node.when is not None and node.when.column not in row:
            row[node.when.column] = node.when.equals if node.when.one_of is None else node.when.one_of[0]
    limits = [r for _, p in found for r in roles(p, LengthLimit) if isinstance(r.value, int) and not isinstance(r.value, bool)]
    maximums = [r.value for r in limits if r.role.bound == "max"]
    minimums = [r.value for r in limits if r.role.bound == "min" and r.value > 0]
    return ProbeContext(
        problem=problem or PROBLEMS[locale],
        locale=locale,
        reasoning_tag=reasoning_tag,
        answer_tag=answer_tag,
        think_opened_in_prompt=opened,
        boxed=any("boxed" in name for name in names) or any(_wants_boxed(p) for _, p in found),
        gold_column=gold_columns[0] if gold_columns else "solution",
        gold_columns=gold_columns or ("solution",),
        vietnamese=vietnamese,
        min_length=max(minimums) if minimums else None,
        max_length=max(maximums) if maximums else None,
        reward_names=names,
        row=tuple(row.items()),
        languages=languages,
    )


def _wants_boxed(params: RewardParams) -> bool:
    if any(r.value is True for r in roles(params, BoxedAnswer)):
        return True
    for r in roles(params, ExtractorOrder):  # a judge told to read \boxed{} first
        if isinstance(r.value, (list, tuple)) and r.value and r.value[0] == "boxed":
            return True
    return False


# --------------------------------------------------------------------------- probes


@dataclass(frozen=True)
class Probe:
    """A reward-hacking attack: ``build(ctx)`` returns the hostile completion, or ``None`` where it does not apply.

    Args:
        build: Writes the completion from the recipe's settings.
        description: One line: what the hack is and what should stop it.
        kind: ``must_lose`` (flagged when it comes within ``margin`` of the honest total on any problem) or
            ``must_not_gain`` (flagged when it scores above the honest total on any problem).
        answer_kinds: The problems' answer kinds it applies to (``("choice",)`` for multiple-choice hacks);
            empty: every kind. ``build`` may also return ``None`` for a problem it does not apply to.
        kind_for: Decides ``kind`` from the recipe, when it depends on it (``bare_answer`` must lose only
            where the recipe asks for reasoning).
    """

    build: Callable[[ProbeContext], str | None]
    description: str
    kind: ProbeKind = "must_lose"
    answer_kinds: tuple[str, ...] = ()
    kind_for: Callable[[ProbeContext], ProbeKind] | None = None

    def kind_in(self, ctx: ProbeContext) -> ProbeKind:
        return self.kind_for(ctx) if self.kind_for is not None else self.kind

    def applies_to(self, ctx: ProbeContext) -> bool:
        return not self.answer_kinds or ctx.problem.kind in self.answer_kinds


def as_probe(obj: Any, doc: str = "") -> Probe:
    """A registered probe object: a :class:`Probe`, or any callable ``ctx -> str | None`` (its docstring describes it)."""
    if isinstance(obj, Probe):
        return obj
    if not callable(obj):
        raise TypeError(f"a probe must be a rewardkit.probe.Probe or a callable, got {type(obj).__name__}")
    kind: ProbeKind = "must_not_gain" if getattr(obj, "kind", None) == "must_not_gain" else "must_lose"
    description = getattr(obj, "description", None) or first_paragraph(doc or obj.__doc__) or ""
    return Probe(build=obj, description=description, kind=kind)
