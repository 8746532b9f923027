"""Benchmark ``kata_config.load()`` of one corpus config in-process against a bare ``tomllib``
parse of the same file (the floor). Paired runs: each round times both, back to back.

Run: ``.venv/bin/python benchmarks/bench_load.py [CONFIG] [--runs N]`` (default: the x86_64
Go qemu render, 41 rounds).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import RENDERED

DEFAULT = RENDERED / "x86_64/runtime-go/configuration-qemu.toml"


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    """Time both ways in pairs and print medians and the median ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    if args.runs < 21:
        parser.error("--runs must be at least 21")
    from kata_config import load

    config: Path = args.config
    arch = config.parts[-3] if config.is_relative_to(RENDERED) else None
    load(config, arch=arch)  # warm-up: imports and first-use caches
    pairs = []
    for _ in range(args.runs):
        floor = _ms(lambda: tomllib.loads(config.read_text(encoding="utf-8")))
        ours = _ms(lambda: load(config, arch=arch))
        pairs.append((floor, ours))
    floor_ms = statistics.median(p[0] for p in pairs)
    load_ms = statistics.median(p[1] for p in pairs)
    ratio = statistics.median(p[1] / p[0] for p in pairs)
    print(f"{config.name}: {args.runs} paired runs (median)")
    print(f"  tomllib.loads (floor)   {floor_ms:7.2f} ms/call")
    print(f"  kata_config.load()      {load_ms:7.2f} ms/call   {ratio:5.1f}x the floor "
          "(median of the paired ratios)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
