"""YAML documents that remember where each value came from (file and line), across ``extends``.

PyYAML's composed node tree has line marks; pydantic's error ``loc`` is a key path. A
:class:`Located` document keeps, for every key path of the data, the file and line it was
written at, so a validation error anywhere in a merged recipe can name its source line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KeyPath = tuple[Any, ...]

# Recipes are small; refusing huge or deeply nested files keeps a hostile recipe from eating memory.
MAX_RECIPE_BYTES = 2_000_000


@dataclass(frozen=True)
class Where:
    """A place in a source file (1-based line)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class YamlSyntaxError(Exception):
    def __init__(self, where: Where, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


@dataclass
class Located:
    """Plain data (dicts, lists, scalars) plus the source location of every key path in it."""

    data: Any
    places: dict[KeyPath, Where] = field(default_factory=dict)

    def where(self, path: KeyPath) -> Where | None:
        """The location of ``path``, or of its closest existing ancestor."""
        path = tuple(path)
        while True:
            if path in self.places:
                return self.places[path]
            if not path:
                return None
            path = path[:-1]

    def sub(self, prefix: KeyPath) -> dict[KeyPath, Where]:
        """Locations under ``prefix``, with the prefix removed."""
        n = len(prefix)
        return {p[n:]: w for p, w in self.places.items() if p[:n] == prefix}

    def put(self, prefix: KeyPath, places: dict[KeyPath, Where]) -> None:
        """Replace every location under ``prefix`` with ``places`` (relative to ``prefix``)."""
        n = len(prefix)
        for p in [p for p in self.places if p[:n] == prefix]:
            del self.places[p]
        for rel, w in places.items():
            self.places[prefix + rel] = w


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_located(path: Path) -> Located:
    """Parse one YAML file into :class:`Located` data. Raises :class:`YamlSyntaxError`."""
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlSyntaxError(Where(name, 1), f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_RECIPE_BYTES:
        raise YamlSyntaxError(Where(name, 1), f"file is larger than {MAX_RECIPE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(Where(name, 1), f"file is not UTF-8: {exc}") from None
    return parse_located(text, name)


def parse_located(text: str, name: str) -> Located:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise YamlSyntaxError(Where(name, line), f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Where(name, 1), f"YAML error: {exc}") from None
    located = Located(None)
    if node is None:
        located.data = {}
        located.places[()] = Where(name, 1)
        return located
    try:
        located.data = _convert(node, (), located.places, name, depth=0)
    except _ConvertError as exc:
        raise YamlSyntaxError(exc.where, exc.message) from None
    return located


class _ConvertError(Exception):
    def __init__(self, where: Where, message: str) -> None:
        self.where, self.message = where, message


_CONSTRUCTOR = yaml.SafeLoader("")


def _convert(node: yaml.Node, path: KeyPath, places: dict[KeyPath, Where], name: str, depth: int) -> Any:
    where = Where(name, node.start_mark.line + 1)
    places[path] = where
    if depth > 50:
        raise _ConvertError(where, "recipe is nested too deeply")
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _ConvertError(
                    Where(name, key_node.start_mark.line + 1), "YAML merge keys (<<) are not supported; use `extends:`"
                )
            key = _CONSTRUCTOR.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise _ConvertError(Where(name, key_node.start_mark.line + 1), f"mapping keys must be plain scalars, got {key!r}")
            if key in result:
                raise _ConvertError(Where(name, key_node.start_mark.line + 1), f"duplicate key {key!r}")
            result[key] = _convert(value_node, (*path, key), places, name, depth + 1)
            places[(*path, key)] = Where(name, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), places, name, depth + 1) for i, item in enumerate(node.value)]
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise _ConvertError(where, f"cannot read value: {exc}") from None
