"""The ``rewardkit`` command: one module per command group.

:mod:`~rewardkit.cli.app` (the group, lazy command loading, shared helpers), :mod:`~rewardkit.cli.plugins`
(``plugins``, ``rewards``, ``new-plugin``), :mod:`~rewardkit.cli.recipes` (``check``, ``score``, ``test``),
:mod:`~rewardkit.cli.probe` (``probe`` and its rendering); ``train``, ``eval`` and ``demo`` live in
:mod:`rewardkit.train.commands`.
"""

from rewardkit.cli.app import LAZY_COMMANDS, cli, main
from rewardkit.cli.common import console, fail, guard, load_or_exit

__all__ = ["LAZY_COMMANDS", "cli", "console", "fail", "guard", "load_or_exit", "main"]
