"""The write lock of an output folder or store (kg/graph/lock.py)."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.graph.lock import lock_path, writing


def test_the_lock_file_sits_beside_the_target(tmp_path: Path) -> None:
    with writing([tmp_path / "out"]):
        assert lock_path(tmp_path / "out") == tmp_path / ".out.lock" and (tmp_path / ".out.lock").exists()


def test_a_second_writer_waits_and_says_so(tmp_path: Path) -> None:
    said: list[str] = []
    order: list[str] = []

    def second() -> None:
        with writing([tmp_path / "out"], on_wait=said.append):
            order.append("second")

    with writing([tmp_path / "out"]):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
    assert said == [f"another kg is writing to {(tmp_path / 'out').resolve()}; waiting for it to finish"]


@pytest.fixture
def read_only_parent(tmp_path: Path) -> Iterator[Path]:
    """A folder that can be written in, inside one that cannot (even by root: immutable)."""
    parent = tmp_path / "ro"
    (parent / "out").mkdir(parents=True)
    if subprocess.run(["chattr", "+i", str(parent)], capture_output=True).returncode != 0:
        pytest.skip("chattr cannot make a folder immutable here")
    try:
        yield parent / "out"
    finally:
        subprocess.run(["chattr", "-i", str(parent)], check=True)


def test_a_folder_whose_parent_is_read_only_is_locked_inside(read_only_parent: Path) -> None:
    """--out /srv/kg with /srv read-only: the lock goes inside the folder, never nowhere."""
    said: list[str] = []

    def second() -> None:
        with writing([read_only_parent], on_wait=said.append):
            pass

    with writing([read_only_parent]):
        assert (read_only_parent / ".kg.lock").exists()
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        assert thread.is_alive() and said  # the second writer waits on the same lock
    thread.join(5)
    assert not thread.is_alive()
