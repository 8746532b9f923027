"""What the fleet formats cost: ``check`` as json, nfd and prometheus, same host, same run count.

    python benchmarks/bench_fleet.py [--runs 21]

prometheus_client is imported only by the prometheus renderer, so json and nfd should cost
the same and prometheus its import more (the import alone is also timed, with -X importtime).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import installed_env, median_ms, report, tool


def import_ms(module: str) -> float:
    """Cumulative import time of ``module`` in a fresh interpreter (-X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True, env=installed_env())
    last = [line for line in done.stderr.splitlines() if re.search(rf"\| {module}$", line)]
    return int(last[-1].split("|")[1]) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="kata-bench-pyc-")
    exe = tool("kata-config")
    if exe is None:
        raise SystemExit("kata-config is not installed in this venv")
    out = Path(tempfile.mkdtemp(prefix="kata-bench-fleet-"))
    base = [exe, "check", "--no-network-checks"]
    commands = {
        "check --format json": [*base, "--format", "json"],
        "check --format nfd --output F": [*base, "--format", "nfd", "--output",
                                          str(out / "kata-config")],
        "check --format prometheus --output F": [*base, "--format", "prometheus", "--output",
                                                 str(out / "kata-config.prom")],
    }
    rows = [(name, median_ms(argv, args.runs)) for name, argv in commands.items()]
    report(f"median of {args.runs} runs (wall clock)", rows, "check --format json")
    print(f"\n  import prometheus_client alone: {import_ms('prometheus_client'):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
