"""plan --try against a real QEMU (x86_64 and aarch64), and a real guest booted from our plan.

Each config is tried three ways: as the runtime would (KVM), under TCG as it is (on a host
without /dev/vhost-vsock that refusal must be named), and under TCG with --without vsock,
which must start with the config's sizes and its virtiofsd. A paused start takes ~0.5 s
(x86_64) to ~1 s (aarch64) here; the guest boot about 10 s (60 s on a loaded machine), so it
is the only boot.
"""

from __future__ import annotations

import math
import os
import re
import socket
import time
import tomllib
from pathlib import Path

import pytest

from kata_config import Effective, load, validate
from kata_runtime.plan import Context, Plan, build_plan
from kata_runtime.trial import TryResult, try_plan
from kata_runtime.trial.adapt import Trial, argv_builder
from kata_runtime.trial.qmp import QmpClient
from kata_runtime.trial.runner import Workspace, start_paused
from tests.corpus import RENDERED, corpus_id, require_corpus, runtime_of
from tests.guest import firmware, guest, qemu, virtiofsd


def _no_tee(arch: str) -> list[Path]:
    """The arch's QEMU corpus configs that need no confidential-computing hardware."""
    if not RENDERED.is_dir():
        return []
    found = []
    for path in sorted(RENDERED.glob(f"{arch}/runtime-*/configuration-qemu*.toml")):
        table = tomllib.loads(path.read_text())["hypervisor"]["qemu"]
        if not table.get("confidential_guest"):
            found.append(path)
    return found


def _set(text: str, key: str, value: str) -> str:
    return re.sub(rf'(?m)^{key} = .*', f'{key} = "{value}"', text)


def on_this_host(config: Path, tmp: Path, arch: str) -> Path:
    """The corpus config with every file it names pointing at one that exists here."""
    text = config.read_text()
    image = tmp / "image.raw"
    with open(image, "wb") as handle:
        handle.truncate(128 << 20)
    text = _set(_set(text, "kernel", str(guest().kernel)), "image", str(image))
    text = _set(_set(text, "path", qemu(arch)), "virtio_fs_daemon", virtiofsd())
    if re.search(r'(?m)^firmware = "/', text):
        code, variables = firmware(arch)
        text = _set(text, "firmware", str(code))
        if variables is not None:
            text = _set(text, "firmware_volume", str(variables))
    out = tmp / config.name
    out.write_text(text)
    return out


def _children() -> list[int]:
    """Processes whose parent is this one (zombies included: they were not reaped)."""
    mine = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(stat[1]) == os.getpid():
                mine.append(int(entry))
    return mine


def _sizes_match(result: TryResult, eff: Effective) -> None:
    assert result.vcpus == max(1, math.ceil(eff.hypervisor.default_vcpus))
    assert result.memory_mib == eff.hypervisor.default_memory


def _check(config: Path, arch: str, tmp_path: Path) -> None:
    require_corpus()
    eff = load(str(on_this_host(config, tmp_path, arch)), arch=arch, runtime=runtime_of(config))
    before = _children()

    def build(ctx: Context) -> Plan:
        return build_plan(eff, ctx)

    native = try_plan(build, parent=str(tmp_path))
    if native.started:
        _sizes_match(native, eff)
    else:
        assert native.exit_code in (1, 2)
        assert native.explanation
    if arch != os.uname().machine:  # KVM cannot run it here: said, not tried
        assert (native.exit_code, native.error) == (2, None)
        assert "--accel tcg" in native.explanation
    refused = try_plan(build, accel="tcg", parent=str(tmp_path))
    if not os.path.exists("/dev/vhost-vsock"):
        assert (refused.exit_code, refused.started) == (1, False)
        assert "vhost-vsock" in (refused.error or "")
        assert "modprobe vhost_vsock" in refused.explanation
    started = try_plan(build, accel="tcg", without=("vsock",), parent=str(tmp_path))
    virtio_fs = eff.hypervisor.shared_fs == "virtio-fs"
    if virtio_fs and os.geteuid() != 0:
        # QEMU's C virtiofsd needs root for its namespaces, as under the runtime
        assert started.refused_by == "virtiofsd"
        assert "needs root" in started.explanation
        return
    assert started.started, (started.error, started.explanation, started.argv)
    _sizes_match(started, eff)
    assert any("vhost-vsock" in item for item in started.left_out)
    assert any(item.startswith("-cpu host -> max") for item in started.swapped)
    types = {d.type for d in started.devices}
    assert ("vhost-user-fs-pci" in types) == virtio_fs
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kata-config-try")] == []
    assert _children() == before, "a QEMU or virtiofsd outlived its trial"


