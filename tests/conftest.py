"""Suite-wide setup: third-party plugins installed in the environment must not leak into tests.

Tests that exercise entry-point discovery set REWARDKIT_PLUGINS themselves and reset the manager.
"""

import os

import pytest

os.environ["REWARDKIT_PLUGINS"] = ""
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(autouse=True)
def _fresh_plugin_manager():
    """Recipe-local plugins register process-wide; start and end every test without them."""
    from rewardkit import plugins

    yield
    plugins.reset()
