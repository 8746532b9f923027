"""Benchmark ``kata-config diff`` on one corpus config against ``diff -u`` and a bare tomllib
parse-and-compare of the same two files (the floor). Prints median wall times and ratios.

Run: ``.venv/bin/python benchmarks/bench_diff.py [CONFIG]`` (default: the x86_64 Go qemu render).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = (
    REPO.parent / "shared/corpus/kata-upstream/rendered/x86_64/runtime-go/configuration-qemu.toml"
)
RUNS = 30


def _median(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    """Time the three ways and print a small table."""
    from kata_config.diff import diff_config
    from kata_config.stock import find

    config = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not config.is_file():
        print(f"no such file: {config} (pass a config path)", file=sys.stderr)
        return 2
    stock = find("qemu", "go").path
    cli = [sys.executable, "-m", "kata_config", "diff", str(config)]

    def floor() -> bool:
        a = tomllib.loads(config.read_text())
        b = tomllib.loads(stock.read_text())
        return a == b

    rows = {
        "tomllib parse+compare (floor)": _median(floor),
        "diff_config() in process": _median(lambda: diff_config(config)),
        "diff -u (subprocess)": _median(
            lambda: subprocess.run(
                ["diff", "-u", str(stock), str(config)], check=False, capture_output=True
            )
        ),
        "kata-config diff (subprocess)": _median(
            lambda: subprocess.run(cli, check=False, capture_output=True), 10
        ),
    }
    base = rows["tomllib parse+compare (floor)"]
    print(f"config: {config}\nbaseline: {stock}")
    for name, secs in rows.items():
        print(f"{name:<32} {secs * 1000:8.2f} ms  {secs / base:7.1f}x floor")
    ratio = rows["kata-config diff (subprocess)"] / rows["diff -u (subprocess)"]
    print(f"kata-config diff / diff -u: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
