"""Does ``validate`` stay linear on big hostile configs? Time and peak memory at 1 and 4 MB.

    .venv/bin/python benchmarks/bench_hostile.py [--runs 3]

Generates configs of about 1 MB and 4 MB with the same mix scaled up: many tables
(``[hypervisor.hN]``, within the 1,000-table limit), many keys per table (known keys, wrong
types, near-miss typos that ask for "did you mean"), and long ``enable_annotations`` arrays
with entries that match nothing. Each is validated by the installed command in a fresh
process (``--format text`` and ``--format json``); its CPU time (user + system) and peak resident
memory (``ru_maxrss``) are the medians of N runs. Linear means the 4 MB / 1 MB
ratio is about 4 for time and for the memory above an empty config's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import installed_env, tool

KNOWN = ("default_memory = 2048", "default_vcpus = 1", 'machine_type = "q35"',
         "enable_iommu = false", 'kernel_params = "console=hvc0"', "default_maxvcpus = 0",
         'block_device_driver = "virtio-scsi"', 'shared_fs = "virtio-fs"')
TYPOS = ("defualt_memory", "default_vcpu", "machine_typ", "enable_iommuu", "kernel_param",
         "shared_f", "virtio_fs_deamon", "block_device_drivr")


def generate(size: int) -> str:
    """A config of about ``size`` bytes: tables of known keys, typos, bad types, annotations."""
    parts = ['[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\n'
             'kernel = "/usr/share/kata-containers/vmlinux.container"\n'
             'image = "/usr/share/kata-containers/kata-containers.img"\n']
    total, n = len(parts[0]), 0
    while total < size:
        lines = [f"[hypervisor.h{n}]"]
        for i, line in enumerate(KNOWN):  # every third holds the wrong type
            key, _, value = line.partition(" = ")
            lines.append(f'{key} = "{value.strip(chr(34))} "' if i % 3 == 2 else line)
        lines += [f"{TYPOS[i % len(TYPOS)]}{i} = {i}" for i in range(100)]
        entries = ", ".join(f'"^no_such_annotation_{n}_{j}$"' for j in range(80))
        lines.append(f"enable_annotations = [{entries}]\n")
        block = "\n".join(lines)
        parts.append(block)
        total += len(block) + 1
        n += 1
    return "\n".join(parts)


def measure(argv: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and peak resident MiB of one run of ``argv``.

    CPU time, not wall time: the machine is shared, and waiting for a core says nothing
    about how the work grows with the input.
    """
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env=installed_env()) as proc:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = tool("kata-config")
    if exe is None:
        raise SystemExit("kata-config is not installed in this environment")
    results: dict[tuple[str, str], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, size in (("empty", 0), ("1 MB", 1_000_000), ("4 MB", 4_000_000)):
            path = Path(tmp) / f"{label.replace(' ', '')}.toml"
            path.write_text(generate(size) if size else "")
            for fmt in ("text", "json"):
                argv = [exe, "validate", "--arch", "x86_64", "--format", fmt, str(path)]
                measure(argv)  # warm-up: bytecode cache
                runs = [measure(argv) for _ in range(args.runs)]
                results[label, fmt] = (statistics.median(r[0] for r in runs),
                                       statistics.median(r[1] for r in runs))
                print(f"{label:>5} {fmt:<4} ({path.stat().st_size / 1e6:.2f} MB): "
                      f"{results[label, fmt][0]:6.2f} s CPU  {results[label, fmt][1]:6.0f} MiB")
    for fmt in ("text", "json"):
        (t1, m1), (t4, m4) = results["1 MB", fmt], results["4 MB", fmt]
        base = results["empty", fmt][1]
        print(f"{fmt}: 4 MB / 1 MB CPU time {t4 / t1:.2f}x, peak memory {m4 / m1:.2f}x "
              f"({(m4 - base) / max(m1 - base, 1):.2f}x above an empty config's {base:.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
