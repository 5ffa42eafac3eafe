"""The run folder is safe: the attacks of the output-safety issue, each as a test (items 1, 2, 4, 5).

Most refusals happen before any compute, so these tests are fast; the ones that train are marked slow.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rewardkit.cli import cli
from rewardkit.train import outputs

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:.*gradient_checkpointing.*:FutureWarning")


def _train(*args: str):
    return CliRunner().invoke(cli, ["train", *args])


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    (victim / "checkpoints" / "checkpoint-5").mkdir(parents=True)
    (victim / "checkpoints" / "checkpoint-5" / "weights").write_text("precious")
    (victim / "metrics.jsonl").write_text('{"phase": "grpo", "step": 1}\n')
    (victim / "report.json").write_text("{}\n")
    return victim


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- 1. a recipe name cannot leave the output folder


@pytest.mark.parametrize("name", ["../victim", "../../victim", "a/../../victim", "/abs", ".hidden", "..", "x/y"])
def test_a_recipe_name_cannot_escape_the_output_folder(tmp_path: Path, tiny_recipe, name: str) -> None:
    victim = _victim(tmp_path)
    before = _snapshot(victim)
    template = f"{tmp_path}/runs/{{name}}"
    result = _train(str(tiny_recipe(tmp_path)), "--set", f"train.output_dir={template}", "--set", f"name={name}")
    assert result.exit_code == 2, result.output
    assert "cannot name an output folder" in result.output
    assert _snapshot(victim) == before
    assert not (tmp_path / "runs").exists()


def test_a_symlinked_run_folder_pointing_outside_the_base_is_refused(tmp_path: Path, tiny_recipe) -> None:
    victim = _victim(tmp_path)
    before = _snapshot(victim)
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "tiny").symlink_to(victim)
    result = _train(str(tiny_recipe(tmp_path)), "--set", f"train.output_dir={tmp_path}/runs/{{name}}")
    assert result.exit_code == 2, result.output
    assert "outside" in result.output and str(victim) in result.output
    assert _snapshot(victim) == before


def test_resolve_output_dir_keeps_plain_names_inside_the_base(tmp_path: Path) -> None:
    out = outputs.resolve_output_dir("runs/{name}", "vi-math_2.1", tmp_path)
    assert out == (tmp_path / "runs" / "vi-math_2.1").resolve()
    assert outputs.resolve_output_dir("x", "../anything", tmp_path, Path("elsewhere")) == (tmp_path / "elsewhere").resolve()


# ---------------------------------------------------------------- 2. an existing run is never overwritten silently


def _fake_run(out: Path) -> dict[str, str]:
    (out / "checkpoints" / "checkpoint-2").mkdir(parents=True)
    (out / "checkpoints" / "checkpoint-2" / "adapter_model.safetensors").write_text("old weights")
    (out / "metrics.jsonl").write_text('{"phase": "grpo", "step": 1}\n')
    (out / "report.json").write_text('{"grpo_steps": 2}\n')
    outputs.write_json(out / outputs.MANIFEST, {"rewardkit_run": 1, "status": "finished", "grpo_steps": 2})
    return _snapshot(out)


def test_a_second_run_in_the_same_folder_is_refused_and_touches_nothing(tmp_path: Path, tiny_recipe) -> None:
    out = tmp_path / "out"
    before = _fake_run(out)
    result = _train(str(tiny_recipe(tmp_path)))
    assert result.exit_code == 2, result.output
    assert "already holds a run" in result.output and "--resume" in result.output and "--overwrite" in result.output
    assert _snapshot(out) == before


def test_a_folder_of_an_older_rewardkit_counts_as_a_run(tmp_path: Path, tiny_recipe) -> None:
    out = tmp_path / "out"
    before = _fake_run(out)
    (out / outputs.MANIFEST).unlink()
    before.pop(outputs.MANIFEST)
    assert _train(str(tiny_recipe(tmp_path))).exit_code == 2
    resumed = _train(str(tiny_recipe(tmp_path)), "--resume")
    assert resumed.exit_code == 2 and "--overwrite" in resumed.output
    assert _snapshot(out) == before


def test_a_folder_with_other_files_is_never_used(tmp_path: Path, tiny_recipe) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.tex").write_text("mine")
    for flags in ((), ("--overwrite",), ("--resume",)):
        result = _train(str(tiny_recipe(tmp_path)), *flags)
        assert result.exit_code == 2 and "holds no rewardkit run" in result.output
    assert _snapshot(out) == {"thesis.tex": "mine"}


def test_overwrite_keeps_the_old_run_when_the_new_one_fails_its_checks(tmp_path: Path, tiny_recipe) -> None:
    out = tmp_path / "out"
    before = _fake_run(out)
    result = _train(str(tiny_recipe(tmp_path)), "--overwrite", "--set", "train.grpo.lerning_rate=0.1")
    assert result.exit_code == 2 and "did you mean 'learning_rate'" in result.output
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_resume_and_overwrite_together_are_a_usage_error(tmp_path: Path, tiny_recipe) -> None:
    result = _train(str(tiny_recipe(tmp_path)), "--resume", "--overwrite")
    assert result.exit_code == 2 and "exclude each other" in result.output


def test_atomic_writes_leave_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.json"
    outputs.write_text(target, "old")

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", broken_fsync)
    with pytest.raises(outputs.OutputError, match=r"cannot write .*report.json: No space left"):
        outputs.write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


# ---------------------------------------------------------------- 4. path problems: exit 2 before any compute


def _assert_nothing_trained(result, *where: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "preflight" not in result.output and "GRPO" not in result.output
    for text in where:
        assert text in result.output


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda tmp: "/proc/rewardkit-test/out", id="proc"),
        pytest.param(lambda tmp: (tmp / "afile").write_text("x") and str(tmp / "afile" / "out"), id="file-component"),
        pytest.param(lambda tmp: (os.symlink(tmp / "loop", tmp / "loop"), str(tmp / "loop" / "out"))[1], id="symlink-loop"),
    ],
)
def test_unusable_output_paths_are_a_message_not_a_traceback(tmp_path: Path, tiny_recipe, make) -> None:
    path = make(tmp_path)
    result = _train(str(tiny_recipe(tmp_path)), "--output-dir", path)
    _assert_nothing_trained(result, "output folder")


def test_a_read_only_output_folder_stops_the_run_before_compute(tmp_path: Path, tiny_recipe, monkeypatch) -> None:
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", read_only)
    result = _train(str(tiny_recipe(tmp_path)))
    _assert_nothing_trained(result, "is not writable: Read-only file system", str(tmp_path / "out"))


def test_a_full_disk_stops_the_run_before_compute(tmp_path: Path, tiny_recipe, monkeypatch) -> None:
    real = outputs.shutil.disk_usage
    monkeypatch.setattr(outputs.shutil, "disk_usage", lambda p: real(p)._replace(free=1024))
    result = _train(str(tiny_recipe(tmp_path)))
    _assert_nothing_trained(result, "MiB free", str(tmp_path / "out"))
    assert not (tmp_path / "out" / "base").exists()


@pytest.mark.slow
def test_a_write_failing_mid_run_names_the_path_and_exits_2(tmp_path: Path, tiny_recipe, monkeypatch) -> None:
    from rewardkit.train import report

    def full(out_dir, *args, **kwargs):
        raise outputs.OutputError(f"cannot write {out_dir / 'report.json'}: No space left on device")

    monkeypatch.setattr(report, "write_report", full)
    result = _train(str(tiny_recipe(tmp_path)))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.count("report.json: No space left on device") == 1


# ---------------------------------------------------------------- 5. exit codes; each error printed once


def test_preflight_errors_are_printed_once(tmp_path: Path, tiny_recipe) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "".join(json.dumps({"question": f"{i} + 1?", "solution": "n/a" if i % 2 else str(i + 1)}) + "\n" for i in range(40))
    )
    result = _train(str(tiny_recipe(tmp_path, source=str(rows))), "--dry-run")
    assert result.exit_code == 2
    assert result.output.count("of the gold answers can be read") == 1


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "plugins"), os.environ.get("PYTHONPATH", "")])}


def _rewardkit(*args: str, **kwargs) -> subprocess.Popen:
    code = "import sys; from rewardkit.cli import cli; sys.exit(cli())"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


@pytest.mark.slow
def test_ctrl_c_saves_and_exits_130(tmp_path: Path, tiny_recipe) -> None:
    out = tmp_path / "out"
    proc = _rewardkit("train", str(tiny_recipe(tmp_path, grpo_steps=200)))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (out / "metrics.jsonl").is_file() and '"grpo"' in (out / "metrics.jsonl").read_text():
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    text, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, text
    report = json.loads((out / "report.json").read_text())
    assert report["interrupted"] is True and 0 < report["grpo_steps"] < 200
    assert json.loads((out / "run.json").read_text())["status"] == "interrupted"
    assert text.count("interrupted after") == 1
