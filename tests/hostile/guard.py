"""A guard against hangs on FIFOs: after 5 s it opens each FIFO's write end, which releases a
reader blocked on it, and records that the command hung."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

LIMIT = 5.0


class Hang:
    """Whether the guarded block hung on one of the FIFOs."""

    def __init__(self) -> None:
        self.hung = False


@contextlib.contextmanager
def fifo_guard(fifos: list[Path], limit: float = LIMIT) -> Iterator[Hang]:
    """Run the block; if it is still running after ``limit`` seconds, unblock it and say so."""
    state = Hang()
    done = threading.Event()

    def watch() -> None:
        if done.wait(limit):
            return
        state.hung = True
        while not done.is_set():
            for fifo in fifos:
                with contextlib.suppress(OSError):
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            done.wait(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        done.set()
        thread.join()
