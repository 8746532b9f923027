"""``plan --root`` and ``annotate --root`` open nothing outside the root (the bundled runtime
reads the host through ``kata_config.HostFiles`` only).

The same audit hook as test_audit.py watches every ``open``, listing and process start while
the commands run on a hostile root: its config's paths, its allow-listed directories, the
annotation values and the sysfs flags a confidential plan reads all lead outside (absolute and
``..`` symlinks, ``/proc/self/root``), and some are FIFOs. Hash annotations carry the SHA-512
of the secret outside, so a read that escaped would be accepted instead of refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from tests.hostile.conftest import SECRET, link
from tests.hostile.guard import fifo_guard
from tests.hostile.test_audit import assert_confined, hostile_root

CONF = "/usr/share/defaults/kata-containers/configuration.toml"
TEE = "/usr/share/defaults/kata-containers/configuration-tee.toml"
HV = "io.katacontainers.config.hypervisor."


def _runtime_root(tmp_path: Path, outside: Path) -> tuple[Path, list[Path]]:
    root, fifos = hostile_root(tmp_path, outside)
    # its config.d links make the load fail (test_audit.py covers that): the commands here
    # must get past the load to the runtime's own host reads
    shutil.rmtree(root / "usr/share/defaults/kata-containers/config.d")
    conf = root / CONF.lstrip("/")
    text = conf.read_text().replace("[hypervisor.qemu]\n", (
        "[hypervisor.qemu]\n"
        'enable_annotations = [".*"]\n'
        'valid_hypervisor_paths = ["/opt/escape/*", "/opt/up/*/*", "/opt/kata/bin/*", '
        f'"{outside}/*"]\n'
        'valid_virtio_fs_daemon_paths = ["/opt/escape/*", "/opt/kata/bin/*"]\n'), 1)
    for key in ("enable_annotations", "valid_hypervisor_paths", "valid_virtio_fs_daemon_paths"):
        # the fixture's own entries would repeat these keys
        first = text.index(f"\n{key} = ")
        text = text[:first + 1] + text[first + 1:].replace(f"\n{key} = ", f"\n# {key} = ")
    conf.write_text(text)
    (root / TEE.lstrip("/")).write_text(text.replace(
        "[hypervisor.qemu]\n", "[hypervisor.qemu]\nconfidential_guest = true\n", 1))
    link(root, "opt/escape", str(outside))                    # absolute: re-rooted
    link(root, "opt/up", "../../../../../../..")                # .. stops at the root
    link(root, "opt/kata/bin/qemu", str(outside / "secret"))  # a file outside
    link(root, "opt/kata/bin/proc", f"/proc/self/root{outside}/secret")
    (outside / "flag").write_text("Y\n")  # what a TDX host's sysfs says
    link(root, "sys/module/kvm_intel/parameters/tdx", str(outside / "flag"))
    fifo = root / "opt/kata/bin/fifo"
    os.mkfifo(fifo)
    amd = root / "sys/module/kvm_amd/parameters"
    amd.mkdir(parents=True)
    os.mkfifo(amd / "sev_snp")
    return root, [*fifos, fifo, amd / "sev_snp"]


def _annotations(outside: Path) -> list[str]:
    digest = hashlib.sha512((SECRET + "\n").encode()).hexdigest()
    return [
        f"{HV}path=/opt/kata/bin/qemu", f"{HV}hypervisor_hash={digest}",
        f"{HV}kernel=/opt/escape/secret", f"{HV}kernel_hash={digest}",
        f"{HV}initrd=/opt/kata/bin/fifo", f"{HV}initrd_hash={digest}",
        f"{HV}image=/opt/kata/bin/proc", f"{HV}image_hash={digest}",
        f"{HV}virtio_fs_daemon=/opt/escape/secret",
        f"{HV}jailer_path={outside}/secret",
        f"{HV}firmware=/opt/up/{outside.parent.name}/outside/secret",
        f"{HV}firmware_hash={digest}",
    ]


COMMANDS = {  # argv (host paths inside the root), the exit codes expected
    "plan": (["plan", CONF, "--format", "json"], (0,)),
    "plan-text": (["plan", CONF], (0,)),
    "plan-tee": (["plan", TEE, "--format", "json"], (0,)),
    "plan-annotated": (["plan", CONF, "-a", f"{HV}kernel_params=quiet", "--format", "json"],
                       (0,)),
    "plan-hostile-annotations": (["plan", CONF, "@ANNOTATIONS"], (1,)),
    "annotate": (["annotate", CONF, "@ANNOTATIONS", "--format", "json"], (1,)),
    "annotate-text": (["annotate", CONF, "@ANNOTATIONS"], (1,)),
}


def _argv(args: list[str], root: Path, outside: Path) -> list[str]:
    argv: list[str] = []
    for arg in args:
        if arg == "@ANNOTATIONS":
            for item in _annotations(outside):
                argv += ["-a", item]
        else:
            argv.append(arg)
    return [*argv, "--root", str(root), "--arch", "x86_64"]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_runtime_commands_open_nothing_outside_the_root(
        command: str, resolver: str, tmp_path: Path, *, outside: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root, fifos = _runtime_root(tmp_path, outside)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    args, codes = COMMANDS[command]
    argv = _argv(args, root, outside)
    runner = CliRunner()
    with fifo_guard(fifos):  # lazy imports happen before auditing
        runner.invoke(app, argv)
    assert_confined(runner, argv, codes, allowed=(root, out), fifos=fifos, outside=outside)


def test_hash_annotations_never_read_the_secret_outside(resolver: str, tmp_path: Path,
                                                       outside: Path) -> None:
    # the hashes are those of the secret: an escaping read would accept them
    root, fifos = _runtime_root(tmp_path, outside)
    argv = _argv(["annotate", CONF, "@ANNOTATIONS", "--format", "json"], root, outside)
    with fifo_guard(fifos) as guard:
        result = CliRunner().invoke(app, argv)
    assert not guard.hung
    decisions = {d["annotation"]: d for d in json.loads(result.stdout)["annotations"]}
    for asset in ("path", "kernel", "initrd", "image", "firmware"):
        assert decisions[HV + asset]["status"] == "rejected", decisions[HV + asset]
    assert "cannot be read to check its hash" in decisions[HV + "initrd"]["reason"]
    assert decisions[HV + "jailer_path"]["status"] == "rejected"


def test_plan_sees_the_root_only(resolver: str, tmp_path: Path, outside: Path) -> None:
    # stat() has no audit event: what the plan found tells whether a lookup escaped. The
    # kernel and image exist only outside the root, and the TDX flag there says "Y".
    root, fifos = _runtime_root(tmp_path, outside)
    with fifo_guard(fifos) as guard:
        result = CliRunner().invoke(app, _argv(["plan", TEE, "--format", "json"], root, outside))
    assert not guard.hung
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    for key in ("kernel", "image"):
        assert any(w.startswith(f"{key} = ") and "does not exist here under" in w
                   for w in warnings), warnings
    warnings = " ".join(warnings)
    assert "offers neither TDX nor SEV-SNP" in warnings
