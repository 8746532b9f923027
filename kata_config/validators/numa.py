"""Guest NUMA rules of the Go runtime (qemu): the parts decidable without the host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from kata_config.arch import ARCHES
from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import arches_where, is_true

NUMA_MAPPING_UNPARSABLE = Rule(
    "numa-mapping-unparsable",
    Severity.WARNING,
    "Go: a numa_mapping entry that does not parse silently disables guest NUMA",
)
NUMA_MULTI_NODE_UNSUPPORTED = Rule(
    "numa-multi-node-unsupported",
    Severity.ERROR,
    "Go: several guest NUMA nodes need x86_64/aarch64 and static_sandbox_resource_mgmt",
    releases=(("go", "3.32", ""),),
)

_NODE_LIST_RE: Final = r"\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*"
"""A host node list (``re``'s cache compiles it when a config maps NUMA nodes, not at
start-up)."""


def _mapping(cfg: KataConfig) -> list[object] | None:
    """``numa_mapping`` of Go qemu when guest NUMA is enabled, else None."""
    table = cfg.hypervisors.get("qemu", {})
    mapping = table.get("numa_mapping")
    if cfg.runtime != "go" or not is_true(table.get("enable_numa")):
        return None
    return list(mapping) if isinstance(mapping, list) else None


def node_list_ok(entry: str) -> bool:
    """True when ``entry`` is a host node list such as ``0``, ``0-1`` or ``0,2-3``."""
    if not re.fullmatch(_NODE_LIST_RE, entry):
        return False
    for part in entry.split(","):
        low, _, high = part.partition("-")
        if high and int(high) < int(low):
            return False
    return True


def check_numa_mapping(cfg: KataConfig) -> Iterator[Issue]:
    """A ``numa_mapping`` entry that is not a host node list (Go qemu, ``enable_numa``).

    Each entry lists the host NUMA nodes backing one guest node (``"0"``, ``"0-1"``,
    ``"0,2"``). The Go runtime logs a warning for an entry it cannot parse and runs the VM
    without guest NUMA.

    Fails:
        [hypervisor.qemu]
        enable_numa = true
        numa_mapping = ["node0"]

    Passes:
        [hypervisor.qemu]
        enable_numa = true
        numa_mapping = ["0"]
    """
    mapping = _mapping(cfg)
    for index, entry in enumerate(mapping or []):
        if isinstance(entry, str) and not node_list_ok(entry.strip()):
            yield Issue(
                "hypervisor.qemu.numa_mapping",
                f'numa_mapping[{index}] = {entry!r} is not a host node list such as "0" or '
                '"0-1": the Go runtime silently disables guest NUMA; fix the entry',
            )


def check_numa_multi_node(cfg: KataConfig) -> Iterator[Issue]:
    """Several guest NUMA nodes where the Go runtime does not allow them.

    A ``numa_mapping`` with more than one entry asks for several guest nodes; the Go
    runtime supports that only on x86_64 and aarch64 and only with
    ``[runtime] static_sandbox_resource_mgmt = true``, and refuses to load otherwise.

    Fails:
        [hypervisor.qemu]
        enable_numa = true
        numa_mapping = ["0", "1"]
        [runtime]
        static_sandbox_resource_mgmt = false

    Passes:
        [hypervisor.qemu]
        enable_numa = true
        numa_mapping = ["0", "1"]
        [runtime]
        static_sandbox_resource_mgmt = true
    """
    mapping = _mapping(cfg)
    if mapping is None or len(mapping) < 2:
        return
    spec = ARCHES.get(cfg.arch)
    if spec is not None and not spec.go_numa:
        yield Issue(
            "hypervisor.qemu.numa_mapping",
            f"numa_mapping asks for {len(mapping)} guest NUMA nodes, which the Go runtime "
            f"supports only on {arches_where(lambda s: s.go_numa)}, not {cfg.arch}: it "
            "refuses to load; use one node",
        )
    elif not is_true(cfg.runtime_table.get("static_sandbox_resource_mgmt")):
        yield Issue(
            "hypervisor.qemu.numa_mapping",
            f"numa_mapping asks for {len(mapping)} guest NUMA nodes, which needs "
            "static_sandbox_resource_mgmt = true: the Go runtime refuses to load; set it in "
            "[runtime]",
        )


CHECKS: Final = (
    (NUMA_MAPPING_UNPARSABLE, check_numa_mapping),
    (NUMA_MULTI_NODE_UNSUPPORTED, check_numa_multi_node),
)