@pytest.mark.parametrize("config", _no_tee("x86_64"), ids=corpus_id)
def test_x86_64_corpus_config_under_a_real_qemu(config: Path, tmp_path: Path) -> None:
    _check(config, "x86_64", tmp_path)


@pytest.mark.parametrize("config", _no_tee("aarch64"), ids=corpus_id)
def test_aarch64_corpus_config_under_a_real_qemu(config: Path, tmp_path: Path) -> None:
    _check(config, "aarch64", tmp_path)


def test_a_missing_virtiofsd_is_named_before_anything_starts(tmp_path: Path) -> None:
    require_corpus()
    config = on_this_host(RENDERED / "x86_64/runtime-go/configuration-qemu.toml", tmp_path,
                          "x86_64")
    config.write_text(_set(config.read_text(), "virtio_fs_daemon", str(tmp_path / "nope")))
    eff = load(str(config), arch="x86_64", runtime="go")
    result = try_plan(lambda ctx: build_plan(eff, ctx), accel="tcg", without=("vsock",),
                      parent=str(tmp_path))
    assert (result.started, result.exit_code) == (False, 2)
    assert f"{tmp_path / 'nope'} is not an executable here" in result.explanation
    assert "--without virtio-fs" in result.explanation


def _read_console(sock: socket.socket, seconds: float) -> str:
    """The guest's console until its init has printed its one line (or time is up)."""
    end = time.monotonic() + seconds
    data = b""
    sock.settimeout(1)
    while not re.search(rb"KATA-GUEST cpus=\d+ memtotal_kb=\d+\s", data):
        if time.monotonic() > end:
            break
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def test_real_guest_boots_from_the_plan(tmp_path: Path) -> None:
    """A corpus config pointed at the test guest, 2 vCPUs and 1 GiB, booted under TCG."""
    require_corpus()
    found = guest()
    text = (RENDERED / "x86_64/runtime-go/configuration-qemu.toml").read_text()
    text = re.sub(r'(?m)^image = ".*"', f'initrd = "{found.initrd}"',
                  _set(text, "kernel", str(found.kernel)))
    text = _set(_set(text, "path", qemu()), "virtio_fs_daemon", virtiofsd())
    text = re.sub(r"(?m)^default_vcpus = .*", "default_vcpus = 2", text)
    text = re.sub(r"(?m)^default_memory = .*", "default_memory = 1024", text)
    config = tmp_path / "configuration.toml"
    config.write_text(text)
    assert validate([config], runtime="go", arch="x86_64").findings == ()
    eff = load(str(config), arch="x86_64", runtime="go")
    assert (eff.hypervisor.default_vcpus, eff.hypervisor.initrd) == (2, str(found.initrd))
    console: list[str] = []

    def boot(client: QmpClient, ws: Workspace) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(os.path.join(ws.directory, "console.sock"))
            client.execute("cont")
            console.append(_read_console(sock, 150))

    # Only vsock is left out (no /dev/vhost-vsock needed); virtiofsd runs when we are root.
    without = ("vsock",) if os.geteuid() == 0 else ("vsock", "virtio-fs")
    trials: list[Trial] = []
    outcome = start_paused(
        argv_builder(lambda ctx: build_plan(eff, ctx), accel="tcg", without=without,
                     report=trials, dialects={virtiofsd(): "c"}),
        helpers=lambda _ws: trials[-1].helpers, timeout=180, then=boot, parent=str(tmp_path))
    assert outcome.started, outcome.error
    match = re.search(r"KATA-GUEST cpus=(\d+) memtotal_kb=(\d+)", console[0])
    assert match, console[0][-2000:]
    assert int(match.group(1)) == 2
    assert abs(int(match.group(2)) / 1024 - 1024) <= 0.15 * 1024
