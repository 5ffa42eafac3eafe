"""The `rewardkit` command run for real: score, test, rewards, plugins, check."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TOY = Path(__file__).with_name("toy_rewards.py")


def run(*args, cwd=None, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "rewardkit.cli", *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "toy.py").write_text(TOY.read_text(), encoding="utf-8")
    (tmp_path / "recipe.yaml").write_text(
        textwrap.dedent(
            """\
            name: toy
            plugins: [./toy.py]
            rewards:
              - {id: gold, reward: toy.gold, weight: 1.0}
              - {id: fragile, reward: toy.fragile, weight: 0.5}
            """
        ),
        encoding="utf-8",
    )
    rows = [
        {"id": "r1", "completion": "42", "solution": "42"},
        {"id": "r2", "completion": [{"role": "assistant", "content": "boom"}], "solution": "42"},
        {"id": "r3", "prompt": "q", "completion": "skip", "solution": "skip"},
    ]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return tmp_path


def test_score_jsonl_row_shape_in_input_order(project):
    proc = run("score", "recipe.yaml", "rows.jsonl", "--format", "jsonl", cwd=project)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["r1", "r2", "r3"]
    assert set(rows[0]) == {"id", "total", "rewards", "outcomes", "elapsed_ms", "details"}
    assert rows[0]["rewards"] == {"gold": 1.0, "fragile": 1.0} and rows[0]["total"] == 1.5
    assert rows[1]["outcomes"] == {"gold": "ok", "fragile": "error:exception"}
    assert rows[1]["rewards"]["fragile"] == 0.0  # default policy value, and said so in outcomes
    assert "kaboom" in rows[1]["details"]["fragile"]["message"]
    assert rows[2]["rewards"]["fragile"] is None and rows[2]["outcomes"]["fragile"] == "skip"
    assert rows[2]["total"] == 1.0  # TRL's nansum: a skip adds nothing


def test_score_table_shows_counts_and_latency(project):
    proc = run("score", "recipe.yaml", "rows.jsonl", "--explain", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "error:exception" in proc.stdout
    assert "outcomes and latency" in proc.stdout
    assert "exception=1" in proc.stdout
    assert "3 rows, mean total" in proc.stdout


def test_score_bad_rows_file_is_a_usage_error(project):
    (project / "bad.jsonl").write_text('{"completion": "a"}\nnot json\n', encoding="utf-8")
    proc = run("score", "recipe.yaml", "bad.jsonl", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("bad.jsonl:2: not valid JSON")


def test_test_command_exit_codes_and_messages(project):
    (project / "good.cases.yaml").write_text(
        "recipe: recipe.yaml\ncases:\n  - name: right\n    completion: '42'\n    columns: {solution: '42'}\n"
        "    expect: {gold: 1.0, fragile: ok, total: '>= 1.5'}\n",
        encoding="utf-8",
    )
    proc = run("test", "good.cases.yaml", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 0 failed" in proc.stdout
    (project / "bad.cases.yaml").write_text(
        "recipe: recipe.yaml\ncases:\n  - name: wrong\n    completion: '41'\n    columns: {solution: '42'}\n"
        "    expect: {gold: 1.0, total: '>= 1.5'}\n",
        encoding="utf-8",
    )
    proc = run("test", ".", cwd=project)
    assert proc.returncode == 1
    assert "FAIL bad.cases.yaml:3: wrong" in proc.stdout
    assert "gold: expected 1.0, got 0" in proc.stdout
    assert "total: expected >= 1.5, got 0.5" in proc.stdout
    assert "1 passed, 1 failed" in proc.stdout


def test_test_command_reports_bad_case_file_lines(project):
    (project / "broken.cases.yaml").write_text(
        "recipe: recipe.yaml\ncases:\n  - name: x\n    completion: a\n    expect: {gould: 1, total: 'big'}\n", encoding="utf-8"
    )
    proc = run("test", "broken.cases.yaml", cwd=project)
    assert proc.returncode == 2
    assert "broken.cases.yaml:5: cases.0.expect.total: cannot read expectation 'big'" in proc.stdout
    proc = run("test", "nowhere", cwd=project)
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_rewards_json_lists_format_rewards_and_example_plugin():
    proc = run("rewards", "--json", env_extra={"REWARDKIT_PLUGINS": "example"})
    assert proc.returncode == 0, proc.stderr
    data = {r["name"]: r for r in json.loads(proc.stdout)}
    assert {"format.tags", "format.tag_count", "format.guard", "example.thanks"} <= set(data)
    assert data["example.thanks"]["plugin"] == "example"
    assert data["example.thanks"]["params_schema"]["properties"]["last_chars"]["default"] == 200
    one = json.loads(run("rewards", "format.tags", "--json").stdout)
    assert one["name"] == "format.tags" and "properties" in one["params_schema"]


def test_rewards_unknown_name_suggests():
    proc = run("rewards", "format.tag")
    assert proc.returncode == 2
    assert "did you mean 'format.tags'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_plugins_lists_third_party_and_builtins():
    proc = run("plugins", "--json", env_extra={"REWARDKIT_PLUGINS": "example"})
    assert [p["name"] for p in json.loads(proc.stdout)] == ["example"]
    names = [p["name"] for p in json.loads(run("plugins", "--all", "--json").stdout)]
    assert "rewardkit_format" in names


def test_check_ok_and_dataset_columns(project):
    proc = run("check", "recipe.yaml", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "recipe.yaml: OK" in proc.stdout


def test_core_import_does_not_import_torch():
    code = "import sys, rewardkit, rewardkit.cli, rewardkit.runtime, rewardkit.score, rewardkit.plugins as p; p.get_registry(); print('torch' in sys.modules, 'trl' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.split() == ["False", "False"], proc.stderr


def test_check_dataset_reports_missing_gold_column(project):
    (project / "data.jsonl").write_text('{"question": "1+1", "answer": "2"}\n', encoding="utf-8")
    (project / "math.yaml").write_text("rewards:\n  - {reward: math.equivalence}\n", encoding="utf-8")
    proc = run("check", "math.yaml", "--dataset", "data.jsonl", cwd=project)
    assert proc.returncode == 2
    assert "rewards.0.params.gold: column 'solution' is not in data.jsonl" in proc.stderr
    assert "columns in data.jsonl: answer, question" in proc.stderr
