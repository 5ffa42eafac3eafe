"""The plugin author's path: new-plugin, rewards --plugin, markers instead of parameter names."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rewardkit

ROOT = Path(__file__).resolve().parents[2]
RK_PATH = [str(Path(rewardkit.__file__).resolve().parents[1]), str(ROOT / "plugins")]

# A third-party reward whose gold column has its own name: the core finds it by its marker.
MINE = textwrap.dedent(
    '''\
    import rewardkit


    class MatchParams(rewardkit.RewardParams):
        reference: rewardkit.GoldColumn = "target"
        hint: rewardkit.ColumnName = "question"


    class Match(rewardkit.Reward[MatchParams]):
        """1.0 when the reference answer appears in the completion."""

        def score(self, sample):
            return float(str(sample.columns[self.params.reference]) in sample.completion)


    @rewardkit.hookimpl
    def register_rewards(register):
        register("mine.match", Match)
    '''
)


def run(*args, cwd=None, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "rewardkit.cli", *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture
def mine(tmp_path):
    (tmp_path / "mine.py").write_text(MINE, encoding="utf-8")
    (tmp_path / "recipe.yaml").write_text(
        "name: mine\nplugins: [./mine.py]\nrewards:\n  - reward: mine.match\n    weight: 1.0\n", encoding="utf-8"
    )
    return tmp_path


# --------------------------------------------------------------------------- new-plugin


def test_new_plugin_writes_a_package_that_passes_its_own_tests(tmp_path):
    proc = run("new-plugin", "my-rewards", "--dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "my-rewards"
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.rewardkit]\nmy_rewards = "my_rewards"' in pyproject
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == {
        "pyproject.toml",
        "README.md",
        "my_rewards/__init__.py",
        "recipes/my_rewards.yaml",
        "recipes/my_rewards.cases.yaml",
        "tests/test_my_rewards.py",
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *RK_PATH])}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True, env=env
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    # 4 unit tests, 1 doctest, 3 golden cases (collected by rewardkit's pytest plugin)
    assert re.search(r"\b8 passed\b", tests.stdout), tests.stdout
    check = run("check", "recipes/my_rewards.yaml", cwd=root, env_extra={"PYTHONPATH": env["PYTHONPATH"]})
    assert check.returncode == 0, check.stderr


def test_new_plugin_refuses_bad_names_and_non_empty_folders(tmp_path):
    bad = run("new-plugin", "My Rewards", "--dir", str(tmp_path))
    assert bad.returncode == 2 and "is not a plugin name" in bad.stderr
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("x", encoding="utf-8")
    taken = run("new-plugin", "taken", "--dir", str(tmp_path))
    assert taken.returncode == 2 and "exists and is not empty" in taken.stderr
    assert (tmp_path / "taken" / "keep.txt").read_text(encoding="utf-8") == "x"


# --------------------------------------------------------------------------- rewards --plugin


def test_rewards_plugin_lists_a_local_files_rewards(mine):
    proc = run("rewards", "--plugin", "./mine.py", cwd=mine)
    assert proc.returncode == 0, proc.stderr
    assert "mine.match" in proc.stdout and "format.tags" not in proc.stdout


def test_rewards_json_shows_params_schema_with_markers(mine):
    proc = run("rewards", "mine.match", "--plugin", "./mine.py", "--json", cwd=mine)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["roles"] == {"reference": {"role": "column", "gold": True}, "hint": {"role": "column", "gold": False}}
    reference = info["params_schema"]["properties"]["reference"]
    assert reference["default"] == "target" and reference["x-rewardkit-role"] == {"role": "column", "gold": True}
    builtin = json.loads(run("rewards", "math.equivalence", "--json").stdout)
    assert builtin["roles"]["gold"] == {"role": "column", "gold": True}
    assert builtin["roles"]["locale"] == {"role": "locale"}


def test_rewards_table_shows_roles(mine):
    proc = run("rewards", "mine.match", "--plugin", "./mine.py", cwd=mine)
    assert proc.returncode == 0, proc.stderr
    assert "column (gold=True)" in proc.stdout


def test_rewards_plugin_that_registers_nothing_warns_on_stderr(tmp_path):
    (tmp_path / "empty.py").write_text(
        "def register_rewards(register):  # no @rewardkit.hookimpl\n    register('empty.x', object)\n", encoding="utf-8"
    )
    proc = run("rewards", "--plugin", "./empty.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "warning: plugin 'local:" in proc.stderr
    assert "register_rewards is not decorated with @rewardkit.hookimpl" in proc.stderr
    assert "registers no rewards" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_plugin_file_is_a_usage_error(tmp_path):
    proc = run("rewards", "--plugin", "./nowhere.py", cwd=tmp_path)
    assert proc.returncode == 2 and "not found" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- markers, not names


def test_check_dataset_finds_a_third_party_gold_column_by_its_marker(mine):
    (mine / "bad.jsonl").write_text('{"question": "1+1", "solution": "2"}\n', encoding="utf-8")
    proc = run("check", "recipe.yaml", "--dataset", "bad.jsonl", cwd=mine)
    assert proc.returncode == 2
    # a default: located at the entry (line 4)
    assert "recipe.yaml:4: rewards.0.params.reference: column 'target' is not in bad.jsonl" in proc.stderr
    assert "mine.match reads the gold answer from it" in proc.stderr
    assert "hint" not in proc.stderr  # `question` is there
    (mine / "good.jsonl").write_text('{"question": "1+1", "target": "2"}\n', encoding="utf-8")
    ok = run("check", "recipe.yaml", "--dataset", "good.jsonl", cwd=mine)
    assert ok.returncode == 0, ok.stderr
    assert "the columns the rewards read are present" in ok.stdout


def test_check_dataset_locates_a_written_param_and_reports_every_column(mine):
    (mine / "recipe2.yaml").write_text(
        "plugins: [./mine.py]\nrewards:\n  - reward: mine.match\n    params:\n      reference: answer\n"
        "      hint: prompt_text\n  - reward: math.equivalence\n",
        encoding="utf-8",
    )
    (mine / "data.jsonl").write_text('{"question": "q"}\n', encoding="utf-8")
    proc = run("check", "recipe2.yaml", "--dataset", "data.jsonl", cwd=mine)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert "recipe2.yaml:5: rewards.0.params.reference: column 'answer' is not in data.jsonl" in lines[0]
    assert "recipe2.yaml:6: rewards.0.params.hint: column 'prompt_text' is not in data.jsonl" in lines[1]
    assert "recipe2.yaml:7: rewards.1.params.gold: column 'solution' is not in data.jsonl" in lines[2]


def test_check_dataset_follows_wrapped_rewards(tmp_path):
    (tmp_path / "cos.yaml").write_text(
        "rewards:\n  - reward: shaping.cosine\n    params:\n      max_length: 100\n"
        "      reward: math.equivalence\n      params: {gold: answer}\n",
        encoding="utf-8",
    )
    (tmp_path / "data.jsonl").write_text('{"solution": "1"}\n', encoding="utf-8")
    proc = run("check", "cos.yaml", "--dataset", "data.jsonl", cwd=tmp_path)
    assert proc.returncode == 2
    assert "cos.yaml:6: rewards.0.params.params.gold: column 'answer' is not in data.jsonl" in proc.stderr


def test_probe_writes_the_gold_into_a_third_party_gold_column(mine, rewardkit_plugin):
    from rewardkit.plugins import import_local_plugin
    from rewardkit.probe import context_from_recipe, run_probes
    from rewardkit.recipe import load_recipe

    recipe = load_recipe(mine / "recipe.yaml")
    context = context_from_recipe(recipe)
    assert context.gold_column == "target"
    assert context.sample(context.honest()).columns["target"] == context.problem.gold
    report = run_probes(recipe, only=["wrong_answer_perfect_format"], kinds=["choice"])  # the toy reward matches text
    assert report.honest.total == 1.0 and not report.problems  # the honest answer found its gold
    assert report.probes[0].total == 0.0
    _, module = import_local_plugin("./mine.py", mine)
    assert module.MatchParams.model_fields["reference"].default == "target"


def test_probe_cli_on_a_third_party_recipe(mine):
    proc = run("probe", "recipe.yaml", "--json", "--only", "wrong_answer_perfect_format", "--kind", "choice", cwd=mine)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["honest"]["total"] == 1.0 and report["problems"] == []


# --------------------------------------------------------------------------- layout and imports


def test_help_is_lazy_and_probe_core_has_no_cli_imports():
    code = (
        "import sys; from rewardkit.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('rich', 'rewardkit.recipe', 'rewardkit.probe', 'rewardkit.cli.recipes', 'torch') "
        "if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
    code = "import sys, rewardkit.probe; print('click' in sys.modules, 'rich' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.split() == ["False", "False"], proc.stderr


def test_lazy_command_help_matches_the_commands():
    import importlib

    from rewardkit.cli.app import LAZY_COMMANDS, OPTIONAL_MODULES

    for name, (module, attr, short) in LAZY_COMMANDS.items():
        if module in OPTIONAL_MODULES:
            continue
        command = getattr(importlib.import_module(module), attr)
        assert command.name == name
        if name != "probe":  # probe's group line has always been shorter than its own help
            assert command.get_short_help_str(limit=200) == short, name


def test_probe_names_stay_importable():
    from rewardkit import Probe, ProbeContext
    from rewardkit.probe import Probe as P2
    from rewardkit.probe import ProbeContext as C2

    assert Probe is P2 and ProbeContext is C2


def test_example_plugin_is_small():
    path = ROOT / "examples" / "rewardkit-example" / "rewardkit_example" / "__init__.py"
    source = path.read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert len(lines) <= 20, f"{path.name}: {len(lines)} lines of Python (docstrings included); keep it at most 20"
    concepts = set(re.findall(r"rewardkit\.(\w+)", source))
    assert concepts <= {"RewardParams", "Reward", "Sample", "hookimpl"}, concepts  # + the register callback
