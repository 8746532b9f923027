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
from typing import Any

from kata_runtime.trial.qmp import QmpClient, QmpError

_STDERR_CAP = 16384
"""Enough for any QEMU refusal; a chattier hypervisor's output is cut, not buffered whole."""


@dataclass(frozen=True, slots=True)
class Device:
    """One device the hypervisor created, as QOM names it."""

    id: str
    type: str
    pci: str = ""
    """``bus:slot.function`` for PCI devices, when query-pci reports it."""


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


@dataclass(frozen=True, slots=True)
class Workspace:
    """What the argv builder may use: the private directory and the QMP listener's fd."""

    directory: str
    qmp_fd: int
    qmp_path: str


@dataclass(slots=True)
class _Run:
    proc: subprocess.Popen[bytes] | None = None
    helpers: list[subprocess.Popen[bytes]] = field(default_factory=list)


class Interrupted(Exception):
    """SIGTERM arrived during a trial (SIGINT arrives as KeyboardInterrupt)."""


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM into an exception so the ``finally`` clean-up runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise Interrupted(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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


def _version(greeting: dict[str, Any]) -> str:
    version = greeting.get("version", {})
    qemu = version.get("qemu", {})
    text = f"{qemu.get('major', '?')}.{qemu.get('minor', '?')}.{qemu.get('micro', '?')}"
    package = str(version.get("package", "")).strip()
    return f"{text} ({package})" if package else text


def _devices(client: QmpClient) -> tuple[Device, ...]:
    pci: dict[str, str] = {}
    with contextlib.suppress(QmpError):
        for bus in client.execute("query-pci"):
            for dev in bus.get("devices", []):
                if dev.get("qdev_id"):
                    pci[dev["qdev_id"]] = f"{dev['bus']:02x}:{dev['slot']:02x}.{dev['function']}"
    found: list[Device] = []
    for container in ("/machine/peripheral", "/machine/peripheral-anon"):
        try:
            children = client.execute("qom-list", {"path": container})
        except QmpError:
            continue
        for child in children:
            kind = str(child.get("type", ""))
            if kind.startswith("child<") and kind.endswith(">"):
                name = str(child["name"])
                found.append(Device(name, kind[6:-1], pci.get(name, "")))
    return tuple(found)


def _ask(client: QmpClient) -> dict[str, Any]:
    status = client.execute("query-status")
    cpus = client.execute("query-cpus-fast")
    memory = client.execute("query-memory-size-summary")
    return {
        "status": str(status.get("status", "")),
        "vcpus": len(cpus),
        "memory_mib": int(memory.get("base-memory", 0)) // (1 << 20),
        "devices": _devices(client),
    }


def start_paused(
    build_argv: Callable[[Workspace], Sequence[str]],
    *,
    timeout: float = 10.0,
    helpers: Callable[[Workspace], Sequence[Sequence[str]]] = lambda ws: (),
    then: Callable[[QmpClient, Workspace], None] | None = None,
    parent: str | None = None,
) -> Outcome:
    """Run ``build_argv(workspace)`` paused, query it over QMP, quit, and clean up.

    ``helpers`` are started first, in the same process group (virtiofsd before QEMU, as
    the runtime does). ``then`` runs after the queries with the live QMP connection (a
    test uses it to resume a real guest). The deadline covers everything up to the answer.
    The private directory is made under ``parent`` (default: the system temp directory).

    Raises:
        KeyboardInterrupt, Interrupted: after cleaning up, when the user stops the trial.
        OSError: when the binary cannot be executed at all (after cleaning up).
    """
    deadline = time.monotonic() + timeout
    directory = tempfile.mkdtemp(prefix="kata-config-try-", dir=parent)
    run = _Run()
    try:
        with _signals_raise():
            return _attempt(
                build_argv=build_argv, helpers=helpers, then=then,
                directory=directory, deadline=deadline, run=run,
            )
    finally:
        _kill_group(run)
        shutil.rmtree(directory, ignore_errors=True)


def _attempt(
    *,
    build_argv: Callable[[Workspace], Sequence[str]],
    helpers: Callable[[Workspace], Sequence[Sequence[str]]],
    then: Callable[[QmpClient, Workspace], None] | None,
    directory: str,
    deadline: float,
    run: _Run,
) -> Outcome:
    qmp_path = os.path.join(directory, "qmp.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stderr_path = os.path.join(directory, "stderr")
    with listener, open(stderr_path, "wb") as stderr:
        listener.bind(qmp_path)
        listener.listen(1)
        workspace = Workspace(directory, listener.fileno(), qmp_path)
        argv = list(build_argv(workspace))
        group: int | None = None
        for helper in helpers(workspace):
            proc = subprocess.Popen(
                list(helper), stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                cwd=directory, process_group=0 if group is None else group,
            )
            group = proc.pid if group is None else group
            run.helpers.append(proc)
        run.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, cwd=directory,
            pass_fds=(listener.fileno(),), process_group=0 if group is None else group,
        )
    proc = run.proc

    def alive() -> bool:
        return proc.poll() is None

    try:
        with QmpClient.connect(qmp_path, deadline, alive) as client:
            answers = _ask(client)
            version = _version(client.greeting)
            if then is not None:
                then(client, workspace)
            with contextlib.suppress(QmpError):
                client.execute("quit")
    except QmpError as exc:
        timed_out = alive() and time.monotonic() >= deadline
        _kill_group(run)
        said = _read_capped(stderr_path)
        return Outcome(
            started=False, error=said or str(exc), timed_out=timed_out,
            exit_status=proc.returncode,
        )
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=max(0.5, deadline - time.monotonic()))
    return Outcome(started=True, version=version, exit_status=proc.returncode, **answers)
