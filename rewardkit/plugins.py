"""The plugin manager: built-in plugins from a list, then third-party entry points, then local modules.

``REWARDKIT_PLUGINS`` (comma-separated entry-point names) restricts which third-party plugins load;
set it to an empty string to load none. Built-ins always load, the way llm and datasette do it.

A new author's usual mistakes are caught here: a misspelled hook name is an error with a
did-you-mean; a plugin that registers nothing (a hook without ``@rewardkit.hookimpl``, say) and an
allowlist name that matches no installed entry point are :class:`PluginWarning` warnings, which the
CLI prints on stderr.

Broken plugins are contained (see :mod:`rewardkit.plugin_guard` for the mechanism). Built-ins are
trusted and imported directly. A third-party entry point or a recipe-local plugin is first imported
in a short-lived child process; only what imported cleanly there is imported here, and that import
still catches ``SystemExit`` and prints the plugin's stdout on stderr. An entry point that fails
(raises, exits, hangs past ``REWARDKIT_PLUGIN_IMPORT_TIMEOUT`` seconds, crashes the interpreter, has
a misspelled hook, or whose hook raises) is disabled with one :class:`PluginWarning`; everything else
keeps working, and a lookup of a reward it would have provided names the failure. A broken
recipe-local plugin raises :class:`PluginLoadError` (the recipe loader reports it at its ``plugins:``
line).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib
import importlib.metadata
import importlib.util
import os
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from rewardkit import hookspecs, plugin_guard
from rewardkit.plugin_guard import Target
from rewardkit.registry import Registry, UnknownNameError

ENTRY_POINT_GROUP = "rewardkit"
ALLOWLIST_ENV = "REWARDKIT_PLUGINS"

BUILTIN_PLUGINS: tuple[str, ...] = (
    "rewardkit_format",
    "rewardkit_math",
    "rewardkit_vi",
    "rewardkit_shaping",
)


HOOK_NAMES: tuple[str, ...] = tuple(
    sorted(name for name, obj in vars(hookspecs).items() if callable(obj) and hasattr(obj, "rewardkit_spec"))
)


class PluginLoadError(Exception):
    """A plugin module could not be imported or has a malformed hook implementation."""


class PluginWarning(UserWarning):
    """A plugin or the plugin settings probably do not do what their author meant."""


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that was disabled: its name, what it points at, why, and the reward families it may provide."""

    name: str
    target: str
    reason: str
    families: frozenset[str] = frozenset()

    def __str__(self) -> str:
        where = f" ({self.target})" if self.target else ""
        return f"plugin {self.name!r}{where} failed to load: {self.reason}"


_pm: pluggy.PluginManager | None = None
_registry: Registry | None = None
_warned: set[str] = set()
_failures: dict[str, PluginFailure] = {}


def _warn(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, PluginWarning, stacklevel=3)


def failures() -> dict[str, PluginFailure]:
    """The plugins disabled in this process, by plugin name."""
    return dict(_failures)


def _fail(failure: PluginFailure, warn: bool = True) -> None:
    _failures[failure.name] = failure
    if warn:
        _warn(f"failed:{failure.name}", f"{failure}; its rewards are disabled")


def _families(*names: str) -> frozenset[str]:
    """Reward families a plugin probably provides, from its entry-point name and module names."""
    out = set()
    for name in names:
        for part in name.replace(":", ".").split("."):
            if part:
                out.add(part.lower())
                if part.startswith("rewardkit_"):
                    out.add(part[len("rewardkit_") :])
    return frozenset(out)


