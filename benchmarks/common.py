"""Helpers shared by the benchmark scripts: timing subprocesses and printing ratios."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RENDERED = SHARED / "corpus" / "kata-upstream" / "rendered"


def tool(name: str) -> str | None:
    """A command from the venv running this script, else from PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def installed_env() -> dict[str, str]:
    """The environment of an installed tool: bytecode cached, as pip leaves it.

    Some shells export PYTHONDONTWRITEBYTECODE, which makes every run of a Python tool
    recompile all its modules; no installed tool runs like that.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def median_ms(argv: Sequence[str], runs: int, ok: Sequence[int] = (0, 1)) -> float:
    """Median wall time of ``runs`` runs of ``argv`` (after one warm-up), in milliseconds."""
    env = installed_env()
    subprocess.run(argv, capture_output=True, check=False, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, check=False, env=env)
        times.append((time.perf_counter() - start) * 1000)
        if proc.returncode not in ok:
            raise SystemExit(f"{argv[0]} exited {proc.returncode}: {proc.stderr[-500:]!r}")
    return statistics.median(times)


def report(title: str, rows: list[tuple[str, float]], base: str) -> None:
    """Print one table: each row's median and its ratio to the row named ``base``."""
    ref = dict(rows)[base]
    print(f"\n{title}")
    for name, ms in rows:
        print(f"  {name:<48} {ms:8.1f} ms   {ms / ref:5.2f}x {base}")
