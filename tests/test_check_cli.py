"""``kata-config check`` end to end over fixture roots (never the real host)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from tests.hostfixtures import HOSTS

MINE = ["--only", "cpu", "--only", "module", "--only", "env"]


def invoke(*args: str) -> tuple[int, str]:
    """Exit code and stdout of one run."""
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.stdout


def test_json_has_the_documented_shape() -> None:
    code, out = invoke("--root", str(HOSTS / "x86_64-pvm"), "--format", "json", *MINE)
    doc = json.loads(out)
    assert code == 0
    assert list(doc) == ["version", "host", "checks", "verdict"]
    assert doc["version"] == 1
    assert doc["host"] == {"arch": "x86_64", "root": str(HOSTS / "x86_64-pvm")}
    assert doc["verdict"] == "warn"
    first = doc["checks"][0]
    assert list(first) == ["id", "status", "message", "evidence", "remedy"]
    ids = [c["id"] for c in doc["checks"]]
    assert "cpu.virtualization" in ids
    assert "module.kvm" in ids


@pytest.mark.parametrize(
    ("fixture", "extra", "code"),
    [
        ("x86_64-builtin-modules", [], 0),
        ("x86_64-pvm", [], 0),
        ("x86_64-pvm", ["--strict"], 1),
        ("x86_64-amd-no-svm", [], 1),
        ("s390x-guest-no-sie", [], 1),
    ],
    ids=["pass", "warn", "warn-strict", "fail", "fail-s390x"],
)
def test_exit_codes(fixture: str, extra: list[str], code: int) -> None:
    assert invoke("--root", str(HOSTS / fixture), *MINE, *extra)[0] == code


@pytest.mark.parametrize(
    "args",
    [
        ["--arch", "sparc"],
        ["--root", "/nonexistent/kata-root", "--arch", "x86_64"],
        ["--root", str(HOSTS / "x86_64-missing-proc")],
        ["--root", str(HOSTS / "x86_64-pvm"), "--arch", "riscv64"],
        ["--root", str(HOSTS / "x86_64-pvm"), "--only", "no.such.check"],
        ["--root", str(HOSTS / "x86_64-pvm"), "--config", "/nonexistent/configuration.toml"],
        ["--root", str(HOSTS / "x86_64-pvm"), "--load-modules"],
    ],
    ids=["unknown-arch", "missing-root", "no-arch", "validate-only-arch", "unknown-only",
         "missing-config", "load-modules-offline"],
)
def test_usage_errors_exit_2_with_a_message(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["check", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("kata-config: ")
    assert "Traceback" not in result.output


def test_text_lines_are_aligned_with_remedies_under_failures() -> None:
    _code, out = invoke("--root", str(HOSTS / "x86_64-amd-no-svm"), "--only", "cpu")
    lines = out.splitlines()
    virt = next(line for line in lines if "cpu.virtualization" in line)
    assert virt.startswith("FAIL  cpu.virtualization  no svm flag")
    assert lines[lines.index(virt) + 1].strip().startswith("remedy:   enable AMD-V")
    starts = {line.index("cpu.") for line in lines if line[:4] in ("PASS", "FAIL")}
    assert len(starts) == 1
    assert lines[-1].startswith("verdict: FAIL")
    assert "\x1b[" not in out  # not a terminal: no colour


def test_verbose_adds_evidence() -> None:
    args = ("--root", str(HOSTS / "x86_64-pvm"), "--only", "cpu.virtualization")
    assert "evidence:" not in invoke(*args)[1]
    assert "evidence: proc/cpuinfo: no vmx/svm; /sys/module/kvm_pvm exists" in invoke(
        *args, "--verbose")[1]


def test_arch_from_snapshot_metadata_or_cpuinfo() -> None:
    assert json.loads(invoke("--root", str(HOSTS / "aarch64-graviton2"), "--format", "json",
                             *MINE)[1])["host"]["arch"] == "aarch64"
    assert not (HOSTS / "ppc64le-power10-kvm/kata-config-snapshot.json").exists()
    assert json.loads(invoke("--root", str(HOSTS / "ppc64le-power10-kvm"), "--format", "json",
                             *MINE)[1])["host"]["arch"] == "ppc64le"


def test_list_names_every_check_family() -> None:
    code, out = invoke("--list")
    ids = [line.split()[0] for line in out.splitlines()]
    assert code == 0
    for cid in ("cpu.virtualization", "module.kvm_intel", "module.kvm_hv", "env.pvm",
                "config.vsock"):
        assert cid in ids


def test_only_keeps_the_selected_family() -> None:
    doc = json.loads(invoke("--root", str(HOSTS / "x86_64-intel-kvm-ok"), "--format", "json",
                            "--only", "module.kvm_intel")[1])
    assert [c["id"] for c in doc["checks"]] == [
        "module.kvm_intel", "module.kvm_intel.unrestricted_guest"]


def test_explicit_config_is_checked_against_the_root(tmp_path: Path) -> None:
    cfg = tmp_path / "configuration.toml"
    cfg.write_text('[hypervisor.qemu]\npath = "/usr/bin/qemu-kvm"\nmachine_type = "virt"\n'
                   "default_memory = 999999999\n[agent.kata]\n")
    doc = json.loads(invoke("--root", str(HOSTS / "x86_64-intel-kvm-ok"), "--format", "json",
                            "--config", str(cfg), "--only", "config")[1])
    got = {c["id"]: c["status"] for c in doc["checks"]}
    assert got["config.file"] == "pass"
    assert got["config.hypervisor-path"] == "fail"
    assert got["config.machine-type"] == "fail"
    assert got["config.memory"] == "fail"


def test_network_env_variable_turns_the_network_check_off() -> None:
    result = CliRunner().invoke(
        app, ["check", "--root", str(HOSTS / "x86_64-pvm"), "--format", "json", "--only",
              "network"], env={"KATA_CHECK_NO_NETWORK": "1"})
    checks = json.loads(result.stdout)["checks"]
    assert [c["id"] for c in checks] == ["network.release"]
    assert all(c["status"] == "skip" for c in checks)
