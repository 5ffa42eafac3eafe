"""Row files for ``score`` and ``check --dataset``: JSON Lines read one row at a time, validated.

A row is a JSON object with a ``completion`` (a string, or chat messages ``[{"role", "content"}]``),
optional ``prompt`` and ``id``, optional ``completion_ids`` (token ids) and any dataset columns.
Rows are read lazily, so memory does not grow with the file; every problem is reported as
``file:line: message`` (:class:`RowsError`), never as a traceback: bytes that are not UTF-8, lines
over :data:`MAX_LINE_BYTES`, JSON nested too deep or with integers too long to convert, and values
of the wrong type. ``-`` reads standard input.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from rewardkit.reward import Sample, message_text

MAX_LINE_BYTES = 16 * 2**20  # one completion of a few million tokens; longer lines are refused, not read whole
RESERVED = frozenset({"completion", "prompt", "id", "completion_ids"})  # not dataset columns


class RowsError(Exception):
    """A rows file is unreadable or holds a malformed row; the message names the file and line."""


class RowReader:
    """Iterates ``(line number, row)`` over a JSONL file; ``bytes_read``/``size`` drive a progress bar.

    Args:
        path: the file, or ``-`` for standard input.
        require: a key every row must have (``completion`` for ``score``; ``None`` for a dataset).
    """

    def __init__(self, path: str | Path, require: str | None = "completion") -> None:
        self.path = str(path)
        self.require = require
        self.bytes_read = 0
        self.rows = 0
        self.size: int | None = None  # known up front for a regular file (the progress bar's ETA), else None
        if self.path != "-":
            try:
                info = os.stat(self.path)
            except OSError:
                pass  # reported when reading starts
            else:
                self.size = info.st_size if stat.S_ISREG(info.st_mode) else None

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        handle = self._open()
        try:
            yield from self._rows(handle)
        finally:
            if handle is not sys.stdin.buffer:
                handle.close()

    def _open(self) -> IO[bytes]:
        if self.path == "-":
            return sys.stdin.buffer
        try:
            handle = open(self.path, "rb")
            info = os.fstat(handle.fileno())
        except OSError as exc:
            raise RowsError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        if stat.S_ISREG(info.st_mode):
            self.size = info.st_size  # a pipe or FIFO streams on, with no size to show progress against
        return handle

    def _rows(self, handle: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
        lineno = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            lineno += 1
            self.bytes_read += len(raw)
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                raise RowsError(f"{self.path}:{lineno}: line longer than {MAX_LINE_BYTES // 2**20} MiB")
            if not raw.strip():
                continue
            row = self._parse(raw, lineno)
            self.rows += 1
            yield lineno, row

    def _parse(self, raw: bytes, lineno: int) -> dict[str, Any]:
        where = f"{self.path}:{lineno}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RowsError(f"{where}: not UTF-8 (byte {exc.start + 1} of the line)") from None
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RowsError(f"{where}: not valid JSON: {exc.msg}") from None
        except RecursionError:
            raise RowsError(f"{where}: JSON nested too deeply") from None
        except ValueError as exc:  # e.g. an integer literal past Python's digit limit
            raise RowsError(f"{where}: not valid JSON: {exc}") from None
        if not isinstance(row, dict) or (self.require is not None and self.require not in row):
            key = f" with a {self.require!r} key" if self.require else ""
            raise RowsError(f"{where}: each row must be a JSON object{key}")
        problem = row_problem(row)
        if problem:
            raise RowsError(f"{where}: {problem}")
        return row


def read_rows(path: str | Path, require: str | None = "completion") -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, row)`` for each non-empty line of a JSONL file (see :class:`RowReader`)."""
    return iter(RowReader(path, require))


def _is_messages(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(m, Mapping) and isinstance(m.get("content", ""), (str, list)) and isinstance(m.get("role", ""), str)
        for m in value
    )


def row_problem(row: Mapping[str, Any]) -> str | None:
    """Why ``row`` cannot be scored, or ``None``: the reserved keys must have the types the contract gives."""
    for key in ("completion", "prompt"):
        value = row.get(key)
        if value is not None and not isinstance(value, str) and not _is_messages(value):
            return f"{key} must be a string or a list of chat messages ({{'role', 'content'}}), not {type(value).__name__}"
    ids = row.get("completion_ids")
    if ids is not None and not (isinstance(ids, list) and all(type(i) is int for i in ids)):
        return "completion_ids must be a list of integers (token ids)"
    return None


def sample_from_row(row: Mapping[str, Any]) -> Sample:
    """A row as a :class:`Sample`: the completion and prompt as text, the other keys as columns."""
    return Sample(
        completion=message_text(row.get("completion"), role="assistant"),
        prompt=message_text(row.get("prompt"), role="user"),
        columns={k: v for k, v in row.items() if k not in RESERVED},
        completion_ids=row.get("completion_ids"),
    )
