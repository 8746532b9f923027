"""The --try runner never leaves a process or a file behind: hang, interrupt, refusal."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kata_runtime.trial.qmp import QmpClient, QmpError
from kata_runtime.trial.runner import Workspace, start_paused
from kata_runtime.trial.workspace import HelperStart

SLEEPY = Path(__file__).parent / "fakes" / "sleepy-hypervisor"
REPO = Path(__file__).resolve().parents[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has been killed, only not yet reaped by init.
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


# Generous deadlines: under load (2 shared cores, parallel suites) a Python start and a fork
# can take seconds; a test only waits this long when something is wrong.
_DEADLINE = 60.0


def _wait_for(path: Path, seconds: float = _DEADLINE) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


def test_hanging_hypervisor_is_killed_at_the_deadline(tmp_path: Path, monkeypatch) -> None:
    pids_file = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids_file))
    work = tmp_path / "tmp"
    work.mkdir()
    start = time.monotonic()
    outcome = start_paused(lambda ws: [str(SLEEPY)], timeout=1.5, parent=str(work))
    elapsed = time.monotonic() - start
    assert not outcome.started
    assert outcome.timed_out
    assert elapsed < 8
    pids = [int(p) for p in pids_file.read_text().split()]
    assert len(pids) == 2
    assert not any(_alive(pid) for pid in pids), "hypervisor or its child survived"
    assert list(work.iterdir()) == [], "the private directory was left behind"


def test_refusal_keeps_the_hypervisors_words(tmp_path: Path) -> None:
    def argv(ws: Workspace) -> list[str]:
        return ["/bin/sh", "-c", "echo 'fake: -device bogus: no such device' >&2; exit 1"]

    outcome = start_paused(argv, timeout=5, parent=str(tmp_path))
    assert not outcome.started
    assert not outcome.timed_out
    assert outcome.error == "fake: -device bogus: no such device"
    assert outcome.exit_status == 1
    assert list(tmp_path.iterdir()) == []


def test_missing_binary_raises_after_cleaning_up(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        start_paused(lambda ws: [str(tmp_path / "nope")], timeout=2, parent=str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == []


# Both start with SIGINT as in a terminal, even when the tests run with it ignored (a
# background job of a non-interactive shell), where Python would never raise on it.
_CLI = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from kata_cli import main; main()")
_DRIVER = textwrap.dedent("""
    import signal, sys
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, {runtime!r})
    from kata_runtime.trial.runner import start_paused
    start_paused(lambda ws: [{sleepy!r}], timeout=60, parent={parent!r})
