"""Upstream's loader (the oracle) against ours on the same configs, paired per config.

    sudo .venv/bin/python benchmarks/bench_oracle.py [--configs 40] [--runs 5]

For each config (the corpus's Go configs, then generated ones) and each round, in turn:
upstream's ``kata-runtime --config F kata-env --json`` (the process alone, timed inside the
oracle's namespace, and the whole round trip through a worker), ``kata-config validate
--runtime go`` as a command, and in-process ``validate_file`` and ``load()``. Medians per
tool over every (config, round) pair, and the median of the per-pair ratios to the oracle
process. ``../shared/oracle/load.sh`` (the one-shot script: a fresh namespace, syslog
listener and seccomp wrapper per config) is timed on a few configs for scale.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import SHARED, installed_env, tool
from kata_config import KataConfigError, load
from kata_config.pipeline import validate_file
from tests.oracle import sources
from tests.oracle.harness import Case, Oracle, find_binary, host_root, usable


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _pair(oracle: Oracle, case: Case, cli: str, tmp: Path) -> dict[str, float]:
    main = host_root(case, tmp, oracle.defaults)
    row: dict[str, float] = {}
    start = time.perf_counter()
    reply = oracle.run(case, ["kata-env", "--json"])
    row["oracle round trip"] = _ms(start)
    row["oracle process"] = reply["seconds"] * 1000
    start = time.perf_counter()
    subprocess.run([cli, "validate", "--runtime", "go", "--arch", "x86_64", str(main)],
                   capture_output=True, check=False, env=installed_env())
    row["kata-config validate (command)"] = _ms(start)
    start = time.perf_counter()
    validate_file(main, "go", "x86_64")
    row["validate_file() in process"] = _ms(start)
    start = time.perf_counter()
    # a config the runtime refuses: load() raising is its answer, and is timed as one
    with contextlib.suppress(KataConfigError):
        load("/etc/kata-containers/configuration.toml", runtime="go", arch="x86_64",
             root=str(tmp))
    row["load() in process"] = _ms(start)
    return row


def _load_sh(binary: Path, cases: list[Case]) -> float:
    times = []
    for case in cases:
        with tempfile.NamedTemporaryFile(suffix=".toml") as handle:
            handle.write(case.data)
            handle.flush()
            start = time.perf_counter()
            subprocess.run(["bash", str(SHARED / "oracle" / "load.sh"), str(binary),
                            handle.name], capture_output=True, check=False)
            times.append(_ms(start))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--configs", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ok, why = usable()
    cli = tool("kata-config")
    binary = find_binary()
    if not ok or cli is None or binary is None:
        raise SystemExit(f"needs {why or 'kata-config installed (pip install -e .)'}")
    items = list(sources.corpus())[:18]
    items += list(sources.generated(max(0, args.configs - len(items)), 14))
    cases = [case for case, _, _ in items][: args.configs]
    rows: list[dict[str, float]] = []
    with Oracle(binary, workers=1) as oracle:
        for case in cases:
            oracle.load(case)  # warm: page cache, first exec
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory() as tmp:
                    rows.append(_pair(oracle, case, cli, Path(tmp)))
    names = list(rows[0])
    print(f"{len(cases)} configs x {args.runs} paired rounds, median per config:")
    for name in names:
        median = statistics.median(r[name] for r in rows)
        ratio = statistics.median(r[name] / r["oracle process"] for r in rows)
        print(f"  {name:<34} {median:8.1f} ms   {ratio:6.2f}x oracle process")
    print(f"  {'load.sh (one-shot script)':<34} {_load_sh(binary, cases[:5]):8.1f} ms   "
          "(5 configs, once each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
