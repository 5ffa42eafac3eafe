"""The run folder: where it is, whether it may be written, what it holds, and writing it safely.

Guarantees (docs/training.md, "Outputs: safety"):

* a run writes only inside its output folder: a recipe name is a single plain path component, and a
  folder from the ``{name}`` template must resolve (symlinks included) inside the template's base;
* the folder is checked before any compute: created, a temporary file written and removed, free
  space looked at; every problem is a :class:`OutputError` naming the path (exit 2);
* a folder holding a run is never overwritten unless asked (``--overwrite`` / ``--resume``);
* ``run.json`` (the manifest) is the first file of a run and says which inputs the folder belongs
  to; the warm-up model and every GRPO checkpoint carry a marker, written last, with the same
  fingerprint, so a resume never mixes two runs and never picks a checkpoint cut short;
* every file except the append-only ``metrics.jsonl`` is written to a temporary name in the same
  folder and moved into place with ``os.replace``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "run.json"
METRICS = "metrics.jsonl"
CHECKPOINTS = "checkpoints"
CHECKPOINT_MARKER = "rewardkit-checkpoint.json"
SFT_MARKER = "rewardkit-sft-done"
ADAPTER_MARKER = "rewardkit-adapter.json"
# What an older rewardkit (no manifest) left in a run folder.
RUN_ARTIFACTS = ("metrics.jsonl", "checkpoints", "adapter", "model", "report.json", "sft")
# Manifest statuses of a folder where nothing was trained yet: a new run may reuse it without a flag.
UNTRAINED = ("dry-run", "preparing")
MIN_FREE_BYTES = 64 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")
# GRPOConfig / SFTConfig keys that change logging or saving, never what is learned: a resume may change them.
NOT_TRAINING_KEYS = frozenset(
    {
        "max_steps",
        "save_steps",
        "save_total_limit",
        "save_strategy",
        "save_only_model",
        "logging_steps",
        "logging_strategy",
        "logging_first_step",
        "logging_dir",
        "report_to",
        "run_name",
        "log_completions",
        "num_completions_to_print",
        "disable_tqdm",
        "log_level",
        "dataloader_num_workers",
    }
)


class OutputError(Exception):
    """A problem with the output folder; ``str()`` says which path and what to do (exit 2)."""


def _os_message(exc: OSError) -> str:
    return exc.strerror or str(exc)


# --------------------------------------------------------------------------- where


def check_name(name: str) -> str:
    """A recipe name usable as one folder name: letters, digits, ``. _ + -``; no separators, no ``..``."""
    if not _NAME.match(name) or ".." in name:
        raise OutputError(
            f"recipe name {name!r} cannot name an output folder: use letters, digits, '.', '_', '+' or '-' "
            "(no '/', no '..', not starting with '.'), or set train.output_dir / --output-dir"
        )
    return name


def _resolve(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path, strict=False))
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise OutputError(f"output folder {path}: cannot resolve it ({exc})") from None


def resolve_output_dir(template: str, name: str, cwd: Path, explicit: Path | None = None) -> Path:
    """The absolute, symlink-free output folder of a run.

    Args:
        template: ``train.output_dir`` (``{name}`` is the recipe name).
        name: the recipe name.
        cwd: what relative paths are relative to.
        explicit: ``--output-dir``, used as given (the user named the folder).

    Raises:
        OutputError: the name is not a plain folder name, or the folder leaves the template's base.
    """
    if explicit is not None:
        path = explicit if explicit.is_absolute() else cwd / explicit
        return _checked_loop(_resolve(path), path)
    if "{name}" not in template:
        path = Path(template) if Path(template).is_absolute() else cwd / template
        return _checked_loop(_resolve(path), path)
    check_name(name)
    head = template.split("{name}", 1)[0]
    base = Path(head) if head else Path(".")
    base = base if base.is_absolute() else cwd / base
    path = Path(template.replace("{name}", name))
    path = path if path.is_absolute() else cwd / path
    real, real_base = _resolve(path), _resolve(base)
    if real != real_base and real_base not in real.parents:
        raise OutputError(
            f"output folder {path} resolves to {real}, outside {real_base} (a symlink?): "
            "a run writes only inside its output folder; remove the link or set --output-dir"
        )
    return _checked_loop(real, path)


def _checked_loop(real: Path, given: Path) -> Path:
    # realpath(strict=False) leaves a symlink loop unresolved instead of raising
    for part in (real, *real.parents):
        if part.is_symlink():
            raise OutputError(f"output folder {given}: {part} is a symlink loop")
    return real


# --------------------------------------------------------------------------- can it be written


def check_writable(out: Path, min_free: int = MIN_FREE_BYTES) -> None:
    """Create ``out``, write and remove a temporary file in it, look at the free space.

    Raises:
        OutputError: naming the path and the reason (read-only, not a folder, no space ...).
    """
    for part in (out, *out.parents):
        if part.exists() and not part.is_dir():
            raise OutputError(f"output folder {out}: {part} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"output folder {out}: cannot create it: {_os_message(exc)}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".rewardkit-probe-", dir=out)
        try:
            os.write(fd, b"rewardkit write probe\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"output folder {out} is not writable: {_os_message(exc)}") from None
    try:
        free = shutil.disk_usage(out).free
    except OSError as exc:
        raise OutputError(f"output folder {out}: cannot read its free space: {_os_message(exc)}") from None
    if free < min_free:
        raise OutputError(
            f"output folder {out}: only {free / 2**20:.1f} MiB free, a run needs at least {min_free / 2**20:.0f} MiB"
        )


# --------------------------------------------------------------------------- atomic writes


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path``; moved onto ``path`` when the block succeeds, removed otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) atomically; OSError becomes :class:`OutputError` naming the path."""
    try:
        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_os_message(exc)}") from None
    return path


