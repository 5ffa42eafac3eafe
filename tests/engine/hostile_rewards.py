"""A recipe-local plugin of rewards that attack the engine and the CLI rather than crash (issue 12).

Each one does what a careless or hostile third-party reward could: put objects only its worker can
unpickle in its result, start a subprocess and hang, leak file descriptors until it fails, return
numpy scalars or a hand-built NaN outcome, print to stdout (Python- and C-level), sleep, or echo
the completion into its details. Workers import this file by path, as they would any recipe plugin.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from rewardkit import NoParams, Outcome, Reward, Sample, hookimpl

if os.environ.get("HOSTILE_PRINT_AT_IMPORT"):
    print("hostile_rewards imported (this must not reach stdout)")
    os.write(1, b"C-level write at import\n")


def _worker_only_class(base: type, name: str) -> type:
    """A class that exists only in the process that calls this: pickle finds it here, not in the parent."""
    cls = type(name, (base,), {"__module__": __name__})
    globals()[name] = cls
    return cls


class AlienReward(Reward[NoParams]):
    """Results that pickle in the worker but cannot be unpickled in the parent.

    ``object``: details hold an instance of a class created at score time; ``outcome``: an Outcome
    subclass created at score time; ``str``: a str subclass in the details and the message;
    ``int``: an int subclass (an enum a reward defined) as a detail. Any other text scores its length.
    """

    cheap = False

    def score(self, sample: Sample) -> Outcome | float | None:
        text = sample.completion
        value = float(len(text))
        if text.startswith("object"):
            alien = _worker_only_class(object, f"Alien{os.getpid()}")
            return Outcome.ok(value, evidence=alien())
        if text.startswith("outcome"):
            alien = _worker_only_class(Outcome, f"AlienOutcome{os.getpid()}")
            return alien("ok", value, details={"kind": "subclass"})
        if text.startswith("str"):
            alien = _worker_only_class(str, f"AlienStr{os.getpid()}")
            return Outcome.ok(value, **{alien("key"): alien("evidence"), "nested": [alien("x")]})
        if text.startswith("int"):
            alien = _worker_only_class(int, f"AlienInt{os.getpid()}")
            return Outcome.ok(value, level=alien(3))
        return value


class SpawnReward(Reward[NoParams]):
    """Starts ``sleep 1000`` (its pid written to the ``pidfile`` column), then hangs: the timeout must take both."""

    cheap = False

    def score(self, sample: Sample) -> float:
        child = subprocess.Popen(["sleep", "1000"])
        Path(str(sample.columns["pidfile"])).write_text(str(child.pid))
        time.sleep(1000)
        return 1.0


_leaked: list[object] = []


class LeakyReward(Reward[NoParams]):
    """Leaks a file descriptor per call, with the worker's descriptor limit lowered on its first call.

    After about 50 calls every ``open`` fails (EMFILE): the worker turns sick, not the reward.
    """

    cheap = False

    def score(self, sample: Sample) -> float:
        if not _leaked:
            open_now = len(os.listdir("/proc/self/fd"))
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_now + 50, hard))
            _leaked.append(None)
        _leaked.append(open(os.devnull))  # the leak is the point
        return 1.0


class NumpyReward(Reward[NoParams]):
    """numpy scalars: ``f32`` a float32, ``i64`` an int64, ``bool`` a bool_, ``0d`` a 0-d array."""

    def score(self, sample: Sample) -> object:
        import numpy as np

        return {"f32": np.float32(0.5), "i64": np.int64(2), "bool": np.bool_(True), "0d": np.array(0.25)}[sample.completion]


class NanReward(Reward[NoParams]):
    """A hand-built ``Outcome("ok", nan)`` (bypassing ``Outcome.ok``); ``inf`` for infinity; else 1."""

    def score(self, sample: Sample) -> Outcome | float:
        if sample.completion == "nan":
            return Outcome("ok", float("nan"))
        if sample.completion == "inf":
            return Outcome("ok", float("inf"))
        return 1.0


class TenReward(Reward[NoParams]):
    """Always 10 (with weight 1e308 the weighted total overflows)."""

    def score(self, sample: Sample) -> float:
        return 10.0


class PrintReward(Reward[NoParams]):
    """Prints to stdout in Python and writes to file descriptor 1 directly, then scores 1 (inline)."""

    def score(self, sample: Sample) -> float:
        print("print() from a reward", sample.completion[:20])
        sys.stdout.flush()
        os.write(1, b"C-level write to fd 1\n")
        return 1.0


class SlowReward(Reward[NoParams]):
    """Sleeps 0.3 s, then scores 1 (``cheap``: inline unless the recipe isolates it)."""

    def score(self, sample: Sample) -> float:
        time.sleep(0.3)
        return 1.0


class EchoReward(Reward[NoParams]):
    """Echoes the completion into its details and its skip reason (untrusted text the CLI prints)."""

    def score(self, sample: Sample) -> Outcome:
        if sample.completion.startswith("skip"):
            return Outcome.skip(sample.completion, echo=sample.completion)
        return Outcome.ok(1.0, echo=sample.completion)


@hookimpl
def register_rewards(register):
    register("hostile.alien", AlienReward, NoParams)
    register("hostile.spawn", SpawnReward, NoParams)
    register("hostile.leaky", LeakyReward, NoParams)
    register("hostile.numpy", NumpyReward, NoParams)
    register("hostile.nan", NanReward, NoParams)
    register("hostile.ten", TenReward, NoParams)
    register("hostile.print", PrintReward, NoParams)
    register("hostile.slow", SlowReward, NoParams)
    register("hostile.echo", EchoReward, NoParams)
