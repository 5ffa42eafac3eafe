"""Killable worker processes for rewards that run isolated (``isolation: process``).

A worker is a fresh ``python`` process that imports only rewardkit and what its rewards need. It is
started with ``subprocess`` rather than ``multiprocessing``: ``fork`` is unsafe once torch threads
run, and ``spawn``/``forkserver`` re-import the user's ``__main__``, which re-runs an unguarded
training script. Parent and worker talk over a socket pair with ``multiprocessing.connection``
framing (length-prefixed pickles), one task (a chunk of samples for one reward) at a time::

    parent -> worker   ("init", sys_path, memory_mb)                                    once, first
    parent -> worker   ("prepare", key, leaf)                                 optional: build before the first task
    parent -> worker   ("task", seq, key, leaf or None, [(index, sample), ...], timeout_s)      the leaf once per worker
    worker -> parent   ("results", [(index, outcome, elapsed_ms), ...], done)           in order
    worker -> parent   ("build_error", message)                                         instead of results
    parent -> worker   ("stop",)

Messages carry results only, bundled per task (or every ``FLUSH_S`` for slow rewards). *Progress*
goes through a 24-byte shared-memory board that the worker writes before each sample: the task's
``seq``, the sample's position, and ``time.monotonic()`` at its start (the clock is system-wide).
From the board the parent knows, without any message, which sample runs and since when: so a
worker waiting in a queue never causes a false timeout, and when a sample passes ``timeout_s`` (plus
a small grace) the parent SIGKILLs the worker (nothing else stops C code such as a huge integer
power, and signals do not work off the main thread) and blames exactly that sample. A worker that
dies (segfault, abort, out-of-memory kill) shows up as end-of-file on its socket and is read the
same way. The rest of the task, including results finished but not yet sent, is dispatched again.
"""

from __future__ import annotations

import atexit
import contextlib
import mmap
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from rewardkit.outcome import ErrorKind, Outcome, plain, text
from rewardkit.reward import Reward, Sample, failure_outcome, score_one

BUILD_TIMEOUT_S = 120.0  # starting a worker and building a reward (imports) on a busy machine
MAX_CHUNK = 32  # samples per task message; smaller chunks balance better, larger ones cost fewer messages
FLUSH_S = 0.25  # a worker on slow samples sends results at least this often (less to redo after a kill)
SICK_AFTER = 3  # errors in a row, after successes of the same reward, that make a worker sick
POLL_S = 0.02  # how often the parent reads the board of a worker that has not started its task yet
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


class Board:
    """The shared-memory progress board of one worker: ``(seq, position, started, ready_at)``.

    ``ready_at`` is when the worker finished starting up (for the start-up statistics). The worker
    writes, the parent reads; a read is repeated until two copies agree, so a write in progress is
    never seen half done.
    """

    LAYOUT = struct.Struct("<IIdd")

    def __init__(self, buffer: mmap.mmap) -> None:
        self.buffer = buffer
        self._ready_at = 0.0

    @classmethod
    def create(cls) -> tuple[Board, int]:
        """A new board and the file descriptor a worker maps it from (an unlinked temporary file)."""
        fd, path = tempfile.mkstemp(prefix="rewardkit-board-")
        os.unlink(path)
        os.ftruncate(fd, cls.LAYOUT.size)
        return cls(mmap.mmap(fd, cls.LAYOUT.size)), fd

    @classmethod
    def attach(cls, fd: int) -> Board:
        board = cls(mmap.mmap(fd, cls.LAYOUT.size))
        os.close(fd)
        return board

    def started(self, seq: int, position: int) -> None:
        self.LAYOUT.pack_into(self.buffer, 0, seq, position, time.monotonic(), self._ready_at)

    def ready(self) -> None:
        self._ready_at = time.monotonic()
        self.LAYOUT.pack_into(self.buffer, 0, 0, 0, 0.0, self._ready_at)

    def read(self) -> tuple[int, int, float, float]:
        size = self.LAYOUT.size
        while True:
            first, second = self.buffer[:size], self.buffer[:size]
            if first == second:
                return self.LAYOUT.unpack(first)  # type: ignore[return-value]

    def close(self) -> None:
        with contextlib.suppress(BufferError, ValueError):
            self.buffer.close()


# --------------------------------------------------------------------------- timeouts


def kill_grace(timeout_s: float) -> float:
    """Seconds past the limit before a worker is killed: lets a result that finished right at the limit arrive."""
    return min(0.1, 0.02 + 0.05 * timeout_s)