@contextlib.contextmanager
def _plugin_stdout() -> Iterator[None]:
    """A plugin printing while it is imported must not corrupt machine-readable stdout (``--json``)."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


def _new_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("rewardkit")
    pm.add_hookspecs(hookspecs)
    for module_name in BUILTIN_PLUGINS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # a built-in package that is not installed in this environment
        pm.register(module, name=module_name)
    _check(pm)  # built-ins are trusted: a mistake there is rewardkit's bug, and fatal
    _load_entry_points(pm)
    return pm


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    allow = os.environ.get(ALLOWLIST_ENV)
    allowed = None if allow is None else {name.strip() for name in allow.split(",") if name.strip()}
    entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    if allowed:
        installed = sorted({ep.name for ep in entry_points})
        for name in sorted(allowed - set(installed)):
            close = difflib.get_close_matches(name, installed, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"installed: {', '.join(installed) or '(none)'}"
            _warn(
                f"allow:{name}",
                f"{ALLOWLIST_ENV} names {name!r}, but no installed package has a {ENTRY_POINT_GROUP!r} entry point "
                f"of that name; {hint}",
            )
    chosen: list[tuple[Any, Target]] = []
    for entry_point in entry_points:
        if allowed is not None and entry_point.name not in allowed:
            continue
        if pm.get_plugin(entry_point.name) is not None or pm.is_blocked(entry_point.name):
            continue
        if any(entry_point.name == t.name for _, t in chosen):
            continue  # the same name installed twice: the first one found wins, as importlib.metadata orders them
        dist = getattr(entry_point, "dist", None)
        version = f"{getattr(dist, 'name', '?')}=={getattr(dist, 'version', '?')}" if dist is not None else ""
        chosen.append((entry_point, Target(entry_point.name, "ep", entry_point.value, version=version)))
    verdicts = plugin_guard.verify([t for _, t in chosen])
    for entry_point, target in chosen:
        fail = _failure_factory(target.name, f"entry point {entry_point.value}", _families(entry_point.name, entry_point.value))
        if verdicts[target.name] is not None:
            _fail(fail(verdicts[target.name]))
            continue
        try:
            with _plugin_stdout():
                plugin = entry_point.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit included: a plugin never ends the command
            _fail(fail(plugin_guard.describe_exception(exc)))
            continue
        try:
            pm.register(plugin, name=entry_point.name)
            _check(pm)
        except (PluginLoadError, ValueError) as exc:  # a misspelled hook; pluggy's "already registered"
            if pm.get_plugin(entry_point.name) is not None:
                pm.unregister(name=entry_point.name)
            _fail(fail(str(exc).removeprefix(f"plugin {entry_point.name!r}: ")))


def _failure_factory(name: str, target: str, families: frozenset[str]) -> Any:
    def make(reason: str) -> PluginFailure:
        return PluginFailure(name, target, reason, families)

    return make


def _check(pm: pluggy.PluginManager) -> None:
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or repr(exc.plugin)
        unknown = sorted(
            hook
            for hook, caller in vars(pm.hook).items()
            if isinstance(caller, pluggy.HookCaller)
            and not caller.has_spec()
            and any(impl.plugin is exc.plugin for impl in caller.get_hookimpls())
        )
        parts = []
        for hook in unknown or ["?"]:
            close = difflib.get_close_matches(hook, HOOK_NAMES, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"the hooks are {', '.join(HOOK_NAMES)}"
            parts.append(f"{hook!r} is not a rewardkit hook; {hint}")
        raise PluginLoadError(f"plugin {name!r}: " + "; ".join(parts)) from exc


def _unmarked_hooks(plugin: object) -> list[str]:
    """Functions of ``plugin`` named like a hook (or nearly) that lack ``@rewardkit.hookimpl``."""
    found = []
    for attr in dir(plugin):
        if attr.startswith("_") or not difflib.get_close_matches(attr, HOOK_NAMES, n=1, cutoff=0.8):
            continue
        func = getattr(plugin, attr, None)
        if callable(func) and not hasattr(func, "rewardkit_impl"):
            found.append(attr)
    return found


def _warn_empty_plugins(pm: pluggy.PluginManager, registry: Registry) -> None:
    used = {spec.plugin for table in (registry.rewards, registry.extractors, registry.probes) for spec in table.values()}
    for name, plugin in pm.list_name_plugin():
        if plugin is None or name in BUILTIN_PLUGINS or name in used:
            continue
        unmarked = _unmarked_hooks(plugin)
        if unmarked:
            why = f"{', '.join(unmarked)} {'is' if len(unmarked) == 1 else 'are'} not decorated with @rewardkit.hookimpl"
        elif not pm.get_hookcallers(plugin):
            why = "it has no hook implementation (@rewardkit.hookimpl def register_rewards(register): ...)"
        else:
            why = "its hooks never call register(...)"
        _warn(f"empty:{name}:{id(plugin)}", f"plugin {name!r} registers nothing: {why}")


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, created on first use."""
    global _pm
    if _pm is None:
        _pm = _new_manager()
    return _pm


