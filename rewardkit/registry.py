"""Named rewards, extractors and probes, collected from the plugins' ``register_*`` hooks."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pluggy
from pydantic import BaseModel

from rewardkit.params import NoParams, RewardParams, WrappedReward, roles
from rewardkit.reward import CallableReward, Reward

NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.")


class RegistryError(Exception):
    """A plugin registered something wrongly (bad name, duplicate, bad params model)."""


class UnknownNameError(LookupError):
    """A recipe or command asked for a name nobody registered."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind, self.name, self.known = kind, name, sorted(known)
        self.suggestions = difflib.get_close_matches(name, self.known, n=3, cutoff=0.75)
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"unknown {self.kind} {self.name!r}"
        if self.suggestions:
            return text + "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        family = self.name.split(".", 1)[0]
        related = [k for k in self.known if k.startswith(family + ".")]
        return text + f"; available: {', '.join(related or self.known) or '(none)'}"


def first_paragraph(doc: str | None) -> str:
    text = inspect.cleandoc(doc or "")
    return text.split("\n\n", 1)[0].replace("\n", " ").strip()


@dataclass(frozen=True)
class RewardSpec:
    """A registered reward: how to build it and what it accepts."""

    name: str
    factory: Callable[..., Any]
    params_model: type[RewardParams]
    plugin: str
    doc: str = ""
    cheap: bool = True

    @property
    def summary(self) -> str:
        return first_paragraph(self.doc)

    def validate(self, params: RewardParams | dict[str, Any] | None, registry: Registry | None = None) -> RewardParams:
        """``params`` as this reward's validated model; ``registry`` reaches validators through pydantic's context."""
        if isinstance(params, self.params_model):
            return params
        if isinstance(params, RewardParams):  # another reward's params: validate their values against ours
            params = params.model_dump()
        context = {"registry": registry} if registry is not None else None
        return self.params_model.model_validate(params or {}, context=context)

    def build(self, params: RewardParams | dict[str, Any] | None = None, registry: Registry | None = None) -> Reward:
        """Validate ``params`` (a dict or a params instance) and build the reward object.

        The reward's ``__name__`` is the registered name, as for a recipe entry without an ``id``.
        """
        params = self.validate(params, registry)
        factory: Any = self.factory
        if isinstance(factory, type) and issubclass(factory, Reward):
            reward = factory(params)
        elif self.params_model is NoParams and not _takes_argument(factory):
            reward = factory()
        else:
            reward = factory(params)
        if not isinstance(reward, Reward):
            reward = CallableReward(reward)
        reward.__name__ = self.name
        return reward


@dataclass(frozen=True)
class NamedSpec:
    """A registered extractor or probe."""

    name: str
    obj: Any
    plugin: str
    doc: str = ""