def timeout_outcome(timeout_s: float, elapsed_ms: float, killed: bool) -> Outcome:
    action = "worker killed" if killed else "result discarded"
    return Outcome.error(ErrorKind.TIMEOUT, f"ran {elapsed_ms / 1000:.2f} s, over the {timeout_s:g} s limit ({action})")


# --------------------------------------------------------------------------- the worker process


def worker_main() -> None:  # pragma: no cover - runs in the child (covered by the fault-injection tests)
    """Entry point of a worker: ``python -c "from rewardkit.workers import worker_main; worker_main()" SOCKET_FD BOARD_FD``."""
    fd, board_fd = int(sys.argv[1]), int(sys.argv[2])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it then kills us
    _die_with_parent()
    os.dup2(2, 1)  # a reward's print() must not corrupt the parent's stdout (`score --format jsonl`)
    sys.stdout = sys.stderr
    conn = Connection(fd)
    board = Board.attach(board_fd)
    try:
        kind, sys_path, memory_mb = conn.recv()
    except EOFError:
        return
    assert kind == "init"
    sys.path[:0] = [p for p in sys_path if p not in sys.path]
    _limit_memory(memory_mb)
    _no_core_dumps()
    board.ready()
    _serve(conn, board)


def _serve(conn: Connection, board: Board) -> None:  # pragma: no cover - runs in the child
    rewards: dict[str, Reward] = {}
    broken: dict[str, str] = {}  # rewards that failed to build, by key: every task of theirs reports it

    def build(key: str, leaf: Any) -> None:
        try:
            rewards[key] = leaf.build()
            rewards[key].warm_up()  # heavy imports happen here, before any sample's clock starts
        except Exception as exc:  # noqa: BLE001 - reported to the parent as every sample's error
            broken[key] = f"cannot build the reward in a worker: {failure_outcome(exc).message}"

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            os._exit(0)  # nothing to flush: skipping interpreter teardown (sympy's is slow) makes close() quick
        if message[0] == "prepare":  # build ahead of the first task, while the parent still gets ready
            build(message[1], message[2])
            continue
        _, seq, key, leaf, items, timeout_s = message
        if key not in rewards and key not in broken:
            build(key, leaf)
        reward = rewards.get(key)
        if reward is None:
            conn.send(("build_error", broken[key]))
            continue
        limit_ms = timeout_s * 1000
        bundle: list[tuple[int, Outcome, float]] = []
        last_sent = time.monotonic()
        for position, (index, sample) in enumerate(items):
            board.started(seq, position)
            start = time.perf_counter()
            outcome = score_one(reward, sample)
            elapsed_ms = (time.perf_counter() - start) * 1000
            if elapsed_ms > limit_ms:
                outcome = timeout_outcome(timeout_s, elapsed_ms, killed=False)
            bundle.append((index, outcome, elapsed_ms))
            done = position == len(items) - 1
            if done or time.monotonic() - last_sent >= FLUSH_S:
                _send_results(conn, bundle, done)
                bundle, last_sent = [], time.monotonic()


def _send_results(conn: Connection, bundle: list[tuple[int, Outcome, float]], done: bool) -> None:
    # Only plain data crosses: a result that pickles here but not in the parent (a class the parent never
    # imported, a custom Outcome subclass) would otherwise fail the parent's whole batch.
    conn.send(("results", [(i, _portable(o), ms) for i, o, ms in bundle], done))


def _portable(outcome: Outcome) -> Outcome:
    """``outcome`` as a plain :class:`Outcome` of plain data (a reward may put sympy objects or open handles in details)."""
    kind = ErrorKind(outcome.kind) if outcome.kind is not None else None
    score = float(outcome.score) if outcome.score is not None else None
    return Outcome(text(outcome.status), score, kind, text(outcome.message), plain(outcome.details))


def _die_with_parent() -> None:  # pragma: no cover - Linux only, runs in the child
    """Ask the kernel to SIGKILL us when the parent dies, even mid-way through C code."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _limit_memory(memory_mb: int | None) -> None:  # pragma: no cover - runs in the child
    """Cap the address space at what the interpreter already maps plus ``memory_mb``."""
    if not memory_mb:
        return
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space_bytes() + memory_mb * 2**20
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        return


def _no_core_dumps() -> None:  # pragma: no cover - runs in the child
    """A reward that aborts or segfaults must not litter the working directory with core files."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    except (ImportError, OSError, ValueError):
        return


