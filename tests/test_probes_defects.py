"""One test per upstream ``kata-runtime check`` defect (host-checks.md §1.10) that we avoid.

Defects owned by other probes are tested beside them: #5 (network) in test_probe_release.py
and #11 (KVM_CREATE_VM only as root) in test_probe_kvm.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.probes.base import Status
from tests.hostfixtures import HOSTS, copy_host, results, statuses


def _config(hv: str, **table: object) -> dict[str, object]:
    return {"hypervisor": {hv: dict(table)}, "agent": {"kata": {}}}


def test_defect_1_unrestricted_guest_is_enforced(tmp_path: Path) -> None:
    root = copy_host("x86_64-intel-kvm-ok", tmp_path)
    (root / "sys/module/kvm_intel/parameters/unrestricted_guest").write_text("N\n")
    line = results(root, "x86_64")["module.kvm_intel.unrestricted_guest"]
    assert line.status is Status.WARN
    assert "unrestricted_guest=1" in line.remedy


def test_defect_2_power10_parsed_as_power10_and_skips_the_smt_rule() -> None:
    got = results(HOSTS / "ppc64le-power10-kvm", "ppc64le")
    assert "POWER10" in got["cpu.virtualization"].message
    assert "cpu.smt" not in got  # the SMT rule is for POWER8-class hosts only, and smt is on
    assert results(HOSTS / "ppc64le-power8-powernv-smt-on", "ppc64le")["cpu.smt"].status \
        is Status.FAIL


def test_defect_3_sie_checked_on_s390x() -> None:
    without = results(HOSTS / "s390x-guest-no-sie", "s390x")["cpu.virtualization"]
    with_sie = results(HOSTS / "s390x-guest-nested-sie", "s390x")["cpu.virtualization"]
    assert without.status is Status.FAIL
    assert "SIE" in without.message
    assert with_sie.status is Status.PASS
    assert "has sie" in with_sie.evidence


def test_defect_4_strict_is_not_a_noop() -> None:
    args = ["check", "--root", str(HOSTS / "x86_64-pvm"), "--arch", "x86_64", "--only", "env"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert CliRunner().invoke(app, [*args, "--strict"]).exit_code == 1


def test_defect_6_missing_vsock_is_one_clear_line_not_a_load_failure() -> None:
    qemu = _config("qemu", machine_type="q35")
    got = results(HOSTS / "x86_64-guest-no-nested", "x86_64", qemu, only=["config", "module"])
    assert got["config.vsock"].status is Status.FAIL
    assert got["config.vsock"].remedy == "modprobe vhost_vsock"
    assert "config.machine-type" in got  # the run went on past the vsock problem


def test_defect_7_optional_module_absence_is_a_warning_and_counts() -> None:
    got = statuses(HOSTS / "x86_64-guest-no-nested", "x86_64", only=["module.vhost_vsock"])
    assert got == {"module.vhost_vsock": Status.WARN}
    clh = statuses(HOSTS / "x86_64-guest-no-nested", "x86_64", _config("clh"),
                   only=["module.vhost_vsock"])
    assert clh == {"module.vhost_vsock": Status.SKIP}


def test_defect_8_no_module_loading_without_load_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"subprocess started: {args}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    args = ["check", "--root", str(HOSTS / "x86_64-amd-no-svm"), "--no-network-checks"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "modprobe kvm_amd" in result.output  # told, not done
    denied = CliRunner().invoke(app, [*args, "--load-modules"])
    assert denied.exit_code == 2


def test_defect_9_remote_and_dragonball_do_not_fail_on_intel() -> None:
    remote = statuses(HOSTS / "x86_64-amd-no-svm", "x86_64", _config("remote"),
                      only=["cpu.virtualization", "module"])
    assert set(remote.values()) == {Status.SKIP}
    dragonball = statuses(HOSTS / "x86_64-intel-kvm-ok", "x86_64", _config("dragonball"),
                          only=["cpu.virtualization", "module"])
    assert Status.FAIL not in dragonball.values()


def test_defect_10_builtin_modules_not_reported_missing() -> None:
    root = HOSTS / "x86_64-builtin-modules"
    assert not (root / "sys/module/vhost_vsock").exists()
    line = results(root, "x86_64")["module.vhost_vsock"]
    assert line.status is Status.PASS
    assert "modules.builtin" in line.evidence


def test_unreadable_parameter_file_does_not_abort_the_run() -> None:
    got = results(HOSTS / "x86_64-guest-param-unreadable", "x86_64")
    assert got["module.kvm_intel.unrestricted_guest"].status is Status.WARN
    assert "env.container" in got  # later probes still ran