def _takes_argument(func: Callable[..., Any]) -> bool:
    try:
        return bool(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return True


def _is_trl_function(func: Callable[..., Any]) -> bool:
    """A plain TRL reward function takes ``completions``; a factory takes params."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return "completions" in params


def _check_name(kind: str, name: str, plugin: str) -> None:
    parts = name.split(".")
    if not name or set(name) - NAME_CHARS or len(parts) < 2 or not all(parts):
        raise RegistryError(
            f"plugin {plugin!r} registered {kind} {name!r}: names are '<family>.<name>' in lower case "
            "(letters, digits, '_' and '.')"
        )


@dataclass
class Registry:
    """Everything the loaded plugins registered, keyed by name."""

    rewards: dict[str, RewardSpec] = field(default_factory=dict)
    extractors: dict[str, NamedSpec] = field(default_factory=dict)
    probes: dict[str, NamedSpec] = field(default_factory=dict)

    @classmethod
    def collect(cls, pm: pluggy.PluginManager) -> Registry:
        registry = cls()
        for name, plugin in pm.list_name_plugin():  # registration order: built-ins first
            if plugin is None:  # blocked
                continue
            hooks = pm.hook
            for hook_name, register in (
                ("register_rewards", registry._reward_registrar(name)),
                ("register_extractors", registry._named_registrar("extractor", registry.extractors, name)),
                ("register_probes", registry._named_registrar("probe", registry.probes, name)),
            ):
                caller = getattr(hooks, hook_name)
                impls = [impl for impl in caller.get_hookimpls() if impl.plugin is plugin]
                for impl in impls:
                    impl.function(**{arg: register for arg in impl.argnames})
        return registry

    def _reward_registrar(self, plugin: str) -> Callable[..., None]:
        def register(
            name: str,
            factory: Callable[..., Any],
            params_model: type | None = None,
            *,
            doc: str | None = None,
            cheap: bool | None = None,
        ) -> None:
            _check_name("reward", name, plugin)
            if name in self.rewards:
                raise RegistryError(
                    f"reward {name!r} is registered twice: by plugin {self.rewards[name].plugin!r} "
                    f"and by plugin {plugin!r}; uninstall one or set REWARDKIT_PLUGINS"
                )
            if params_model is None:
                params_model = getattr(factory, "params_model", NoParams)
            if not (isinstance(params_model, type) and issubclass(params_model, BaseModel)):
                raise RegistryError(f"plugin {plugin!r} registered reward {name!r} with a params model that is not pydantic")
            if not issubclass(params_model, RewardParams):
                raise RegistryError(
                    f"plugin {plugin!r}: params model of {name!r} must derive from rewardkit.RewardParams "
                    "(extra keys forbidden, frozen)"
                )
            real_factory = factory
            if not isinstance(factory, type) and _is_trl_function(factory):
                real_factory = _TrlFunctionFactory(factory)
            self.rewards[name] = RewardSpec(
                name=name,
                factory=real_factory,
                params_model=params_model,
                plugin=plugin,
                doc=inspect.cleandoc(doc or getattr(factory, "__doc__", None) or ""),
                cheap=bool(getattr(factory, "cheap", True) if cheap is None else cheap),
            )

        return register

    def _named_registrar(self, kind: str, table: dict[str, NamedSpec], plugin: str) -> Callable[..., None]:
        def register(name: str, obj: Any, *, doc: str | None = None) -> None:
            if not name or set(name) - NAME_CHARS:
                raise RegistryError(f"plugin {plugin!r} registered {kind} {name!r}: use lower-case letters, digits, '_' and '.'")
            if name in table:
                raise RegistryError(
                    f"{kind} {name!r} is registered twice: by plugin {table[name].plugin!r} and by plugin {plugin!r}"
                )
            table[name] = NamedSpec(name, obj, plugin, inspect.cleandoc(doc or getattr(obj, "__doc__", None) or ""))

        return register

    def params(self, name: str, params: RewardParams | dict[str, Any] | None = None) -> RewardParams:
        """Validate ``params`` for the reward ``name`` (defaults filled in), with this registry as context."""
        return self.reward(name).validate(params, self)

    def build(self, name: str, params: RewardParams | dict[str, Any] | None = None) -> Reward:
        return self.reward(name).build(params, self)

    def walk(self, name: str, params: RewardParams | dict[str, Any] | None, depth: int = 0) -> Iterator[tuple[str, RewardParams]]:
        """``(name, validated params)`` of a reward and of every reward it wraps (:class:`~rewardkit.WrappedReward`).

        The one place that follows wrapped rewards: check, probe, preflight and evaluation all use it.
        Params that fail validation yield nothing (the recipe loader reports them).
        """
        try:
            validated = self.params(name, params)
        except (LookupError, ValueError):
            return
        yield name, validated
        if depth >= 3:
            return
        for role in roles(validated, WrappedReward):
            inner_params = getattr(validated, role.role.params_field, None)
            if isinstance(role.value, str) and isinstance(inner_params, (dict, RewardParams)):
                yield from self.walk(role.value, inner_params, depth + 1)

    def reward(self, name: str) -> RewardSpec:
        try:
            return self.rewards[name]
        except KeyError:
            raise UnknownNameError("reward", name, self.rewards) from None

    def extractor(self, name: str) -> NamedSpec:
        try:
            return self.extractors[name]
        except KeyError:
            raise UnknownNameError("extractor", name, self.extractors) from None

    def probe(self, name: str) -> NamedSpec:
        try:
            return self.probes[name]
        except KeyError:
            raise UnknownNameError("probe", name, self.probes) from None


class _TrlFunctionFactory:
    """Factory for a registered plain TRL reward function (picklable: no closure)."""

    params_model = NoParams

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.__doc__ = func.__doc__

    def __call__(self, params: NoParams | None = None) -> Reward:
        return CallableReward(self.func)
