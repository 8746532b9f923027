"""Does ``validate`` stay linear on big hostile configs? Time and peak memory at 1 and 4 MB.

    .venv/bin/python benchmarks/bench_hostile.py [--runs 3] [--reported]

Generates configs of about 1 MB and 4 MB with the same mix scaled up: many tables
(``[hypervisor.hN]``, within the 1,000-table limit), many keys per table (known keys, wrong
types, near-miss typos that ask for "did you mean"), and long ``enable_annotations`` arrays
with entries that match nothing. Each is validated by the installed command in a fresh
process (``--format text`` and ``--format json``); its CPU time (user + system) and peak resident
memory (``ru_maxrss``) are the medians of N runs. Linear means the 4 MB / 1 MB
ratio is about 4 for time and for the memory above an empty config's.

``--reported`` also times, once each, the unbounded-work cases issue 9 reported (190,000
near-miss keys, 200,000 ``enable_annotations`` entries, 10,000 and 50,000 hypervisor tables),
with the size of the output they print.
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


def near_misses(count: int) -> str:
    """``count`` unknown keys, each one edit (a letter changed or added) from a known key of
    its table, spread over the stock tables so that each table's keys are used up in turn."""
    tables = {"hypervisor.qemu": [k.split(" = ")[0] for k in KNOWN] + [
        "path", "kernel", "image", "initrd", "firmware", "cpu_features", "default_bridges",
        "memory_slots", "memory_offset", "virtio_mem", "file_mem_backend",
        "valid_file_mem_backends", "enable_hugepages", "disable_block_device_use",
        "hotplug_vfio_on_root_bus", "entropy_source", "guest_hook_path",
        "rx_rate_limiter_max_rate", "sandbox_cgroup_only"],
        "runtime": ["enable_debug", "internetworking_model", "disable_guest_seccomp",
                    "sandbox_cgroup_only", "static_sandbox_resource_mgmt", "enable_pprof",
                    "experimental", "vfio_mode", "disable_new_netns", "create_container_timeout"],
        "agent.kata": ["enable_debug", "enable_tracing", "kernel_modules",
                       "debug_console_enabled", "dial_timeout"]}
    letters = "abcdefghijklmnopqrstuvwxyz0123456789_"
    out: list[str] = []
    made = 0
    for name in ("qemu", "clh", "fc", "dragonball", "stratovirt", "remote", "acrn"):
        for table, keys in tables.items():
            if table in ("runtime", "agent.kata") and name != "qemu":
                continue
            out.append(f"[hypervisor.{name}]" if table == "hypervisor.qemu" else f"[{table}]")
            seen = set(keys)
            for key in keys:
                for i in range(len(key)):
                    for c in letters:
                        for typo in (key[:i] + c + key[i + 1:], key[:i] + c + key[i:]):
                            if typo not in seen and made < count:
                                seen.add(typo)
                                out.append(f"{typo}=1")
                                made += 1
    return "\n".join(out) + "\n"


def reported() -> list[tuple[str, str]]:
    """The unbounded-work inputs of issue 9: (label, config text)."""
    head = '[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\n'
    return [
        ("190,000 near-miss keys", near_misses(190_000)),
        ("200,000 enable_annotations entries",
         head + "enable_annotations = [" + ", ".join(f'"x{i}"' for i in range(200_000)) + "]\n"),
        ("10,000 [hypervisor.hN] tables",
         head + "".join(f'[hypervisor.h{i}]\npath = "/x"\n' for i in range(10_000))),
        ("50,000 [hypervisor.hN] tables",
         head + "".join(f'[hypervisor.h{i}]\npath = "/x"\n' for i in range(50_000))),
    ]


def measure_output(argv: list[str]) -> tuple[float, float, int]:
    """Like ``measure``, with the bytes written to stdout and stderr."""
    with tempfile.TemporaryFile() as sink, subprocess.Popen(
            argv, stdout=sink, stderr=sink, env=installed_env()) as proc:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        size = sink.seek(0, os.SEEK_END)
    if proc.returncode not in (0, 1, 2):
        raise SystemExit(f"{argv} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, size


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
    parser.add_argument("--reported", action="store_true",
                        help="also time the unbounded-work cases issue 9 reported")
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
    if args.reported:
        with tempfile.TemporaryDirectory() as tmp:
            for label, text in reported():
                path = Path(tmp) / "reported.toml"
                path.write_text(text)
                cpu, rss, size = measure_output([exe, "validate", "--arch", "x86_64",
                                                 str(path)])
                print(f"{label} ({path.stat().st_size / 1e6:.2f} MB): {cpu:.2f} s CPU, "
                      f"{rss:.0f} MiB, {size / 1e6:.1f} MB of output")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
