"""The query workers of ``kg serve``: a pool of processes over one snapshot of the served data.

A query past its time is ended with its process, and a crash or a memory bomb costs one worker,
replaced at once by a started spare (forked from a server that imported only
:mod:`kg.sparql.worker`); ``timeout`` counts from a query's arrival, waiting included; only
``workers - 1`` queries may run long at once; a source that changes is snapshotted anew and
switched to at one moment.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import GraphError
from kg.graph.store import load_file, read_store, reads_union, store_errors
from kg.namespace import PREFIXES
from kg.sparql.guard import refusal
from kg.sparql.worker import Answer, Limits, serve_queries, text_answer

#: A query running longer than this is a long one; only ``workers - 1`` may run at once.
LONG_SECONDS = 0.25
#: How often (seconds, at most) the source is checked for a newer version to serve.
RELOAD_CHECK_SECONDS = 2.0


def source_version(source: Path) -> tuple[object, ...]:
    """What changes when the source is rewritten: a file's size and time, a store's files' (a
    build writing to a store changes its log and tables)."""
    try:
        if source.is_dir():
            return tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                                for entry in os.scandir(source) if not entry.name.startswith("LOG")))
        stat = source.stat()
        return (stat.st_size, stat.st_mtime_ns)
    except OSError:
        return ()


@dataclass
class Snapshot:
    """The served data as it was at one moment: a private on-disk copy every worker opens.

    A store is checkpointed (hard links: milliseconds, no copy), a file loaded once into an
    on-disk store; workers then open it read-only, so starting one costs no parsing, and a build
    writing to the source changes nothing a worker sees.
    """

    folder: Path
    version: tuple[object, ...]
    union: bool

    @classmethod
    def take(cls, source: Path) -> Snapshot:
        version = source_version(source)
        folder = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        target = folder / "store"
        try:
            if source.is_dir():
                store = read_store(source)
                union = reads_union(store)
                with store_errors(source):
                    store.backup(str(target))
            else:
                store = ox.Store(str(target))
                load_file(store, source)
                store.flush()
                union = False
            del store
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cls(folder=folder, version=version, union=union)

    @property
    def store(self) -> Path:
        return self.folder / "store"

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _worker_context() -> Any:
    """Workers fork from a server that imported only :mod:`kg.sparql.worker` and pyoxigraph.

    The fork server is a fresh ``python -c``, which would put the working folder first on its
    import path (Python 3.11's fork server ignores the parent's path): a folder named ``kg`` there
    (a clone beside the output, an output folder called kg) would be imported instead of kg. So
    it is started here with ``PYTHONSAFEPATH``, which leaves the working folder out.
    """
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.sparql.worker"])
    previous = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = previous
    return context


@dataclass(eq=False)
class Worker:
    process: Any
    connection: Connection


@dataclass(eq=False)
class Pool:
    """The workers reading one snapshot: ``serving`` of them answer queries (``idle`` holds those
    free to take one), and a ``spare`` waits, started, to take the place of one that is ended."""

    snapshot: Snapshot
    size: int
    idle: queue.Queue[Worker | None] = field(default_factory=queue.Queue)  # None: none can start
    spare: queue.Queue[Worker] = field(default_factory=lambda: queue.Queue(maxsize=1))
    serving: int = 0
    failure: str | None = None
    retired: bool = False


class QueryRunner:
    """Answers queries with a pool of warm worker processes over a snapshot of ``source``.

    A query waits for a free worker no longer than its time allows (``timeout`` from arrival),
    and may run past :data:`LONG_SECONDS` only while another worker stays free for quick queries;
    a worker that overruns, crashes or exceeds its memory is ended and a fresh one forked in its
    place by a keeper thread, while the query that cost it gets 503 or 500. When the source
    changes (a build appended to the store), the next query after a check takes a new snapshot
    and a new pool, and every later query reads it: the switch happens at one moment.
    """

    def __init__(self, source: Path, *, workers: int = 2, timeout: float = 10.0, limits: Limits | None = None) -> None:
        self.source = source
        self.timeout = timeout
        self.limits = limits or Limits()
        self.workers = workers
        self.context = _worker_context()
        self.lock = threading.Lock()  # counts of workers and of long queries
        self.reload_lock = threading.Lock()  # one look at the source at a time
        self.long_running = 0
        #: Whether the workers run without network (:func:`kg.sparql.worker.isolate_network`).
        self.network_isolated = False
        self.checked = time.monotonic()
        self.to_start: queue.Queue[Pool | None] = queue.Queue()
        self.keeper = threading.Thread(target=self._keep, name="worker-keeper", daemon=True)
        self.pool = self._new_pool(Snapshot.take(source))
        self.keeper.start()

    def _new_pool(self, snapshot: Snapshot) -> Pool:
        """A pool with its workers started (the first one here, so a bad snapshot fails loudly)."""
        pool = Pool(snapshot=snapshot, size=self.workers)
        try:
            self._add(pool, self._start(pool))
        except GraphError:
            snapshot.remove()
            raise
        for _ in range(self.workers):  # the others, and the spare
            self.to_start.put(pool)
        return pool

    def _add(self, pool: Pool, worker: Worker) -> None:
        """A started worker goes to answer queries if the pool is short of them, else waits as the spare;
        one started for a pool retired meanwhile is ended."""
        if pool.retired:
            self._end(worker)
            return
        with self.lock:
            serving = pool.serving < pool.size
            if serving:
                pool.serving += 1
        if serving:
            pool.idle.put(worker)
        else:
            try:
                pool.spare.put_nowait(worker)
            except queue.Full:
                self._end(worker)

    def _start(self, pool: Pool) -> Worker:
        parent, child = self.context.Pipe()
        args = (str(pool.snapshot.store), dict(PREFIXES), self.limits, pool.snapshot.union, child)
        process = self.context.Process(target=serve_queries, args=args, daemon=True)
        process.start()
        child.close()
        try:
            ready = parent.poll(120)
            status, message = parent.recv() if ready else ("error", "the worker took over 2 minutes to start")
        except (EOFError, OSError):
            status, message = "error", "the query worker stopped while opening the graph"
        if status != "ready":
            process.kill()
            raise GraphError(f"{self.source}: {message}")
        self.network_isolated = message == "isolated"
        return Worker(process, parent)

    def _keep(self) -> None:
        """Start the workers pools ask for, one at a time; give up on a pool whose snapshot fails."""
        while (pool := self.to_start.get()) is not None:
            if pool.retired:
                continue
            try:
                self._add(pool, self._start(pool))
            except GraphError as error:
                pool.failure = str(error)
                pool.idle.put(None)

    def _replace(self, pool: Pool, worker: Worker) -> None:
        """End a worker; the spare takes its place at once, and the keeper starts a new spare."""
        self._end(worker)
        with self.lock:
            pool.serving -= 1
        if pool.retired:
            self._remove_if_done(pool)
            return
        try:
            self._add(pool, pool.spare.get_nowait())
        except queue.Empty:
            pass
        self.to_start.put(pool)

    @staticmethod
    def _end(worker: Worker) -> None:
        worker.process.kill()
        worker.connection.close()

    def version(self) -> tuple[object, ...]:
        """What the served snapshot was taken of (a new one after a build changed the source): what
        anything made from the source, such as the graph page, is to be remade for."""
        return self._current().snapshot.version

    def _current(self) -> Pool:
        """The pool to ask, after taking a new snapshot if the source changed since the last look."""
        with self.reload_lock:
            if time.monotonic() - self.checked < RELOAD_CHECK_SECONDS:
                return self.pool
            self.checked = time.monotonic()
            if source_version(self.source) in ((), self.pool.snapshot.version):
                return self.pool
            try:
                fresh = self._new_pool(Snapshot.take(self.source))
            except GraphError:
                return self.pool  # keep serving what was there; the next check tries again
            old, self.pool = self.pool, fresh
        self._retire(old)
        return fresh

    def _retire(self, pool: Pool) -> None:
        """Stop a pool: its waiting workers end now, its busy ones when they answer
        (:meth:`_give_back`); its snapshot goes with the last of them."""
        pool.retired = True
        while True:
            try:
                self._end(pool.spare.get_nowait())
            except queue.Empty:
                break
        while True:
            try:
                worker = pool.idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                self._end(worker)
                with self.lock:
                    pool.serving -= 1
        self._remove_if_done(pool)

    def _remove_if_done(self, pool: Pool) -> None:
        with self.lock:
            done = pool.serving == 0
        if done:
            pool.snapshot.remove()

    def run(self, query: str, accept: str, *, arrived: float | None = None) -> Answer:
        """Answer one query within ``timeout`` seconds of ``arrived`` (``time.monotonic()``)."""
        deadline = (arrived if arrived is not None else time.monotonic()) + self.timeout
        refused = refusal(query)
        if refused is not None:
            return text_answer(refused.status, refused.message)
        pool = self._current()
        worker = self._take(pool, deadline)
        if isinstance(worker, Answer):
            return worker
        long = False
        try:
            worker.connection.send((query, accept))
            short_until = min(deadline, time.monotonic() + LONG_SECONDS)
            if not worker.connection.poll(max(0.0, short_until - time.monotonic())) and short_until < deadline:
                long = self._may_run_long()
                if not long:
                    self._replace(pool, worker)
                    return text_answer(503, f"busy: {self.workers - 1} long queries are running already, so this "
                                            f"one was stopped after {LONG_SECONDS:g} s; try again later")
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                answer: Answer = worker.connection.recv()
                self._give_back(pool, worker)
                return answer
            timed_out = True
        except (EOFError, OSError):
            timed_out = False
        finally:
            if long:
                with self.lock:
                    self.long_running -= 1
        self._replace(pool, worker)
        if timed_out:
            return text_answer(503, f"query stopped: it ran longer than the {self.timeout:g} s timeout")
        return text_answer(500, "the query worker stopped while answering: the query needed more memory than "
                          "--max-memory allows, or crashed the query engine")

    def _may_run_long(self) -> bool:
        """Whether a query may go on past :data:`LONG_SECONDS`: at most all workers but one run long
        queries, so that one is always free for the quick queries most clients send."""
        with self.lock:
            if self.long_running >= max(1, self.workers - 1):
                return False
            self.long_running += 1
            return True

    def _take(self, pool: Pool, deadline: float) -> Worker | Answer:
        """The next free worker, first come first served, or why there is none in time."""
        try:
            worker = pool.idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return text_answer(503, f"busy: no query worker came free within the {self.timeout:g} s timeout; "
                              "try again later")
        if worker is None:  # the keeper could not start one: say so to every waiting query
            pool.idle.put(None)
            return text_answer(500, f"no query worker: {pool.failure}")
        return worker

    def _give_back(self, pool: Pool, worker: Worker) -> None:
        if pool.retired:
            self._replace(pool, worker)
        else:
            pool.idle.put(worker)

    def close(self) -> None:
        self.to_start.put(None)
        with self.reload_lock:
            pool = self.pool
        self._retire(pool)
        self.keeper.join(5)
        pool.snapshot.remove()
