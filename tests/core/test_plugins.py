"""Plugin manager and registry: built-ins, entry points, allowlist, hook validation, names."""

import pickle
import types

import pluggy
import pytest
from pydantic import ValidationError

import rewardkit
from rewardkit import plugins
from rewardkit.plugins import PluginLoadError, get_registry
from rewardkit.registry import Registry, RegistryError, UnknownNameError


@pytest.fixture
def fresh_manager(monkeypatch):
    """A plugin manager rebuilt under the test's REWARDKIT_PLUGINS, restored afterwards."""
    plugins.reset()
    yield monkeypatch
    plugins.reset()


def test_builtins_register_through_the_same_hook():
    registry = get_registry()
    assert {"format.tags", "format.tag_count", "format.guard"} <= set(registry.rewards)
    assert registry.reward("format.tags").plugin == "rewardkit_format"


def test_example_plugin_discovered_by_entry_point(fresh_manager):
    fresh_manager.setenv("REWARDKIT_PLUGINS", "example")
    registry = get_registry()
    spec = registry.reward("example.thanks")
    assert spec.plugin == "example"
    reward = spec.build({"phrases": ["cảm ơn"]})
    assert reward(completions=["Đáp án: 5. Cảm ơn!", "Đáp án: 5."]) == [1.0, 0.0]


def test_allowlist_excludes_unlisted_entry_points(fresh_manager):
    fresh_manager.setenv("REWARDKIT_PLUGINS", "")
    assert "example.thanks" not in get_registry().rewards
    assert "format.tags" in get_registry().rewards  # built-ins always load


def test_unset_allowlist_loads_every_entry_point(fresh_manager):
    fresh_manager.delenv("REWARDKIT_PLUGINS")
    assert "example.thanks" in get_registry().rewards


def test_misspelled_hook_fails_loudly(rewardkit_plugin):
    class Typo:
        @rewardkit.hookimpl
        def register_reward(self, register):  # missing the final "s"
            register("typo.x", rewardkit.Reward)

    with pytest.raises(PluginLoadError, match=r"'register_reward' is not a rewardkit hook; did you mean 'register_rewards'"):
        rewardkit_plugin(Typo(), name="typo")
    plugins.unregister_plugin("typo")


def test_hook_register_rewards_attributes_plugin(rewardkit_plugin):
    class Mine:
        @rewardkit.hookimpl
        def register_rewards(self, register):
            register("mine.one", Constant)

    rewardkit_plugin(Mine(), name="mine")
    spec = get_registry().reward("mine.one")
    assert spec.plugin == "mine"
    assert spec.summary == "Always 0.5."
    assert spec.build()(completions=["a", "b"]) == [0.5, 0.5]


def test_hook_register_extractors_collects_by_name(rewardkit_plugin):
    def extractor(text):
        return []

    class Mine:
        @rewardkit.hookimpl
        def register_extractors(self, register):
            register("mine_last_word", extractor, doc="Last word.")

    rewardkit_plugin(Mine(), name="mine2")
    registry = get_registry()
    assert registry.extractor("mine_last_word").obj is extractor
    assert registry.extractor("mine_last_word").plugin == "mine2"
    with pytest.raises(UnknownNameError, match="did you mean 'mine_last_word'"):
        registry.extractor("mine_last_wrd")


def test_hook_register_probes_collects_by_name(rewardkit_plugin):
    probe = object()

    class Mine:
        @rewardkit.hookimpl
        def register_probes(self, register):
            register("mine_probe", probe, doc="A probe.")

    rewardkit_plugin(Mine(), name="mine3")
    spec = get_registry().probe("mine_probe")
    assert spec.obj is probe and spec.plugin == "mine3" and spec.doc == "A probe."


class Constant(rewardkit.Reward):
    """Always 0.5."""

    def score(self, sample):
        return 0.5


def _manager_with(*objs):
    pm = pluggy.PluginManager("rewardkit")
    pm.add_hookspecs(rewardkit.hookspecs)
    for i, obj in enumerate(objs):
        pm.register(obj, name=f"p{i}")
    return pm


def _plugin(name, factory, params=None):
    module = types.ModuleType(f"plug_{name.replace('.', '_')}")

    @rewardkit.hookimpl
    def register_rewards(register):
        register(name, factory, params)

    module.register_rewards = register_rewards
    return module


def test_duplicate_reward_names_are_a_clear_error():
    pm = _manager_with(_plugin("dup.x", Constant), _plugin("dup.x", Constant))
    with pytest.raises(RegistryError, match=r"'dup.x' is registered twice: by plugin 'p0' and by plugin 'p1'"):
        Registry.collect(pm)


