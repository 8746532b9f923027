"""Benchmark ``kata-config check --no-network-checks`` against virt-host-validate and kvm-ok.

    python benchmarks/bench_check.py [--runs 21]

Runs each tool N times on this host (after one warm-up) and prints median wall times and the
ratios to ``virt-host-validate qemu``. A peer that is not installed (Debian packages
``libvirt-clients`` and ``cpu-checker``) is reported and left out; the others still run.
Exit statuses are not judged: the peers disagree with us on PVM hosts (they say FAIL).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import median_ms, report, tool

ANY_EXIT = tuple(range(256))
"""Verdicts vary by host (kvm-ok exits 1 without vmx/svm); only time is measured."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    # Measure an installed tool, which has its bytecode cached: with PYTHONDONTWRITEBYTECODE
    # set (as in some CI shells) every run would recompile the package. The cache goes to a
    # temporary directory so the working tree is not touched.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="kata-bench-pyc-")
    commands = {
        "kata-config check --no-network-checks": (
            tool("kata-config"),
            ["check", "--no-network-checks"],
        ),
        "kata-config check --no-network-checks --format json": (
            tool("kata-config"),
            ["check", "--no-network-checks", "--format", "json"],
        ),
        "virt-host-validate qemu": (tool("virt-host-validate"), ["qemu"]),
        "kvm-ok": (tool("kvm-ok"), []),
    }
    rows: list[tuple[str, float]] = []
    for name, (path, argv) in commands.items():
        if path is None:
            print(
                f"note: {name.split()[0]} is not installed; skipped "
                "(apt-get install -y libvirt-clients cpu-checker)"
            )
            continue
        rows.append((name, median_ms([path, *argv], args.runs, ok=ANY_EXIT)))
    if not rows:
        raise SystemExit("nothing to run: kata-config is not installed in this venv")
    names = dict(rows)
    base = "virt-host-validate qemu" if "virt-host-validate qemu" in names else rows[0][0]
    report(f"median of {args.runs} runs (wall clock)", rows, base)
    ours = names.get("kata-config check --no-network-checks")
    if ours is not None:
        verdict = "under" if ours < 150 else "OVER"
        print(f"\n  first bar: {ours:.1f} ms is {verdict} 150 ms", end="")
        if base == "virt-host-validate qemu":
            goal = 3 * names[base]
            print(
                f"; goal 3x virt-host-validate = {goal:.1f} ms "
                f"({'met' if ours <= goal else 'not met'})"
            )
        else:
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
