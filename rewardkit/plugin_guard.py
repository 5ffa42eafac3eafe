"""Importing untrusted plugins without letting them take the command down.

:func:`verify` imports third-party entry points and recipe-local plugins first in a short-lived child
process (``sys.executable -c ...``, the same ``sys.path`` and environment) that reports each plugin's
status through a pipe. A plugin that raises, calls ``sys.exit``/``os._exit``, crashes the interpreter
(a segfault in a C extension) or is still importing after ``REWARDKIT_PLUGIN_IMPORT_TIMEOUT`` seconds
(default 10) gets a reason; the child is restarted for the plugins after it. Only plugins that
imported cleanly there are imported in the calling process (by :mod:`rewardkit.plugins`).

Verdicts are cached: per process; for child processes (the engine's workers) through an environment
variable; and on disk for plugins that imported cleanly, under ``$XDG_CACHE_HOME/rewardkit`` (default
``~/.cache/rewardkit``), keyed by the entry point's value, its distribution's version, the Python
interpreter and rewardkit's version, and the path, mtime and size of every source file of the plugin's
top-level package (or of the plugin file). A changed file is a new key, so the cache never vouches for
code it did not see import. Failures are never written to disk: a broken plugin is checked again on the
next run. ``REWARDKIT_PLUGIN_CACHE=0`` turns the disk cache off; ``REWARDKIT_PLUGIN_IMPORT_TIMEOUT=0``
turns the child check off (plugins are then imported directly, still catching exceptions and exits).
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_ENV = "REWARDKIT_PLUGIN_IMPORT_TIMEOUT"
CACHE_ENV = "REWARDKIT_PLUGIN_CACHE"
DEFAULT_TIMEOUT_S = 10.0
_VERIFIED_ENV = "_REWARDKIT_PLUGINS_VERIFIED"  # keys this process tree already verified (for workers)
_CACHE_FORMAT = 1
_MAX_FILES = 5000  # a package bigger than this is not fingerprinted: checked in a child every run


@dataclass(frozen=True)
class Target:
    """One plugin to import: an entry point (``kind="ep"``, value ``mod:attr``), a ``.py`` file
    (``kind="file"``, value the absolute path, imported as ``module_name``) or a module (``kind="module"``)."""

    name: str
    kind: str
    value: str
    module_name: str = ""
    version: str = ""

    @property
    def module(self) -> str:
        return self.module_name if self.kind == "file" else self.value.split(":", 1)[0].strip()


_verdicts: dict[str, str | None] = {}  # per process: key (or an unkeyed identity) -> None (ok) or the reason


def timeout_s() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        return DEFAULT_TIMEOUT_S


def describe_exception(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r}) while being imported"
    return f"{type(exc).__name__}: {exc}"


def verify(targets: list[Target]) -> dict[str, str | None]:
    """Each target's name -> ``None`` when it imports cleanly, else the reason it does not."""
    result: dict[str, str | None] = {}
    pending: list[tuple[Target, str]] = []
    verified_env = set(filter(None, os.environ.get(_VERIFIED_ENV, "").split(",")))
    for target in targets:
        if target.module in sys.modules:
            result[target.name] = None  # already imported in this process: importing again runs nothing
            continue
        key = _key(target)
        memo = key or f"unkeyed:{target.kind}:{target.value}:{target.module_name}"
        if memo in _verdicts:
            result[target.name] = _verdicts[memo]
        elif key and (key in verified_env or _disk_has(key)):
            result[target.name] = _verdicts[memo] = None
        else:
            pending.append((target, memo))
    if not pending:
        return result
    limit = timeout_s()
    reasons = _probe([t for t, _ in pending], limit) if limit > 0 else [None] * len(pending)
    for (target, memo), reason in zip(pending, reasons, strict=True):
        result[target.name] = _verdicts[memo] = reason
        if reason is None and not memo.startswith("unkeyed:"):
            verified_env.add(memo)
            _disk_put(memo)
    if verified_env:
        os.environ[_VERIFIED_ENV] = ",".join(sorted(verified_env))
    return result


# --------------------------------------------------------------------------- the child

