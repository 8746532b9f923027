"""What ``--try`` asks a paused QEMU over QMP: status, vCPUs, memory, devices, version."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from kata_runtime.trial.qmp import QmpClient, QmpError


@dataclass(frozen=True, slots=True)
class Device:
    """One device the hypervisor created, as QOM names it."""

    id: str
    type: str
    pci: str = ""
    """``bus:slot.function`` for PCI devices, when query-pci reports it."""


def version_of(greeting: dict[str, Any]) -> str:
    """QEMU's version from its QMP greeting, with the distribution's package string."""
    version = greeting.get("version", {})
    qemu = version.get("qemu", {})
    text = f"{qemu.get('major', '?')}.{qemu.get('minor', '?')}.{qemu.get('micro', '?')}"
    package = str(version.get("package", "")).strip()
    return f"{text} ({package})" if package else text


def _devices(client: QmpClient) -> tuple[Device, ...]:
    pci: dict[str, str] = {}
    # query-pci does not exist on s390x (CCW): devices are then listed without an address
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


def ask(client: QmpClient) -> dict[str, Any]:
    """``status``, ``vcpus``, ``memory_mib`` and ``devices`` of the paused VM."""
    status = client.execute("query-status")
    cpus = client.execute("query-cpus-fast")
    memory = client.execute("query-memory-size-summary")
    return {
        "status": str(status.get("status", "")),
        "vcpus": len(cpus),
        "memory_mib": int(memory.get("base-memory", 0)) // (1 << 20),
        "devices": _devices(client),
    }
