"""Benchmark ``kata-config plan`` end to end against ``kata-config validate`` on the same file,
and ``plan --try`` wall time until QEMU answers over QMP.

Paired runs of the installed entry point (bytecode cached, as pip leaves it): each round runs
every command once, in an order that rotates from round to round, so a slow moment of the
shared machine hits all of them alike; ratios are medians of the per-round ratios. ``--try``
starts the x86_64 Go qemu corpus config pointed at files that exist here (the test guest's
kernel, a sparse image, QEMU 7.2's virtiofsd when run as root) under TCG with vsock left out.

Run: ``.venv/bin/python -m benchmarks.bench_plan [--runs N]`` (N >= 21; --try needs QEMU and
the test guest from .ci/setup.d/30-qemu-guest.sh)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import RENDERED, installed_env, tool

CONFIG = RENDERED / "x86_64" / "runtime-go" / "configuration-qemu.toml"
GUEST = Path(os.environ.get("KATA_CONFIG_CACHE") or Path.home() / ".cache" / "kata-config")
VIRTIOFSD = Path("/usr/lib/qemu/virtiofsd")


def _ms(argv: Sequence[str], env: dict[str, str], ok: Sequence[int]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False, env=env)
    took = (time.perf_counter() - start) * 1000
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(argv[:3])} exited {proc.returncode}: {proc.stderr[-300:]!r}")
    return took


def paired(commands: dict[str, list[str]], runs: int, ok: Sequence[int] = (0, 1)) -> dict[
        str, list[float]]:
    """Each command's wall times over ``runs`` rounds, the order rotating every round."""
    env = installed_env()
    names = list(commands)
    for name in names:  # warm-up: bytecode and page cache
        _ms(commands[name], env, ok)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(_ms(commands[name], env, ok))
    return times


def _table(title: str, times: dict[str, list[float]], base: str) -> None:
    print(f"\n{title}")
    for name, values in times.items():
        ratio = statistics.median(v / b for v, b in zip(values, times[base], strict=True))
        print(f"  {name:<56} {statistics.median(values):8.1f} ms   {ratio:5.2f}x {base}")


def _on_this_host(tmp: Path) -> Path | None:
    kernel = GUEST / "guest" / "vmlinuz"
    if not kernel.is_file() or shutil.which("qemu-system-x86_64") is None:
        return None
    image = tmp / "image.raw"
    with open(image, "wb") as handle:
        handle.truncate(128 << 20)
    text = CONFIG.read_text()
    for key, value in (("kernel", kernel), ("image", image), ("virtio_fs_daemon", VIRTIOFSD)):
        text = re.sub(rf'(?m)^{key} = .*', f'{key} = "{value}"', text)
    config = tmp / "configuration.toml"
    config.write_text(text)
    return config


def _to_answer_ms(config: Path, without: tuple[str, ...], runs: int) -> list[float]:
    """In-process: from start_paused() to QEMU's last QMP answer (before quit and clean-up)."""
    from kata_config import load
    from kata_runtime.plan import build_plan
    from kata_runtime.trial import virtiofsd as fsd
    from kata_runtime.trial.adapt import Trial, argv_builder
    from kata_runtime.trial.runner import start_paused

    eff = load(str(config), arch="x86_64", runtime="go")
    dialects = {str(VIRTIOFSD): fsd.dialect(str(VIRTIOFSD))}
    out = []
    answered: list[float] = []
    trials: list[Trial] = []
    for _ in range(runs):
        start = time.perf_counter()
        outcome = start_paused(
            argv_builder(lambda ctx: build_plan(eff, ctx), accel="tcg", without=without,
                         report=trials, dialects=dialects),
            helpers=lambda _ws: trials[-1].helpers,
            then=lambda _c, _w: answered.append(time.perf_counter()), timeout=30)
        if not outcome.started:
            raise SystemExit(f"--try did not start: {outcome.error}")
        out.append((answered[-1] - start) * 1000)
    return out


def main() -> int:
    """Print both tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    if args.runs < 21:
        parser.error("--runs must be at least 21")
    cli = tool("kata-config")
    if cli is None:
        raise SystemExit("kata-config is not installed in this environment")
    common = [cli, "plan", str(CONFIG), "--arch", "x86_64"]
    times = paired({
        "kata-config validate": [cli, "validate", str(CONFIG), "--arch", "x86_64"],
        "kata-config plan (text)": common,
        "kata-config plan --format json": [*common, "--format", "json"],
        "kata-config plan --format shell": [*common, "--format", "shell"],
    }, args.runs)
    _table(f"{CONFIG.name}, {args.runs} paired rounds (median)", times, "kata-config validate")
    with tempfile.TemporaryDirectory() as tmp:
        config = _on_this_host(Path(tmp))
        if config is None:
            print("\n--try: skipped (no QEMU or test guest; run .ci/setup.d/30-qemu-guest.sh)")
            return 0
        without = ("vsock",) if os.geteuid() == 0 else ("vsock", "virtio-fs")
        flags = ["--try", "--accel", "tcg", *(f"--without={w}" for w in without)]
        plan = [cli, "plan", str(config), "--arch", "x86_64"]
        times = paired({"kata-config plan": plan, f"kata-config plan {' '.join(flags)}":
                        [*plan, *flags]}, args.runs, ok=(0,))
        _table("--try end to end (QEMU started paused, queried, killed)", times,
               "kata-config plan")
        answer = _to_answer_ms(config, without, args.runs)
        print(f"  in-process, start to the last QMP answer{'':<15} "
              f"{statistics.median(answer):8.1f} ms   (min {min(answer):.1f}, "
              f"max {max(answer):.1f}; virtiofsd {'on' if 'virtio-fs' not in without else 'off'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
