"""PCI bridge, PCIe port and VFIO port rules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import PORT_NONE, as_int, as_str, hkey, hv_tables

BRIDGES_CLAMPED = Rule(
    "bridges-clamped", Severity.WARNING, "default_bridges outside 1..5 is silently changed"
)
PCIE_PORT_CLAMPED = Rule(
    "pcie-port-clamped",
    Severity.WARNING,
    "Go silently lowers pcie_root_port / pcie_switch_port above 16 to 16",
)
PCIE_ROOT_AND_SWITCH_PORT = Rule(
    "pcie-root-and-switch-port",
    Severity.ERROR,
    "runtime-rs refuses pcie_root_port and pcie_switch_port both above 0",
)
VFIO_PORT_CONFLICT = Rule(
    "vfio-port-conflict",
    Severity.ERROR,
    "Go refuses hot_plug_vfio and cold_plug_vfio both set to a port",
)
VFIO_PORT_CLH = Rule(
    "vfio-port-clh",
    Severity.ERROR,
    "Go Cloud Hypervisor accepts only no-port or root-port for VFIO",
)

_VFIO_KEYS: Final = ("hot_plug_vfio", "cold_plug_vfio")


def check_bridges(cfg: KataConfig) -> Iterator[Issue]:
    """``default_bridges`` of 0 or above 5.

    Both runtimes lower values above 5 to 5 without a message. 0 becomes 1 under Go (and
    under runtime-rs for qemu; clh gets 2). Go's remote hypervisor ignores the key and
    runtime-rs dragonball requires 0 (see ``dragonball-restriction``).

    Fails:
        [hypervisor.qemu]
        default_bridges = 8

    Passes:
        [hypervisor.qemu]
        default_bridges = 5
    """
    for name, table in hv_tables(cfg):
        if (cfg.runtime == "go" and name == "remote") or name == "dragonball":
            continue
        bridges = as_int(table.get("default_bridges"))
        if bridges is None:
            continue
        if bridges > 5:
            becomes = 5
        elif bridges == 0 and (cfg.runtime == "go" or name in ("qemu", "clh")):
            becomes = 2 if cfg.runtime == "rs" and name == "clh" else 1
        else:
            continue
        yield Issue(
            hkey(name, "default_bridges"),
            f"default_bridges ({bridges}) is silently replaced by {becomes}; set a value "
            "from 1 to 5",
        )


def check_pcie_port_clamped(cfg: KataConfig) -> Iterator[Issue]:
    """``pcie_root_port`` or ``pcie_switch_port`` above 16 under the Go runtime.

    The Go runtime uses at most 16 ports of each kind and lowers larger values silently.

    Fails:
        [hypervisor.qemu]
        pcie_root_port = 32

    Passes:
        [hypervisor.qemu]
        pcie_root_port = 16
    """
    if cfg.runtime != "go":
        return
    table = cfg.hypervisors.get("qemu", {})
    for key in ("pcie_root_port", "pcie_switch_port"):
        ports = as_int(table.get(key))
        if ports is not None and ports > 16:
            yield Issue(
                f"hypervisor.qemu.{key}",
                f"{key} ({ports}) is silently lowered to 16 by the Go runtime; set 16 or less",
            )


def check_pcie_root_and_switch(cfg: KataConfig) -> Iterator[Issue]:
    """Both ``pcie_root_port`` and ``pcie_switch_port`` above 0 under runtime-rs.

    runtime-rs supports either root ports or switch ports, not both, and refuses to load.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        pcie_root_port = 2
        pcie_switch_port = 2

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        pcie_root_port = 2
        pcie_switch_port = 0
    """
    if cfg.runtime != "rs":
        return
    for name, table in hv_tables(cfg):
        root = as_int(table.get("pcie_root_port")) or 0
        switch = as_int(table.get("pcie_switch_port")) or 0
        if root > 0 and switch > 0:
            yield Issue(
                hkey(name, "pcie_switch_port"),
                f"pcie_root_port ({root}) and pcie_switch_port ({switch}) are both above 0: "
                "runtime-rs refuses to load; set one of them to 0",
            )


def _vfio_ports(table: Mapping[str, Any]) -> dict[str, str]:
    ports = {}
    for key in _VFIO_KEYS:
        value = as_str(table.get(key, ""))
        if value is not None:
            ports[key] = value or PORT_NONE
    return ports


def _vfio_tables(cfg: KataConfig) -> Iterator[tuple[str, dict[str, str], bool]]:
    """Go qemu/clh tables with their VFIO ports and whether the port checks apply."""
    if cfg.runtime != "go":
        return
    for name in ("qemu", "clh"):
        if name not in cfg.hypervisors:
            continue
        table = cfg.hypervisors[name]
        machine = as_str(table.get("machine_type", "")) if name == "qemu" else ""
        yield name, _vfio_ports(table), (machine or "q35") in ("q35", "virt")


def check_vfio_conflict(cfg: KataConfig) -> Iterator[Issue]:
    """``hot_plug_vfio`` and ``cold_plug_vfio`` both set to a port (Go qemu and clh).

    A device is either hot-plugged or cold-plugged; the Go runtime refuses to load when
    neither of the two is ``no-port`` (empty counts as ``no-port``).

    Fails:
        [hypervisor.qemu]
        hot_plug_vfio = "root-port"
        cold_plug_vfio = "root-port"

    Passes:
        [hypervisor.qemu]
        hot_plug_vfio = "no-port"
        cold_plug_vfio = "root-port"
    """
    for name, ports, _ in _vfio_tables(cfg):
        hot, cold = ports.get("hot_plug_vfio", PORT_NONE), ports.get("cold_plug_vfio", PORT_NONE)
        if PORT_NONE not in (hot, cold):
            yield Issue(
                hkey(name, "cold_plug_vfio"),
                f"hot_plug_vfio ({hot!r}) and cold_plug_vfio ({cold!r}) are both set: the Go "
                'runtime refuses to load; set one of them to "no-port"',
            )


def check_vfio_clh(cfg: KataConfig) -> Iterator[Issue]:
    """A Cloud Hypervisor VFIO port other than ``no-port`` or ``root-port`` (Go).

    Cloud Hypervisor has no PCI bridges or switch ports; the Go runtime refuses to load.

    Fails:
        [hypervisor.clh]
        cold_plug_vfio = "bridge-port"

    Passes:
        [hypervisor.clh]
        cold_plug_vfio = "root-port"
    """
    for name, ports, applies in _vfio_tables(cfg):
        if name != "clh" or not applies:
            continue
        for key, port in ports.items():
            if port in ("bridge-port", "switch-port"):
                yield Issue(
                    hkey(name, key),
                    f"{key} = {port!r} is not supported by Cloud Hypervisor: the Go runtime "
                    'refuses to load; use "root-port" or "no-port"',
                )


CHECKS: Final = (
    (BRIDGES_CLAMPED, check_bridges),
    (PCIE_PORT_CLAMPED, check_pcie_port_clamped),
    (PCIE_ROOT_AND_SWITCH_PORT, check_pcie_root_and_switch),
    (VFIO_PORT_CONFLICT, check_vfio_conflict),
    (VFIO_PORT_CLH, check_vfio_clh),
)
