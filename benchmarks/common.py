"""Helpers shared by the benchmark scripts: paired subprocess timing and ratio tables.

Every figure the README quotes is a ratio to a peer measured in the same run: each round runs
every command once, back to back, in an order that rotates from round to round, and a ratio
is the median of the per-round ratios. On a shared machine (2 vCPUs, other jobs running) the
absolute times move with the load; the paired ratios move far less.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RENDERED = SHARED / "corpus" / "kata-upstream" / "rendered"
ONE = RENDERED / "x86_64" / "runtime-go" / "configuration-qemu.toml"
MIN_RUNS = 21
ANY_EXIT = tuple(range(256))


def tool(name: str) -> str | None:
    """A command from the venv running this script, else from PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def installed_env() -> dict[str, str]:
    """The environment of an installed tool: bytecode cached, as pip leaves it.

    Some shells export PYTHONDONTWRITEBYTECODE, which makes every run of a Python tool
    recompile all its modules; no installed tool runs like that. The cache goes to a
    temporary directory (written by the warm-up run) so the working tree is not touched.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", _PYC)
    return env


_PYC = tempfile.mkdtemp(prefix="kata-bench-pyc-")


def load_note() -> str:
    """The machine's load when this is called, for the results."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def paired(commands: Mapping[str, Sequence[str]], runs: int,
           ok: Sequence[int] = ANY_EXIT) -> dict[str, list[float]]:
    """Wall times (ms) of ``runs`` rounds; each round runs every command once, back to back,
    the order rotating every round. One warm-up round first (it also writes the bytecode)."""
    if runs < MIN_RUNS:
        raise SystemExit(f"--runs must be at least {MIN_RUNS}")
    env = installed_env()
    names = list(commands)
    for name in names:
        proc = subprocess.run(commands[name], capture_output=True, check=False, env=env)
        if proc.returncode not in ok:
            raise SystemExit(f"{name} exited {proc.returncode}: {proc.stderr[-500:]!r}")
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            subprocess.run(commands[name], capture_output=True, check=False, env=env)
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def ratio(times: Mapping[str, Sequence[float]], name: str, base: str) -> float:
    """The median of the per-round ratios of ``name`` to ``base``."""
    return statistics.median(a / b for a, b in zip(times[name], times[base], strict=True))


def table(title: str, times: Mapping[str, Sequence[float]], base: str,
          bars: Mapping[str, float] | None = None) -> list[str]:
    """Markdown rows: each command's median and its paired ratio to ``base`` (and the bar)."""
    bars = bars or {}
    lines = [f"{title}", "", f"| command | median | vs {base} | bar |", "|---|---|---|---|"]
    for name, values in times.items():
        r = ratio(times, name, base)
        bar = bars.get(name)
        verdict = "" if bar is None else f"≤ {bar:g}× {'met' if r <= bar else '**missed**'}"
        lines.append(f"| `{name}` | {statistics.median(values):.1f} ms | {r:.2f}× | {verdict} |")
    return lines


def emit(lines: Sequence[str], out: Path | None) -> None:
    """Print the rows, and append them to ``out`` when given (for the README table)."""
    text = "\n".join(lines) + "\n"
    print(text)
    if out is not None:
        with out.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
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
