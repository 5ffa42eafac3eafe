"""``--resume`` continues the same run or refuses (item 3 of the output-safety issue), and survives kill -9."""

from __future__ import annotations

import json
import os
import random
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
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*gradient_checkpointing.*:FutureWarning")]


def _train(*args: str):
    return CliRunner().invoke(cli, ["train", *args], catch_exceptions=False)


def _records(out: Path) -> list[dict]:
    records = []
    lines = (out / "metrics.jsonl").read_text(encoding="utf-8").splitlines() if (out / "metrics.jsonl").is_file() else []
    for i, line in enumerate(lines):
        try:
            records.append(json.loads(line))
        except ValueError:
            assert i == len(lines) - 1, f"a torn line that is not the last one: {line!r}"
    return records


def _steps(out: Path, phase: str) -> list[int]:
    return [r["step"] for r in _records(out) if r["phase"] == phase and not r.get("summary")]


def _set_status(out: Path, status: str) -> None:
    manifest = json.loads((out / "run.json").read_text())
    outputs.write_json(out / "run.json", {**manifest, "status": status})


def test_resume_is_fingerprinted_skips_cut_checkpoints_and_leaves_a_finished_run_alone(tmp_path: Path, tiny_recipe) -> None:
    recipe = str(tiny_recipe(tmp_path, grpo_steps=3))
    out = tmp_path / "out"
    assert _train(recipe).exit_code == 0
    assert _steps(out, "grpo") == [1, 2, 3]

    # a finished run: --resume is a no-op that says so (it used to train one step more each time: 8 -> 9 -> 10)
    for _ in range(2):
        again = _train(recipe, "--resume")
        assert again.exit_code == 0 and "nothing to resume" in again.output
        assert json.loads((out / "report.json").read_text())["grpo_steps"] == 3
        assert _steps(out, "grpo") == [1, 2, 3]

    # another seed is another run: its warm-up (and tokenizer) must not be reused; nothing is touched
    marker = (out / "sft" / outputs.SFT_MARKER).read_text()
    base = (out / "base" / "tokenizer.json").read_text()
    _set_status(out, "training")
    other = _train(recipe, "--resume", "--set", "train.seed=1")
    assert other.exit_code == 2 and "train.seed" in other.output and "--overwrite" in other.output
    assert (out / "sft" / outputs.SFT_MARKER).read_text() == marker
    assert (out / "base" / "tokenizer.json").read_text() == base

    # a warm-up whose marker names other inputs is refused, not reused
    outputs.write_json(out / "sft" / outputs.SFT_MARKER, {"steps": 3, "fingerprint": "someone-else"})
    mixed = _train(recipe, "--resume")
    assert mixed.exit_code == 2 and "warm-up trained from other inputs" in mixed.output
    (out / "sft" / outputs.SFT_MARKER).write_text(marker)

    # the last checkpoint cut short (a kill or a full disk mid-save): skipped, the one before is used
    last = out / "checkpoints" / "checkpoint-3"
    (last / outputs.CHECKPOINT_MARKER).unlink()
    weights = last / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with (out / "metrics.jsonl").open("a") as handle:  # steps logged after the checkpoint, then a kill
        handle.write('{"phase": "grpo", "step": 3, "reward": 0.1}\n{"phase": "grpo", "st')
    resumed = _train(recipe, "--resume")
    assert resumed.exit_code == 0, resumed.output
    text = "".join(resumed.output.split())  # rich folds long paths
    assert "resumingGRPOfrom" in text and "checkpoint-2" in text and "incomplete" in text, resumed.output
    assert _steps(out, "grpo") == [1, 2, 3]
    assert _steps(out, "sft") == [1, 2, 3]
    assert json.loads((out / "adapter" / outputs.ADAPTER_MARKER).read_text())["grpo_steps"] == 3
    assert outputs.scan_checkpoints(out / "checkpoints").incomplete == []


# ---------------------------------------------------------------- fault injection: kill -9 at random points

ROUNDS = 20
GRPO_STEPS = 5


def _start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "plugins"), os.environ.get("PYTHONPATH", "")])}
    code = "import sys; from rewardkit.cli import cli; sys.exit(cli())"
    return subprocess.Popen(
        [sys.executable, "-c", code, "train", *args, "--set", "train.eval.enabled=false"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _assert_consistent(out: Path) -> None:
    entries = [p.name for p in out.iterdir()] if out.is_dir() else []
    if [e for e in entries if not e.startswith(".rewardkit-probe-")]:
        assert (out / "run.json").is_file(), entries
        assert json.loads((out / "run.json").read_text())["rewardkit_run"] == 1
    for phase in ("sft", "grpo"):
        steps = _steps(out, phase)
        assert steps == sorted(set(steps)), (phase, steps)
    found = outputs.scan_checkpoints(out / "checkpoints")
    assert len(found.incomplete) <= 1, found.incomplete
    if found.incomplete:
        assert found.last is None or int(found.incomplete[0].name.split("-")[1]) > found.step


def test_kill_9_at_random_points_then_resume_always_leaves_one_consistent_run(tmp_path: Path, tiny_recipe) -> None:
    rng = random.Random(20240613)
    kills, runs, began = 0, 0, time.monotonic()
    while kills < ROUNDS:
        runs += 1
        folder = tmp_path / f"run{runs}"
        folder.mkdir()
        recipe = str(tiny_recipe(folder, grpo_steps=GRPO_STEPS))
        out = folder / "out"
        first = True
        while True:
            proc = _start(recipe, *(() if first else ("--resume",)))
            first = False
            killed = False
            if kills < ROUNDS:
                try:
                    proc.wait(timeout=rng.uniform(3.0, 15.0))
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)  # the trainer and any reward workers
                    killed = True
            text, _ = proc.communicate(timeout=300)
            if killed:
                kills += 1
                _assert_consistent(out)
                continue
            assert proc.returncode == 0, text
            break
        _assert_consistent(out)
        manifest = json.loads((out / "run.json").read_text())
        assert manifest["status"] == "finished"
        # an uninterrupted run of this recipe trains exactly GRPO_STEPS steps and logs each once
        assert json.loads((out / "report.json").read_text())["grpo_steps"] == GRPO_STEPS
        assert json.loads((out / "adapter" / outputs.ADAPTER_MARKER).read_text())["grpo_steps"] == GRPO_STEPS
        assert _steps(out, "grpo") == list(range(1, GRPO_STEPS + 1))
        assert _steps(out, "sft") == [1, 2, 3]
    print(f"{kills} kills over {runs} runs in {time.monotonic() - began:.0f} s")