def write_json(path: Path, data: Any) -> Path:
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, or None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_folder(target: Path, fill: Callable[[Path], Any]) -> Path:
    """Fill a temporary sibling folder with ``fill(tmp)`` and swap it in place of ``target``."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        fill(tmp)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_os_message(exc)}") from None
    return swap_in(tmp, target)


def swap_in(tmp: Path, target: Path) -> Path:
    """Move a finished temporary folder onto ``target`` (the old one goes aside first, then away)."""
    old = target.with_name(f".{target.name}.old")
    try:
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        if old.exists():
            shutil.rmtree(old)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_os_message(exc)}") from None
    return target


def remove(path: Path) -> None:
    """Delete a file or folder inside a run folder (never following a symlink out of it)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


# --------------------------------------------------------------------------- fingerprints


def digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()[:20]


def training_inputs(recipe: Any, settings: Any) -> dict[str, Any]:
    """The recipe content that decides what a run learns (keys a resume may not change), as plain data."""
    train = settings.model_dump(mode="json")
    for key in ("output_dir", "threads", "eval", "preflight"):
        train.pop(key, None)
    train["grpo"] = {k: v for k, v in sorted(train.get("grpo", {}).items()) if k not in NOT_TRAINING_KEYS}
    if train.get("warmup_sft"):
        train["warmup_sft"] = {k: v for k, v in sorted(train["warmup_sft"].items()) if k not in NOT_TRAINING_KEYS}
    resolved = recipe.resolved_dict()
    engine = resolved.get("engine") or {}
    return {"rewards": resolved.get("rewards", []), "engine.timeout_s": engine.get("timeout_s"), "train": train}


def sft_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """The part of :func:`training_inputs` the warm-up depends on."""
    train = inputs["train"]
    return {k: train.get(k) for k in ("model", "dataset", "warmup_sft", "seed", "lora")}


