"""The registry runner: crashes become one FAIL line; ids are unique and listed."""

from __future__ import annotations

from collections.abc import Iterator

from kata_config.hostcheck import context, run_probes
from kata_config.probes import list_checks, probe_modules
from kata_config.probes.base import CheckResult, ProbeContext, Status
from kata_config.probes.host import HostRoot
from tests.hostfixtures import HOSTS


def _fine(ctx: ProbeContext) -> Iterator[CheckResult]:
    yield CheckResult("demo.fine", Status.PASS, "fine")


def _broken(ctx: ProbeContext) -> Iterator[CheckResult]:
    yield CheckResult("demo.partial", Status.PASS, "lost with the crash")
    raise KeyError("boom")


def test_a_crashing_probe_becomes_a_fail_line_naming_it() -> None:
    ctx = context(HostRoot(HOSTS / "x86_64-pvm"), "x86_64")
    got = run_probes(ctx, (_broken, _fine))
    assert [r.id for r in got] == ["probe.test_probes_registry._broken", "demo.fine"]
    assert got[0].status is Status.FAIL
    assert "KeyError" in got[0].message


def test_listed_ids_are_unique_and_every_probe_module_has_probes() -> None:
    ids = [cid for cid, _ in list_checks()]
    assert len(ids) == len(set(ids))
    assert all(module.PROBES and module.CHECK_IDS for module in probe_modules())
