"""rewardkit's extension points. Each hook hands the plugin a ``register`` callback.

The plugin calls back rather than returning values, so the core controls naming, collisions and
attribution (which plugin registered what). Details and examples: docs/writing-plugins.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pluggy

hookspec = pluggy.HookspecMarker("rewardkit")
hookimpl = pluggy.HookimplMarker("rewardkit")


class RegisterReward(Protocol):
    def __call__(
        self,
        name: str,
        factory: Callable[..., Any],
        params_model: type | None = None,
        *,
        doc: str | None = None,
        cheap: bool | None = None,
    ) -> None: ...


class RegisterNamed(Protocol):
    def __call__(self, name: str, obj: Any, *, doc: str | None = None) -> None: ...


@hookspec
def register_rewards(register: RegisterReward) -> None:
    """Register reward factories: ``register(name, factory, params_model)``."""


@hookspec
def register_extractors(register: RegisterNamed) -> None:
    """Register answer extractors for the math judge: ``register(name, extractor)``."""


@hookspec
def register_probes(register: RegisterNamed) -> None:
    """Register reward-hacking probes for ``rewardkit probe``: ``register(name, probe)``."""
