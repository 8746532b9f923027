"""--load-modules: runs modprobe only when asked, live and as root, and says what it ran."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from kata_config.hostcheck import context
from kata_config.probes import modload
from kata_config.probes.base import CheckResult, ProbeContext, Status
from kata_config.probes.host import HostRoot

HOST = Path(__file__).parent / "fixtures" / "hosts" / "x86_64-dev-modload"


class Recorder:
    """An injected runner: records each command, answers with a fixed status."""

    def __init__(self, status: int = 0, output: str = "") -> None:
        self.calls: list[tuple[str, ...]] = []
        self.status = status
        self.output = output

    def __call__(self, argv: Sequence[str]) -> tuple[int, str]:
        self.calls.append(tuple(argv))
        return self.status, self.output


def _ctx(load: bool, live: bool = True) -> ProbeContext:
    return context(HostRoot(HOST, devices_live=live), "x86_64", load_modules=load)


def _run(ctx: ProbeContext, runner: Recorder, euid: int = 0) -> list[CheckResult]:
    return list(modload.probe_modload(ctx, runner, euid=lambda: euid))


def test_without_the_flag_nothing_runs_even_as_root() -> None:
    """§1.10 #8: upstream's check modprobes as a side effect whenever it runs as root."""
    runner = Recorder()
    assert _run(_ctx(load=False), runner) == []
    assert runner.calls == []


@pytest.mark.parametrize(
    ("live", "euid", "words"),
    [(False, 0, "live host only"), (True, 1000, "needs root")],
    ids=["snapshot", "not-root"],
)
def test_flag_without_live_root_runs_nothing(live: bool, euid: int, words: str) -> None:
    runner = Recorder()
    (result,) = _run(_ctx(load=True, live=live), runner, euid)
    assert result.status is Status.SKIP
    assert words in result.message
    assert runner.calls == []


def test_loads_exactly_the_missing_loadable_modules() -> None:
    runner = Recorder()
    results = _run(_ctx(load=True), runner)
    # kvm and kvm_intel are loaded, tun is built in, kvm_amd is for the other vendor.
    assert runner.calls == [
        ("modprobe", "vhost"),
        ("modprobe", "vhost_net"),
        ("modprobe", "vhost_vsock"),
    ]
    assert [r.message for r in results] == [
        "ran: modprobe vhost (exit 0)",
        "ran: modprobe vhost_net (exit 0)",
        "ran: modprobe vhost_vsock (exit 0)",
    ]
    assert {r.status for r in results} == {Status.PASS}


def test_failed_modprobe_is_reported_with_its_output() -> None:
    runner = Recorder(1, "modprobe: FATAL: Module vhost not found")
    results = _run(_ctx(load=True), runner)
    assert results[0].status is Status.FAIL
    assert results[0].message == "ran: modprobe vhost (exit 1)"
    assert "FATAL" in results[0].evidence


def test_missing_binary_is_an_exit_status() -> None:
    status, output = modload.run_command(["kata-config-no-such-binary-xyz"])
    assert status == 127
    assert "not found" in output
