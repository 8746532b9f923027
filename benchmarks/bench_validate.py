"""Benchmark ``kata-config validate`` against check-jsonschema with our schema, same files.

    python benchmarks/bench_validate.py [--runs 15]

Prints median wall times per command (one config, all 37 upstream configs in one call), the
ratios, and the in-process throughput of the library (configs per second, all rules on).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import RENDERED, median_ms, report, tool


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    files = sorted(str(p) for p in RENDERED.glob("*/runtime-*/*.toml"))
    if not files:
        raise SystemExit(f"corpus not found under {RENDERED}")
    one = str(RENDERED / "x86_64" / "runtime-go" / "configuration-qemu.toml")
    ours, theirs = tool("kata-config"), tool("check-jsonschema")
    if ours is None or theirs is None:
        raise SystemExit("install first: pip install -e '.[dev]'")
    from kata_config.schema import schema_text

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(schema_text())
    schema = handle.name
    for label, targets in (("one config", [one]), (f"all {len(files)} configs", files)):
        rows = [
            ("kata-config validate (all rules)",
             median_ms([ours, "validate", "--arch", "x86_64", *targets], args.runs)),
            ("check-jsonschema --schemafile (schema only)",
             median_ms([theirs, "--schemafile", schema, *targets], args.runs)),
        ]
        report(f"{label}, median of {args.runs} runs", rows, "check-jsonschema --schemafile "
               "(schema only)")
    from kata_config.pipeline import validate_file

    paths = [Path(f) for f in files]
    for path in paths:  # warm caches: schema compile, imports
        validate_file(path, "auto", "x86_64")
    rounds, start = 10, time.perf_counter()
    for _ in range(rounds):
        for path in paths:
            validate_file(path, "auto", "x86_64")
    rate = rounds * len(paths) / (time.perf_counter() - start)
    print(f"\nin-process: {rate:.0f} configs/s (goal: at least 200), all rules, "
          f"{len(paths)} corpus files x {rounds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
