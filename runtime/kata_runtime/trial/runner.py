"""Start a hypervisor paused, ask it over QMP what it built, and always clean up.

Everything lives in one private temporary directory (QMP socket, console socket, pid file,
stderr) that is removed on every way out; the hypervisor and any helper share one process
group that is killed with SIGKILL on every way out too: normal end, refusal, deadline,
SIGINT or SIGTERM. Nothing here needs root; the hypervisor needs what it needs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from kata_runtime.trial.qmp import QmpClient, QmpError
from kata_runtime.trial.queries import Device, ask, version_of
from kata_runtime.trial.workspace import HelperStart, Workspace

_STDERR_CAP = 16384
"""Enough for any QEMU refusal; a chattier hypervisor's output is cut, not buffered whole."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one trial start showed."""

    started: bool
    version: str = ""
    status: str = ""
    vcpus: int | None = None
    memory_mib: int | None = None
    devices: tuple[Device, ...] = ()
    error: str | None = None
    """The hypervisor's own words (its stderr), or our sentence when it said nothing."""
    timed_out: bool = False
    exit_status: int | None = None
    refused_by: str = ""
    """The helper that gave up first (its words end ``error``); "" = the hypervisor."""


class Interrupted(Exception):
    """SIGTERM arrived during a trial (SIGINT arrives as KeyboardInterrupt)."""


def _interrupt(signum: int) -> NoReturn:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(f"signal {signum}")


@dataclass(slots=True)
class _Run:
    proc: subprocess.Popen[bytes] | None = None
    helpers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    holding: bool = False
    pending: int | None = None

    @contextlib.contextmanager
    def starting(self) -> Iterator[None]:
        """Hold SIGINT and SIGTERM back while a child is started and recorded here.

        Raised inside ``Popen`` (the child forked, ``Popen`` not yet returned) they would
        leave that child unrecorded, so never killed; held, they are raised once it is.
        """
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
            if self.pending is not None:
                signum, self.pending = self.pending, None
                _interrupt(signum)


@contextlib.contextmanager
def _signals_raise(run: _Run) -> Iterator[None]:
    """Turn SIGTERM (and SIGINT, unless ignored) into exceptions so the ``finally`` clean-up
    runs, held back while ``run`` is starting a child (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        if run.holding:
            run.pending = signum
            return
        _interrupt(signum)

    signums = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signums.append(signal.SIGINT)
    previous = {signum: signal.signal(signum, _raise) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _kill_group(run: _Run) -> None:
    procs = [p for p in (run.proc, *run.helpers) if p is not None]
    for proc in procs:
        # The group id is the first child's pid; helpers joined that group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


def _read_capped(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(_STDERR_CAP)
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").strip()


def start_paused(
    build_argv: Callable[[Workspace], Sequence[str]],
    *,
    timeout: float = 10.0,
    helpers: Callable[[Workspace], Sequence[HelperStart]] = lambda ws: (),
    then: Callable[[QmpClient, Workspace], None] | None = None,
    parent: str | None = None,
) -> Outcome:
    """Run ``build_argv(workspace)`` paused, query it over QMP, quit, and clean up.

    ``helpers(workspace)`` (called after ``build_argv``) are started first, in the same
    process group, each waited for until it is ready (virtiofsd before QEMU, as the runtime
    does). ``then`` runs after the queries with the live QMP connection (a test uses it to
    resume a real guest). The deadline covers everything up to the answer. The private
    directory is made under ``parent`` (default: the system temp directory).

    Raises:
        KeyboardInterrupt, Interrupted: after cleaning up, when the user stops the trial.
        OSError: when a binary cannot be executed at all (after cleaning up).
    """
    deadline = time.monotonic() + timeout
    directory = tempfile.mkdtemp(prefix="kata-config-try-", dir=parent)
    run = _Run()
    try:
        with _signals_raise(run):
            return _attempt(
                build_argv=build_argv, helpers=helpers, then=then,
                directory=directory, deadline=deadline, run=run,
            )
    finally:
        _kill_group(run)
        shutil.rmtree(directory, ignore_errors=True)


def _start_helpers(starts: Sequence[HelperStart], ws: Workspace, run: _Run,
                   deadline: float) -> Outcome | None:
    """Start each helper and wait until it is ready; an Outcome when one gives up first."""
    try:
        for start in starts:
            with (open(os.path.join(ws.directory, f"{start.name}.stderr"), "wb") as log,
                  run.starting()):
                run.helpers.append(subprocess.Popen(
                    list(start.argv), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                    cwd=ws.directory, pass_fds=start.fds,
                    process_group=run.helpers[0].pid if run.helpers else 0))
                run.names.append(start.name)
    finally:
        ws.close_listeners()
    for start, proc in zip(starts, run.helpers, strict=True):
        while start.ready and not os.path.exists(start.ready):
            if proc.poll() is not None or time.monotonic() >= deadline:
                timed_out = proc.poll() is None
                _kill_group(run)
                words = _read_capped(os.path.join(ws.directory, f"{start.name}.stderr"))
                state = ("did not create" if timed_out else "exited before creating")
                return Outcome(started=False, timed_out=timed_out, refused_by=start.name,
                               exit_status=proc.returncode,
                               error=words or f"{start.name} {state} {start.ready}")
            time.sleep(0.01)
    return None


def _helper_words(run: _Run, directory: str) -> tuple[str, str]:
    """(name, words) of the first helper that has exited, ("", "") when all still run."""
    for name, proc in zip(run.names, run.helpers, strict=True):
        if proc.poll() is not None:
            return name, _read_capped(os.path.join(directory, f"{name}.stderr"))
    return "", ""


def _attempt(
    *,
    build_argv: Callable[[Workspace], Sequence[str]],
    helpers: Callable[[Workspace], Sequence[HelperStart]],
    then: Callable[[QmpClient, Workspace], None] | None,
    directory: str,
    deadline: float,
    run: _Run,
) -> Outcome:
    qmp_path = os.path.join(directory, "qmp.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stderr_path = os.path.join(directory, "stderr")
    with listener:
        listener.bind(qmp_path)
        listener.listen(1)
        workspace = Workspace(directory, listener.fileno(), qmp_path)
        try:
            argv = list(build_argv(workspace))
            gave_up = _start_helpers(helpers(workspace), workspace, run, deadline)
        finally:
            workspace.close_listeners()
        if gave_up is not None:
            return gave_up
        with open(stderr_path, "wb") as stderr, run.starting():
            run.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, cwd=directory,
                pass_fds=(listener.fileno(),),
                process_group=run.helpers[0].pid if run.helpers else 0,
            )
    proc = run.proc

    def alive() -> bool:
        return proc.poll() is None

    try:
        with QmpClient.connect(qmp_path, deadline, alive) as client:
            answers = ask(client)
            version = version_of(client.greeting)
            if then is not None:
                then(client, workspace)
            with contextlib.suppress(QmpError):
                client.execute("quit")
    except QmpError as exc:
        timed_out = alive() and time.monotonic() >= deadline
        name, words = _helper_words(run, directory)
        _kill_group(run)
        said = _read_capped(stderr_path) or str(exc)
        if name:
            said += f"\n{name} (started before the hypervisor) said: {words or 'nothing'}"
        return Outcome(started=False, error=said, timed_out=timed_out,
                       exit_status=proc.returncode, refused_by=name)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=max(0.5, deadline - time.monotonic()))
    return Outcome(started=True, version=version, exit_status=proc.returncode, **answers)
