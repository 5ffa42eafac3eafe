"""The `rewardkit` command against hostile rewards, rows and names, run for real in a subprocess (issue 12).

stdout carries only the requested output (whatever a reward prints), every `--format jsonl` line is
strict JSON, untrusted text never reaches the terminal as markup or escape sequences, and every
command exits 0 ok, 1 failed expectations, 2 bad input, 130 interrupted, with no traceback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent.parent / "engine" / "hostile_rewards.py"
ESC = "\x1b"
NASTY = ["[/bold]", "[link=http://x]y[/link]", "\x1b]8;;http://evil\x07click\x1b]8;;\x07", "\x1b[31mred\x1b[0m"]


def run(*args, cwd, env_extra=None, input=None):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, input=input
    )


def strict_json(line: str):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(line, parse_constant=refuse)


def write_recipe(path: Path, rewards: str, engine: str = "") -> None:
    text = f"name: hostile\nplugins: [./hostile.py]\n{engine}rewards:\n" + textwrap.indent(textwrap.dedent(rewards), "  ")
    (path / "recipe.yaml").write_text(text, encoding="utf-8")


def write_rows(path: Path, rows: list, name: str = "rows.jsonl") -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    (path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path / name


@pytest.fixture
def project(tmp_path):
    (tmp_path / "hostile.py").write_text(HOSTILE.read_text(), encoding="utf-8")
    return tmp_path


def assert_clean(proc):
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert ESC not in proc.stdout, proc.stdout


# --------------------------------------------------------------------------- 9: stdout carries only output


def test_prints_from_a_reward_and_from_a_plugin_import_stay_off_stdout(project):
    write_recipe(project, "- {reward: hostile.print}\n- {reward: hostile.echo}\n")
    write_rows(project, [{"id": i, "completion": f"c{i}"} for i in range(3)])
    proc = run("score", "recipe.yaml", "rows.jsonl", "--format", "jsonl", cwd=project, env_extra={"HOSTILE_PRINT_AT_IMPORT": "1"})
    assert proc.returncode == 0, proc.stderr
    rows = [strict_json(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == [0, 1, 2]
    assert "print() from a reward" in proc.stderr and "C-level write to fd 1" in proc.stderr
    assert "must not reach stdout" in proc.stderr and "C-level write at import" in proc.stderr


def test_a_lone_surrogate_in_a_completion_keeps_every_line_valid(project):
    write_recipe(project, "- {reward: hostile.echo}\n")
    write_rows(project, ['{"id": "a\\ud800", "completion": "x\\ud800y"}', {"id": "after", "completion": "fine"}])
    proc = run("score", "recipe.yaml", "rows.jsonl", "--format", "jsonl", cwd=project)
    assert proc.returncode == 0, proc.stderr
    rows = [strict_json(line) for line in proc.stdout.splitlines()]
    assert [r["outcomes"] for r in rows] == [{"hostile.echo": "ok"}] * 2
    assert rows[1]["id"] == "after"


def test_non_finite_values_never_reach_the_output(project):
    write_recipe(
        project,
        """\
        - {reward: hostile.nan}
        - {id: big, reward: hostile.ten, weight: 1.0e+308}
        - {id: bigger, reward: hostile.ten, weight: 1.0e+308}
        - {id: np, reward: hostile.numpy, weight: 0.0}
        """,
    )
    write_rows(
        project,
        [
            '{"id": Infinity, "completion": "nan"}',
            '{"id": NaN, "completion": "f32"}',
            '{"id": -Infinity, "completion": "i64"}',
            '{"id": 1e400, "completion": "bool"}',
        ],
    )
    proc = run("score", "recipe.yaml", "rows.jsonl", "--format", "jsonl", cwd=project)
    assert proc.returncode == 0, proc.stderr
    rows = [strict_json(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 4
    assert rows[0]["outcomes"]["hostile.nan"] == "error:exception"
    assert all(r["total"] is None for r in rows)  # 2 * 10 * 1e308 overflows: no total rather than inf
    assert [r["rewards"]["np"] for r in rows[1:]] == [0.5, 2.0, 1.0]  # numpy scalars are numbers
    table = run("score", "recipe.yaml", "rows.jsonl", cwd=project)
    assert table.returncode == 0, table.stderr
    assert "4 rows, no total" in table.stdout


# --------------------------------------------------------------------------- 10: untrusted text is escaped


def test_score_table_escapes_ids_and_details(project):
    write_recipe(project, "- {reward: hostile.echo}\n")
    write_rows(project, [{"id": name, "completion": name} for name in NASTY] + [{"id": 5, "completion": "skip" + NASTY[2]}])
    for args in ([], ["--explain"]):
        proc = run("score", "recipe.yaml", "rows.jsonl", *args, cwd=project)
        assert proc.returncode == 0, proc.stderr
        assert_clean(proc)
        assert "[/bold]" in proc.stdout and "[link=http://x]y[/link]" in proc.stdout  # shown literally
        assert "\\x1b[31mred" in proc.stdout


def test_test_command_escapes_case_names(project):
    write_recipe(project, "- {reward: hostile.echo}\n")
    cases = [{"name": name, "completion": "x", "expect": {"hostile.echo": 1.0 if i % 2 else 0.5}} for i, name in enumerate(NASTY)]
    (project / "nasty.cases.yaml").write_text(json.dumps({"recipe": "recipe.yaml", "cases": cases}), encoding="utf-8")
    proc = run("test", "nasty.cases.yaml", cwd=project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert_clean(proc)
    assert "[/bold]" in proc.stdout and "[link=http://x]y[/link]" in proc.stdout
    assert "2 passed, 2 failed" in proc.stdout


PROBE_PLUGIN = '''
import rewardkit
from rewardkit import Reward


class Judge(Reward):
    """Scores 1 for anything."""

    def score(self, sample):
        return 1.0


def nasty(ctx):
    """Puts escape sequences and markup in its completion: \\x1b[31m [/bold]."""
    return "\\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07 [/bold] \\x1b[31m" + ctx.honest()


@rewardkit.hookimpl
def register_rewards(register):
    register("nasty.judge", Judge)


@rewardkit.hookimpl
def register_probes(register):
    register("nasty_probe", nasty)
'''


def test_probe_escapes_names_descriptions_and_shown_completions(project):
    (project / "nasty_probe.py").write_text(PROBE_PLUGIN, encoding="utf-8")
    (project / "recipe.yaml").write_text(
        'name: "[/bold] \\e[31m"\nplugins: [./nasty_probe.py]\nrewards:\n  - {reward: nasty.judge}\n',
        encoding="utf-8",
    )
    proc = run("probe", "recipe.yaml", "--show", "--per-kind", "1", "--only", "nasty_probe", cwd=project)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert_clean(proc)
    assert "nasty_probe" in proc.stdout and "[/bold]" in proc.stdout
    assert "\\x1b" in proc.stdout  # the completion is shown, its escapes spelled out


# --------------------------------------------------------------------------- 11: check warns about inline costly rewards


def test_check_warns_when_a_costly_reward_runs_inline(project):
    (project / "recipe.yaml").write_text(
        textwrap.dedent(
            """\
            name: risky
            rewards:
              - {id: judge, reward: math.equivalence, isolation: inline, params: {gold: solution}}
              - {id: cos, reward: shaping.cosine, isolation: inline, params: {max_length: 100}}
              - {id: fmt, reward: format.tags, isolation: inline}
            """
        ),
        encoding="utf-8",
    )
    proc = run("check", "recipe.yaml", cwd=project)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, proc.stderr
    assert "judge" in warnings[0] and "math.equivalence" in warnings[0] and "inline" in warnings[0]
    assert "cos" in warnings[1] and "shaping.cosine" in warnings[1]
    quiet = run("check", "recipe.yaml", "--set", "rewards.0.isolation=process", "--set", "rewards.1.isolation=auto", cwd=project)
    assert quiet.returncode == 0, quiet.stderr
    assert "warning:" not in quiet.stderr


# --------------------------------------------------------------------------- 12: exit codes and output shape


def test_ctrl_c_exits_130_and_every_line_written_is_complete(project):
    write_recipe(
        project,
        "- {reward: hostile.slow, isolation: process}\n- {reward: hostile.echo}\n",
        engine="engine: {workers: 1, timeout_s: 5}\n",
    )
    # Lines longer than the output buffer reach the pipe as soon as they are written.
    write_rows(project, [{"id": i, "completion": f"c{i} " + "x" * 10_000} for i in range(100)])
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rewardkit.cli", "score", "recipe.yaml", "rows.jsonl", "--format", "jsonl", "--batch-size", "1"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        lines = [proc.stdout.readline()]  # scoring is under way
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        lines += proc.stdout.read().splitlines()
        err = proc.stderr.read().decode()
        proc.wait(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert 1 <= len(lines) < 100
    assert [strict_json(line)["id"] for line in lines] == list(range(len(lines)))
    assert "interrupted" in err and "Traceback" not in err


def test_piped_output_is_not_wrapped_at_80_columns(project):
    long_id = "row-" + "x" * 150
    write_recipe(project, "- {reward: hostile.echo}\n")
    write_rows(project, [{"id": long_id, "completion": "a"}])
    proc = run("score", "recipe.yaml", "rows.jsonl", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert long_id in proc.stdout  # the whole id on one line
    bad = write_rows(
        project, [{"completion": "a", "completion_ids": ["not", "ints"], "note": "y" * 150}], name="b" * 90 + ".jsonl"
    )
    proc = run("score", "recipe.yaml", bad.name, cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == f"{bad.name}:1: completion_ids must be a list of integers (token ids)"


def test_outcome_table_counts_rows_not_distinct_completions(project):
    write_recipe(project, "- {reward: hostile.echo}\n")
    write_rows(project, [{"completion": "same"}] * 3)
    proc = run("score", "recipe.yaml", "rows.jsonl", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "3 rows, mean total 1.000" in proc.stdout
    [summary_row] = [line for line in proc.stdout.splitlines() if "hostile.echo" in line and "│" in line][-1:]
    cells = [c.strip() for c in summary_row.split("│") if c.strip()]
    assert cells[:4] == ["hostile.echo", "3", "0", "0"]


def test_score_step_moves_a_scheduled_weight(project):
    write_recipe(project, "- {reward: hostile.ten, weight: {start: 0.0, end: 1.0, until_step: 100}}\n")
    write_rows(project, [{"completion": "a"}])
    totals = []
    for step in ("0", "50", "100", "1000"):
        proc = run("score", "recipe.yaml", "rows.jsonl", "--format", "jsonl", "--step", step, cwd=project)
        assert proc.returncode == 0, proc.stderr
        totals.append(strict_json(proc.stdout)["total"])
    assert totals == [0.0, 5.0, 10.0, 10.0]


def test_an_empty_rows_file_is_bad_input(project):
    write_recipe(project, "- {reward: hostile.echo}\n")
    (project / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    for fmt in ("table", "jsonl"):
        proc = run("score", "recipe.yaml", "empty.jsonl", "--format", fmt, cwd=project)
        assert proc.returncode == 2
        assert "no rows" in proc.stderr and "nan" not in proc.stdout + proc.stderr
        assert proc.stdout == ""


BAD_ROWS = {
    "not_utf8": (b'{"completion": "a"}\n{"completion": "caf\xe9"}\n', "bad.jsonl:2: not UTF-8"),
    "deep": (b'{"completion": "a"}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n", "bad.jsonl:2: "),
    "deep_object": (b'{"completion": "a", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "bad.jsonl:1: "),
    "huge_int": (b'{"completion": "a", "n": ' + b"9" * 5000 + b"}\n", "bad.jsonl:1: "),
    "completion_number": (b'{"completion": 5}\n', "bad.jsonl:1: completion must be a string or a list of chat messages"),
    "completion_object": (b'{"completion": {"a": 1}}\n', "bad.jsonl:1: completion must be a string or a list of chat messages"),
    "completion_list": (b'{"completion": [1, 2]}\n', "bad.jsonl:1: completion must be a string or a list of chat messages"),
    "prompt_number": (b'{"completion": "a", "prompt": 3.5}\n', "bad.jsonl:1: prompt must be a string"),
    "ids_strings": (b'{"completion": "a", "completion_ids": ["1"]}\n', "bad.jsonl:1: completion_ids must be a list of integers"),
    "ids_floats": (b'{"completion": "a", "completion_ids": [1.0]}\n', "bad.jsonl:1: completion_ids must be a list of integers"),
    "ids_bools": (b'{"completion": "a", "completion_ids": [true]}\n', "bad.jsonl:1: completion_ids must be a list of integers"),
    "ids_scalar": (b'{"completion": "a", "completion_ids": 7}\n', "bad.jsonl:1: completion_ids must be a list of integers"),
    "not_object": (b'["completion"]\n', "bad.jsonl:1: each row must be a JSON object"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_rows_are_file_line_errors_with_exit_2(project, case):
    data, message = BAD_ROWS[case]
    write_recipe(project, "- {reward: hostile.echo}\n")
    (project / "bad.jsonl").write_bytes(data)
    proc = run("score", "recipe.yaml", "bad.jsonl", "--format", "jsonl", cwd=project)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(message), proc.stderr[:300]
    assert len(proc.stderr) < 1000
    for line in proc.stdout.splitlines():
        strict_json(line)


def test_bad_rows_from_stdin_too(project):
    write_recipe(project, "- {reward: hostile.echo}\n")
    proc = run("score", "recipe.yaml", "-", cwd=project, input='{"completion": 5}\n')
    assert proc.returncode == 2 and proc.stderr.startswith("-:1: completion must be"), proc.stderr


# --------------------------------------------------------------------------- 12: exit codes, every command


def test_exit_codes_are_documented_in_the_help():
    proc = run("--help", cwd=".")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    for phrase in ("0 success", "1 failed expectations", "2 bad input", "130 interrupted"):
        assert phrase in text, text


@pytest.mark.parametrize(
    "args",
    [
        ["check", "missing.yaml"],
        ["score", "missing.yaml", "rows.jsonl"],
        ["score", "recipe.yaml", "missing.jsonl"],
        ["test", "missing.cases.yaml"],
        ["probe", "missing.yaml"],
        ["check", "recipe.yaml", "--dataset", "missing.jsonl"],
        ["rewards", "no.such"],
        ["score", "recipe.yaml", "rows.jsonl", "--format", "xml"],
    ],
    ids=lambda a: "-".join(a)[:40],
)
def test_bad_input_exits_2_without_a_traceback(project, args):
    write_recipe(project, "- {reward: hostile.echo}\n")
    write_rows(project, [{"completion": "a"}])
    proc = run(*args, cwd=project)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr


def test_a_broken_recipe_exits_2_for_every_command_that_reads_one(project):
    (project / "recipe.yaml").write_text("name: broken\nrewards:\n  - {reward: no.such}\n", encoding="utf-8")
    write_rows(project, [{"completion": "a"}])
    (project / "x.cases.yaml").write_text("recipe: recipe.yaml\ncases:\n  - {name: a, completion: a, expect: {total: 1}}\n")
    for args in (
        ["check", "recipe.yaml"],
        ["score", "recipe.yaml", "rows.jsonl"],
        ["probe", "recipe.yaml"],
        ["test", "x.cases.yaml"],
    ):
        proc = run(*args, cwd=project)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr + proc.stdout
        assert "recipe.yaml:3" in proc.stderr + proc.stdout, (args, proc.stdout, proc.stderr)
