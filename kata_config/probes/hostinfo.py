"""What ``kata-runtime env`` prints about a host besides its checks: kernel, distro, memory.

Sources as the Go runtime's ``kata-env.go`` uses them (host-checks.md §1.8): the kernel
release, the processors of ``/proc/cpuinfo`` (counted as load() counts them), ``NAME`` and
``VERSION_ID`` of ``/etc/os-release`` falling back to ``/usr/lib/os-release``, and
``MemTotal``/``MemFree``/``MemAvailable`` of ``/proc/meminfo``. Reads go through
``HostRoot``; the parsers are pure functions.
"""

from __future__ import annotations

import os
import shlex
from typing import Final

from kata_config.effective.hostfacts import count_processors
from kata_config.probes.host import HostRoot
from kata_config.record import record

OS_RELEASE: Final = ("etc/os-release", "usr/lib/os-release")


@record
class HostInfo:
    """A host's kernel, distribution and memory figures; None where the root lacks the file."""

    kernel: str | None = None
    cpus: int | None = None
    distro_name: str | None = None
    distro_version: str | None = None
    mem_total_kib: int | None = None
    mem_free_kib: int | None = None
    mem_available_kib: int | None = None


def parse_os_release(text: str) -> dict[str, str]:
    """``KEY=value`` lines of an os-release file, shell quoting removed (bad lines skipped)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if not sep or not key or key.startswith("#"):
            continue
        try:
            parts = shlex.split(value)
        except ValueError:
            continue
        fields[key] = parts[0] if parts else ""
    return fields


def parse_meminfo(text: str) -> dict[str, int]:
    """``/proc/meminfo`` figures in KiB by name (``MemTotal``), lines in kB only."""
    out: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        value, _, unit = rest.strip().partition(" ")
        if value.isdigit() and unit.strip().lower() in ("kb", ""):
            out[name.strip()] = int(value)
    return out


def host_info(root: str | os.PathLike[str] = "/") -> HostInfo:
    """Kernel release, distribution and memory of the host at ``root`` (never raises)."""
    host = HostRoot(root)
    release = next((text for rel in OS_RELEASE if (text := host.read_text(rel)) is not None), "")
    distro = parse_os_release(release)
    memory = parse_meminfo(host.read_text("proc/meminfo") or "")
    cpuinfo = host.read_text("proc/cpuinfo")
    return HostInfo(
        kernel=host.read_value("proc/sys/kernel/osrelease") or None,
        cpus=count_processors(cpuinfo) if cpuinfo is not None else None,
        distro_name=distro.get("NAME") or None,
        distro_version=distro.get("VERSION_ID") or None,
        mem_total_kib=memory.get("MemTotal"),
        mem_free_kib=memory.get("MemFree"),
        mem_available_kib=memory.get("MemAvailable"),
    )
