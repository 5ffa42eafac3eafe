"""The reward contract: a ``Reward`` scores ``Sample``s and is also a TRL reward callable.

A built-in or third-party reward subclasses :class:`Reward` and implements :meth:`Reward.score`
(one completion at a time) or :meth:`Reward.score_batch` (a whole batch). Called directly, a
reward follows TRL's contract exactly, so it can be handed to ``GRPOTrainer(reward_funcs=...)``
without a recipe; inside a recipe, the engine calls ``score_batch`` with isolation and timeouts.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, get_args, get_origin

from rewardkit.outcome import ErrorKind, Outcome
from rewardkit.params import NoParams, RewardParams

# Keyword arguments TRL passes to reward functions that are not dataset columns.
TRL_RESERVED_KWARGS = frozenset(
    {"trainer_state", "log_extra", "log_metric", "completion_ids", "prompts", "completions", "environments"}
)

P = TypeVar("P", bound=RewardParams)


def message_text(value: Any, role: str | None = None) -> str:
    """Text of a completion or prompt given as a string or a list of ``{"role", "content"}`` messages.

    For messages, the content of the last message (of ``role`` when given) is the text; a content
    given as a list of parts keeps only the text parts.
    """
    if type(value) is str:
        return value
    if type(value) is list and value and type(value[-1]) is dict:  # TRL's messages: the hot path, no ABC checks
        last = value[-1]
        content = last.get("content", "")
        if type(content) is str and (role is None or last.get("role") == role):
            return content
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        content = value.get("content", "")
        if isinstance(content, list):
            return "".join(part.get("text", "") for part in content if isinstance(part, Mapping))
        return "" if content is None else str(content)  # a tool call's message has no content
    if isinstance(value, Sequence):
        messages = [m for m in value if isinstance(m, Mapping)]
        if role is not None:
            messages = [m for m in messages if m.get("role") == role] or messages
        return message_text(messages[-1]) if messages else ""
    return str(value)


@dataclass(frozen=True, slots=True)
class Sample:
    """One completion to score, with its prompt and its dataset row.

    ``completion`` and ``prompt`` are plain text whatever format TRL used (standard strings or
    conversational messages); ``columns`` holds the row's other fields (``solution`` ...);
    ``completion_ids`` are the token ids when TRL passes them (lengths in tokens, not characters).
    """

    completion: str
    prompt: str = ""
    columns: Mapping[str, Any] = field(default_factory=dict)
    completion_ids: Sequence[int] | None = None


def samples_from_trl(
    prompts: Sequence[Any] | None,
    completions: Sequence[Any],
    completion_ids: Sequence[Sequence[int]] | None = None,
    **kwargs: Any,
) -> list[Sample]:
    """Turn TRL's reward-function arguments into one ``Sample`` per completion.

    Dataset columns arrive as lists aligned with ``completions``; other keyword arguments
    (``trainer_state``, ``log_extra``, ``log_metric``) are not columns and are left out.
    """
    n = len(completions)
    columns = {
        key: value
        for key, value in kwargs.items()
        if key not in TRL_RESERVED_KWARGS and isinstance(value, Sequence) and not isinstance(value, str) and len(value) == n
    }
    samples = []
    for i, completion in enumerate(completions):
        samples.append(
            Sample(
                completion=message_text(completion, role="assistant"),
                prompt=message_text(prompts[i], role="user") if prompts is not None and i < len(prompts) else "",
                columns={key: value[i] for key, value in columns.items()},
                completion_ids=list(completion_ids[i]) if completion_ids is not None else None,
            )
        )
    return samples


def default_policy_value(outcome: Outcome) -> float | None:
    """What a reward called directly (outside a recipe) hands TRL: errors score 0.0, skips None.

    Inside a recipe, the entry's ``on_error``/``on_timeout`` policies decide instead.
    """
    if outcome.status == "ok":
        return outcome.score
    if outcome.status == "skip":
        return None
    return 0.0


class Scored(NamedTuple):
    """A reward's outcome for one sample, with the time the reward itself spent on it.

    A named tuple, not a frozen dataclass: one is made per completion per reward per step, and a
    frozen dataclass costs as much to build as a cheap reward's whole engine overhead budget.
    """

    outcome: Outcome
    elapsed_ms: float = 0.0


# --------------------------------------------------------------------------- the one scoring path
# Direct calls, the inline engine, the worker processes and wrapped TRL functions all score through
# `score_one`/`run_reward`, so a reward's failure gets the same error kind wherever it runs.


def failure_outcome(exc: BaseException) -> Outcome:
    """The error outcome for what a reward raised: ``MemoryError`` is a crash, anything else an exception."""
    if isinstance(exc, MemoryError):
        return Outcome.error(ErrorKind.CRASH, "out of memory (MemoryError)")
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return Outcome.error(ErrorKind.EXCEPTION, f"{type(exc).__name__}: {exc}{where}")


def is_batched(reward: Reward) -> bool:
    """Whether the reward scores whole batches (overrides ``score_batch``) rather than one sample at a time."""
    return type(reward).score_batch is not Reward.score_batch


def score_one(reward: Reward, sample: Sample) -> Outcome:
    """One sample's outcome; whatever the reward raises (even ``sys.exit()``) becomes that sample's error."""
    try:
        if is_batched(reward):
            return Outcome.coerce(reward.score_batch([sample])[0])
        return Outcome.coerce(reward.score(sample))
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - a reward's bug is that sample's error
        return failure_outcome(exc)


def run_reward(reward: Reward, samples: Sequence[Sample]) -> list[Scored]:
    """Every sample's outcome and time, in order. A batched reward gets the batch at once (time shared evenly).

    A batched reward that raises, or returns the wrong number of outcomes, fails every sample of the batch.
    """
    if not samples:
        return []
    clock = time.perf_counter
    if is_batched(reward):
        start = clock()
        try:
            outcomes = [Outcome.coerce(o) for o in reward.score_batch(samples)]
            if len(outcomes) != len(samples):
                raise ValueError(f"score_batch returned {len(outcomes)} outcomes for {len(samples)} samples")
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - one failure for the whole batch
            outcomes = [failure_outcome(exc)] * len(samples)
        each = (clock() - start) * 1000 / len(samples)
        return [Scored(o, each) for o in outcomes]
    results: list[Scored] = []
    score, coerce, append, make = reward.score, Outcome.coerce, results.append, Scored._make  # _make: no Python frame
    start = clock()
    for sample in samples:
        try:
            outcome = coerce(score(sample))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a reward's bug is that sample's error
            outcome = failure_outcome(exc)
        end = clock()  # one clock read per sample: each sample's time starts where the last one ended
        append(make((outcome, (end - start) * 1000)))
        start = end
    return results


class Reward(Generic[P]):
    """Base class of rewardkit rewards.

    ``class MyReward(Reward[MyParams])`` declares the parameters once: ``params_model`` is read from
    the type argument and ``self.params`` is a validated ``MyParams``. Implement :meth:`score`,
    returning an :class:`~rewardkit.Outcome`, a float, or ``None`` (skip), or :meth:`score_batch`.
    ``cheap = False`` asks ``isolation: auto`` to run the reward in killable worker processes.
    """

    params_model: ClassVar[type[RewardParams]] = NoParams
    cheap: ClassVar[bool] = True
    __name__: str = "reward"  # TRL logs rewards/<__name__>/mean; recipes set it to the entry id

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "params_model" in cls.__dict__:
            return
        for base in getattr(cls, "__orig_bases__", ()):  # class X(Reward[P]): P is the params model
            if get_origin(base) is not None and issubclass(get_origin(base), Reward):
                args = [a for a in get_args(base) if isinstance(a, type) and issubclass(a, RewardParams)]
                if args:
                    cls.params_model = args[0]
                    return

    def __init__(self, params: P | None = None) -> None:
        self.params: P = params if params is not None else self.params_model()  # type: ignore[assignment]
        self.__name__ = type(self).__dict__.get("__name__", type(self).__name__)

    def warm_up(self) -> None:
        """Import heavy modules and fill caches before scoring starts (no-op by default).

        Worker processes call it right after building the reward, before any sample's clock starts,
        so a first sample is not charged for importing sympy.
        """

    def score(self, sample: Sample) -> Outcome | float | None:
        raise NotImplementedError(f"{type(self).__name__} must implement score() or score_batch()")

    def score_batch(self, samples: Sequence[Sample]) -> Sequence[Outcome | float | None]:
        """Score every sample (override to score a whole batch at once); one sample's exception is its error."""
        return [scored.outcome for scored in run_reward(self, samples)]

    def __call__(
        self,
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Sequence[int]] | None = None,
        **kwargs: Any,
    ) -> list[float | None]:
        """TRL's reward-function contract, for using this reward without a recipe."""
        samples = samples_from_trl(prompts, completions or [], completion_ids, **kwargs)
        return [default_policy_value(scored.outcome) for scored in run_reward(self, samples)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"


class CallableReward(Reward[NoParams]):
    """Adapts a plain TRL-style reward function (``f(completions, **kw) -> list[float | None]``).

    This lets existing hand-written TRL rewards be registered and used in recipes unchanged.
    """

    def __init__(self, func: Any, params: NoParams | None = None) -> None:
        super().__init__(params)
        self.func = func
        self.__name__ = getattr(func, "__name__", type(func).__name__)

    def score_batch(self, samples: Sequence[Sample]) -> Sequence[Outcome | float | None]:
        """The wrapped function on the whole batch; what it raises is classified by :func:`run_reward`."""
        columns: dict[str, list[Any]] = {}
        for key in samples[0].columns if samples else ():
            columns[key] = [s.columns.get(key) for s in samples]
        ids = [s.completion_ids for s in samples] if samples and samples[0].completion_ids is not None else None
        values = self.func(
            prompts=[s.prompt for s in samples], completions=[s.completion for s in samples], completion_ids=ids, **columns
        )
        if len(values) != len(samples):
            raise ValueError(f"{self.__name__} returned {len(values)} values for {len(samples)} completions")
        return list(values)
