"""TEE evidence chains over fixture hosts; a missing TEE fails only the config that needs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kata_config.arch import ARCHES
from kata_config.hostcheck import context
from kata_config.model import KataConfig
from kata_config.probes import tee
from kata_config.probes.base import CheckResult, Status
from kata_config.probes.host import HostRoot

HOSTS = Path(__file__).parent / "fixtures" / "hosts"

CASES = [
    ("x86_64-tee-sev", "x86_64", {"sev", "sev-es"}, {"tdx": "skip", "sev-snp": "skip"}),
    ("x86_64-tee-sev-off", "x86_64", set(), {"sev": "warn", "sev-es": "warn"}),
    ("x86_64-tee-tdx", "x86_64", {"tdx"}, {"tdx": "pass", "sev": "skip"}),
    ("s390x-tee-se", "s390x", {"se"}, {"se": "pass"}),
    ("s390x-tee-none", "s390x", set(), {"se": "skip"}),
    ("ppc64le-tee-pef", "ppc64le", {"pef"}, {"pef": "pass"}),
]


def _results(label: str, arch: str, config: KataConfig | None = None) -> dict[str, CheckResult]:
    ctx = context(HostRoot(HOSTS / label), arch, config=config)
    return {r.id.removeprefix("tee."): r for r in tee.probe_tee(ctx)}


@pytest.mark.parametrize(
    ("label", "arch", "available", "statuses"), CASES, ids=[c[0] for c in CASES]
)
def test_fixture_hosts(
    label: str, arch: str, available: set[str], statuses: dict[str, str]
) -> None:
    assert tee.available_tees(HostRoot(HOSTS / label), ARCHES[arch]) == available
    got = _results(label, arch)
    assert set(got) == set(ARCHES[arch].tees)
    assert {k: got[k].status.value for k in statuses} == statuses
    assert all(r.status is not Status.FAIL for r in got.values())  # nothing asked for a TEE


def test_warning_names_the_broken_link_and_its_fix() -> None:
    sev = _results("x86_64-tee-sev-off", "x86_64")["sev"]
    assert "kvm_amd/parameters/sev: N" in sev.message
    assert "kvm_amd.sev=1" in sev.remedy
    assert sev.evidence.startswith("cpuinfo flag sev: present -> ")


def _cfg(arch: str, **hv: Any) -> KataConfig:
    return KataConfig({"hypervisor": {"qemu": hv}}, "go", arch)


@pytest.mark.parametrize(
    ("hv", "wanted"),
    [
        ({"confidential_guest": True, "sev_snp_guest": True}, "sev-snp"),
        ({"confidential_guest": True, "firmware": "/usr/share/ovmf/OVMF.inteltdx.fd"}, "tdx"),
        ({"confidential_guest": True, "firmware": "/usr/share/ovmf/AMDSEV.fd"}, "sev"),
        ({"confidential_guest": True}, "sev"),  # AMD cpuinfo decides
        ({"confidential_guest": False, "sev_snp_guest": True}, None),
        ({}, None),
    ],
    ids=["snp", "tdx-firmware", "sev-firmware", "vendor", "not-confidential", "empty"],
)
def test_requested_tee(hv: dict[str, Any], wanted: str | None) -> None:
    host = HostRoot(HOSTS / "x86_64-tee-sev")
    assert tee.requested_tee(_cfg("x86_64", **hv), host, ARCHES["x86_64"]) == wanted


def test_snp_config_on_a_sev_only_host_fails_that_tee_only() -> None:
    got = _results("x86_64-tee-sev", "x86_64", _cfg("x86_64", confidential_guest=True,
                                                    sev_snp_guest=True))  # fmt: skip
    assert got["sev-snp"].status is Status.FAIL
    assert "the config asks for it" in got["sev-snp"].message
    assert got["sev-snp"].remedy
    assert got["tdx"].status is Status.SKIP
    assert got["sev"].status is Status.PASS


def test_se_config_passes_on_an_se_host() -> None:
    got = _results("s390x-tee-se", "s390x", _cfg("s390x", confidential_guest=True))
    assert got["se"].status is Status.PASS
    assert "the config asks for it" in got["se"].message


def test_runtime_rs_sev_defect_absent() -> None:
    """runtime-rs errored on sev=Y without SNP and blocked plain VMs (host-checks.md §2.3)."""
    got = _results("x86_64-tee-sev", "x86_64", _cfg("x86_64", confidential_guest=False))
    assert all(r.status is not Status.FAIL for r in got.values())


def test_cpuinfo_fields_reads_trailer_and_header() -> None:
    text = "facilities : 1 158\n\nprocessor : 0\ncpu : POWER9\n\nplatform : PowerNV\n"
    fields = tee.cpuinfo_fields(text)
    assert fields["platform"] == "PowerNV"
    assert fields["facilities"] == "1 158"


def test_aarch64_has_no_tee_lines() -> None:
    assert (
        list(tee.probe_tee(context(HostRoot(HOSTS / "x86_64-tee-sev"), "aarch64")))
        == []
    )
