"""Benchmark ``kata-config check --no-network-checks`` against virt-host-validate and kvm-ok.

    python benchmarks/bench_check.py [--runs 31] [--out FILE]

Paired rounds (see ``common.paired``) of our check (text and ``--format json``),
``virt-host-validate qemu`` (Debian ``libvirt-clients``), ``kvm-ok`` (``cpu-checker``) and a
bare ``python -c pass`` (the interpreter's own start), with the median paired ratio of each to
virt-host-validate. Bar: check at most 5x virt-host-validate (stretch 3x). Exit statuses are
not judged: on a PVM host the peers say KVM cannot be used while it can.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import emit, load_note, paired, table, tool

VHV = "virt-host-validate qemu"
CHECK = "kata-config check --no-network-checks"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--out", type=Path, help="append the markdown table here")
    args = parser.parse_args()
    ours, vhv, kvm_ok = tool("kata-config"), tool("virt-host-validate"), tool("kvm-ok")
    if ours is None or vhv is None:
        raise SystemExit("needs kata-config in this venv and virt-host-validate "
                         "(apt-get install -y libvirt-clients cpu-checker)")
    commands = {
        CHECK: [ours, "check", "--no-network-checks"],
        f"{CHECK} --format json": [ours, "check", "--no-network-checks", "--format", "json"],
        VHV: [vhv, "qemu"],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    if kvm_ok is not None:
        commands["kvm-ok"] = [kvm_ok]
    before = load_note()
    times = paired(commands, args.runs)
    title = (f"**check** ({args.runs} paired rounds; {before} before, "
             f"{load_note().split(', ', 1)[1]} after)")
    emit(table(title, times, VHV, {CHECK: 5.0}), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
