"""A GRPO step on a tiny CPU model: rewardkit's compiled rewards against the same rewards hand-written for TRL.

Every variant trains a freshly built copy of the same tiny Llama (built from a config, tokenizer
trained here: nothing is downloaded) with LoRA for the same steps and seed, so the completions, and
therefore the reward work, are identical; only how the rewards are called differs:

- ``trl``: two plain functions (``trl_format``, ``trl_answer`` in bench_rewards.py);
- ``rewardkit``: the same logic as registered rewards in a recipe, ``compile_recipe(...).funcs``;
- ``rewardkit-async``: ``compiled.async_funcs()`` (TRL gathers them on its event loop);
- ``rewardkit-process``: the answer reward isolated in worker processes (the math judge's default).

The variants run in alternating rounds; the report gives median step times and their ratio to ``trl``
(target for ``rewardkit``: <= 1.05).

Run: ``.venv/bin/python benchmarks/bench_trl_step.py [--quick] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "trl_step.md"
TITLE = "GRPO step: rewardkit recipe callables vs hand-written TRL rewards"
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("REWARDKIT_PLUGINS", "")

import bench_rewards  # noqa: E402
from _report import publish  # noqa: E402

from rewardkit.recipe import loads_recipe  # noqa: E402
from rewardkit.runtime import compile_recipe  # noqa: E402
from rewardkit.train.arith import generate  # noqa: E402
from rewardkit.train.config import TinyModelSettings  # noqa: E402
from rewardkit.train.tiny import build_model, build_tokenizer  # noqa: E402

WEIGHTS = [0.25, 1.0]
VARIANTS = ("trl", "rewardkit", "rewardkit-async", "rewardkit-process")
MODEL = TinyModelSettings(
    hidden_size=128, intermediate_size=384, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2
)


def recipe_text(answer_isolation: str) -> str:
    return (
        "name: bench-step\nplugins: [./bench_rewards.py]\nengine: {timeout_s: 10}\nrewards:\n"
        f"  - {{id: format, reward: bench.format, weight: {WEIGHTS[0]}, isolation: inline}}\n"
        f"  - {{id: answer, reward: bench.answer, weight: {WEIGHTS[1]}, isolation: {answer_isolation}}}\n"
    )


class Timed:
    """Wraps a reward function to add up the wall time spent in it; the same wrapper for every variant."""

    def __init__(self, func: Any, clock: dict[str, float]) -> None:
        self.func, self.clock = func, clock
        self.__name__ = func.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.func(*args, **kwargs)
        finally:
            self.clock["reward_s"] += time.perf_counter() - start


class TimedAsync(Timed):
    async def __call__(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        start = time.perf_counter()
        try:
            return await self.func(*args, **kwargs)
        finally:
            self.clock["reward_s"] += time.perf_counter() - start


class StepTimer:
    """A TrainerCallback (duck-typed: transformers calls what exists) recording each step's wall and CPU time."""

    def __init__(self, clock: dict[str, float]) -> None:
        self.clock = clock
        self.steps: list[dict[str, float]] = []
        self._wall = self._cpu = 0.0

    def on_step_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.clock["reward_s"] = 0.0
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.steps.append(
            {
                "wall_s": time.perf_counter() - self._wall,
                "cpu_s": time.process_time() - self._cpu,
                "reward_s": self.clock["reward_s"],
            }
        )


def make_callback(clock: dict[str, float]) -> Any:
    from transformers import TrainerCallback

    class _Timer(StepTimer, TrainerCallback):
        pass

    return _Timer(clock)


def reward_setup(variant: str) -> tuple[list[Any], list[float], Any]:
    if variant == "trl":
        return [bench_rewards.trl_format, bench_rewards.trl_answer], WEIGHTS, None
    isolation = "process" if variant == "rewardkit-process" else "inline"
    compiled = compile_recipe(loads_recipe(recipe_text(isolation), name="bench-step.yaml", base_dir=HERE))
    funcs = compiled.async_funcs() if variant == "rewardkit-async" else compiled.funcs
    return list(funcs), compiled.weights, compiled