def _address_space_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# --------------------------------------------------------------------------- the parent side


class Job(Protocol):
    """What the pool runs: a :class:`~rewardkit.engine.Leaf` (picklable; ``build()`` makes the reward in a worker)."""

    timeout_s: float

    @property
    def cache_key(self) -> str: ...

    def build(self) -> Reward: ...


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen[bytes]
    conn: Connection
    board: Board
    spawned_at: float  # time.monotonic()
    tasks: int = 0
    seq: int = 0  # tasks sent
    known: set[str] = field(default_factory=set)  # job keys this worker has built
    scored_ok: set[str] = field(default_factory=set)  # job keys this worker has scored at least one sample of
    failing: list[int] = field(default_factory=list)  # samples that errored in a row since its last success
    sick: bool = False  # replace after its current task (it started failing what it used to score)
    startup_logged: bool = False

    def kill(self) -> None:
        # The worker leads its own process group: whatever a reward started (a subprocess, a shell) dies with it.
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.conn.close()
        self.board.close()

    def death_note(self) -> str:
        code = self.proc.poll()
        if code is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.proc.wait(timeout=1)
        if code is None:
            return "worker stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"worker died from {signal.Signals(-code).name}"
            return f"worker died from signal {-code}"
        return f"worker exited with status {code}"


@dataclass(eq=False)
class _Assignment:
    items: list[int]
    seq: int
    sent: float  # time.monotonic()
    first: bool  # the worker had not built this reward before
    pos: int = 0  # results received so far

    def running(self, worker: _Worker) -> tuple[int, float] | None:
        """``(position, started)`` of the sample the worker is on, or None before its first sample (building)."""
        seq, position, started, _ = worker.board.read()
        return (position, started) if seq == self.seq else None


class _Run:
    """The state of one :meth:`WorkerPool.run` call: its queue, results and the workers it holds."""

    def __init__(self, job: Job, samples: Sequence[Sample]) -> None:
        self.job = job
        self.samples = samples
        self.results: list[tuple[Outcome, float] | None] = [None] * len(samples)
        self.pending: deque[int] = deque(range(len(samples)))
        self.held: dict[_Worker, _Assignment | None] = {}  # None: held but idle
        self.lost = 0  # workers that died outside any sample
        self.retried: set[int] = set()  # samples sent again after a sick worker failed them (once each)
        self.spawn_error = ""  # why the last worker process could not start, if one could not

    def busy(self) -> list[_Worker]:
        return [w for w, a in self.held.items() if a is not None]

    def idle(self) -> list[_Worker]:
        return [w for w, a in self.held.items() if a is None]

    def requeue(self, indices: list[int]) -> None:
        self.pending.extendleft(reversed(indices))


