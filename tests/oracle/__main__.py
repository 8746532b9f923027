"""``python -m tests.oracle run [--generated 5000] [--seed 14] [--workers 2]``

Runs the differential suite on the corpus, the fixtures and N generated configs, compares
``kata-runtime check`` with ``kata-config check`` on this host, and rewrites
docs/fidelity.json and docs/fidelity.md. Needs the oracle (``.ci/setup.d/20-oracle.sh``)
and root. 5,000 generated configs take about 4 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from dataclasses import asdict
from typing import Any

from tests.oracle import fidelity, hostcheck, sources, suite
from tests.oracle.envmap import COMMAND_LINE
from tests.oracle.harness import Oracle, find_binary, usable
from tests.oracle.results import summarise

CI_GENERATED = 1000
"""How many generated configs tests/test_oracle.py runs (CI)."""
STOCK = "defaults/go/x86_64/configuration-qemu.toml"


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, check=False, cwd=fidelity.DOCS.parent)
    return out.stdout.strip() or "unknown"


def host_section(binary: Any) -> dict[str, Any]:
    """Both host checkers on this host, as data for docs/fidelity.md."""
    ours = hostcheck.ours(str(fidelity.DOCS.parent / STOCK))
    variants = []
    for title, args, fake_vsock in hostcheck.VARIANTS:
        with Oracle(binary, workers=1, host_dev=True, fake_vsock=fake_vsock) as oracle:
            reply = oracle.run(hostcheck.stock_case(str(fidelity.DOCS.parent / STOCK)), args)
        rows = hostcheck.compare(reply["stderr"], ours)
        variants.append({"title": title, "rc": reply["rc"],
                         "failures": [asdict(r) for r in rows]})
    return {"ours": ours["verdict"][0], "variants": variants,
            "evidence": {k: ours[k] for k in ("cpu.virtualization", "module.kvm",
                                              "device.kvm", "kvm.create-vm") if k in ours}}


def run(args: argparse.Namespace) -> int:
    """Run everything and write the results file and the page."""
    ok, why = usable()
    if not ok:
        sys.stderr.write(f"cannot run the oracle: needs {why}\n")
        return 2
    binary = find_binary()
    items = list(sources.corpus())
    fixtures, skipped = sources.fixtures()
    items += fixtures
    items += list(sources.generated(args.generated, args.seed))
    start = time.monotonic()
    with Oracle(binary, workers=args.workers) as oracle:  # type: ignore[arg-type]
        outcomes = list(suite.run(items, oracle))
    wall = time.monotonic() - start
    counts = {s: sum(1 for o in outcomes if o.source == s)
              for s in ("corpus", "fixture", "generated")}
    meta = {
        "command": f"python -m tests.oracle run --generated {args.generated}",
        "date": datetime.date.today().isoformat(), "commit": _commit(), "seed": args.seed,
        "workers": args.workers, "wall_seconds": round(wall, 1), "ci_generated": CI_GENERATED,
        "counts": {"corpus": counts["corpus"], "fixtures": counts["fixture"],
                   "generated": counts["generated"]},
        "skipped": [list(s) for s in skipped],
        "kernel_parameters": "the whole command line (kata_runtime's composition)"
        if COMMAND_LINE else "the part kernel_params contributes (kata_runtime has no "
        "composition of the Go command line yet)",
    }
    results = summarise(outcomes, meta)
    results["host"] = host_section(binary)
    fidelity.RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    fidelity.main()
    verdicts = results["verdicts"]
    print(f"{verdicts['agree']}/{verdicts['total']} agree, "
          f"{verdicts['unexplained differences']} unexplained, {wall:.0f} s")
    return 0 if verdicts["unexplained differences"] == 0 else 1


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m tests.oracle")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("run", help="run the differential suite and rewrite docs/fidelity.*")
    cmd.add_argument("--generated", type=int, default=5000)
    cmd.add_argument("--seed", type=int, default=14)
    cmd.add_argument("--workers", type=int, default=2)
    return run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
