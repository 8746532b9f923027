"""Fleet mode of ``check``: write each format to its file atomically, again every interval.

A DaemonSet pod runs ``check --root /host --live --interval 300 --format nfd --output ...
--format prometheus --output ...``. Each ``--output`` belongs to the ``--format`` in the same
position; a format without one (or with ``-``) goes to stdout. Files are replaced atomically
(a dot-file temporary in the same directory, then a rename), so NFD, which skips dot files,
and node_exporter, which reads only ``*.prom``, never see half a file. SIGTERM (a pod being
stopped) and SIGINT end the loop between runs, and the command exits 0.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import NamedTuple

import kata_config
from kata_cli.render.check import RENDERERS, CheckRun
from kata_cli.usage import STDIN

Target = NamedTuple("Target", [("fmt", str), ("path", Path | None)])  # noqa: UP014
"""One format and where it goes (None: stdout). The call form: the class form would compile
its annotation strings (``from __future__ import annotations``) at every start."""


class OutputError(ValueError):
    """The --format/--output combination cannot be honoured (a usage error)."""


def pair(formats: Sequence[str], outputs: Sequence[Path]) -> tuple[Target, ...]:
    """Match each ``--output`` to the ``--format`` at the same position.

    Raises:
        OutputError: more outputs than formats, or two formats left on stdout.
    """
    if len(outputs) > len(formats):
        raise OutputError(f"{len(outputs)} --output for {len(formats)} --format: give one "
                          "--format before each --output")
    targets = tuple(
        Target(fmt, None if i >= len(outputs) or str(outputs[i]) == STDIN else outputs[i])
        for i, fmt in enumerate(formats)
    )
    if sum(t.path is None for t in targets) > 1:
        raise OutputError("only one --format can go to stdout; give the others an --output")
    return targets


def write(run: CheckRun, targets: Sequence[Target], verbose: bool, colour: bool) -> None:
    """Render ``run`` once per target: files atomically, the rest to stdout.

    Raises:
        OSError: (an ``AtomicWriteError``) a file could not be written; it is unchanged.
    """
    for target in targets:
        if target.path is None:
            RENDERERS[target.fmt](run, sys.stdout, verbose, colour)
            sys.stdout.flush()
            continue
        buffer = io.StringIO()
        RENDERERS[target.fmt](run, buffer, verbose, False)
        kata_config.atomic_write(target.path, buffer.getvalue())


class Stopper:
    """Turns SIGTERM/SIGINT into a flag the loop checks between runs (never mid-write)."""

    def __init__(self) -> None:
        # signal and threading: ~1 ms of imports, paid only under --interval
        import threading  # noqa: PLC0415

        self.event = threading.Event()
        self._previous: dict[int, object] = {}

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        del signum, frame
        self.event.set()

    def __enter__(self) -> Stopper:
        import signal  # noqa: PLC0415 (see __init__)

        for sig in (signal.SIGTERM, signal.SIGINT):
            self._previous[sig] = signal.signal(sig, self._stop)
        return self

    def __exit__(self, *exc: object) -> None:
        import signal  # noqa: PLC0415 (see __init__)

        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]

    def sleep(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True when a stop was asked for."""
        return self.event.wait(seconds)


def run_every(interval: float, once: Callable[[float], object]) -> None:
    """Call ``once(interval)`` now and then every ``interval`` seconds until SIGTERM/SIGINT.

    The wait is measured from the start of each run, so runs do not drift by their duration.
    """
    with Stopper() as stopper:
        while not stopper.event.is_set():
            started = time.monotonic()
            once(interval)
            if stopper.sleep(max(0.0, interval - (time.monotonic() - started))):
                break
