"""One writer at a time for an output folder or a store.

Two ``kg build --append`` runs onto the same graph each read the graph as it was, add their
documents and write: without a lock the second write drops the first's documents, and a store's
resolution records are rewritten from a stale reading. So a build takes an exclusive lock on each
place it writes *before* it reads what is there, and holds it until its last write: a second
writer waits (and says so), then reads the first one's result, as if the two had run in sequence.

The lock is an advisory ``flock`` on a hidden file beside the target (``.NAME.lock``), made once
and never removed (removing a lock file lets two writers hold two different files); where the
folder above cannot take a file (``--out /srv/kg`` with ``/srv`` read-only), on ``.kg.lock``
inside the target. The kernel releases it when its process ends, killed or not, so a crashed
build never leaves it held. A target where neither can be made is one line and no work done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from kg.errors import GraphError

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
    if fcntl is None:
        yield
        return
    with ExitStack() as held:
        for target in sorted({target.resolve() for target in targets}):
            path, descriptor = _open(target)
            held.callback(os.close, descriptor)
            _take(descriptor, path, on_wait)
        yield


def _open(target: Path) -> tuple[Path, int]:
    """The lock file of ``target``, opened for locking: beside it, else inside it."""
    beside = lock_path(target)
    try:
        beside.parent.mkdir(parents=True, exist_ok=True)
        return beside, os.open(beside, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        inside = target / ".kg.lock"
        try:
            return inside, os.open(inside, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            raise GraphError(f"{target}: cannot make a lock file beside it or in it ({error.strerror}); "
                             "kg writes there only under a lock, so two writers cannot lose each other's "
                             "work") from error


def _take(descriptor: int, path: Path, on_wait: Callable[[str], None] | None) -> None:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if on_wait is not None:
        target = path.parent if path.name == ".kg.lock" else path.parent / path.name[1:].removesuffix(".lock")
        on_wait(f"another kg is writing to {target}; waiting for it to finish")
    fcntl.flock(descriptor, fcntl.LOCK_EX)
