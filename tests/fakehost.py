"""Build a small host root on disk: a known CPU count and RAM, and whatever files a test needs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def make_host(root: Path, *, cpus: int | None = 8, memory_mib: int | None = 16384,
              files: Mapping[str, str] | None = None,
              links: Mapping[str, str] | None = None) -> Path:
    """Lay out ``root`` as a host: ``proc/cpuinfo`` with ``cpus`` processors (x86 layout),
    ``proc/meminfo`` with ``memory_mib``, ``files`` (host path -> text) and ``links``
    (host path -> symlink target). None leaves the proc file out."""
    proc = root / "proc"
    proc.mkdir(parents=True, exist_ok=True)
    if cpus is not None:
        block = "vendor_id\t: GenuineIntel\nflags\t\t: fpu vmx lm sse4_1\n"
        (proc / "cpuinfo").write_text(
            "".join(f"processor\t: {n}\n{block}\n" for n in range(cpus)))
    if memory_mib is not None:
        (proc / "meminfo").write_text(
            f"MemTotal:       {memory_mib * 1024} kB\nMemFree:        1024 kB\n")
    for path, text in (files or {}).items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for path, dest in (links or {}).items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(dest)
    return root
