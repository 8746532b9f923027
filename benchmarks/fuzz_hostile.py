"""Long hostile fuzz run: N generated hostile inputs, each through a command that reads it.

    .venv/bin/python benchmarks/fuzz_hostile.py [--cases 10000] [--seed 1]

Each case is one input of a random type and shape (mutated and random text, deep keys and
tables, 20,000 tables, long lines, dates, escapes, files over the 4 MiB cap, FIFOs, sockets,
device nodes, folders with hostile config.d entries, link loops, links to a FIFO or outside)
given to validate, diff, diff --against, migrate, migrate --output, check --config, check
--root (the input placed where a probe reads) or snapshot --extract (tests/hostile/cases.py).
Exit 1 on the first case that hangs (120 s on the clock), works on (15 s of CPU), exits with
anything but 0/1/2, prints a traceback or internal error, shows under --root the secret kept
beside it, or changes anything outside it; the case's seed is printed for replay with
``--seed S --cases 1``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile.cases import run_case
from tests.mutations import seeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = seeds()
    exits: Counter[int] = Counter()
    commands: Counter[str] = Counter()
    start = time.perf_counter()
    slowest = (0.0, "")
    for case in range(args.cases):
        seed = args.seed + case
        began = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            outcome = run_case(random.Random(seed), Path(tmp), corpus)
        took = time.perf_counter() - began
        slowest = max(slowest, (took, f"seed {seed} ({outcome.command})"))
        if outcome.problem is not None:
            print(f"case {case} (seed {seed}) failed: {outcome.problem}")
            return 1
        exits[outcome.exit_code] += 1
        commands[outcome.command] += 1
    elapsed = time.perf_counter() - start
    print(f"{args.cases} cases in {elapsed:.1f} s ({args.cases / elapsed:.1f}/s): no hang, no "
          f"crash, no traceback, no secret, nothing outside changed")
    print(f"exit codes {dict(sorted(exits.items()))}; commands {dict(sorted(commands.items()))}")
    print(f"slowest case {slowest[0]:.2f} s: {slowest[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
