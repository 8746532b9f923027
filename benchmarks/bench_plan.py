"""Benchmark: `kata-config plan` end to end vs `kata-config validate` on the same file, and
`plan --try` wall time until QEMU answers over QMP (paused start, TCG, vsock/virtio-fs left out).

Run: python -m benchmarks.bench_plan [RUNS]  (needs the shared corpus; --try needs QEMU and
the test guest kernel from .ci/setup.d/30-qemu-guest.sh)
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import RENDERED, median_ms, report, tool

CONFIG = RENDERED / "x86_64" / "runtime-go" / "configuration-qemu.toml"
KERNEL = Path.home() / ".cache" / "kata-config" / "guest" / "vmlinuz"


def _try_ms(runs: int) -> float | None:
    from kata_config import load
    from kata_runtime.plan import build_plan
    from kata_runtime.trial import try_plan

    if not KERNEL.is_file() or shutil.which("qemu-system-x86_64") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "image.raw"
        image.write_bytes(b"")
        with open(image, "wb") as handle:
            handle.truncate(128 << 20)
        text = CONFIG.read_text().replace(
            '/usr/share/kata-containers/vmlinux.container', str(KERNEL)).replace(
            '/usr/share/kata-containers/kata-containers.img', str(image))
        config = Path(tmp) / "configuration.toml"
        config.write_text(text)
        eff = load(str(config), arch="x86_64", runtime="go")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = try_plan(lambda ctx: build_plan(eff, ctx), accel="tcg",
                              without=("vsock", "virtio-fs"))
            times.append((time.perf_counter() - start) * 1000)
            assert result.started, result.error
    return statistics.median(times)


def main() -> None:
    """Print the table."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    cli = tool("kata-config")
    if cli is None:
        raise SystemExit("kata-config is not installed in this environment")
    common = [str(CONFIG), "--arch", "x86_64"]
    rows = [
        ("kata-config validate", median_ms([cli, "validate", *common], runs)),
        ("kata-config plan (text)", median_ms([cli, "plan", *common], runs)),
        ("kata-config plan --format json", median_ms([cli, "plan", *common, "--format",
                                                      "json"], runs)),
    ]
    report(f"plan vs validate on {CONFIG.name} (median of {runs})", rows, "kata-config validate")
    trial = _try_ms(max(3, runs // 2))
    if trial is None:
        print("\n--try: skipped (no QEMU or test guest kernel)")
    else:
        print(f"\n--try to QMP answer and quit (TCG, paused): {trial:8.1f} ms median")


if __name__ == "__main__":
    main()
