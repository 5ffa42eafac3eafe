"""Use a recipe's rewards from TRL's own command line (``trl grpo``).

TRL's ``grpo`` script resolves a ``--reward_funcs`` entry that contains a dot as
``module.attribute`` (``importlib.import_module``, then ``getattr``) and appends what it gets as one
reward function. Two forms work, both reading the recipe named by ``$REWARDKIT_RECIPE``:

* ``rewardkit.train.trl_cli.recipe_reward``: one function, the recipe's weighted sum (weights from
  the recipe; ``None`` components skipped as TRL skips them). TRL then logs only the total.
* ``rewardkit.train.trl_cli.<id>``: one function per recipe entry (``format``, ``correct``...), so
  TRL logs each component; pass the recipe's weights with ``--reward_weights``, printed by
  ``python -m rewardkit.train.trl_cli weights``.

::

    export REWARDKIT_RECIPE=recipes/gsm8k-en.yaml
    trl grpo --model_name_or_path Qwen/Qwen2.5-0.5B-Instruct --dataset_name openai/gsm8k \\
        --reward_funcs rewardkit.train.trl_cli.recipe_reward
"""

from __future__ import annotations

import os
import sys
from typing import Any

ENV = "REWARDKIT_RECIPE"
_compiled: dict[str, Any] = {}


def compiled_recipe() -> Any:
    """The recipe named by ``$REWARDKIT_RECIPE``, compiled once per process (per path)."""
    path = os.environ.get(ENV)
    if not path:
        raise RuntimeError(f"set {ENV} to the recipe file whose rewards `trl grpo --reward_funcs` should use")
    if path not in _compiled:
        from rewardkit.recipe import load_recipe
        from rewardkit.runtime import compile_recipe

        _compiled[path] = compile_recipe(load_recipe(path))
    return _compiled[path]


def recipe_reward(prompts: list[Any], completions: list[Any], **kwargs: Any) -> list[float | None]:
    """The recipe's weighted total per completion (TRL's reward-function contract)."""
    compiled = compiled_recipe()
    total: list[float | None] = [None] * len(completions)
    for func, weight in zip(compiled.funcs, compiled.weights, strict=True):
        for i, value in enumerate(func(prompts=prompts, completions=completions, **kwargs)):
            if value is not None:
                total[i] = (total[i] or 0.0) + weight * value
    return total


def __getattr__(name: str) -> Any:
    """``rewardkit.train.trl_cli.<entry id>``: that recipe entry's reward function."""
    if name.startswith("__"):
        raise AttributeError(name)
    compiled = compiled_recipe()
    for func in compiled.funcs:
        if func.__name__ == name:
            return func
    raise AttributeError(f"the recipe in ${ENV} has no reward entry {name!r} (entries: {', '.join(compiled.ids)})")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["weights"]:
        print(" ".join(f"{w:g}" for w in compiled_recipe().weights))
        return 0
    if args[:1] == ["funcs"]:
        print(" ".join(f"rewardkit.train.trl_cli.{i}" for i in compiled_recipe().ids))
        return 0
    print(__doc__)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