class PluginUnknownNameError(UnknownNameError):
    """An unknown reward when a plugin that may have provided it failed to load: the message says so."""

    def __init__(self, kind: str, name: str, known: list[str], failed: list[PluginFailure]) -> None:
        self.failed = failed
        super().__init__(kind, name, known)

    def describe(self) -> str:
        notes = "; ".join(str(f) for f in self.failed)
        if self.suggestions:
            return f"{super().describe()} ({notes})"
        return f"unknown {self.kind} {self.name!r} ({notes})"


@dataclass
class GuardedRegistry(Registry):
    """The registry :func:`get_registry` returns: a third-party plugin whose hook raises (or registers a bad or
    duplicate name) is disabled with a warning instead of failing every lookup, and an unknown reward name says
    which failed plugin may have provided it."""

    _collect_failures: list[PluginFailure] = field(default_factory=list)

    @classmethod
    def collect(cls, pm: pluggy.PluginManager) -> GuardedRegistry:
        registry = cls()
        for name, plugin in pm.list_name_plugin():  # registration order: built-ins first
            if plugin is None:  # blocked
                continue
            if name in BUILTIN_PLUGINS:
                registry._collect_one(pm, name, plugin)
                continue
            before = (dict(registry.rewards), dict(registry.extractors), dict(registry.probes))
            try:
                with _plugin_stdout():
                    registry._collect_one(pm, name, plugin)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a plugin hook never ends the command
                tried = set(registry.rewards) - set(before[0])
                registry.rewards, registry.extractors, registry.probes = before
                families = _families(name, getattr(plugin, "__name__", "")) | {n.split(".")[0] for n in tried}
                reason = f"its hook raised {exc}" if type(exc).__name__ == "RegistryError" else describe_hook_error(exc)
                registry._collect_failures.append(PluginFailure(name, _plugin_target(plugin), reason, families))
        return registry

    def _collect_one(self, pm: pluggy.PluginManager, name: str, plugin: object) -> None:
        for hook_name, register in (
            ("register_rewards", self._reward_registrar(name)),
            ("register_extractors", self._named_registrar("extractor", self.extractors, name)),
            ("register_probes", self._named_registrar("probe", self.probes, name)),
        ):
            caller = getattr(pm.hook, hook_name)
            for impl in [impl for impl in caller.get_hookimpls() if impl.plugin is plugin]:
                impl.function(**{arg: register for arg in impl.argnames})

    def reward(self, name: str) -> Any:
        try:
            return super().reward(name)
        except UnknownNameError:
            family = name.split(".", 1)[0].lower()
            known = list(self.rewards)
            failed = list(_failures.values())
            likely = [f for f in failed if family in f.families]
            if likely or (failed and not any(k.startswith(family + ".") for k in known)):
                raise PluginUnknownNameError("reward", name, known, likely or failed) from None
            raise


