"""Benchmark ``kata-config validate`` against taplo and check-jsonschema with our schema.

    python benchmarks/bench_validate.py [--runs 31] [--out FILE]

Paired rounds (see ``common.paired``): one corpus config, then all 37 upstream renders of the
five arches in one call (ours: ``validate --arch auto`` of the corpus folder, each file for
its own arch; the peers: the 37 paths). The peers check the shipped JSON Schema only; we run
every rule too. Bars: one file at most 8x ``taplo check --schema`` and 0.15x
check-jsonschema; the corpus at most 4x taplo. In-process throughput and memory:
``bench_throughput.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ONE, RENDERED, emit, load_note, paired, ratio, table, tool
from kata_config.schema import schema_text

TAPLO = "taplo check --schema"
CJS = "check-jsonschema --schemafile"
OURS = "kata-config validate"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--out", type=Path, help="append the markdown tables here")
    args = parser.parse_args()
    files = sorted(str(p) for p in RENDERED.glob("*/runtime-*/*.toml"))
    if len(files) != 37:
        raise SystemExit(f"expected the 37 corpus configs under {RENDERED}, found {len(files)}")
    ours, taplo, cjs = tool("kata-config"), tool("taplo"), tool("check-jsonschema")
    if ours is None or taplo is None or cjs is None:
        raise SystemExit("install first: pip install -e '.[dev]' (taplo, check-jsonschema)")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(schema_text())
    schema = handle.name
    one = {
        f"{OURS} --arch x86_64 FILE": [ours, "validate", "--arch", "x86_64", str(ONE)],
        f"{TAPLO} FILE": [taplo, "check", "--schema", f"file://{schema}", str(ONE)],
        f"{CJS} FILE": [cjs, "--schemafile", schema, str(ONE)],
    }
    every = {
        f"{OURS} --arch auto CORPUS": [ours, "validate", "--arch", "auto", str(RENDERED)],
        f"{TAPLO} (37 files)": [taplo, "check", "--schema", f"file://{schema}", *files],
        f"{CJS} (37 files)": [cjs, "--schemafile", schema, *files],
    }
    before = load_note()
    times = paired(one, args.runs)
    mine = f"{OURS} --arch x86_64 FILE"
    lines = table(f"**validate, one file** ({args.runs} paired rounds; {before})", times,
                  f"{TAPLO} FILE", {mine: 8.0})
    vs_cjs = ratio(times, mine, f"{CJS} FILE")
    lines += ["", f"`{mine}` vs `{CJS} FILE`: {vs_cjs:.3f}× (bar ≤ 0.15×: "
              f"{'met' if vs_cjs <= 0.15 else '**missed**'})"]
    emit(lines, args.out)
    before = load_note()
    times = paired(every, args.runs)
    emit(table(f"**validate, the 37 corpus configs of 5 arches in one call** ({args.runs} "
               f"paired rounds; {before})", times, f"{TAPLO} (37 files)",
               {f"{OURS} --arch auto CORPUS": 4.0}), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
