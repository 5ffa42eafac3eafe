"""Hostile plugins: each attack runs through the real CLI in a subprocess.

A plugin that exits, hangs, segfaults or raises while being imported is that plugin's failure (named,
exit 2 where a recipe needs it), never a silent exit 0, a hang or a crash of the command; a broken
installed entry point disables only its own rewards. Installed plugins are throwaway ``*.dist-info``
folders on PYTHONPATH (importlib.metadata finds them), so nothing is pip-installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rewardkit

ROOT = Path(rewardkit.__file__).resolve().parents[1]

ATTACKS = {
    "sys_exit": ("import sys\nsys.exit(0)\n", "it called sys.exit(0) while being imported"),
    "os_exit": ("import os\nos._exit(0)\n", "it ended the interpreter (os._exit(0)) while being imported"),
    "hang": ("while True:\n    pass\n", "its import did not finish within 1 s (REWARDKIT_PLUGIN_IMPORT_TIMEOUT)"),
    "segfault": ("import ctypes\nctypes.string_at(0)\n", "it crashed the interpreter (SIGSEGV) while being imported"),
    "raises": ("raise ImportError('needs numpy')\n", "ImportError: needs numpy"),
}

GOOD = """\
import rewardkit


class Always(rewardkit.Reward):
    \"\"\"Always 1.\"\"\"

    def score(self, sample):
        return 1.0


@rewardkit.hookimpl
def register_rewards(register):
    register("{family}.always", Always)
