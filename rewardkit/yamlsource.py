"""YAML documents that remember where each value came from (file and line), across ``extends``.

PyYAML's composed node tree has line marks; pydantic's error ``loc`` is a key path. A
:class:`Located` document keeps, for every key path of the data, the file and line it was
written at, so a validation error anywhere in a merged recipe can name its source line.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KeyPath = tuple[Any, ...]

# Recipes and case files are small and hand-written. These limits keep a hostile file from eating
# time or memory; every one of them is reported as a `file:line` error.
MAX_RECIPE_BYTES = 2_000_000
"""Largest file read (bytes); only regular files are read, and never more than this plus one byte."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and lists."""
MAX_NODES = 50_000
"""Most values (scalars, lists, mappings) written in one file: PyYAML parses ~20,000 a second, and a recipe
has a few hundred; without it a 1 MB list of `1,1,1,...` costs half a minute."""
MAX_ALIASES = 100
"""Most uses of YAML aliases (``*name``) in one file."""
MAX_ALIAS_NODES = 10_000
"""Most values that aliases may copy in one file, counted over every use (an alias of a 50-value mapping
counts 51): bounds "billion laughs" expansion, which a 400-byte file can otherwise make billions."""


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
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return str(path)


def resolve_path(path: Path, where: Where, what: str) -> Path:
    """``path.resolve()``; a symlink loop or an unreadable directory is a :class:`YamlSyntaxError` at ``where``
    saying ``what: reason`` (``what`` names the reference, e.g. ``extends: base.yaml``)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:
        raise YamlSyntaxError(where, f"{what}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "symlink loop"
    return getattr(exc, "strerror", None) or str(exc)


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return f"not a regular file ({kind})"
    return "not a regular file"


def read_capped(path: Path, where: Where, what: str = "", limit: int = MAX_RECIPE_BYTES) -> bytes:
    """The bytes of a regular file (symlinks followed) of at most ``limit`` bytes; anything else is a
    :class:`YamlSyntaxError` at ``where``, its message prefixed with ``what``. Devices, FIFOs, sockets and
    directories are never read, the size is checked before reading, and no more than ``limit + 1`` bytes
    are read (a file growing meanwhile)."""
    try:
        problem = _not_regular(path.stat().st_mode)
        if problem:
            raise YamlSyntaxError(where, f"{what}{problem}")
        # O_NONBLOCK: a file swapped for a FIFO after the stat must not block the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise YamlSyntaxError(where, f"{what}cannot read file: {_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        problem = _not_regular(info.st_mode)
        if problem:
            raise YamlSyntaxError(where, f"{what}{problem}")
        if info.st_size > limit:
            raise YamlSyntaxError(where, f"{what}file is larger than {limit} bytes")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise YamlSyntaxError(where, f"{what}cannot read file: {_reason(exc)}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise YamlSyntaxError(where, f"{what}file is larger than {limit} bytes")
    return b"".join(chunks)


def load_located(path: Path, where: Where | None = None, name: str | None = None, what: str = "") -> Located:
    """Parse one YAML file into :class:`Located` data. Raises :class:`YamlSyntaxError`.

    ``name`` is the file as shown in errors (default: :func:`display_path`). ``where`` places problems with the
    file itself (missing, not a regular file, too large), e.g. at the ``extends:`` line naming it; default: its line 1.
    ``what`` prefixes those messages (``"extends: base.yaml: "``).
    """
    name = name or display_path(path)
    raw = read_capped(path, where or Where(name, 1), what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlSyntaxError(Where(name, line), f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    return parse_located(text, name)


def parse_located(text: str, name: str) -> Located:
    """Parse YAML text into :class:`Located` data, within the limits above. Raises :class:`YamlSyntaxError`."""
    loader = None
    try:
        loader = _Loader(text, name)
        node = loader.get_single_node()
        located = Located(None)
        if node is None:
            located.data = {}
            located.places[()] = Where(name, 1)
            return located
        located.data = _convert(loader, node, (), located.places, name, depth=0)
        return located
    except _ConvertError as exc:
        raise YamlSyntaxError(exc.where, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise YamlSyntaxError(Where(name, line), f"YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        what = "a NUL byte" if exc.character in (0, "\0") else f"character #x{_codepoint(exc.character):04x}"
        raise YamlSyntaxError(Where(name, line), f"{what} is not allowed in YAML") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Where(name, 1), f"YAML error: {exc}") from None
    except RecursionError:  # the limits above should make this unreachable; never a traceback
        raise YamlSyntaxError(Where(name, 1), f"nested too deeply (limit {MAX_DEPTH})") from None
    finally:
        if loader is not None:
            loader.dispose()


def _codepoint(character: Any) -> int:
    return character if isinstance(character, int) else ord(character)


class _ConvertError(Exception):
    def __init__(self, where: Where, message: str) -> None:
        self.where, self.message = where, message


_SMALL_REUSE = ": aliases are for small reuse, not expansion"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with limits checked while composing, before anything is expanded.

    The composed tree shares an anchored node between its aliases; :func:`_convert` copies it at every
    use, so a few aliases of aliases ("billion laughs") would expand to billions of nodes. Each node's
    expanded size is known when it is composed, so an alias is refused before the copy is made.
    """

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.file = name
        self.depth = 0
        self.alias_uses = 0
        self.nodes = 0
        self.expanded = 0
        self.sizes: dict[int, int] = {}

    def _where(self) -> Where:
        return Where(self.file, self.peek_event().start_mark.line + 1)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            where = self._where()
            self.alias_uses += 1
            if self.alias_uses > MAX_ALIASES:
                raise _ConvertError(where, f"too many YAML aliases (limit {MAX_ALIASES}){_SMALL_REUSE}")
            target = self.anchors.get(self.peek_event().anchor)
            if target is not None:
                size = self.sizes.get(id(target))
                if size is None:
                    raise _ConvertError(where, f"YAML alias *{self.peek_event().anchor} refers to a node that contains it")
                self.expanded += size
                if self.expanded > MAX_ALIAS_NODES:
                    raise _ConvertError(
                        where,
                        f"YAML aliases expand to more than {MAX_ALIAS_NODES} values{_SMALL_REUSE}",
                    )
            return super().compose_node(parent, index)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _ConvertError(self._where(), f"too many YAML values (limit {MAX_NODES}): recipes and case files are small")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _ConvertError(self._where(), f"nested too deeply (limit {MAX_DEPTH} levels)")
        node = super().compose_node(parent, index)
        self.depth -= 1
        if isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self.sizes.get(id(child), 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size = 1 + sum(self.sizes.get(id(k), 1) + self.sizes.get(id(v), 1) for k, v in node.value)
        else:
            size = 1
        self.sizes[id(node)] = size
        return node


MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
MERGE_TAG = "tag:yaml.org,2002:merge"


def _convert(loader: _Loader, node: yaml.Node, path: KeyPath, places: dict[KeyPath, Where], name: str, depth: int) -> Any:
    where = Where(name, node.start_mark.line + 1)
    places[path] = where
    if depth > MAX_DEPTH:  # the composer checks this first; merge keys can add levels
        raise _ConvertError(where, f"nested too deeply (limit {MAX_DEPTH} levels)")
    if isinstance(node, yaml.MappingNode):
        if node.tag != MAP_TAG:
            _check_tag(loader, node, where)
            raise _ConvertError(where, f"unsupported YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} on a mapping")
        result: dict[Any, Any] = {}
        for key, (value_node, key_where) in _pairs(loader, node, name, depth).items():
            result[key] = _convert(loader, value_node, (*path, key), places, name, depth + 1)
            places[(*path, key)] = key_where
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != SEQ_TAG:
            _check_tag(loader, node, where)
            raise _ConvertError(where, f"unsupported YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} on a list")
        return [_convert(loader, item, (*path, i), places, name, depth + 1) for i, item in enumerate(node.value)]
    _check_tag(loader, node, where)
    try:
        return loader.construct_object(node)
    except yaml.YAMLError as exc:
        raise _ConvertError(where, f"cannot read value: {_problem(exc)}") from None


def _check_tag(loader: _Loader, node: yaml.Node, where: Where) -> None:
    if node.tag not in loader.yaml_constructors:  # `!!python/object:...`, `!custom`: only YAML's own types
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _ConvertError(where, f"unsupported YAML tag {tag}")


def _pairs(loader: _Loader, node: yaml.MappingNode, name: str, depth: int) -> dict[Any, tuple[yaml.Node, Where]]:
    """A mapping's keys with their value nodes and places, merge keys (``<<: *base``, ``<<: [*a, *b]``) applied:
    keys written here win over merged ones, earlier merged mappings over later ones, as in YAML 1.1."""
    if depth > MAX_DEPTH:
        raise _ConvertError(Where(name, node.start_mark.line + 1), f"nested too deeply (limit {MAX_DEPTH} levels)")
    own: dict[Any, tuple[yaml.Node, Where]] = {}
    merged: list[yaml.MappingNode] = []
    for key_node, value_node in node.value:
        key_where = Where(name, key_node.start_mark.line + 1)
        if key_node.tag == MERGE_TAG:
            merged.extend(_merge_sources(value_node, key_where))
            continue
        key = _key(loader, key_node, key_where)
        if key in own:
            raise _ConvertError(key_where, f"duplicate key {_short(key)}")
        own[key] = (value_node, key_where)
    if not merged:
        return own
    result: dict[Any, tuple[yaml.Node, Where]] = {}
    for source in merged:
        for key, value in _pairs(loader, source, name, depth + 1).items():
            result.setdefault(key, value)
    result.update(own)
    return result


def _merge_sources(value_node: yaml.Node, where: Where) -> list[yaml.MappingNode]:
    if isinstance(value_node, yaml.MappingNode):
        return [value_node]
    if isinstance(value_node, yaml.SequenceNode) and all(isinstance(n, yaml.MappingNode) for n in value_node.value):
        return list(value_node.value)
    raise _ConvertError(where, "a YAML merge key (<<) takes a mapping or a list of mappings, e.g. `<<: *base`")


def _key(loader: _Loader, key_node: yaml.Node, where: Where) -> Any:
    if not isinstance(key_node, yaml.ScalarNode):
        kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
        raise _ConvertError(where, f"mapping keys must be plain scalars, got a {kind}")
    _check_tag(loader, key_node, where)
    try:
        key = loader.construct_object(key_node)
    except yaml.YAMLError as exc:
        raise _ConvertError(where, f"cannot read key: {_problem(exc)}") from None
    if not isinstance(key, (str, int, float, bool)) or key is None:
        raise _ConvertError(where, f"mapping keys must be plain scalars, got {_short(key)}")
    return key


def _problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        return " ".join(p for p in (exc.context, exc.problem) if p) or type(exc).__name__
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