@dataclass
class PoolStats:
    """What happened to worker processes since the pool started."""

    spawned: int = 0
    killed_timeout: int = 0
    crashed: int = 0
    recycled: int = 0
    sick: int = 0  # replaced at once because they started failing what they used to score
    startup_ms: list[float] = field(default_factory=list)  # process start to ready for a first task

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.startup_ms)
        return {
            "spawned": self.spawned,
            "killed_timeout": self.killed_timeout,
            "crashed": self.crashed,
            "recycled": self.recycled,
            "sick": self.sick,
            "startup_ms_median": ordered[len(ordered) // 2] if ordered else None,
        }


_POOLS: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


def _close_all_pools() -> None:
    for pool in list(_POOLS):
        pool.close()


atexit.register(_close_all_pools)


class WorkerPool:
    """A fixed number of worker slots; processes start lazily and are replaced when killed or recycled.

    Thread-safe: several threads (TRL's async reward functions) may call :meth:`run` at once; each
    call holds the workers it dispatches to until its samples are done.

    Args:
        size: number of worker processes.
        memory_mb: address-space allowance of each worker beyond its start-up size (``None``: unlimited).
        max_tasks: a worker is replaced after scoring this many samples.
    """

    def __init__(self, size: int, memory_mb: int | None = 2048, max_tasks: int = 20_000) -> None:
        self.size = max(1, int(size))
        self.memory_mb = memory_mb
        self.max_tasks = max_tasks
        self.stats = PoolStats()
        self._idle: list[_Worker | None] = [None] * self.size  # None: a free slot with no process yet
        self._cond = threading.Condition()
        self._closed = False
        # Workers die with the thread that started them (PR_SET_PDEATHSIG), so one long-lived thread starts them all.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rewardkit-spawn")
        self._live: set[_Worker] = set()
        _POOLS.add(self)

    # ---------------------------------------------------------------- slots

    def _acquire(self, want: int, block: bool) -> list[_Worker | None]:
        with self._cond:
            while block and not self._idle and not self._closed:
                self._cond.wait(timeout=1.0)
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            taken, self._idle = self._idle[:want], self._idle[want:]
            return taken

    def _release(self, workers: Sequence[_Worker | None]) -> None:
        with self._cond:
            if self._closed:
                for worker in workers:
                    if worker is not None:
                        self._discard(worker)
                return
            self._idle.extend(workers)
            self._cond.notify_all()

    def prestart(self, job: Job) -> None:
        """Start every idle slot's process now and have it build (and warm up) ``job``'s reward; returns at once.

        Start-up (interpreter, imports, the reward's own heavy modules) then overlaps with whatever
        the caller does before its first batch; callers that need a worker meanwhile wait for these.
        """
        with self._cond:
            if self._closed:
                return
            empty = [slot for slot in self._idle if slot is None]
            self._idle = [slot for slot in self._idle if slot is not None]

        def start() -> None:
            try:
                worker = self._start_process()
            except Exception:  # noqa: BLE001 - the slot stays free; a later run starts its own process
                self._release([None])
                return
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(("prepare", job.cache_key, job))
                worker.known.add(job.cache_key)
            self._release([worker])

        for _ in empty:
            self._spawner.submit(start)

    def _spawn(self) -> _Worker:
        return self._spawner.submit(self._start_process).result()

    def _start_process(self) -> _Worker:
        parent_sock, child_sock = socket.socketpair()
        board, board_fd = Board.create()
        env = dict(os.environ)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = os.pathsep.join([root, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
        for name in THREAD_ENV:  # workers are the parallelism; nested thread pools would oversubscribe
            env.setdefault(name, "1")
        code = "from rewardkit.workers import worker_main; worker_main()"
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", code, str(child_sock.fileno()), str(board_fd)],
                pass_fds=(child_sock.fileno(), board_fd),
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # its own process group, killed whole on timeout (and no terminal Ctrl-C)
            )
        except BaseException:
            parent_sock.close()
            board.close()
            raise
        finally:
            child_sock.close()
            os.close(board_fd)
        conn = Connection(parent_sock.detach())
        conn.send(("init", [p for p in sys.path if p], self.memory_mb))
        worker = _Worker(proc, conn, board, time.monotonic())
        with self._cond:
            self._live.add(worker)
        self.stats.spawned += 1
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._cond:
            self._live.discard(worker)

    # ---------------------------------------------------------------- running

    def run(self, job: Job, samples: Sequence[Sample]) -> list[tuple[Outcome, float]]:
        """``(outcome, elapsed_ms)`` per sample, in order, whatever happens to the workers."""
        state = _Run(job, samples)
        try:
            while state.pending or state.busy():
                want = min(len(state.pending), self.size) - len(state.held)
                if want > 0:
                    for slot in self._acquire(want, block=not state.held):
                        self._hold(state, slot)
                    if self._fail_if_no_worker(state):
                        continue
                for worker in state.idle():
                    if state.pending:
                        self._dispatch(state, worker)
                if not state.pending and state.idle():
                    idle = state.idle()
                    for worker in idle:
                        del state.held[worker]
                    self._release(idle)
                if state.busy():
                    self._wait(state)
        except BaseException:
            for worker in state.busy():  # state unknown: never hand it to another caller
                del state.held[worker]
                self._discard(worker)
            raise
        finally:
            if state.held:
                self._release(list(state.held))
        return [r if r is not None else (Outcome.error(ErrorKind.CRASH, "no result"), 0.0) for r in state.results]

    def _hold(self, state: _Run, slot: _Worker | None) -> None:
        """Hold ``slot`` for this run, starting a process when the slot is empty.

        A process that cannot start (too many open files, no memory for fork) leaves its slot free
        again and says why in ``state.spawn_error``: the run goes on with the workers it has, and the
        pool never loses a slot.
        """
        if slot is None:
            try:
                slot = self._spawn()
            except Exception as exc:  # noqa: BLE001 - OSError from fork/exec, pipes, the board
                state.spawn_error = f"{type(exc).__name__}: {exc}"
                self._release([None])
                return
        state.held[slot] = None

    def _fail_if_no_worker(self, state: _Run) -> bool:
        """When the run holds no worker at all (none could start), every waiting sample fails saying why."""
        if state.held:
            return False
        failure = Outcome.error(ErrorKind.CRASH, f"cannot start a worker process: {state.spawn_error}")
        while state.pending:
            state.results[state.pending.popleft()] = (failure, 0.0)
        return True

    def _dispatch(self, state: _Run, worker: _Worker) -> None:
        job = state.job
        if worker.proc.poll() is not None:  # died while idle (killed from outside): not any sample's fault
            self._lost(state, worker, [])
            return
        size = max(1, min(MAX_CHUNK, -(-len(state.pending) // (2 * self.size))))
        items = [state.pending.popleft() for _ in range(min(size, len(state.pending)))]
        first = job.cache_key not in worker.known
        worker.seq += 1
        message = (
            "task",
            worker.seq,
            job.cache_key,
            job if first else None,
            [(i, state.samples[i]) for i in items],
            job.timeout_s,
        )
        try:
            worker.conn.send(message)
        except (OSError, ValueError):
            self._lost(state, worker, items)
            return
        state.held[worker] = _Assignment(items, worker.seq, time.monotonic(), first)
        worker.known.add(job.cache_key)

    def _lost(self, state: _Run, worker: _Worker, items: list[int]) -> None:
        """A worker died outside any sample: its items go back to the queue, a bounded number of times."""
        state.requeue(items)
        state.lost += 1
        if state.lost > 2 * self.size + 2:
            failure = Outcome.error(ErrorKind.CRASH, f"cannot keep workers alive: {worker.death_note()}")
            while state.pending:
                state.results[state.pending.popleft()] = (failure, 0.0)
        self._replace(state, worker)

    def _deadline(self, assignment: _Assignment, worker: _Worker, timeout_s: float) -> tuple[float, float]:
        """When to kill the worker, and when to look at it next (board writes wake nobody)."""
        running = assignment.running(worker)
        if running is None:  # starting up, building the reward, or about to start the first sample
            deadline = assignment.sent + max(BUILD_TIMEOUT_S, timeout_s)
            return deadline, min(deadline, time.monotonic() + POLL_S)
        deadline = running[1] + timeout_s + kill_grace(timeout_s)
        return deadline, deadline

    def _wait(self, state: _Run) -> None:
        timeout_s = state.job.timeout_s
        busy = {w.conn: w for w in state.busy()}
        soonest = min(self._deadline(state.held[w], w, timeout_s)[1] for w in busy.values())  # type: ignore[arg-type]
        for conn in wait(list(busy), timeout=max(0.0, soonest - time.monotonic())):
            self._drain(state, busy[conn])  # type: ignore[index]  # wait() returns what it was given
        now = time.monotonic()
        for worker in busy.values():
            assignment = state.held.get(worker)
            if assignment is None or now < self._deadline(assignment, worker, timeout_s)[0]:
                continue  # done, replaced, or still within its limit (the board may have moved on)
            if worker.conn.poll():  # an answer arrived just now: take it rather than kill
                self._drain(state, worker)
                continue
            self._kill_overdue(state, worker, assignment, now)

    def _drain(self, state: _Run, worker: _Worker) -> None:
        assignment = state.held[worker]
        assert assignment is not None
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "results":
                    _, bundle, done = message
                    for index, outcome, elapsed_ms in bundle:
                        state.results[index] = (outcome, elapsed_ms)
                        self._watch_health(state, worker, index, outcome)
                    assignment.pos += len(bundle)
                    worker.tasks += len(bundle)
                    self._log_startup(worker)
                    if done:
                        self._finish(state, worker)
                        return
                else:  # build_error
                    for index in assignment.items:
                        state.results[index] = (Outcome.error(ErrorKind.EXCEPTION, message[1]), 0.0)
                    self._finish(state, worker)
                    return
        except (EOFError, OSError):
            self._crashed(state, worker, assignment)
        except Exception as exc:  # noqa: BLE001 - a message the parent cannot unpickle: those samples' error, not the run's
            note = f"the worker's result could not be read: {type(exc).__name__}: {exc}"
            for index in assignment.items[assignment.pos :]:
                state.results[index] = (Outcome.error(ErrorKind.EXCEPTION, note), 0.0)
            self._replace(state, worker)

    def _log_startup(self, worker: _Worker) -> None:
        if not worker.startup_logged:
            worker.startup_logged = True
            ready_at = worker.board.read()[3]
            if ready_at:
                self.stats.startup_ms.append((ready_at - worker.spawned_at) * 1000)

    def _watch_health(self, state: _Run, worker: _Worker, index: int, outcome: Outcome) -> None:
        """A worker that scored this reward before and now fails SICK_AFTER samples in a row is sick.

        (Leaked file descriptors, a poisoned cache, a broken import state.) Its failed samples run once
        more on a fresh worker, and it is replaced after its task. A reward that fails from the start
        never makes a worker sick: those errors are the reward's own.
        """
        key = state.job.cache_key
        if outcome.status == "ok":
            worker.scored_ok.add(key)
            worker.failing.clear()
            return
        if outcome.kind is not ErrorKind.EXCEPTION or key not in worker.scored_ok:
            worker.failing.clear()
            return
        worker.failing.append(index)
        if len(worker.failing) >= SICK_AFTER:
            worker.sick = True
        if worker.sick:  # everything it failed since it turned sick runs once more elsewhere
            again = [i for i in worker.failing if i not in state.retried]
            state.retried.update(again)
            for i in again:
                state.results[i] = None
            state.requeue(again)
            worker.failing.clear()

    def _finish(self, state: _Run, worker: _Worker) -> None:
        state.held[worker] = None
        if worker.sick:
            self.stats.sick += 1
            self._replace(state, worker)
        elif worker.tasks >= self.max_tasks:
            self.stats.recycled += 1
            self._replace(state, worker)

    def _crashed(self, state: _Run, worker: _Worker, assignment: _Assignment) -> None:
        running = assignment.running(worker)
        if running is None and not assignment.first:  # died before its first sample, its reward already built
            self._lost(state, worker, assignment.items[assignment.pos :])
            return
        note = worker.death_note()
        self.stats.crashed += 1
        self._blame(state, worker, assignment, running, Outcome.error(ErrorKind.CRASH, note), f"{note} while building the reward")

    def _kill_overdue(self, state: _Run, worker: _Worker, assignment: _Assignment, now: float) -> None:
        self.stats.killed_timeout += 1
        running = assignment.running(worker)
        timeout_s = state.job.timeout_s
        elapsed_ms = (now - running[1]) * 1000 if running else 0.0
        verdict = timeout_outcome(timeout_s, elapsed_ms, killed=True)
        building = f"the reward was not built within {max(BUILD_TIMEOUT_S, timeout_s):g} s (worker killed)"
        self._blame(state, worker, assignment, running, verdict, building, kind=ErrorKind.TIMEOUT, now=now)

    def _blame(
        self,
        state: _Run,
        worker: _Worker,
        assignment: _Assignment,
        running: tuple[int, float] | None,
        verdict: Outcome,
        building_message: str,
        kind: ErrorKind = ErrorKind.CRASH,
        now: float | None = None,
    ) -> None:
        """The sample the worker was on gets ``verdict``; the rest of its task is queued again."""
        if running is None:  # the reward could not even be built: the whole task fails
            for index in assignment.items[assignment.pos :]:
                state.results[index] = (Outcome.error(kind, building_message), 0.0)
        else:
            position, started = running
            elapsed_ms = ((now or time.monotonic()) - started) * 1000
            state.results[assignment.items[position]] = (verdict, elapsed_ms)
            # Finished but unsent results are lost with the worker: those samples run again (they were quick).
            state.requeue(assignment.items[assignment.pos : position] + assignment.items[position + 1 :])
        self._replace(state, worker)

    def _replace(self, state: _Run, worker: _Worker) -> None:
        """Kill ``worker``; start its successor now if this run still needs it, else free the slot."""
        del state.held[worker]
        self._discard(worker)
        if state.pending:
            self._hold(state, None)
            self._fail_if_no_worker(state)
        else:
            self._release([None])

    # ---------------------------------------------------------------- lifecycle

    def pids(self) -> list[int]:
        """Process ids of the live workers (tests check that none survives :meth:`close`)."""
        with self._cond:
            return [w.proc.pid for w in self._live]

    def close(self) -> None:
        """Stop every worker: ask politely, then SIGKILL whatever is still running. Idempotent."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            live = list(self._live)
            self._idle = []
            self._cond.notify_all()
        for worker in live:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(("stop",))
        deadline = time.monotonic() + 0.5
        for worker in live:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            worker.kill()
        with self._cond:
            self._live.clear()
        self._spawner.shutdown(wait=False)
        _POOLS.discard(self)
