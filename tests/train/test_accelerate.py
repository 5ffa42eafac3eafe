"""`rewardkit train` under `accelerate launch` with two CPU processes: TRL and accelerate do the distribution."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_train_under_accelerate_launch_with_two_cpu_processes(tmp_path: Path, tiny_recipe) -> None:
    recipe = tiny_recipe(tmp_path, grpo_steps=2)
    command = [
        sys.executable, "-m", "accelerate.commands.launch",
        "--cpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
        "--main_process_port", str(_free_port()),
        "-m", "rewardkit.cli", "train", str(recipe),
    ]  # fmt: skip
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = tmp_path / "out"
    report = json.loads((out / "report.json").read_text())
    assert report["grpo_steps"] == 2 and report["eval_size"] == 16
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    # one process writes the outputs: each GRPO log appears once
    grpo_logs = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines() if '"grpo"' in line]
    assert [r["step"] for r in grpo_logs if "reward" in r] == [1, 2]
    assert done.stdout.count("outputs in") == 1
