"""``snapshot`` as a user runs it: whatever a config, a drop-in or a link names, the archive
holds only allowed files, the manifest says what was skipped and why, nothing is changed, and
an output folder that is missing or read-only is a sentence."""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from kata_cli import app
from tests.hostile.conftest import SECRET, fingerprint, link, make

runner = CliRunner()
CPU = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t: lm vmx\n"
CONF = "etc/kata-containers/configuration.toml"
HOST = Path(__file__).parents[1] / "fixtures" / "hosts" / "x86_64-intel-kvm-ok"


def _secret_host(root: Path) -> None:
    """A host root whose own secrets sit where a live host keeps them, with a procfs-like
    ``proc/self -> 1`` and ``proc/1/root -> /``."""
    make(root, "proc/cpuinfo", CPU)
    make(root, "etc/shadow", SECRET)
    make(root, "root/.ssh/id_rsa", SECRET)
    make(root, "proc/1/environ", SECRET)
    link(root, "proc/self", "1")
    link(root, "proc/1/root", "/")


def _snapshot(root: Path, out: Path) -> tuple[int, str, dict[str, str], dict[str, bytes]]:
    """Run ``snapshot --root``; its exit code, stderr, skipped paths and stored files."""
    result = runner.invoke(app, ["snapshot", "--root", str(root), "--arch", "x86_64",
                                 str(out)])
    if result.exit_code != 0:
        return result.exit_code, result.stderr, {}, {}
    stored: dict[str, bytes] = {}
    with tarfile.open(out) as tar:
        for member in tar.getmembers():
            handle = tar.extractfile(member) if member.isfile() else None
            stored[member.name] = handle.read() if handle else b""
    manifest = json.loads(stored["kata-config-snapshot.json"])
    skipped = {s["path"]: s["why"] for s in manifest["skipped"]}
    return result.exit_code, result.stderr, skipped, stored


def _no_secret(stored: dict[str, bytes]) -> None:
    assert not any(SECRET.encode() in data for data in stored.values())
    assert not any(name.startswith(("etc/shadow", "root", "proc/1/environ")) or ".ssh" in name
                   for name in stored), sorted(stored)


def test_config_naming_secrets(resolver: str, root: Path, outside: Path,
                               tmp_path: Path) -> None:
    """``kernel = "/proc/self/root/etc/shadow"`` and friends: none of them is stored."""
    _secret_host(root)
    make(root, CONF, '[hypervisor.qemu]\npath = "/usr/bin/qemu"\n'
         'kernel = "/proc/self/root/etc/shadow"\nimage = "/proc/self/environ"\n'
         f'initrd = "/../../../..{outside}/secret"\n'
         'firmware = "/proc/self/root/root/.ssh/id_rsa"\n')
    before = fingerprint(root, outside)
    code, stderr, skipped, stored = _snapshot(root, tmp_path / "s.tar.gz")
    assert code == 0, stderr
    assert stderr.startswith("kata-config: wrote "), stderr
    _no_secret(stored)
    assert skipped == {
        "/etc/shadow": "outside the allowed trees (asked for as /proc/self/root/etc/shadow)",
        "/proc/1/environ": "a process's private file (asked for as /proc/self/environ)",
        "/root/.ssh/id_rsa": "outside the allowed trees (asked for as "
                             "/proc/self/root/root/.ssh/id_rsa)"}
    assert CONF in stored
    assert fingerprint(root, outside) == before


def test_dropins_linked_to_secrets(resolver: str, root: Path, outside: Path,
                                   tmp_path: Path) -> None:
    """A drop-in linked to /etc/shadow or outside, and ``config.d/d -> /root``: neither the
    files nor root's directory listing is stored."""
    _secret_host(root)
    make(root, CONF, '[hypervisor.qemu]\npath = "/usr/bin/qemu"\n')
    link(root, "etc/kata-containers/config.d/10-shadow.toml", "/etc/shadow")
    link(root, "etc/kata-containers/config.d/20-out.toml", str(outside / "secret"))
    link(root, "etc/kata-containers/config.d/d", "/root")
    before = fingerprint(root, outside)
    code, stderr, skipped, stored = _snapshot(root, tmp_path / "s.tar.gz")
    assert code == 0, stderr
    _no_secret(stored)
    assert skipped["/etc/shadow"].startswith("outside the allowed trees (asked for as "
                                             "/etc/kata-containers/config.d/10-shadow.toml)")
    assert skipped["/root"].startswith("outside the allowed trees (asked for as "
                                       "/etc/kata-containers/config.d/d)")
    assert not [n for n in stored if n.startswith("etc/kata-containers/config.d/")
                and n != "etc/kata-containers/config.d"]
    assert fingerprint(root, outside) == before


def _read_only_dir() -> Path:
    """A folder the snapshot cannot write in (made 0555 under /tmp, so that an unprivileged
    user reaches it)."""
    place = Path(tempfile.mkdtemp(prefix="kata-config-ro-"))
    place.chmod(0o555)
    return place


def _invoke_as_nobody(argv: list[str]) -> tuple[int, str]:
    """Run the command in a child that gave up root (root writes into any folder)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover -- the child reports through the pipe
        code, text = 2, "child failed"
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            result = CliRunner().invoke(app, argv)
            code, text = result.exit_code, result.stderr
        finally:
            os.write(write, json.dumps([code, text]).encode())
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    code, text = json.loads(data)
    return int(code), str(text)


def test_snapshot_into_a_read_only_folder_is_a_sentence() -> None:
    place = _read_only_dir()
    try:
        argv = ["snapshot", "--root", str(HOST), "--arch", "x86_64", str(place / "s.tar.gz")]
        before = fingerprint(place, HOST)
        if os.geteuid() == 0:
            code, stderr = _invoke_as_nobody(argv)
        else:
            result = runner.invoke(app, argv)
            code, stderr = result.exit_code, result.stderr
        assert code == 2, stderr
        assert stderr.startswith(f"kata-config: cannot write {place}/s.tar.gz"), stderr
        assert "ermission denied" in stderr
        assert "Traceback" not in stderr
        assert fingerprint(place, HOST) == before
    finally:
        place.chmod(0o755)
        place.rmdir()
