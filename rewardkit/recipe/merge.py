"""Combining recipe sources before validation: ``extends`` chains, merging a child over its parent
(``rewards`` by ``id``), and ``--set key.path=value`` overrides. Works on :class:`Located` data, so every
value keeps the file and line it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rewardkit.recipe.models import NODE_KINDS, node_model
from rewardkit.yamlsource import (
    KeyPath,
    Located,
    Where,
    YamlSyntaxError,
    display_path,
    load_located,
    parse_located,
    resolve_path,
)


def load_with_parents(path: Path, stack: list[Path], shown: str, where: Where | None = None) -> Located:
    """Read ``path`` and, recursively, the recipes it ``extends``; the result is merged. Raises :class:`YamlSyntaxError`.

    ``where`` places problems with the file itself (the child's ``extends:`` line for a parent)."""
    if path in stack:
        chain = " -> ".join(display_path(p) for p in [*stack, path])
        raise YamlSyntaxError(Where(display_path(stack[-1]), 1), f"extends: cycle: {chain}")
    located = load_located(path, where, shown, f"extends: {shown}: " if where is not None else "")
    return resolve_extends(located, path, [*stack, path])


def resolve_extends(located: Located, path: Path, stack: list[Path]) -> Located:
    """``located`` (read from ``path``) merged over its ``extends:`` parent, if it names one; cycles are errors."""
    data = located.data
    if not isinstance(data, dict):
        raise YamlSyntaxError(located.where(()) or Where(display_path(path), 1), "a recipe must be a mapping of keys")
    _absolutize_plugins(located, path.parent)
    parent_ref = data.get("extends")
    if parent_ref is None:
        return located
    if not isinstance(parent_ref, str):
        raise YamlSyntaxError(located.where(("extends",)) or Where(display_path(path), 1), "extends: must be a file path")
    where = located.where(("extends",)) or Where(display_path(path), 1)
    parent_path = resolve_path(path.parent / parent_ref, where, f"extends: {parent_ref}")
    if parent_path in stack or parent_path == path:
        chain = " -> ".join(display_path(p) for p in [*stack, parent_path])
        raise YamlSyntaxError(where, f"extends: cycle: {chain}")
    if not parent_path.exists():
        raise YamlSyntaxError(where, f"extends: file not found: {parent_ref}")
    parent = load_with_parents(parent_path, stack or [path], display_path(parent_path), where)
    return merge(parent, located)


def _absolutize_plugins(located: Located, base_dir: Path) -> None:
    """Plugin paths are relative to the file that names them, which is lost after merging."""
    plugins = located.data.get("plugins")
    if isinstance(plugins, list):
        located.data["plugins"] = [
            str(resolve_path(base_dir / p, located.where(("plugins", i)) or Where("<recipe>", 1), f"plugins.{i}: {p}"))
            if isinstance(p, str) and (p.endswith(".py") or "/" in p)
            else p
            for i, p in enumerate(plugins)
        ]


def _entry_id(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return None
    if entry.get("id") is not None:
        return entry["id"]
    for key, _ in NODE_KINDS:
        if key in entry:
            try:
                node = node_model(entry).model_validate(entry)
            except (ValidationError, TypeError):
                return entry.get("reward") if key == "reward" else None
            return node.key
    return None


def merge(parent: Located, child: Located) -> Located:
    """``child`` over ``parent``: mappings merge key by key, ``rewards`` merge by ``id``, other values replace."""
    result = Located(_copy(parent.data), dict(parent.places))
    result.places[()] = child.places.get((), parent.places.get(()))  # type: ignore[assignment]
    for key, value in child.data.items():
        if key == "extends":
            continue
        if key == "rewards" and isinstance(value, list) and isinstance(result.data.get("rewards"), list):
            _merge_rewards(result, child, value)
        elif key == "plugins" and isinstance(value, list) and isinstance(result.data.get("plugins"), list):
            merged = list(result.data["plugins"]) + [p for p in value if p not in result.data["plugins"]]
            result.data["plugins"] = merged
            result.places[("plugins",)] = child.places[("plugins",)]
        elif isinstance(value, dict) and isinstance(result.data.get(key), dict):
            _merge_mapping(result, child, (key,))
        else:
            result.data[key] = _copy(value)
            result.put((key,), child.sub((key,)))
    return result


def _merge_mapping(result: Located, child: Located, prefix: KeyPath) -> None:
    target = result.data
    source = child.data
    for part in prefix:
        target = target[part]
        source = source[part]
    for key, value in source.items():
        path = (*prefix, key)
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_mapping(result, child, path)
        else:
            target[key] = _copy(value)
            result.put(path, child.sub(path))
    result.places[prefix] = child.places.get(prefix, result.places.get(prefix))  # type: ignore[assignment]


def _merge_rewards(result: Located, child: Located, child_entries: list[Any]) -> None:
    parent_entries: list[Any] = result.data["rewards"]
    parent_places = [result.sub(("rewards", i)) for i in range(len(parent_entries))]
    index = {_entry_id(e): i for i, e in enumerate(parent_entries) if _entry_id(e) is not None}
    removed: set[int] = set()
    appended: list[tuple[Any, dict[KeyPath, Where]]] = []
    for j, entry in enumerate(child_entries):
        places = child.sub(("rewards", j))
        key = _entry_id(entry)
        if key is not None and key in index and isinstance(entry, dict):
            i = index[key]
            if entry.get("remove") is True:
                removed.add(i)
                continue
            merged = dict(parent_entries[i])
            merged_places = dict(parent_places[i])
            for k, v in entry.items():
                if k == "params" and isinstance(v, dict) and isinstance(merged.get("params"), dict):
                    merged["params"] = {**merged["params"], **_copy(v)}
                    merged_places.update({p: w for p, w in places.items() if p[:1] == ("params",)})
                else:
                    merged[k] = _copy(v)
                    merged_places = {p: w for p, w in merged_places.items() if p[:1] != (k,)}
                    merged_places.update({p: w for p, w in places.items() if p[:1] == (k,)})
            merged_places[()] = places.get((), merged_places.get(()))  # type: ignore[assignment]
            parent_entries[i] = merged
            parent_places[i] = merged_places
        else:
            appended.append((_copy(entry), places))
    entries = [(e, p) for i, (e, p) in enumerate(zip(parent_entries, parent_places, strict=True)) if i not in removed] + appended
    result.data["rewards"] = [e for e, _ in entries]
    rewards_line = child.places.get(("rewards",))
    result.put(("rewards",), {})
    for i, (_, places) in enumerate(entries):
        for rel, where in places.items():
            result.places[("rewards", i, *rel)] = where
    if rewards_line is not None:
        result.places[("rewards",)] = rewards_line


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def apply_override(located: Located, override: str) -> str | None:
    """Apply ``key.path=value`` (value parsed as YAML). Returns a problem description or None."""
    if "=" not in override:
        return "expected key.path=value"
    key, _, raw = override.partition("=")
    parts: list[Any] = [int(p) if p.isdigit() else p for p in key.strip().split(".") if p]
    if not parts:
        return "empty key path"
    try:  # the same limits as a recipe file (aliases, depth)
        value = parse_located(raw, "--set").data if raw.strip() else ""
    except YamlSyntaxError as exc:
        return f"cannot read value: {exc.message}"
    target = located.data
    for part in parts[:-1]:
        if isinstance(target, dict):
            target = target.setdefault(part, {})
        elif isinstance(target, list) and isinstance(part, int) and part < len(target):
            target = target[part]
        else:
            return f"cannot set {key}: {part!r} is not a mapping key here"
        if not isinstance(target, (dict, list)):
            return f"cannot set {key}: {part!r} holds a value, not a mapping"
    if isinstance(target, list):
        if not isinstance(parts[-1], int) or parts[-1] >= len(target):
            return f"cannot set {key}: index out of range"
    elif not isinstance(target, dict):
        return f"cannot set {key}"
    target[parts[-1]] = value
    located.put(tuple(parts), {(): Where("--set", 1)})
    return None
