"""A recipe-local plugin whose reward misbehaves on command: the completion text says how.

``ok:0.7`` scores 0.7; ``raise``, ``sleep``, ``cpu`` (a huge integer power in C), ``segv``, ``abort``,
``alloc`` (unbounded allocation), ``exit`` (``sys.exit``) and ``slow:0.2`` (sleeps, then scores 1.0)
each inject one fault. Workers import this file by path, as they would any recipe plugin.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time

from rewardkit import NoParams, Outcome, Reward, Sample, hookimpl


class FaultReward(Reward[NoParams]):
    """Misbehaves as the completion asks; isolated by default (``cheap = False``).

    Args:
        params: none.

    Returns:
        The score after ``ok:``, 1.0 after a ``slow:`` sleep, or whatever the injected fault causes.

    Example:
        >>> FaultReward().score(Sample("ok:0.5"))
        0.5
    """

    cheap = False

    def score(self, sample: Sample) -> Outcome | float | None:
        text = sample.completion
        if text.startswith("ok:"):
            return float(text[3:])
        if text.startswith("slow:"):
            time.sleep(float(text[5:]))
            return 1.0
        if text == "raise":
            raise ValueError("injected failure")
        if text == "sleep":
            time.sleep(10_000)
        if text == "cpu":
            return float(9 ** (9**9) % 7)  # minutes of C code holding the GIL: no signal or thread stops it
        if text == "segv":
            ctypes.string_at(0)
        if text == "abort":
            os.abort()
        if text == "alloc":
            blocks = []
            while True:  # calloc'd: hits the address-space cap at once, however busy the machine is
                blocks.append(bytes(64 * 2**20))
        if text == "exit":
            sys.exit(3)
        if text == "skip":
            return None
        return 0.0


class CheapReward(Reward[NoParams]):
    """Scores the completion's length modulo 10, divided by 10 (cheap: runs inline under ``auto``).

    Args:
        params: none.

    Returns:
        ``len(completion) % 10 / 10``.

    Example:
        >>> CheapReward().score(Sample("abc"))
        0.3
    """

    def score(self, sample: Sample) -> float:
        return len(sample.completion) % 10 / 10


class PidReward(Reward[NoParams]):
    """Scores the id of the process that ran it (tests see which worker scored what).

    Args:
        params: none.

    Returns:
        ``os.getpid()`` as a float.

    Example:
        >>> PidReward().score(Sample("x")) == os.getpid()
        True
    """

    cheap = False

    def score(self, sample: Sample) -> float:
        if sample.completion.startswith("slow:"):  # "slow:0.2 #3": sleep 0.2 s
            time.sleep(float(sample.completion[5:].split()[0]))
        return float(os.getpid())


@hookimpl
def register_rewards(register):
    register("fault.inject", FaultReward, NoParams)
    register("fault.cheap", CheapReward, NoParams)
    register("fault.pid", PidReward, NoParams)
