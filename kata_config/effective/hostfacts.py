"""The few host figures load-time normalisation depends on, read through the host root."""

from __future__ import annotations

from dataclasses import dataclass

from kata_config.probes.host import HostRoot

CPUINFO = "proc/cpuinfo"
MEMINFO = "proc/meminfo"


@dataclass(frozen=True, slots=True)
class HostFacts:
    """Host CPU count and RAM as the runtimes read them; None when the root has no such file.

    ``cpus`` counts the ``processor`` lines of ``/proc/cpuinfo`` (the Go runtime's count;
    runtime-rs counts the CPUs the shim may run on, the same number for an unpinned shim).
    ``memory_mib`` is ``MemTotal`` of ``/proc/meminfo`` in MiB.
    """

    cpus: int | None = None
    memory_mib: int | None = None


def count_processors(text: str) -> int | None:
    """Number of lines starting with ``processor`` (every arch's cpuinfo has one per CPU)."""
    count = sum(1 for line in text.splitlines() if line.startswith("processor"))
    return count or None


def mem_total_mib(text: str) -> int | None:
    """``MemTotal`` of a meminfo text in MiB, or None when absent or unparsable."""
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name.strip() == "MemTotal":
            value, _, unit = rest.strip().partition(" ")
            if value.isdigit() and unit.strip().lower() in ("kb", ""):
                return int(value) // 1024
    return None


def read_host_facts(host: HostRoot) -> HostFacts:
    """The facts of the host below ``host``; a missing file leaves its figure unknown."""
    cpuinfo = host.read_text(CPUINFO)
    meminfo = host.read_text(MEMINFO)
    return HostFacts(
        cpus=count_processors(cpuinfo) if cpuinfo is not None else None,
        memory_mib=mem_total_mib(meminfo) if meminfo is not None else None,
    )