def train_steps(variant: str, tokenizer: Any, dataset: Any, steps: int, out: Path) -> list[dict[str, float]]:
    from peft import LoraConfig
    from trl import GRPOConfig, GRPOTrainer

    funcs, weights, compiled = reward_setup(variant)
    clock = {"reward_s": 0.0}
    wrap = TimedAsync if variant == "rewardkit-async" else Timed
    funcs = [wrap(f, clock) for f in funcs]
    config = GRPOConfig(
        output_dir=str(out / variant),
        use_cpu=True,
        bf16=False,
        activation_checkpointing=False,
        report_to="none",
        logging_steps=1000,
        save_strategy="no",
        disable_tqdm=True,
        max_steps=steps,
        per_device_train_batch_size=16,
        num_generations=8,
        max_completion_length=24,
        temperature=0.7,
        learning_rate=3e-4,
        beta=0.0,
        reward_weights=weights,
        seed=0,
    )
    lora = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, task_type="CAUSAL_LM", target_modules=["q_proj", "v_proj"])
    timer = make_callback(clock)
    trainer = GRPOTrainer(
        model=build_model(tokenizer, MODEL, seed=0),
        reward_funcs=funcs,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=[timer],
    )
    try:
        trainer.train()
    finally:
        if compiled is not None:
            compiled.close()
    return timer.steps[1:]  # the first step pays one-off costs (lazy engine, worker start-up, allocator warm-up)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and rounds (a smoke run)")
    parser.add_argument("--steps", type=int, default=None, help="steps per variant per round (the first is not measured)")
    parser.add_argument("--rounds", type=int, default=None, help="alternating rounds over the variants")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 makes CPU time a clean measure)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    steps = args.steps or (3 if args.quick else 5)
    rounds = args.rounds or (1 if args.quick else 6)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    logging.getLogger("transformers").setLevel(logging.ERROR)

    import torch
    from datasets import Dataset

    torch.set_num_threads(args.threads)
    problems = generate(400, seed=0, level="easy")
    tokenizer = build_tokenizer([p.question + " " + p.reference for p in problems], MODEL.vocab_size)
    rows = [{"prompt": [{"role": "user", "content": p.question}], "solution": p.solution} for p in problems[:128]]
    dataset = Dataset.from_list(rows)

    measured: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        for _ in range(rounds):
            for variant in VARIANTS:
                measured[variant] += train_steps(variant, tokenizer, dataset, steps, Path(tmp))
    results = summarize(measured)
    results["batch"] = "16 completions (2 prompts x 8 generations), up to 24 new tokens"
    results["torch_threads"] = args.threads
    publish(
        results,
        print_report,
        results_path=RESULTS,
        title=TITLE,
        script=Path(__file__).name,
        quick=args.quick,
        json_path=args.json,
    )


def summarize(measured: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    def median(variant: str, key: str) -> float:
        return statistics.median(step[key] for step in measured[variant])

    base_wall, base_cpu, base_reward = median("trl", "wall_s"), median("trl", "cpu_s"), median("trl", "reward_s")
    rows = {}
    for variant in VARIANTS:
        reward = median(variant, "reward_s")
        rows[variant] = {
            "median_wall_s": round(median(variant, "wall_s"), 4),
            "median_cpu_s": round(median(variant, "cpu_s"), 4),
            "median_reward_ms": round(1000 * reward, 3),
            "wall_ratio": round(median(variant, "wall_s") / base_wall, 3),
            "cpu_ratio": round(median(variant, "cpu_s") / base_cpu, 3),
            # The step-time ratio rewards alone account for: TRL's step plus the extra reward time.
            "reward_attributable_ratio": round((base_wall + reward - base_reward) / base_wall, 4),
        }
    return {"steps_measured_per_variant": len(measured["trl"]), "variants": rows}


def print_report(results: dict[str, Any]) -> None:
    n = results["steps_measured_per_variant"]
    print(f"GRPO step on a tiny CPU Llama ({results['batch']}; {n} steps per variant, torch threads {results['torch_threads']})")
    header = ("variant", "wall s/step", "ratio", "cpu s/step", "ratio", "reward ms", "reward-only ratio")
    print("   {:<18} {:>11} {:>6} {:>11} {:>6} {:>10} {:>18}".format(*header))
    for variant, row in results["variants"].items():
        print(
            f"   {variant:<18} {row['median_wall_s']:>11.4f} {row['wall_ratio']:>6.3f} {row['median_cpu_s']:>11.4f} "
            f"{row['cpu_ratio']:>6.3f} {row['median_reward_ms']:>10.3f} {row['reward_attributable_ratio']:>18.4f}"
        )
    print("   (CPU time excludes worker processes: for rewardkit-process read the wall and reward columns.)")


if __name__ == "__main__":
    main()
