"""plan --try against a real QEMU, and a real guest booted from our plan (TCG).

Each paused start takes about a second; the guest boot about 10 s here (60 s on a loaded
machine), so it is the only boot.
"""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import pytest

from kata_config import load
from kata_runtime.plan import build_plan
from kata_runtime.trial import try_plan
from kata_runtime.trial.adapt import argv_builder
from kata_runtime.trial.qmp import QmpClient
from kata_runtime.trial.runner import Workspace, start_paused
from tests.corpus import RENDERED, require_corpus
from tests.guest import guest, qemu

STARTED: list[bool] = []
X86 = sorted(p for p in RENDERED.glob("x86_64/runtime-*/configuration-qemu*.toml")
             if not re.search(r"(snp|tdx|se|coco)", p.name)) if RENDERED.is_dir() else []


def _on_this_host(config: Path, tmp: Path) -> Path:
    """The corpus config with kernel and image pointing at files that exist here."""
    kernel = guest().kernel
    image = tmp / "image.raw"
    with open(image, "wb") as handle:
        handle.truncate(128 << 20)
    text = re.sub(r'(?m)^kernel = ".*"', f'kernel = "{kernel}"', config.read_text())
    text = re.sub(r'(?m)^image = ".*"', f'image = "{image}"', text)
    text = re.sub(r'(?m)^path = ".*"', f'path = "{qemu()}"', text)
    out = tmp / config.name
    out.write_text(text)
    return out


@pytest.mark.parametrize("config", X86, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_corpus_config_starts_paused_with_its_sizes(config: Path, tmp_path: Path) -> None:
    require_corpus()
    path = _on_this_host(config, tmp_path)
    runtime = "rs" if config.parent.name == "runtime-rs" else "go"
    eff = load(str(path), arch="x86_64", runtime=runtime)

    def build(ctx):
        return build_plan(eff, ctx)

    # As the runtime would: refused (with QEMU's words and ours) or started with its sizes.
    native = try_plan(build, without=("virtio-fs",), parent=str(tmp_path))
    if native.started:
        assert native.vcpus == max(1, int(-(-eff.hypervisor.default_vcpus // 1)))
        assert native.memory_mib == eff.hypervisor.default_memory
    else:
        assert native.exit_code in (1, 2)
        assert native.explanation
    # Under TCG, on a host without /dev/vhost-vsock, the refusal names it (unless something
    # earlier refuses, such as firmware this host lacks; then that is explained instead).
    refused = try_plan(build, accel="tcg", without=("virtio-fs",), parent=str(tmp_path))
    if not os.path.exists("/dev/vhost-vsock"):
        assert refused.exit_code == 1
        assert refused.error
        assert refused.explanation
        if "vhost-vsock" in refused.error:
            assert "modprobe vhost_vsock" in refused.explanation
    started = try_plan(build, accel="tcg", without=("virtio-fs", "vsock"), parent=str(tmp_path))
    if not started.started:
        assert started.exit_code == 1
        assert started.error
        assert started.explanation
        assert "vhost-vsock" not in started.error
    else:
        assert started.vcpus == max(1, int(-(-eff.hypervisor.default_vcpus // 1)))
        assert started.memory_mib == eff.hypervisor.default_memory
        assert any("vhost-vsock" in item for item in started.left_out)
        assert any("-cpu host -> max" in item for item in started.swapped)
    STARTED.append(started.started)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kata-config-try")] == []


def test_real_guest_boots_from_the_plan(tmp_path: Path) -> None:
    """A corpus config pointed at the test guest, 2 vCPUs and 1 GiB, booted under TCG."""
    require_corpus()
    found = guest()
    base = (RENDERED / "x86_64/runtime-go/configuration-qemu.toml").read_text()
    text = re.sub(r'(?m)^kernel = ".*"', f'kernel = "{found.kernel}"', base)
    text = re.sub(r'(?m)^image = ".*"', f'initrd = "{found.initrd}"', text)
    text = re.sub(r'(?m)^path = ".*"', f'path = "{qemu()}"', text)
    text = re.sub(r"(?m)^default_vcpus = .*", "default_vcpus = 2", text)
    text = re.sub(r"(?m)^default_memory = .*", "default_memory = 1024", text)
    config = tmp_path / "configuration.toml"
    config.write_text(text)
    eff = load(str(config), arch="x86_64", runtime="go")
    assert eff.hypervisor.default_vcpus == 2
    console: list[str] = []

    def boot(client: QmpClient, ws: Workspace) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(os.path.join(ws.directory, "console.sock"))
        client.execute("cont")
        sock.settimeout(1)
        end = time.monotonic() + 150
        data = b""
        while b"KATA-GUEST" not in data or not data.rstrip().endswith(b"kb=" + data.split(
                b"kb=")[-1].split()[0] if b"kb=" in data else b"\0"):
            if time.monotonic() > end:
                break
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                break
            data += chunk
        console.append(data.decode(errors="replace"))
        sock.close()

    trials: list = []
    outcome = start_paused(
        argv_builder(lambda ctx: build_plan(eff, ctx), accel="tcg",
                     without=("virtio-fs", "vsock"), report=trials),
        timeout=180, then=boot, parent=str(tmp_path))
    assert outcome.started, outcome.error
    match = re.search(r"KATA-GUEST cpus=(\d+) memtotal_kb=(\d+)", console[0])
    assert match, console[0][-2000:]
    assert int(match.group(1)) == 2
    assert abs(int(match.group(2)) / 1024 - 1024) <= 0.15 * 1024
