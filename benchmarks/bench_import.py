"""Benchmark what ``check`` and ``validate`` spend importing, with ``-X importtime``.

    python benchmarks/bench_import.py [--runs 21] [--out FILE]

Runs the installed entry point (bytecode cached) with ``PYTHONPROFILEIMPORTTIME=1`` and sums
the self time of every module it imports that a bare entry-point script (``import re, sys``)
does not: everything the command's own code pulls in, the standard library modules it needs
included. Medians (and minimums: the least disturbed run on a busy machine) over the runs.
Bar: at most 25 ms for each command.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import MIN_RUNS, ONE, emit, installed_env, load_note, tool

BAR_MS = 25.0


def imports(argv: list[str]) -> dict[str, float]:
    """Module -> self import time (ms) of one run."""
    env = {**installed_env(), "PYTHONPROFILEIMPORTTIME": "1"}
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    found: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        found[name.strip()] = int(self_us) / 1000
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=MIN_RUNS)
    parser.add_argument("--out", type=Path, help="append the markdown table here")
    parser.add_argument("--top", type=int, default=0, help="also list the N costliest modules")
    args = parser.parse_args()
    if args.runs < MIN_RUNS:
        parser.error(f"--runs must be at least {MIN_RUNS}")
    ours = tool("kata-config")
    if ours is None:
        raise SystemExit("install first: pip install -e '.[dev]'")
    base = set(imports([sys.executable, "-c", "import re, sys"]))
    commands = {
        "check --no-network-checks": [ours, "check", "--no-network-checks"],
        "validate --arch x86_64 FILE": [ours, "validate", "--arch", "x86_64", str(ONE)],
    }
    before = load_note()
    lines = [f"**own imports** (-X importtime, {args.runs} runs; {before})", "",
             "| command | modules | median | min | bar |", "|---|---|---|---|---|"]
    for name, argv in commands.items():
        imports(argv)  # warm-up: bytecode
        runs = [{m: t for m, t in imports(argv).items() if m not in base}
                for _ in range(args.runs)]
        totals = [sum(r.values()) for r in runs]
        median = statistics.median(totals)
        verdict = "met" if median <= BAR_MS else "**missed**"
        lines.append(f"| `{name}` | {len(runs[0])} | {median:.1f} ms | {min(totals):.1f} ms "
                     f"| ≤ {BAR_MS:g} ms {verdict} |")
        if args.top:
            costs = {m: statistics.median(r.get(m, 0.0) for r in runs) for m in runs[0]}
            for module, ms in sorted(costs.items(), key=lambda kv: -kv[1])[:args.top]:
                print(f"  {name}: {module:<40} {ms:6.2f} ms")
    emit(lines, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
