"""Suite-wide setup: third-party plugins installed in the environment must not leak into tests.

Tests that exercise entry-point discovery set REWARDKIT_PLUGINS themselves and reset the manager.
"""

import os
import signal

import pytest

# A suite started in the background (`nohup make test &`, some CI runners) inherits SIGINT ignored, and
# Python then installs no KeyboardInterrupt handler: the Ctrl-C tests (and the CLIs they start, which
# inherit the disposition) would see nothing. Restore Python's default for this process and its children.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

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