""")
# The signal arrives while Popen has forked the hypervisor but not yet returned: under load
# the parent can be descheduled there while the child runs; a runner that recorded the child
# only after Popen returned left it (and its child) running.
_LATE_POPEN = textwrap.dedent("""
    import os, signal, subprocess, time
    _popen = subprocess.Popen

    class _Late(_popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            while not os.path.exists(os.environ["FAKE_PIDS"]):
                time.sleep(0.01)
            os.kill(os.getpid(), {signum})
            time.sleep(0.5)  # Python runs the handler here, still inside Popen

    subprocess.Popen = _Late
""")


def _gone(pids: list[int]) -> bool:
    end = time.monotonic() + _DEADLINE
    while any(_alive(pid) for pid in pids) and time.monotonic() < end:
        time.sleep(0.05)
    return not any(_alive(pid) for pid in pids)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("inside_popen", [False, True], ids=["running", "inside-popen"])
def test_interrupt_kills_the_group_and_removes_the_directory(
    tmp_path: Path, signum: signal.Signals, inside_popen: bool
) -> None:
    pids_file = tmp_path / "pids"
    work = tmp_path / "tmp"
    work.mkdir()
    code = _DRIVER.format(runtime=str(REPO / "runtime"), sleepy=str(SLEEPY), parent=str(work))
    if inside_popen:  # the driver signals itself before Popen returns (_LATE_POPEN)
        code = _LATE_POPEN.format(signum=int(signum)) + code
    env = {**os.environ, "FAKE_PIDS": str(pids_file)}
    driver = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE)
    try:
        pids = [int(p) for p in _wait_for(pids_file).split()]
        if not inside_popen:
            assert all(_alive(pid) for pid in pids)
            driver.send_signal(signum)
        _, err = driver.communicate(timeout=_DEADLINE)
    finally:
        driver.kill()
    assert driver.returncode != 0
    assert b"Interrupted" in err or b"KeyboardInterrupt" in err, err
    assert _gone(pids), "hypervisor or its child survived"
    assert list(work.iterdir()) == []


def _serve(server: socket.socket, script: list[bytes]) -> None:
    conn, _ = server.accept()
    with conn:
        conn.sendall(b'{"QMP": {"version": {"qemu": {"major": 9, "minor": 1, "micro": 0}}}}\n')
        for reply in script:
            conn.recv(4096)
            conn.sendall(reply)
        time.sleep(2)


@pytest.fixture
def qmp_server(tmp_path: Path):
    path = str(tmp_path / "q.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def run(script: list[bytes]) -> str:
        threading.Thread(target=_serve, args=(server, script), daemon=True).start()
        return path

    yield run
    server.close()


def test_qmp_skips_events_and_reports_errors(qmp_server) -> None:
    event = json.dumps({"event": "RESUME", "timestamp": {}}).encode() + b"\n"
    path = qmp_server([
        b'{"return": {}}\n',
        event + b'{"return": {"status": "prelaunch"}}\n',
        b'{"error": {"class": "CommandNotFound", "desc": "The command query-pci has not '
        b'been found"}}\n',
    ])
    with QmpClient.connect(path, time.monotonic() + 5) as client:
        assert client.greeting["version"]["qemu"]["major"] == 9
        assert client.execute("query-status") == {"status": "prelaunch"}
        assert [e["event"] for e in client.events] == ["RESUME"]
        with pytest.raises(QmpError, match="query-pci has not been found"):
            client.execute("query-pci")


def test_qmp_silence_ends_at_the_deadline(qmp_server) -> None:
    path = qmp_server([b'{"return": {}}\n'])
    with QmpClient.connect(path, time.monotonic() + 0.8) as client:
        start = time.monotonic()
        with pytest.raises(QmpError, match="deadline"):
            client.execute("query-status")
        assert time.monotonic() - start < 2


_FAKE_HELPER = """#!/bin/sh
# A helper (a virtiofsd) that makes its socket, says where it is, and hangs with a child.
sleep 1000 &
: > "$1"
echo "$$ $!" > "$2.tmp" && mv "$2.tmp" "$2"
exec sleep 1000
"""


def _fake_helper(tmp_path: Path) -> Path:
    script = tmp_path / "fake-helper"
    script.write_text(_FAKE_HELPER)
    script.chmod(0o755)
    return script


def test_a_helper_that_never_gets_ready_is_killed_with_its_child(tmp_path: Path,
                                                                 monkeypatch) -> None:
    pids_file = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids_file))
    work = tmp_path / "tmp"
    work.mkdir()

    def helpers(ws: Workspace) -> list[HelperStart]:
        return [HelperStart("fakefsd", (str(SLEEPY),), ready=f"{ws.directory}/never.sock")]

    outcome = start_paused(lambda ws: ["/bin/false"], helpers=helpers, timeout=1.5,
                           parent=str(work))
    assert (outcome.started, outcome.timed_out, outcome.refused_by) == (False, True, "fakefsd")
    assert outcome.error.endswith("did not create " + outcome.error.rpartition(" ")[2])
    pids = [int(p) for p in pids_file.read_text().split()]
    assert not any(_alive(pid) for pid in pids), "the helper or its child survived"
    assert list(work.iterdir()) == []


def test_helper_and_hypervisor_hang_together_and_die_together(tmp_path: Path,
                                                               monkeypatch) -> None:
    hyper_pids = tmp_path / "hyper"
    helper_pids = tmp_path / "helper"
    monkeypatch.setenv("FAKE_PIDS", str(hyper_pids))
    work = tmp_path / "tmp"
    work.mkdir()
    script = _fake_helper(tmp_path)
    fds: list[int] = []

    def argv(ws: Workspace) -> list[str]:
        fds.append(ws.listen(f"{ws.directory}/fs.sock"))
        return [str(SLEEPY)]

    def helpers(ws: Workspace) -> list[HelperStart]:
        return [HelperStart("fakefsd", (str(script), f"{ws.directory}/ready", str(helper_pids)),
                            fds=tuple(fds), ready=f"{ws.directory}/ready")]

    outcome = start_paused(argv, helpers=helpers, timeout=2, parent=str(work))
    assert (outcome.started, outcome.timed_out, outcome.refused_by) == (False, True, "")
    pids = [int(p) for f in (hyper_pids, helper_pids) for p in f.read_text().split()]
    assert len(pids) == 4
    assert not any(_alive(pid) for pid in pids), "a hypervisor, a helper or a child survived"
    assert list(work.iterdir()) == []


def test_a_helper_that_dies_first_is_named_with_its_words(tmp_path: Path) -> None:
    def helpers(ws: Workspace) -> list[HelperStart]:
        return [HelperStart("fakefsd", ("/bin/sh", "-c", "echo 'fakefsd: bad option' >&2"),
                            ready=f"{ws.directory}/fs.sock")]

    outcome = start_paused(lambda ws: [str(SLEEPY)], helpers=helpers, timeout=5,
                           parent=str(tmp_path))
    assert (outcome.started, outcome.timed_out, outcome.refused_by) == (False, False, "fakefsd")
    assert outcome.error == "fakefsd: bad option"
    assert list(tmp_path.iterdir()) == []


def test_trial_sockets_stay_in_the_private_directory(tmp_path: Path) -> None:
    def argv(ws: Workspace) -> list[str]:
        ws.listen(str(tmp_path / "outside.sock"))
        return ["/bin/true"]

    work = tmp_path / "t"
    work.mkdir()
    with pytest.raises(ValueError, match="must be in"):
        start_paused(argv, timeout=2, parent=str(work))
    assert not (tmp_path / "outside.sock").exists()
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["SIGINT", "SIGTERM"])
def test_the_command_line_reports_an_interrupt_and_leaves_nothing(
        tmp_path: Path, signum: signal.Signals, code: int) -> None:
    """``kata-config plan --try`` stopped by the user: one sentence, nothing left behind."""
    pids_file = tmp_path / "pids"
    work = tmp_path / "tmp"
    work.mkdir()
    config = tmp_path / "configuration.toml"
    config.write_text(f'[hypervisor.qemu]\npath = "{SLEEPY}"\nkernel = "{SLEEPY}"\n'
                      'shared_fs = "none"\n[agent.kata]\n[runtime]\n')
    env = {**os.environ, "FAKE_PIDS": str(pids_file), "TMPDIR": str(work)}
    cli = subprocess.Popen(
        [sys.executable, "-c", _CLI, "plan", str(config), "--arch", "x86_64", "--runtime",
         "go", "--try", "--accel", "tcg", "--timeout", "60"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        pids = [int(p) for p in _wait_for(pids_file).split()]
        cli.send_signal(signum)
        _, err = cli.communicate(timeout=_DEADLINE)
    finally:
        cli.kill()
    assert cli.returncode == code
    assert err.decode().strip() == ("kata-config: --try interrupted: the hypervisor and its "
                                    "helpers were stopped and the trial's files removed")
    assert _gone(pids)
    assert list(work.iterdir()) == []
