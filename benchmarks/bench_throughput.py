"""In-process ``validate`` against the tomllib floor, and memory over 1 and 1000 files.

    python benchmarks/bench_throughput.py [--runs 21] [--out FILE]

Throughput: each round parses every one of the 37 corpus configs with a bare
``tomllib.loads`` (the floor) and validates each with ``validate_file`` (positions, schema,
rules and finding placement included; each file for its own arch, ``arch="auto"``), back to
back, the order alternating. Bars: at least 250 configs/s and at most 1.5x the floor (the
median of the per-round ratios).

Memory: peak RSS of ``kata-config validate --arch auto`` (text output) over one config and
over 1000 (the corpus copied 27 times), each in a fresh process. Bar: 1000 files within 10%
of one file's peak.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import MIN_RUNS, RENDERED, emit, installed_env, load_note, tool
from kata_config.pipeline import validate_file


def _round(paths: list[Path], floor_first: bool) -> tuple[float, float]:
    def floor() -> float:
        start = time.perf_counter()
        for path in paths:
            tomllib.loads(path.read_text(encoding="utf-8"))
        return time.perf_counter() - start

    def ours() -> float:
        start = time.perf_counter()
        for path in paths:
            validate_file(path, "auto", "auto")
        return time.perf_counter() - start

    if floor_first:
        a = floor()
        return a, ours()
    b = ours()
    return floor(), b


def peak_rss_kib(argv: list[str]) -> int:
    """Peak RSS (KiB) of one run of ``argv``."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=installed_env())
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=MIN_RUNS)
    parser.add_argument("--out", type=Path, help="append the markdown table here")
    args = parser.parse_args()
    if args.runs < MIN_RUNS:
        parser.error(f"--runs must be at least {MIN_RUNS}")
    paths = sorted(RENDERED.glob("*/runtime-*/*.toml"))
    before = load_note()
    _round(paths, True)  # warm-up: imports, schema tables, caches
    rounds = [_round(paths, i % 2 == 0) for i in range(args.runs)]
    floor_s = statistics.median(r[0] for r in rounds)
    ours_s = statistics.median(r[1] for r in rounds)
    ratio = statistics.median(r[1] / r[0] for r in rounds)
    rate = len(paths) / ours_s
    lines = [f"**in-process validate** ({len(paths)} corpus configs x {args.runs} paired "
             f"rounds; {before})", "", "| what | per config | configs/s | vs tomllib | bar |",
             "|---|---|---|---|---|",
             f"| `tomllib.loads` (floor) | {floor_s / len(paths) * 1000:.2f} ms | "
             f"{len(paths) / floor_s:.0f} | 1× | |",
             f"| `validate_file(arch=\"auto\")` | {ours_s / len(paths) * 1000:.2f} ms | "
             f"{rate:.0f} | {ratio:.2f}× | ≥ 250/s {'met' if rate >= 250 else '**missed**'}; "
             f"≤ 1.5× {'met' if ratio <= 1.5 else '**missed**'} |"]
    ours = tool("kata-config")
    if ours is not None:
        with tempfile.TemporaryDirectory() as tmp:
            one = Path(tmp, "one", "x86_64")
            one.mkdir(parents=True)
            shutil.copy(RENDERED / "x86_64/runtime-go/configuration-qemu.toml", one)
            many = Path(tmp, "many")
            for copy in range(27):
                shutil.copytree(RENDERED, many / f"{copy:02}")
            count = sum(1 for _ in many.rglob("configuration*.toml"))
            argv = [ours, "validate", "--arch", "auto"]
            peak_rss_kib([*argv, str(one.parent)])  # warm-up: bytecode
            small = statistics.median(peak_rss_kib([*argv, str(one.parent)]) for _ in range(3))
            big = statistics.median(peak_rss_kib([*argv, str(many)]) for _ in range(3))
        grow = big / small - 1
        lines += ["", "| peak RSS | 1 file | " f"{count} files | growth | bar |",
                  "|---|---|---|---|---|",
                  f"| `kata-config validate --arch auto DIR` | {small / 1024:.1f} MiB | "
                  f"{big / 1024:.1f} MiB | {grow:+.1%} | ≤ 10% "
                  f"{'met' if grow <= 0.10 else '**missed**'} |"]
    emit(lines, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
