"""One writer at a time for an output folder or a store.

Two ``kg build --append`` runs onto the same graph each read the graph as it was, add their
documents and write: without a lock the second write drops the first's documents, and a store's
resolution records are rewritten from a stale reading. So a build takes an exclusive lock on each
place it writes *before* it reads what is there, and holds it until its last write: a second
writer waits (and says so), then reads the first one's result, as if the two had run in sequence.

The lock is an advisory ``flock`` on a hidden file beside the target (``.NAME.lock``), made once
and never removed (removing a lock file lets two writers hold two different files). The kernel
releases it when its process ends, killed or not, so a crashed build never leaves it held.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system: no locking to be had
    fcntl = None  # type: ignore[assignment]


def lock_path(target: Path) -> Path:
    """The lock file of ``target`` (a folder or store that may not exist yet)."""
    target = target.resolve()
    return target.parent / f".{target.name}.lock"


@contextmanager
def writing(targets: list[Path], on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the write lock of every target (in one fixed order, so two builds naming the same two
    places never wait on each other), waiting for another writer if one holds it."""
    with ExitStack() as held:
        for target in sorted({lock_path(target) for target in targets}):
            descriptor = _open(target)
            if descriptor is None:
                continue
            held.callback(os.close, descriptor)
            _take(descriptor, target, on_wait)
        yield


def _open(path: Path) -> int | None:
    """The lock file opened for locking; None where it cannot be made (a read-only folder, where
    no other kg can write either)."""
    if fcntl is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None


def _take(descriptor: int, path: Path, on_wait: Callable[[str], None] | None) -> None:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if on_wait is not None:
        target = path.parent / path.name[1:].removesuffix(".lock")
        on_wait(f"another kg is writing to {target}; waiting for it to finish")
    fcntl.flock(descriptor, fcntl.LOCK_EX)