def describe_hook_error(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"its hook called sys.exit({exc.code!r})"
    return f"its hook raised {type(exc).__name__}: {exc}"


def _plugin_target(plugin: object) -> str:
    module = getattr(plugin, "__name__", None) or type(plugin).__module__ + "." + type(plugin).__qualname__
    return f"module {module}"


def get_registry() -> Registry:
    """Everything the loaded plugins registered; rebuilt after plugins are added or removed."""
    global _registry
    if _registry is None:
        pm = get_plugin_manager()
        registry = GuardedRegistry.collect(pm)
        for failure in registry._collect_failures:
            if pm.get_plugin(failure.name) is not None:
                pm.unregister(name=failure.name)  # disabled: not listed as loaded, not warned about again
            _fail(failure)
        _registry = registry
        _warn_empty_plugins(pm, registry)
    return _registry


def _hook_functions(plugin: object) -> set[Any]:
    out = set()
    for attr in HOOK_NAMES:
        func = getattr(plugin, attr, None)
        if callable(func) and hasattr(func, "rewardkit_impl"):
            out.add(func)
    return out


def _registered_as(pm: pluggy.PluginManager, plugin: object) -> str | None:
    """The name ``plugin`` (or a plugin with exactly its hook functions: a package and the module its
    entry point names, re-exporting the same hooks) is already registered under, if any."""
    name = pm.get_name(plugin)
    if name is not None:
        return name
    funcs = _hook_functions(plugin)
    if not funcs:
        return None
    for other_name, other in pm.list_name_plugin():
        if other is not None and funcs <= _hook_functions(other):
            return other_name
    return None


def register_plugin(plugin: object, name: str) -> bool:
    """Register a plugin object or module at run time (tests, recipe-local plugins).

    Returns False when it is already registered (an installed package that a recipe also lists, or
    that its own tests register with the ``rewardkit_plugin`` fixture): then nothing changes.
    """
    global _registry
    pm = get_plugin_manager()
    if pm.get_plugin(name) is not None or _registered_as(pm, plugin) is not None:
        return False
    pm.register(plugin, name=name)
    try:
        _check(pm)
    except PluginLoadError:
        pm.unregister(name=name)
        raise
    _failures.pop(name, None)
    _registry = None
    return True


def unregister_plugin(name: str) -> None:
    global _registry
    pm = get_plugin_manager()
    if pm.get_plugin(name) is not None:
        pm.unregister(name=name)
        _registry = None


def reset() -> None:
    """Forget the plugin manager (tests that change ``REWARDKIT_PLUGINS`` or install plugins)."""
    global _pm, _registry
    _pm = None
    _registry = None
    _warned.clear()
    _failures.clear()


def import_local_plugin(ref: str, base_dir: Path) -> tuple[str, ModuleType]:
    """Import a recipe's local plugin: a ``.py`` path (relative to ``base_dir``) or a dotted module name.

    Returns the plugin name it is registered under and the module. File modules get a stable
    module name derived from their absolute path, so rewards they define pickle by reference
    in worker processes that import the same file. The import is checked in a child process
    first (:mod:`rewardkit.plugin_guard`); any failure, ``sys.exit`` included, is a :class:`PluginLoadError`.
    """
    if ref.endswith(".py") or "/" in ref or os.sep in ref:
        path = (base_dir / ref).resolve()
        if not path.is_file():
            raise PluginLoadError(f"plugin file {ref!r} not found (looked for {path})")
        digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
        module_name = f"rewardkit_local_{path.stem}_{digest}"
        name = f"local:{path}"
        module = sys.modules.get(module_name)
        if module is None:
            fail = _failure_factory(name, "", _families(path.stem))
            reason = plugin_guard.verify([Target(name, "file", str(path), module_name)])[name]
            if reason is not None:
                _fail(fail(reason), warn=False)
                raise PluginLoadError(f"plugin file {ref!r} failed to import: {reason}")
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise PluginLoadError(f"cannot import plugin file {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                with _plugin_stdout():
                    spec.loader.exec_module(module)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit included
                del sys.modules[module_name]
                reason = plugin_guard.describe_exception(exc)
                _fail(fail(reason), warn=False)
                raise PluginLoadError(f"plugin file {ref!r} failed to import: {reason}") from exc
        return name, module
    name = f"module:{ref}"
    fail = _failure_factory(name, "", _families(ref))
    reason = plugin_guard.verify([Target(name, "module", ref)])[name]
    if reason is not None:
        _fail(fail(reason), warn=False)
        raise PluginLoadError(f"plugin module {ref!r} failed to import: {reason}")
    try:
        with _plugin_stdout():
            module = importlib.import_module(ref)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit included
        reason = plugin_guard.describe_exception(exc)
        _fail(fail(reason), warn=False)
        raise PluginLoadError(f"plugin module {ref!r} failed to import: {reason}") from exc
    return name, module


def load_local_plugins(refs: list[str], base_dir: Path) -> list[str]:
    """Import and register a recipe's ``plugins:`` list; returns the plugin names."""
    names = []
    for ref in refs:
        name, module = import_local_plugin(ref, base_dir)
        register_plugin(module, name)
        names.append(name)
    return names