"""


def install(site: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """A throwaway installed distribution: ``entry_points`` name -> value, ``modules`` file name -> source."""
    info = site / f"{dist}-0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[rewardkit]\n{lines}")
    for name, source in modules.items():
        (site / name).write_text(source)


def rk(*args: str, cwd: Path, site: Path | None = None, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    path = [str(site)] if site else []
    full_env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([*path, str(ROOT), str(ROOT / "plugins")]),
        "XDG_CACHE_HOME": str(cwd / ".cache"),
        "REWARDKIT_PLUGIN_IMPORT_TIMEOUT": "1",
        **env,
    }
    full_env.pop("REWARDKIT_PLUGINS", None)
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "rewardkit.cli", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )


def recipe(path: Path, reward: str, plugins: list[str] | None = None) -> Path:
    head = f"plugins: {json.dumps(plugins)}\n" if plugins else ""
    path.write_text(f"name: t\n{head}rewards:\n  - reward: {reward}\n    weight: 1.0\n")
    return path


# --------------------------------------------------------------------------- 1. exit, hang, crash at import


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_recipe_local_plugin_that_attacks_at_import_fails_check_with_its_name(tmp_path, attack):
    source, reason = ATTACKS[attack]
    (tmp_path / f"{attack}.py").write_text(source)
    recipe(tmp_path / "r.yaml", f"{attack}.always", [f"./{attack}.py"])
    proc = rk("check", "r.yaml", cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert f"r.yaml:2: plugins.0: plugin file '{tmp_path / attack}.py' failed to import: {reason}" in proc.stderr
    assert f"r.yaml:4: rewards.0.reward: unknown reward '{attack}.always' (plugin " in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_installed_plugin_that_attacks_at_import_is_named_and_disabled(tmp_path, attack):
    source, reason = ATTACKS[attack]
    site = tmp_path / "site"
    install(site, "bad", {attack: f"bad_{attack}"}, {f"bad_{attack}.py": source})
    uses_it = recipe(tmp_path / "uses.yaml", f"{attack}.always")
    proc = rk("check", uses_it.name, cwd=tmp_path, site=site)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert (
        f"uses.yaml:3: rewards.0.reward: unknown reward '{attack}.always' "
        f"(plugin '{attack}' (entry point bad_{attack}) failed to load: {reason})"
    ) in proc.stderr
    # a recipe that does not use it still passes, with one warning naming the plugin
    proc = rk("check", recipe(tmp_path / "ok.yaml", "format.tags").name, cwd=tmp_path, site=site)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: plugin '{attack}' (entry point bad_{attack}) failed to load: {reason}; its rewards are disabled"
    ]


# --------------------------------------------------------------------------- 2. one broken entry point


@pytest.fixture
def broken_site(tmp_path):
    site = tmp_path / "site"
    install(
        site,
        "mixed",
        {"good": "good_plugin", "broken": "broken_plugin", "typo": "typo_plugin", "hookraise": "hookraise_plugin"},
        {
            "good_plugin.py": GOOD.format(family="good"),
            "broken_plugin.py": "import os\nos._exit(3)\n",
            "typo_plugin.py": "import rewardkit\n\n@rewardkit.hookimpl\ndef register_reward(register):\n    pass\n",
            "hookraise_plugin.py": "import rewardkit\n\n@rewardkit.hookimpl\ndef register_rewards(register):\n    1 / 0\n",
        },
    )
    return site


def test_a_broken_entry_point_leaves_every_command_working(tmp_path, broken_site):
    proc = rk("plugins", "--json", cwd=tmp_path, site=broken_site)
    assert proc.returncode == 0, proc.stderr
    rows = {row["name"]: row for row in json.loads(proc.stdout)}
    assert rows["good"]["rewards"] == ["good.always"] and rows["good"]["error"] is None
    assert rows["broken"]["error"] == "it ended the interpreter (os._exit(3)) while being imported"
    assert "'register_reward' is not a rewardkit hook" in rows["typo"]["error"]
    assert rows["hookraise"]["error"] == "its hook raised ZeroDivisionError: division by zero"
    for name in ("broken", "typo", "hookraise"):  # each reported once
        assert sum(line.startswith(f"warning: plugin '{name}'") for line in proc.stderr.splitlines()) == 1

    proc = rk("rewards", "good.always", "--json", cwd=tmp_path, site=broken_site)
    assert proc.returncode == 0 and json.loads(proc.stdout)["plugin"] == "good"
    proc = rk("check", recipe(tmp_path / "good.yaml", "good.always").name, cwd=tmp_path, site=broken_site)
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "rows.jsonl").write_text('{"completion": "x"}\n')
    proc = rk("score", "good.yaml", "rows.jsonl", "--format", "jsonl", cwd=tmp_path, site=broken_site)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rewards"] == {"good.always": 1.0}


def test_a_recipe_using_a_reward_of_a_broken_hook_gets_a_located_error(tmp_path, broken_site):
    proc = rk("check", recipe(tmp_path / "r.yaml", "hookraise.x").name, cwd=tmp_path, site=broken_site)
    assert proc.returncode == 2
    assert (
        "r.yaml:3: rewards.0.reward: unknown reward 'hookraise.x' (plugin 'hookraise' (module hookraise_plugin) "
        "failed to load: its hook raised ZeroDivisionError: division by zero)"
    ) in proc.stderr


def test_a_plugin_printing_at_import_does_not_corrupt_json(tmp_path):
    site = tmp_path / "site"
    install(site, "chatty", {"chatty": "chatty"}, {"chatty.py": 'print("hello from chatty")\n' + GOOD.format(family="chatty")})
    proc = rk("rewards", "chatty.always", "--json", cwd=tmp_path, site=site)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["name"] == "chatty.always"
    assert "hello from chatty" in proc.stderr


# --------------------------------------------------------------------------- 3. installed and listed / registered


def test_dotted_recipe_plugin_naming_an_installed_plugin_package(tmp_path):
    site = tmp_path / "site"
    install(site, "pkgplug", {"pkgplug": "pkgplug.rewards"}, {})
    (site / "pkgplug").mkdir()
    (site / "pkgplug" / "rewards.py").write_text(GOOD.format(family="pkgplug"))
    (site / "pkgplug" / "__init__.py").write_text("from pkgplug.rewards import register_rewards  # noqa\n")
    for listed in ("pkgplug", "pkgplug.rewards"):
        proc = rk("check", recipe(tmp_path / "r.yaml", "pkgplug.always", [listed]).name, cwd=tmp_path, site=site)
        assert proc.returncode == 0, (listed, proc.stderr)
        assert "already registered" not in proc.stderr and "registered twice" not in proc.stderr


def test_the_plugin_tutorial_passes_while_its_package_is_installed(tmp_path):
    """`new-plugin` + its entry point installed: the package's own tests register it with the fixture."""
    proc = rk("new-plugin", "my-rewards", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    project = tmp_path / "my-rewards"
    site = tmp_path / "site"
    install(site, "my_rewards", {"my_rewards": "my_rewards"}, {})
    (project / "tests" / "test_zz_still_installed.py").write_text(
        textwrap.dedent(
            """
            import rewardkit

            def test_registered_again_under_the_entry_point_name(rewardkit_plugin):
                import my_rewards
                rewardkit_plugin(my_rewards, name="my_rewards")

            def test_still_registered_after_the_fixture_tore_down():
                assert "my_rewards.contains_answer" in rewardkit.get_registry().rewards
            """
        )
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(project), str(site), str(ROOT), str(ROOT / "plugins")]),
        "XDG_CACHE_HOME": str(tmp_path / ".cache"),
    }
    env.pop("REWARDKIT_PLUGINS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- the verdict cache


def test_the_cache_never_vouches_for_a_changed_plugin_file(tmp_path):
    plugin = tmp_path / "mine.py"
    plugin.write_text(GOOD.format(family="mine"))
    recipe(tmp_path / "r.yaml", "mine.always", ["./mine.py"])
    assert rk("check", "r.yaml", cwd=tmp_path).returncode == 0
    assert list((tmp_path / ".cache" / "rewardkit" / "plugin-imports").glob("*.ok"))  # the clean verdict is cached
    assert rk("check", "r.yaml", cwd=tmp_path).returncode == 0
    plugin.write_text("import os\nos._exit(0)\n" + GOOD.format(family="mine"))
    proc = rk("check", "r.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "it ended the interpreter (os._exit(0)) while being imported" in proc.stderr


def test_timeout_zero_imports_directly_and_still_catches_sys_exit(tmp_path):
    (tmp_path / "bye.py").write_text("import sys\nsys.exit(0)\n")
    recipe(tmp_path / "r.yaml", "bye.always", ["./bye.py"])
    proc = rk("check", "r.yaml", cwd=tmp_path, REWARDKIT_PLUGIN_IMPORT_TIMEOUT="0")
    assert proc.returncode == 2
    assert "failed to import: it called sys.exit(0) while being imported" in proc.stderr