@pytest.mark.parametrize("bad", ["NoFamily", "Upper.Case", "spaces here.x", "trailing."])
def test_bad_reward_names_rejected(bad):
    with pytest.raises(RegistryError, match=r"names are '<family>\.<name>'"):
        Registry.collect(_manager_with(_plugin(bad, Constant)))


def test_params_model_must_be_rewardparams():
    from pydantic import BaseModel

    class Loose(BaseModel):
        x: int = 1

    with pytest.raises(RegistryError, match=r"must derive from rewardkit\.RewardParams"):
        Registry.collect(_manager_with(_plugin("loose.x", Constant, Loose)))


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownNameError) as info:
        get_registry().reward("format.tag")
    assert "did you mean 'format.tags'" in str(info.value)


def test_plain_trl_function_can_be_registered_and_pickled():
    def ends_with_bang(completions, **kwargs):
        return [float(c.endswith("!")) for c in completions]

    registry = Registry.collect(_manager_with(_plugin("trl.bang", ends_with_bang)))
    reward = registry.reward("trl.bang").build()
    assert reward(completions=["hi!", "hi"]) == [1.0, 0.0]


def test_builtin_rewards_are_picklable():
    registry = get_registry()
    for name, spec in registry.rewards.items():
        try:
            reward = spec.build()
        except ValidationError:  # rewards with required params are covered by their own tests
            continue
        clone = pickle.loads(pickle.dumps(reward))
        assert type(clone) is type(reward), name


# --------------------------------------------------------------------------- a new author's mistakes


def test_misspelled_hook_suggests_the_real_name(rewardkit_plugin):
    class Typo:
        @rewardkit.hookimpl
        def register_probe(self, register):
            pass

    with pytest.raises(
        PluginLoadError, match=r"plugin 'typo2': 'register_probe' is not a rewardkit hook; did you mean 'register_probes'\?"
    ):
        rewardkit_plugin(Typo(), name="typo2")
    assert plugins.get_plugin_manager().get_plugin("typo2") is None  # not left half-registered


def test_plugin_that_registers_nothing_warns(rewardkit_plugin):
    class Silent:
        @rewardkit.hookimpl
        def register_rewards(self, register):
            pass

    rewardkit_plugin(Silent(), name="silent")
    with pytest.warns(plugins.PluginWarning, match="plugin 'silent' registers nothing: its hooks never call register"):
        get_registry()


def test_plugin_without_hookimpl_marker_warns(rewardkit_plugin):
    module = types.ModuleType("unmarked")

    def register_rewards(register):
        register("unmarked.x", Constant)

    module.register_rewards = register_rewards
    rewardkit_plugin(module, name="unmarked")
    with pytest.warns(plugins.PluginWarning, match="register_rewards is not decorated with @rewardkit.hookimpl"):
        get_registry()
    assert "unmarked.x" not in get_registry().rewards


def test_plugin_with_no_hooks_at_all_warns(rewardkit_plugin):
    rewardkit_plugin(types.ModuleType("bare"), name="bare")
    with pytest.warns(plugins.PluginWarning, match="'bare' registers nothing: it has no hook implementation"):
        get_registry()


def test_allowlist_name_without_entry_point_warns(fresh_manager):
    fresh_manager.setenv("REWARDKIT_PLUGINS", "exampel")
    with pytest.warns(plugins.PluginWarning, match=r"REWARDKIT_PLUGINS names 'exampel'.*did you mean 'example'\?"):
        registry = get_registry()
    assert "example.thanks" not in registry.rewards


def test_allowlist_warning_reaches_the_cli_stderr():
    import os
    import subprocess
    import sys

    env = {**os.environ, "REWARDKIT_PLUGINS": "example,nonesuch"}
    proc = subprocess.run([sys.executable, "-m", "rewardkit.cli", "plugins", "--json"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("warning: REWARDKIT_PLUGINS names 'nonesuch'")
    assert [p["name"] for p in __import__("json").loads(proc.stdout)] == ["example"]


def test_a_plugin_registered_twice_under_two_names_is_kept_once(rewardkit_plugin):
    class Mine:
        @rewardkit.hookimpl
        def register_rewards(self, register):
            register("twice.one", Constant)

    plugin = Mine()
    rewardkit_plugin(plugin, name="first")
    rewardkit_plugin(plugin, name="second")  # an installed package that a recipe also lists
    assert get_registry().reward("twice.one").plugin == "first"