def differences(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two plain-data trees."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            out += differences(old.get(key), new.get(key), f"{prefix}.{key}" if prefix else str(key))
        return out
    return [] if old == new else [prefix or "(all)"]


def data_fingerprint(*datasets: Any) -> str:
    """A hash of every row of the given datasets (column by column)."""
    h = hashlib.sha256()
    for ds in datasets:
        h.update(str(len(ds)).encode())
        for col in sorted(ds.column_names):
            h.update(col.encode())
            h.update(json.dumps(list(ds[col]), default=str, ensure_ascii=False).encode())
    return h.hexdigest()[:20]


def tokenizer_fingerprint(tokenizer: Any) -> str:
    vocab = sorted(tokenizer.get_vocab().items())
    extra = {
        "template": getattr(tokenizer, "chat_template", None),
        "special": getattr(tokenizer, "all_special_tokens", None),
        "class": type(tokenizer).__name__,
    }
    return digest([vocab, extra])


# --------------------------------------------------------------------------- what a folder holds


@dataclass
class FolderState:
    """What :func:`inspect` found in an output folder."""

    kind: str  # "empty" | "untrained" | "run" | "legacy" | "foreign"
    manifest: dict[str, Any] | None = None

    @property
    def has_run(self) -> bool:
        return self.kind in ("run", "legacy")


def inspect(out: Path) -> FolderState:
    """Classify an output folder (it need not exist)."""
    if not out.exists():
        return FolderState("empty")
    if not out.is_dir():
        raise OutputError(f"output folder {out} is a file, not a folder")
    try:
        entries = [p.name for p in out.iterdir() if not p.name.startswith(".rewardkit-probe-")]
    except OSError as exc:
        raise OutputError(f"output folder {out}: cannot list it: {_os_message(exc)}") from None
    manifest = read_json(out / MANIFEST)
    if manifest is not None and manifest.get("rewardkit_run"):
        return FolderState("untrained" if manifest.get("status") in UNTRAINED else "run", manifest)
    if not entries:
        return FolderState("empty")
    if any(name in RUN_ARTIFACTS for name in entries):
        return FolderState("legacy")
    if set(entries) <= {"base", "recipe.resolved.yaml", MANIFEST}:
        return FolderState("untrained")
    return FolderState("foreign")


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def move_aside(out: Path) -> Path:
    """Rename a run folder to a hidden sibling (same file system: one atomic rename)."""
    aside = out.with_name(f".{out.name}.replaced-{os.getpid()}-{int(time.time())}")
    try:
        os.replace(out, aside)
    except OSError as exc:
        raise OutputError(f"cannot move the previous run in {out} aside: {_os_message(exc)}") from None
    return aside


# --------------------------------------------------------------------------- checkpoints and metrics


def _files(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != CHECKPOINT_MARKER
    }


def mark_checkpoint(folder: Path, step: int, fingerprint: str) -> None:
    """Write the checkpoint's completion marker (last): its step, fingerprint and every file's size."""
    write_json(folder / CHECKPOINT_MARKER, {"step": step, "fingerprint": fingerprint, "files": _files(folder)})


def checkpoint_complete(folder: Path) -> dict[str, Any] | None:
    """The marker of a complete checkpoint (marker present, every listed file there with its size, state readable)."""
    marker = read_json(folder / CHECKPOINT_MARKER)
    if marker is None or not isinstance(marker.get("files"), dict):
        return None
    try:
        sizes = _files(folder)
    except OSError:
        return None
    if any(sizes.get(name) != size for name, size in marker["files"].items()):
        return None
    state = read_json(folder / "trainer_state.json")
    if state is None or state.get("global_step") != marker.get("step"):
        return None
    for name, size in marker["files"].items():
        if name.endswith(".safetensors") and not _safetensors_ok(folder / name, size):
            return None
    return marker


def _safetensors_ok(path: Path, size: int) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            n = int.from_bytes(head, "little")
            if len(head) < 8 or n <= 0 or 8 + n > size:
                return False
            json.loads(handle.read(n))
    except (OSError, ValueError):
        return False
    return True


@dataclass
class Checkpoints:
    """The GRPO checkpoints of a run folder: the last complete one, and the ones that are not."""

    last: Path | None
    step: int
    marker: dict[str, Any] | None
    incomplete: list[Path]


def scan_checkpoints(folder: Path) -> Checkpoints:
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            m = re.fullmatch(r"checkpoint-(\d+)", path.name)
            if m and path.is_dir():
                found.append((int(m.group(1)), path))
    found.sort()
    last, step, marker, incomplete = None, 0, None, []
    for number, path in found:
        info = checkpoint_complete(path)
        if info is None:
            incomplete.append(path)
        else:
            last, step, marker = path, number, info
    return Checkpoints(last, step, marker, incomplete)


def truncate_metrics(path: Path, keep: Callable[[dict[str, Any]], bool]) -> int:
    """Rewrite ``metrics.jsonl`` with the records ``keep`` accepts (torn lines dropped); returns how many stayed."""
    if not path.is_file():
        return 0
    kept = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and keep(record):
            kept.append(json.dumps(record, ensure_ascii=False) + "\n")
    write_text(path, "".join(kept))
    return len(kept)


def is_disk_error(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.ENOTDIR, errno.EISDIR)
