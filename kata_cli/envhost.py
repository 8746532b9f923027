"""The host part of ``kata-config env``: what ``kata-runtime env`` shows under ``Host``.

Kernel, distribution, memory (``host_info``), CPU, guest protections (TEEs), vsock and KVM
devices, whether the host can run Kata VMs at
all (``VMContainerCapable``: no host check fails), with every check line behind it. The
checks are the ``check`` command's (``check_host``), without the network and the config
families: env shows the config itself.
"""

from __future__ import annotations

from typing import Any, Final

from kata_config import (
    CheckResult,
    HostFacts,
    HostInfo,
    HostReport,
    KataConfigError,
    Status,
    check_host,
)

FAMILIES: Final = ("cpu", "module", "device", "kvm", "tee", "env")


def run_host_checks(root: str, arch: str | None) -> HostReport:
    """The host checks of ``root`` (read off-line unless it is ``/``).

    Raises:
        ValueError: the root or the arch cannot be checked (a usage error).
    """
    try:
        return check_host(root=root, arch=arch, only=FAMILIES)
    except KataConfigError as exc:
        raise ValueError(str(exc)) from None


def _message(results: tuple[CheckResult, ...], check_id: str) -> str | None:
    return next((r.message for r in results if r.id == check_id), None)


def _passes(results: tuple[CheckResult, ...], check_id: str) -> bool | None:
    found = next((r for r in results if r.id == check_id), None)
    return None if found is None or found.status is Status.SKIP else found.status is Status.PASS


def host_section(report: HostReport, facts: HostFacts | None, info: HostInfo
                 ) -> dict[str, Any]:
    """The ``host`` table of the report (``facts`` from the loaded configuration, if any)."""
    results, verdict = report.results, report.verdict
    return {
        "arch": report.arch,
        "kernel": info.kernel,
        "distro_name": info.distro_name,
        "distro_version": info.distro_version,
        "cpus": facts.cpus if facts and facts.cpus is not None else info.cpus,
        "mem_total_kib": info.mem_total_kib,
        "mem_free_kib": info.mem_free_kib,
        "mem_available_kib": info.mem_available_kib,
        "cpu_vendor": _message(results, "cpu.vendor"),
        "cpu_model": _message(results, "cpu.model"),
        "virtualization": _message(results, "cpu.virtualization"),
        "guest_protections": [r.id.removeprefix("tee.") for r in results
                              if r.id.startswith("tee.") and r.status is Status.PASS],
        "kvm_usable": _passes(results, "device.kvm"),
        "vsock_support": _passes(results, "device.vhost-vsock"),
        "vm_container_capable": verdict is not Status.FAIL,
        "verdict": verdict.value,
        "checks": [{"id": r.id, "status": r.status.value, "message": r.message}
                   for r in results],
    }
