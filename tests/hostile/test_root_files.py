"""Every file of a ``--root`` tree may be a FIFO or point outside: check never blocks and never
reports what lies outside the root."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from tests.hostile.conftest import SECRET, fingerprint, link, make
from tests.hostile.guard import fifo_guard

HOST = Path(__file__).parents[1] / "fixtures" / "hosts" / "x86_64-intel-kvm-ok"
CONFIG = "usr/share/defaults/kata-containers/configuration.toml"
DROPIN = "usr/share/defaults/kata-containers/config.d/10-fifo.toml"
# a FIFO where a probe reads -> the exit code, and the line saying why (None: that file only
# refines a verdict, so the check goes on without it and the FIFO changes no line's status)
FIFOS = {
    "proc/cpuinfo": (1, "evidence: proc/cpuinfo: it is a FIFO (named pipe), not a regular file"),
    "kata-config-snapshot.json": (0, None),
    CONFIG: (1, f"/{CONFIG}: it is a FIFO (named pipe), not a regular file"),
    DROPIN: (1, f"/{DROPIN} is a FIFO (named pipe), not a regular file"),
    "lib/modules/6.1.0/modules.dep": (0, None),
    "proc/meminfo": (0, "MemTotal or default_memory unknown"),
    "proc/self/mountinfo": (0, None),
    "proc/1/cgroup": (0, None),
    "proc/sys/kernel/osrelease": (0, None),
    "sys/module/kvm_intel/parameters/nested": (0, None),
}


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(HOST, root, symlinks=True)
    return root


@pytest.mark.parametrize("rel", sorted(FIFOS))
def test_a_fifo_anywhere_in_the_root_never_blocks(resolver: str, tmp_path: Path,
                                                  rel: str) -> None:
    root = _copy(tmp_path)
    fifo = root / rel
    fifo.parent.mkdir(parents=True, exist_ok=True)
    if fifo.exists():
        fifo.unlink()
    os.mkfifo(fifo)
    before = fingerprint(root)
    with fifo_guard([fifo]) as guard:
        result = CliRunner().invoke(app, ["check", "--root", str(root), "--arch", "x86_64",
                                          "-n", "-v"])
    assert not guard.hung, f"{rel} as a FIFO blocked check"
    code, why = FIFOS[rel]
    assert result.exit_code == code, result.output
    assert "internal error" not in result.output
    if why is not None:
        assert why in result.stdout, result.stdout
    assert fingerprint(root) == before


def test_paths_a_config_names_are_looked_up_inside_the_root(resolver: str, tmp_path: Path,
                                                            outside: Path) -> None:
    root = _copy(tmp_path)
    (outside / "qemu").write_text("#!/bin/sh\n")
    (outside / "qemu").chmod(0o755)
    conf = (root / CONFIG).read_text().replace(
        'kernel = "/usr/share/kata-containers/vmlinux.container"',
        f'kernel = "/../../../..{outside}/secret"').replace(
        'image = "/usr/share/kata-containers/kata-containers.img"',
        f'image = "/proc/self/root{outside}/secret"')
    (root / CONFIG).write_text(conf)
    link(root, "usr/bin/qemu-system-x86_64", str(outside / "qemu"))
    result = CliRunner().invoke(app, ["check", "--root", str(root), "--arch", "x86_64", "-n",
                                      "--only", "config"])
    lines = {line.split()[1]: line.split()[0] for line in result.stdout.splitlines()
             if line.startswith(("PASS", "FAIL", "WARN", "SKIP"))}
    assert lines["config.path.kernel"] == "FAIL", result.stdout
    assert lines["config.path.image"] == "FAIL", result.stdout
    assert lines["config.hypervisor-path"] == "FAIL", result.stdout  # the link leads nowhere
    assert SECRET not in result.output
    make(outside, "unused")


def test_hash_check_of_a_fifo_asset_never_blocks(tmp_path: Path) -> None:
    """A pod's kernel_hash annotation naming a FIFO is refused, not read forever."""
    from kata_config import HostFiles
    from kata_runtime.annotations.decision import Refused
    from kata_runtime.annotations.go_glob import GlobView
    from kata_runtime.annotations.hashes import HASH_OF_ASSET, check_go_hash

    fifo = tmp_path / "vmlinux"
    os.mkfifo(fifo)
    asset = "io.katacontainers.config.hypervisor.kernel"
    annotations = {HASH_OF_ASSET[asset]: "0" * 128}
    with fifo_guard([fifo]) as guard, pytest.raises(Refused, match="cannot be read"):
        check_go_hash("go", asset, "/vmlinux", annotations,
                      GlobView(HostFiles(tmp_path)))
    assert not guard.hung


def test_plan_under_a_root_with_fifos_never_blocks(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    fifos = [root / "sys/module/kvm_intel/parameters/tdx",
             root / "sys/module/kvm_amd/parameters/sev_snp"]
    for fifo in fifos:
        fifo.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(fifo)
    conf = make(tmp_path, "c.toml", (root / CONFIG).read_text().replace(
        "[hypervisor.qemu]\n", "[hypervisor.qemu]\nconfidential_guest = true\n", 1))
    with fifo_guard(fifos) as guard:
        result = CliRunner().invoke(app, ["plan", str(conf), "--root", str(root), "--arch",
                                          "x86_64"])
    assert not guard.hung
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