_CHILD = r"""
import importlib, importlib.metadata, importlib.util, json, os, sys
out = os.fdopen(int(sys.argv[1]), "w")
job = json.loads(sys.stdin.readline())
sys.path[:] = job["path"]
def say(*a):
    out.write(json.dumps(a) + "\n")
    out.flush()
for i, (kind, value, module_name) in enumerate(job["targets"]):
    say("start", i)
    try:
        if kind == "ep":
            importlib.metadata.EntryPoint(name="probe", value=value, group="rewardkit").load()
        elif kind == "file":
            spec = importlib.util.spec_from_file_location(module_name, value)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
        else:
            importlib.import_module(value)
    except SystemExit as exc:
        say("error", i, "it called sys.exit(%r) while being imported" % (exc.code,))
    except BaseException as exc:
        say("error", i, "%s: %s" % (type(exc).__name__, exc))
    else:
        say("ok", i)
"""


def _probe(targets: list[Target], limit: float) -> list[str | None]:
    """Import ``targets`` in child processes; a reason per target (``None``: clean)."""
    reasons: dict[int, str | None] = {}
    todo = list(range(len(targets)))
    while todo:
        got = _run_child([targets[i] for i in todo], limit)
        progressed = False
        for j, reason in got.items():
            reasons[todo[j]] = reason
            progressed = True
        if not progressed:  # the child could not run at all
            for i in todo:
                reasons[i] = (
                    "the child process that checks plugin imports could not run "
                    f"({sys.executable}); set {TIMEOUT_ENV}=0 to import plugins without it"
                )
            break
        todo = [i for i in todo if i not in reasons]
    return [reasons[i] for i in range(len(targets))]


def _run_child(targets: list[Target], limit: float) -> dict[int, str | None]:
    read_fd, write_fd = os.pipe()
    job = json.dumps({"path": sys.path, "targets": [[t.kind, t.value, t.module_name] for t in targets]})
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,),
            start_new_session=True,  # a plugin that signals its process group hits only the child
        )
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return {}
    os.close(write_fd)
    results: dict[int, str | None] = {}
    current: int | None = None
    buffer = b""
    try:
        assert proc.stdin is not None
        try:
            proc.stdin.write(job.encode() + b"\n")
            proc.stdin.close()
        except OSError:
            pass
        deadline = time.monotonic() + limit + 5.0  # interpreter start-up is not the plugin's time
        while True:
            wait = deadline - time.monotonic()
            if wait <= 0:
                if current is not None:
                    results[current] = f"its import did not finish within {limit:g} s ({TIMEOUT_ENV})"
                break
            ready, _, _ = select.select([read_fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(read_fd, 65536)
            if not chunk:  # the child is gone
                code = proc.wait()
                if current is not None and current not in results:
                    results[current] = _death(code)
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = json.loads(line)
                if message[0] == "start":
                    current = message[1]
                    deadline = time.monotonic() + limit
                else:
                    results[message[1]] = None if message[0] == "ok" else message[2]
            if len(results) == len(targets):
                break
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
        proc.wait()
    return results


def _death(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"it crashed the interpreter ({name}) while being imported"
    return f"it ended the interpreter (os._exit({code})) while being imported"


# --------------------------------------------------------------------------- cache keys


def _key(target: Target) -> str | None:
    files = _source_files(target)
    if files is None:
        return None
    stats = []
    for path in files:
        try:
            st = path.stat()
        except OSError:
            return None
        stats.append([str(path), st.st_mtime_ns, st.st_size])
    from rewardkit.version import __version__

    parts = [_CACHE_FORMAT, sys.version, sys.executable, __version__, target.kind, target.value, target.version, stats]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def _source_files(target: Target) -> list[Path] | None:
    if target.kind == "file":
        return [Path(target.value)]
    import importlib.util

    top = target.module.split(".", 1)[0]
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: finds it without running it
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    files: list[Path] = []
    if spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            for root, dirs, names in os.walk(location):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                files.extend(Path(root, n) for n in sorted(names) if n.endswith((".py", ".so", ".pyd", ".pth")))
                if len(files) > _MAX_FILES:
                    return None
    elif spec.origin and os.path.isfile(spec.origin):
        files.append(Path(spec.origin))
    return files or None


def _cache_dir() -> Path | None:
    if os.environ.get(CACHE_ENV, "1").strip().lower() in {"0", "false", "no", "off"}:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rewardkit" / "plugin-imports"


def _disk_has(key: str) -> bool:
    directory = _cache_dir()
    return directory is not None and (directory / f"{key}.ok").is_file()


def _disk_put(key: str) -> None:
    directory = _cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{key}.{os.getpid()}.tmp"
        tmp.write_text("ok\n", encoding="utf-8")
        os.replace(tmp, directory / f"{key}.ok")
    except OSError:
        pass  # a read-only home: no disk cache, still correct
