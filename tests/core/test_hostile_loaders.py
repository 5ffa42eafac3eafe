"""Hostile recipes and case files: every attack ends in a located `file:line: message` (exit 2 via the CLI),
never a traceback, a hang or gigabytes of memory. Limits: rewardkit.yamlsource (MAX_ALIASES, MAX_ALIAS_NODES,
MAX_DEPTH, MAX_RECIPE_BYTES)."""

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rewardkit import yamlsource
from rewardkit.cases import CaseFileError, load_case_file, run_case_file
from rewardkit.recipe import RecipeError, load_recipe, loads_recipe
from rewardkit.yamlsource import MAX_ALIASES, MAX_DEPTH, MAX_NODES, Where, YamlSyntaxError, parse_located, read_capped

TOY = Path(__file__).with_name("toy_rewards.py")
GOOD = f"plugins: [{TOY}]\nrewards:\n  - {{reward: toy.length, weight: 1}}\n"

# "Billion laughs": nine levels of nine aliases each, 10^9 strings once expanded, in under 400 bytes.
BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(97 + i)}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 9)}]\n" for i in range(1, 9))
    + "rewards: [*i]\n"
)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def issues_of(path: Path, **kwargs) -> list[str]:
    with pytest.raises(RecipeError) as info:
        load_recipe(path, **kwargs)
    return [str(issue) for issue in info.value.issues]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # The timeout only guards the test run against a regression that hangs (a FIFO, a bomb); it asserts nothing.
    return subprocess.run([sys.executable, "-m", "rewardkit.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def assert_located_exit_2(proc: subprocess.CompletedProcess, first_line: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.strip().splitlines()[0] == first_line, proc.stderr


# 1. Aliases --------------------------------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_the_alias_that_overflows(tmp_path: Path) -> None:
    assert len(BOMB) < 400
    path = write(tmp_path / "r.yaml", BOMB)
    assert issues_of(path) == [
        f"{path}:5: YAML aliases expand to more than 10000 values: aliases are for small reuse, not expansion"
    ]


def test_billion_laughs_via_cli_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "r.yaml", BOMB)
    proc = cli("check", "r.yaml", cwd=tmp_path)
    assert_located_exit_2(
        proc, "r.yaml:5: YAML aliases expand to more than 10000 values: aliases are for small reuse, not expansion"
    )


def test_too_many_alias_uses(tmp_path: Path) -> None:
    uses = "\n".join("  - *w" for _ in range(MAX_ALIASES + 1))
    path = write(tmp_path / "r.yaml", f"x: &w 1\nrewards:\n{uses}\n")
    assert issues_of(path) == [
        f"{path}:{MAX_ALIASES + 3}: too many YAML aliases (limit 100): aliases are for small reuse, not expansion"
    ]


def test_alias_inside_its_own_anchor(tmp_path: Path) -> None:
    path = write(tmp_path / "r.yaml", "rewards: &r\n  - *r\n")
    assert issues_of(path) == [f"{path}:2: YAML alias *r refers to a node that contains it"]


def test_bomb_in_an_extends_parent(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BOMB)
    path = write(tmp_path / "r.yaml", "extends: base.yaml\n" + GOOD)
    assert issues_of(path) == [
        f"{tmp_path / 'base.yaml'}:5: YAML aliases expand to more than 10000 values: aliases are for small reuse, not expansion"
    ]


def test_bomb_in_a_set_override(tmp_path: Path) -> None:
    path = write(tmp_path / "r.yaml", GOOD)
    bomb = "{" + BOMB.replace("\n", ", ").rstrip(", ") + "}"
    with pytest.raises(RecipeError) as info:
        load_recipe(path, [f"engine.x={bomb}"])
    assert [str(i) for i in info.value.issues] == [
        "--set:1: engine.x=" + bomb + ": cannot read value: YAML aliases expand to more than 10000 values: "
        "aliases are for small reuse, not expansion"
    ]


def test_benign_anchors_and_merge_keys_keep_working(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.yaml",
        f"""\
        plugins: [{TOY}]
        rewards:
          - &contains
            reward: toy.contains
            weight: 0.5
            params: &p {{word: x}}
          - <<: *contains
            id: second
            weight: 0.25
          - {{id: third, reward: toy.contains, params: *p}}
          - <<: [{{id: fourth}}, *contains]
        """,
    )
    recipe = load_recipe(path)
    assert [(n.key, n.weight, n.params) for n in recipe.rewards] == [
        ("toy.contains", 0.5, {"word": "x"}),
        ("second", 0.25, {"word": "x"}),
        ("third", 1.0, {"word": "x"}),
        ("fourth", 0.5, {"word": "x"}),
    ]


def test_merge_keys_nest_and_explicit_keys_win() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {<<: *a, y: 2, z: 2}\nc: {<<: [*b, {w: 3, x: 3}], z: 4}\n"
    located = parse_located(text, "m.yaml")
    assert located.data["c"] == {"x": 1, "y": 2, "z": 4, "w": 3}
    assert located.where(("c", "x")) == Where("m.yaml", 1)
    assert located.where(("c", "z")) == Where("m.yaml", 3)
    with pytest.raises(YamlSyntaxError, match="duplicate key 'x'"):
        parse_located("{<<: {x: 1}, x: 2, x: 3}", "m.yaml")


def test_an_error_in_merged_keys_points_at_the_anchor(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.yaml",
        f"""\
        plugins: [{TOY}]
        rewards:
          - &c {{reward: toy.contains, params: {{word: x, valeu: 2}}}}
          - <<: *c
            id: again
        """,
    )
    assert issues_of(path) == [
        f"{path}:3: rewards.0.params.valeu: unknown key 'valeu'; did you mean 'value'?",
        f"{path}:3: rewards.1.params.valeu: unknown key 'valeu'; did you mean 'value'?",
    ]


def test_a_merge_key_needs_mappings(tmp_path: Path) -> None:
    path = write(tmp_path / "r.yaml", "rewards:\n  - <<: 3\n    reward: toy.length\n")
    assert issues_of(path) == [f"{path}:2: a YAML merge key (<<) takes a mapping or a list of mappings, e.g. `<<: *base`"]


# 2. Files that are not regular files -------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").symlink_to("/dev/zero")
    assert issues_of(tmp_path / "r.yaml") == [f"{tmp_path / 'r.yaml'}:1: not a regular file (a character device)"]
    assert issues_of(Path("/dev/zero")) == ["/dev/zero:1: not a regular file (a character device)"]
    proc = cli("check", "r.yaml", cwd=tmp_path)
    assert_located_exit_2(proc, "r.yaml:1: not a regular file (a character device)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_recipe_and_parent_do_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    write(tmp_path / "r.yaml", "extends: pipe.yaml\n" + GOOD)
    proc = cli("check", "pipe.yaml", cwd=tmp_path)
    assert_located_exit_2(proc, "pipe.yaml:1: not a regular file (a FIFO)")
    proc = cli("check", "r.yaml", cwd=tmp_path)
    assert_located_exit_2(proc, "r.yaml:1: extends: pipe.yaml: not a regular file (a FIFO)")


def test_directory_and_socket(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    assert issues_of(tmp_path / "dir.yaml") == [f"{tmp_path / 'dir.yaml'}:1: not a regular file (a directory)"]
    path = write(tmp_path / "r.yaml", "extends: dir.yaml\n" + GOOD)
    assert issues_of(path) == [f"{path}:1: extends: {tmp_path / 'dir.yaml'}: not a regular file (a directory)"]
    if hasattr(socket, "AF_UNIX"):
        sock = socket.socket(socket.AF_UNIX)
        short = Path(os.path.relpath(tmp_path / "s.yaml"))  # AF_UNIX paths are short
        try:
            sock.bind(str(short))
        except OSError:
            pytest.skip("cannot bind a unix socket here")
        try:
            assert issues_of(short) == [f"{short}:1: not a regular file (a socket)"]
        finally:
            sock.close()


def test_a_symlink_to_a_regular_file_is_fine(tmp_path: Path) -> None:
    write(tmp_path / "real.yaml", GOOD)
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    write(tmp_path / "child.yaml", "extends: link.yaml\n")
    assert load_recipe(tmp_path / "link.yaml").ids == ["toy.length"]
    assert load_recipe(tmp_path / "child.yaml").ids == ["toy.length"]


def test_symlink_loops_in_extends_and_plugins(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    (tmp_path / "p.py").symlink_to("p.py")
    path = write(tmp_path / "r.yaml", "extends: a.yaml\n" + GOOD)
    assert issues_of(path) == [f"{path}:1: extends: a.yaml: symlink loop"]
    path = write(tmp_path / "r.yaml", "plugins: [./p.py]\nrewards: [{reward: toy.length}]\n")
    assert issues_of(path) == [f"{path}:1: plugins.0: ./p.py: symlink loop"]
    proc = cli("check", "r.yaml", cwd=tmp_path)
    assert_located_exit_2(proc, "r.yaml:1: plugins.0: ./p.py: symlink loop")
    proc = cli("check", "a.yaml", cwd=tmp_path)
    assert_located_exit_2(proc, "a.yaml:1: recipe: symlink loop")


def test_size_cap_before_and_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:  # sparse: 3 MB without writing them
        f.truncate(3_000_000)
    assert issues_of(big) == [f"{big}:1: file is larger than 2000000 bytes"]
    small = write(tmp_path / "small.yaml", "x" * 100)
    where = Where("small.yaml", 1)
    assert read_capped(small, where, limit=100) == b"x" * 100
    with pytest.raises(YamlSyntaxError, match="file is larger than 99 bytes"):
        read_capped(small, where, limit=99)


# 3. Shapes that crashed the parser ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("rewards: " + "[" * 1000 + "]" * 1000 + "\n", 1),
        ("rewards: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n", 1),
        ("".join(" " * i + f"k{i}:\n" for i in range(1000)), MAX_DEPTH),
        ("".join(" " * i + "-\n" for i in range(1000)), MAX_DEPTH + 1),
    ],
    ids=["flow-list", "flow-map", "block-map", "block-list"],
)
def test_deep_nesting(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path / "r.yaml", text)
    assert issues_of(path) == [f"{path}:{line}: nested too deeply (limit 50 levels)"]


def test_too_many_values(tmp_path: Path) -> None:
    # 1.2 MB of `1,` is within the size cap; parsing 600,000 values would take half a minute.
    path = write(tmp_path / "r.yaml", "rewards: [" + ",".join(["1"] * 600_000) + "]\n")
    assert MAX_NODES == 50_000
    assert issues_of(path) == [f"{path}:1: too many YAML values (limit 50000): recipes and case files are small"]


def test_deep_nesting_via_cli(tmp_path: Path) -> None:
    write(tmp_path / "r.yaml", "rewards: " + "[" * 1000 + "]" * 1000 + "\n")
    assert_located_exit_2(cli("check", "r.yaml", cwd=tmp_path), "r.yaml:1: nested too deeply (limit 50 levels)")


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "rewards:\n  - reward: x\n    params: {!!python/object:os.system a: 1}\n",
            "3: unsupported YAML tag !!python/object:os.system",
        ),
        ("rewards:\n  ? !foo a\n  : 1\n", "2: unsupported YAML tag !foo"),
        ("rewards:\n  - params:\n      ? [a, b]\n      : 1\n", "3: mapping keys must be plain scalars, got a list"),
        ("rewards:\n  - params:\n      ? {a: 1}\n      : 1\n", "3: mapping keys must be plain scalars, got a mapping"),
        ("rewards:\n  - params:\n      ? null\n      : 1\n", "3: mapping keys must be plain scalars, got None"),
        ("rewards: !!python/object/apply:os.system [echo hi]\n", "1: unsupported YAML tag !!python/object/apply:os.system"),
        ("rewards:\n  - !!python/name:os.system x\n", "2: unsupported YAML tag !!python/name:os.system"),
        ("rewards: !!set {a, b}\n", "1: unsupported YAML tag !!set on a mapping"),
    ],
    ids=["python-tag-key", "unknown-tag-key", "list-key", "mapping-key", "null-key", "python-apply", "python-name", "set"],
)
def test_tags_and_keys(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = write(tmp_path / "r.yaml", yaml_text)
    assert issues_of(path) == [f"{path}:{message}"]


def test_tagged_key_via_cli(tmp_path: Path) -> None:
    write(tmp_path / "r.yaml", "rewards:\n  - reward: x\n    params: {!!python/object:os.system a: 1}\n")
    assert_located_exit_2(cli("check", "r.yaml", cwd=tmp_path), "r.yaml:3: unsupported YAML tag !!python/object:os.system")


def test_not_utf8_and_nul_byte(tmp_path: Path) -> None:
    latin = write(tmp_path / "latin.yaml", b"name: x\nrewards:\n  - reward: caf\xe9\n")
    assert issues_of(latin) == [f"{latin}:3: file is not UTF-8 (byte 0xe9)"]
    nul = write(tmp_path / "nul.yaml", b"name: x\nrewards:\n  - reward: a\x00b\n")
    assert issues_of(nul) == [f"{nul}:3: a NUL byte is not allowed in YAML"]
    with pytest.raises(RecipeError, match=r"^<recipe>:2: a NUL byte is not allowed in YAML$"):
        loads_recipe("name: x\nrewards: [\x00]\n")
    assert_located_exit_2(cli("check", "nul.yaml", cwd=tmp_path), "nul.yaml:3: a NUL byte is not allowed in YAML")
    assert_located_exit_2(cli("check", "latin.yaml", cwd=tmp_path), "latin.yaml:3: file is not UTF-8 (byte 0xe9)")


def test_parse_located_limits_hold_for_text() -> None:
    with pytest.raises(YamlSyntaxError, match="too many YAML aliases"):
        parse_located("a: &a 1\nb: [" + ", ".join(["*a"] * (yamlsource.MAX_ALIASES + 1)) + "]\n", "t.yaml")


# 4. Case files -----------------------------------------------------------------------------------------------


def case_file(tmp_path: Path, cases: str | bytes, name: str = "t.cases.yaml") -> Path:
    write(tmp_path / "r.yaml", f"plugins: [{TOY}]\nrewards:\n  - {{reward: toy.contains, params: {{word: hit}}}}\n")
    if isinstance(cases, bytes):
        return write(tmp_path / name, b"recipe: r.yaml\n" + cases)
    return write(tmp_path / name, "recipe: r.yaml\n" + textwrap.dedent(cases))


def case_issues(path: Path) -> list[str]:
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    return [str(i) for i in info.value.issues]


def test_case_file_bomb_depth_tags_and_bytes(tmp_path: Path) -> None:
    path = case_file(tmp_path, BOMB.replace("rewards:", "cases:"))
    assert case_issues(path) == [
        f"{path}:6: YAML aliases expand to more than 10000 values: aliases are for small reuse, not expansion"
    ]
    path = case_file(tmp_path, "cases: " + "[" * 1000 + "]" * 1000 + "\n")
    assert case_issues(path) == [f"{path}:2: nested too deeply (limit 50 levels)"]
    path = case_file(tmp_path, "cases:\n  - {name: x, !!python/object:os.system a: 1}\n")
    assert case_issues(path) == [f"{path}:3: unsupported YAML tag !!python/object:os.system"]
    path = case_file(tmp_path, b"cases:\n  - name: \x00\n")
    assert case_issues(path) == [f"{path}:3: a NUL byte is not allowed in YAML"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_case_file_fifo_via_cli(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.cases.yaml")
    proc = cli("test", "p.cases.yaml", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "p.cases.yaml:1: not a regular file (a FIFO)" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_case_names_and_expectations_of_the_wrong_type(tmp_path: Path) -> None:
    path = case_file(
        tmp_path,
        """\
        cases:
          - name: {a: 1}
            completion: hit
            expect: {toy.contains: [1, 2]}
          - name: 7
            completion: [1, 2]
            expect: {toy.contains: {a: 1}}
          - name: ok
            completion: hit
            columns: {1: x}
            completion_ids: "abc"
            step: true
            expect: {toy.contains: .nan}
        """,
    )
    assert case_issues(path) == [
        f"{path}:3: cases.0.name: each case needs a `name:` (a string), got a mapping",
        f"{path}:5: cases.0.expect.toy.contains: an expectation must be a number, null or a string, got a list: "
        "use a number, null, '>= x', '< x', '== x', '!= x', '~ x' or ok/skip/error:<kind>",
        f"{path}:7: cases.1.completion: `completion:` must be a string or a list of messages {{role, content}}",
        f"{path}:8: cases.1.expect.toy.contains: an expectation must be a number, null or a string, got a mapping: "
        "use a number, null, '>= x', '< x', '== x', '!= x', '~ x' or ok/skip/error:<kind>",
        f"{path}:14: cases.2.expect.toy.contains: cannot read expectation nan: "
        "use a number, null, '>= x', '< x', '== x', '!= x', '~ x' or ok/skip/error:<kind>",
        f"{path}:11: cases.2.columns: `columns:` must be a mapping of column name (a string) to value",
        f"{path}:12: cases.2.completion_ids: `completion_ids:` must be a list of integer token ids",
        f"{path}:13: cases.2.step: `step:` must be a non-negative integer",
    ]


def test_case_failures_show_the_details(tmp_path: Path) -> None:
    path = case_file(tmp_path, "cases:\n  - {name: miss, completion: nope, expect: {toy.contains: 1.0, total: '>= 1'}}\n")
    (result,) = run_case_file(load_case_file(path))
    assert result.failures == [
        "toy.contains: expected 1.0, got 0 [reason='missing']",
        "total: expected >= 1, got 0 (toy.contains=0 [reason='missing'])",
    ]


# 5. Every error of a file at once ----------------------------------------------------------------------------


BAD_PARAM_AND_TRAIN = f"""\
plugins: [{TOY}]
rewards:
  - {{reward: toy.contains, params: {{word: x, valeu: 2}}}}
train:
  lerning_rate: 1.0
  grpo: {{lerning_rate: 1.0, max_steps: 2}}
"""


def test_bad_param_and_bad_train_key_in_one_report(tmp_path: Path) -> None:
    from rewardkit.train.config import TrainSettings

    path = write(tmp_path / "r.yaml", BAD_PARAM_AND_TRAIN)
    issues = issues_of(path, sections={"train": TrainSettings})
    assert f"{path}:3: rewards.0.params.valeu: unknown key 'valeu'; did you mean 'value'?" in issues
    assert any(i.startswith(f"{path}:5: train.lerning_rate: unknown key 'lerning_rate'") for i in issues), issues


def test_section_checks_report_with_every_other_error(tmp_path: Path) -> None:
    """train.grpo keys are checked against TRL's GRPOConfig by a section check; its errors come in the same run."""
    from rewardkit.train.config import TrainSettings

    def grpo_keys(settings: TrainSettings):
        return [(("train", "grpo", k), f"unknown GRPOConfig key {k!r}") for k in settings.grpo if k not in {"max_steps"}]

    path = write(tmp_path / "r.yaml", BAD_PARAM_AND_TRAIN.replace("  lerning_rate: 1.0\n", ""))
    assert issues_of(path, sections={"train": TrainSettings}, section_checks={"train": grpo_keys}) == [
        f"{path}:3: rewards.0.params.valeu: unknown key 'valeu'; did you mean 'value'?",
        f"{path}:5: train.grpo.lerning_rate: unknown GRPOConfig key 'lerning_rate'",
    ]

    def needs_trl(settings: TrainSettings):
        raise ImportError("trl")

    assert issues_of(path, sections={"train": TrainSettings}, section_checks={"train": needs_trl}) == [
        f"{path}:3: rewards.0.params.valeu: unknown key 'valeu'; did you mean 'value'?"
    ]
    with pytest.raises(ValueError, match="unknown recipe section"):
        load_recipe(path, section_checks={"nope": needs_trl})
