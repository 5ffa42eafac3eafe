"""The plugin manager: built-in plugins from a list, then third-party entry points, then local modules.

``REWARDKIT_PLUGINS`` (comma-separated entry-point names) restricts which third-party plugins load;
set it to an empty string to load none. Built-ins always load, the way llm and datasette do it.

A new author's usual mistakes are caught here: a misspelled hook name is an error with a
did-you-mean; a plugin that registers nothing (a hook without ``@rewardkit.hookimpl``, say) and an
allowlist name that matches no installed entry point are :class:`PluginWarning` warnings, which the
CLI prints on stderr.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.metadata
import importlib.util
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pluggy

from rewardkit import hookspecs
from rewardkit.registry import Registry

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


_pm: pluggy.PluginManager | None = None
_registry: Registry | None = None
_warned: set[str] = set()


def _warn(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, PluginWarning, stacklevel=3)


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
    _load_entry_points(pm)
    _check(pm)
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
    for entry_point in entry_points:
        if allowed is not None and entry_point.name not in allowed:
            continue
        if pm.get_plugin(entry_point.name) is not None or pm.is_blocked(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:
            raise PluginLoadError(f"plugin {entry_point.name!r} ({entry_point.value}) failed to import: {exc}") from exc
        pm.register(plugin, name=entry_point.name)


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


def get_registry() -> Registry:
    """Everything the loaded plugins registered; rebuilt after plugins are added or removed."""
    global _registry
    if _registry is None:
        pm = get_plugin_manager()
        _registry = Registry.collect(pm)
        _warn_empty_plugins(pm, _registry)
    return _registry


def register_plugin(plugin: object, name: str) -> None:
    """Register a plugin object or module at run time (tests, recipe-local plugins)."""
    global _registry
    pm = get_plugin_manager()
    if pm.get_plugin(name) is not None or pm.get_name(plugin) is not None:
        return  # already registered (an installed package that a recipe also lists, say)
    pm.register(plugin, name=name)
    try:
        _check(pm)
    except PluginLoadError:
        pm.unregister(name=name)
        raise
    _registry = None


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


def import_local_plugin(ref: str, base_dir: Path) -> tuple[str, ModuleType]:
    """Import a recipe's local plugin: a ``.py`` path (relative to ``base_dir``) or a dotted module name.

    Returns the plugin name it is registered under and the module. File modules get a stable
    module name derived from their absolute path, so rewards they define pickle by reference
    in worker processes that import the same file.
    """
    if ref.endswith(".py") or "/" in ref or os.sep in ref:
        path = (base_dir / ref).resolve()
        if not path.is_file():
            raise PluginLoadError(f"plugin file {ref!r} not found (looked for {path})")
        digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
        module_name = f"rewardkit_local_{path.stem}_{digest}"
        module = sys.modules.get(module_name)
        if module is None:
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise PluginLoadError(f"cannot import plugin file {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                del sys.modules[module_name]
                raise PluginLoadError(f"plugin file {ref!r} failed to import: {type(exc).__name__}: {exc}") from exc
        return f"local:{path}", module
    try:
        module = importlib.import_module(ref)
    except Exception as exc:
        raise PluginLoadError(f"plugin module {ref!r} failed to import: {type(exc).__name__}: {exc}") from exc
    return f"module:{ref}", module


def load_local_plugins(refs: list[str], base_dir: Path) -> list[str]:
    """Import and register a recipe's ``plugins:`` list; returns the plugin names."""
    names = []
    for ref in refs:
        name, module = import_local_plugin(ref, base_dir)
        register_plugin(module, name)
        names.append(name)
    return names
