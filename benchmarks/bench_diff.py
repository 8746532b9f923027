"""Benchmark ``kata-config diff`` against a tomllib parse-and-compare process (the floor).

    python benchmarks/bench_diff.py [--runs 31] [--out FILE]

Paired rounds (see ``common.paired``) of ``kata-config diff`` of the x86_64 Go QEMU render
(baseline: the best-matching stock file, which it finds itself) and of a Python process that
parses the same two files with tomllib and prints the keys whose values differ: what any
script doing a diff by hand pays at least. Bar: at most 2x that process. ``diff -u`` of the
two files is shown for scale.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ONE, REPO, emit, load_note, paired, table, tool

FLOOR = "python: tomllib parse-and-compare"
OURS = "kata-config diff FILE"
SCRIPT = '''\
import sys, tomllib

def flat(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flat(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, node

with open(sys.argv[1], "rb") as a, open(sys.argv[2], "rb") as b:
    left, right = dict(flat(tomllib.load(a))), dict(flat(tomllib.load(b)))
for key in sorted(left.keys() | right.keys()):
    if left.get(key) != right.get(key):
        print(key, left.get(key), right.get(key))
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--out", type=Path, help="append the markdown table here")
    args = parser.parse_args()
    ours = tool("kata-config")
    if ours is None:
        raise SystemExit("install first: pip install -e '.[dev]'")
    stock = REPO / "defaults" / "go" / "x86_64" / "configuration-qemu.toml"
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(SCRIPT)
    commands = {
        OURS: [ours, "diff", "--arch", "x86_64", str(ONE)],
        FLOOR: [sys.executable, handle.name, str(stock), str(ONE)],
        "diff -u (for scale)": ["diff", "-u", str(stock), str(ONE)],
    }
    before = load_note()
    times = paired(commands, args.runs)
    emit(table(f"**diff** ({args.runs} paired rounds; {before})", times, FLOOR, {OURS: 2.0}),
         args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
