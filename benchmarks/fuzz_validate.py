"""Long fuzz run: N mutated upstream configs through the library and the CLI (all formats).

    python benchmarks/fuzz_validate.py [--cases 10000] [--seed 1]

Fails (exit 1) on the first case where the library raises, a rule crashes (internal-error),
the CLI exits with anything but 0, 1 or 2, or a traceback is printed; the offending input is
written to fuzz-failure.toml for replay.
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

from typer.testing import CliRunner

from kata_cli import app
from kata_config.pipeline import validate_file
from tests.mutations import mutate, seeds

ARCHES = ("x86_64", "aarch64", "ppc64le", "s390x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    corpus = seeds()
    runner = CliRunner()
    exits: Counter[int] = Counter()
    rules: Counter[str] = Counter()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "configuration.toml"
        for case in range(args.cases):
            data = mutate(rnd.choice(corpus), rnd, rnd.randint(1, 5))
            path.write_bytes(data)
            runtime, arch = rnd.choice(("go", "rs", "auto")), rnd.choice(ARCHES)
            fmt = ("text", "json", "sarif")[case % 3]
            try:
                report = validate_file(path, runtime=runtime, arch=arch)  # type: ignore[arg-type]
                result = runner.invoke(app, ["validate", str(path), "--runtime", runtime,
                                             "--arch", arch, "--format", fmt])
                rules.update(f.rule_id for f in report.findings)
                bad = ("internal-error" in rules or result.exit_code not in (0, 1, 2)
                       or "Traceback" in result.output
                       or not (result.exception is None
                               or isinstance(result.exception, SystemExit)))
            except Exception as exc:  # the point of the run is to catch these
                bad, result = True, None
                print(f"case {case}: library raised {type(exc).__name__}: {exc}")
            if bad:
                Path("fuzz-failure.toml").write_bytes(data)
                detail = result.output[-2000:] if result else ""
                print(f"case {case} failed ({runtime}, {arch}, {fmt}); input saved to "
                      f"fuzz-failure.toml\n{detail}")
                return 1
            exits[result.exit_code] += 1
    elapsed = time.perf_counter() - start
    print(f"{args.cases} cases in {elapsed:.1f} s ({args.cases / elapsed:.0f}/s): no crash, "
          f"no traceback; CLI exit codes {dict(sorted(exits.items()))}")
    print("most frequent findings:", ", ".join(f"{r} {n}" for r, n in rules.most_common(8)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
