"""Unpacking refuses bombs, deep paths, too many members and escaping links before writing,
and captures hold only allowed files, whatever a config or a link says."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config import snapshot
from kata_config.probes.host import HostRoot
from kata_config.unpack import MAX_DEPTH, MAX_MEMBERS
from tests.hostile.conftest import SECRET, fingerprint, link, make

runner = CliRunner()


def _archive(path: Path, members: list[tarfile.TarInfo], data: dict[str, bytes] | None = None,
             ) -> Path:
    with gzip.open(path, "wb", compresslevel=9) as raw, tarfile.open(fileobj=raw, mode="w|"
                                                                     ) as tar:
        for info in members:
            payload = (data or {}).get(info.name)
            tar.addfile(info, io.BytesIO(payload) if payload is not None else None)
    return path


def _file(name: str, size: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    return info


def _zeros_bomb(path: Path) -> Path:
    """About 1 MiB of gzip that unpacks to a 1 GiB member (gzip members simply concatenate)."""
    header = gzip.compress(_file("proc/cpuinfo", 1 << 30).tobuf(format=tarfile.GNU_FORMAT))
    zeros = gzip.compress(bytes(1 << 20), compresslevel=9)
    path.write_bytes(header + zeros * 1024)
    return path


def _deep(path: Path) -> Path:
    return _archive(path, [_file("/".join(["d"] * 2000))])


def _many(path: Path) -> Path:
    return _archive(path, [_file(f"proc/f{i}") for i in range(MAX_MEMBERS + 1)])


def _link_out(path: Path) -> Path:
    info = tarfile.TarInfo("etc/kata-containers/configuration.toml")
    info.type, info.linkname = tarfile.SYMTYPE, "../../../../etc/shadow"
    return _archive(path, [info])


def _below_link(path: Path) -> Path:
    first = tarfile.TarInfo("proc")
    first.type, first.linkname = tarfile.SYMTYPE, "sys"
    return _archive(path, [first, _file("proc/cpuinfo", 1)], {"proc/cpuinfo": b"x"})


def _hardlink(path: Path) -> Path:
    info = tarfile.TarInfo("proc/cpuinfo")
    info.type, info.linkname = tarfile.LNKTYPE, "etc/passwd"
    return _archive(path, [info])


def _pax_bomb(path: Path) -> Path:
    """A PAX header announcing a 100 MiB extended record (tarfile reads such a record into
    memory whole): a header block, then gzip members of zeros."""
    info = tarfile.TarInfo("././@PaxHeader")
    info.type, info.size = tarfile.XHDTYPE, 100 << 20
    zeros = gzip.compress(bytes(1 << 20), compresslevel=9)
    path.write_bytes(gzip.compress(info.tobuf(format=tarfile.USTAR_FORMAT)) + zeros * 100)
    return path


def _pax_header(path: Path) -> Path:
    """A plain member with a 1 MiB PAX record: within the byte limits, but no snapshot's."""
    info = _file("x")
    info.pax_headers = {"comment": "x" * (1 << 20)}
    with gzip.open(path, "wb") as raw, tarfile.open(fileobj=raw, mode="w|",
                                                    format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(info, io.BytesIO(b""))
    return path


ARCHIVES = {"zeros-bomb": (_zeros_bomb, "more than 64 MiB"),
            "deep-path": (_deep, f"more than {MAX_DEPTH} levels"),
            "many-members": (_many, f"more than {MAX_MEMBERS} members"),
            "link-out": (_link_out, "a link leading outside"),
            "below-link": (_below_link, "lies below a link"),
            "hardlink": (_hardlink, "a hard link or special file"),
            "pax-bomb": (_pax_bomb, "more than 64 MiB"),
            "pax-header": (_pax_header, "oversized extended (PAX) header")}


@pytest.mark.parametrize("case", sorted(ARCHIVES))
def test_hostile_archive_is_refused_before_writing(tmp_path: Path, case: str) -> None:
    build, message = ARCHIVES[case]
    archive = build(tmp_path / "a.tar.gz")
    dest = tmp_path / "dest"
    before = fingerprint(tmp_path)
    result = runner.invoke(app, ["snapshot", "--extract", str(archive), str(dest)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not dest.exists()
    assert fingerprint(tmp_path) == before


def test_archive_over_the_input_cap_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "a.tar.gz"
    with open(big, "wb") as handle:
        handle.truncate((4 << 20) + 1)
    result = runner.invoke(app, ["snapshot", "--extract", str(big), str(tmp_path / "d")])
    assert result.exit_code == 2
    assert "4 MiB limit" in result.stderr


def test_a_secret_pointing_config_stores_no_secret(resolver: str, root: Path,
                                                   outside: Path) -> None:
    make(root, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t: lm vmx\n")
    make(root, "etc/kata-containers/configuration.toml",
         f'[hypervisor.qemu]\npath = "/usr/bin/qemu"\nkernel = "/proc/self/root{outside}/secret"'
         f'\nimage = "/../../../..{outside}/secret"\ninitrd = "/etc/shadow"\n'
         f'firmware = "/proc/1/environ"\n')
    make(root, "etc/shadow", SECRET)
    make(root, "proc/1/environ", SECRET)
    link(root, "proc/self", "1")
    cap = snapshot.capture(root, "x86_64")
    _no_secret(cap)
    skipped = {s["path"]: s["why"] for s in cap.meta["skipped"]}  # type: ignore[union-attr]
    assert skipped["/etc/shadow"] == "outside the allowed trees"
    assert skipped["/proc/1/environ"] == "a process's private file"
    assert "etc/kata-containers/configuration.toml" in cap.members


def test_dropins_linked_to_secrets_store_no_secret(resolver: str, root: Path,
                                                   outside: Path) -> None:
    make(root, "etc/kata-containers/configuration.toml", '[hypervisor.qemu]\npath = "/x"\n')
    make(root, "etc/shadow", SECRET)
    make(root, "root/.ssh/id_rsa", SECRET)
    link(root, "etc/kata-containers/config.d/10-link.toml", "/etc/shadow")
    link(root, "etc/kata-containers/config.d/20-out.toml", str(outside / "configuration.toml"))
    link(root, "etc/kata-containers/config.d/d", "/root")
    cap = snapshot.capture(root, "x86_64")
    _no_secret(cap)
    skipped = {s["path"]: s["why"] for s in cap.meta["skipped"]}  # type: ignore[union-attr]
    assert skipped["/etc/shadow"].startswith("outside the allowed trees (asked for as /etc/kata")
    assert skipped["/root"].startswith("outside the allowed trees")  # nor root's listing


def _no_secret(cap: snapshot.Capture) -> None:
    stored = b"".join(v for v in cap.members.values() if isinstance(v, bytes))
    assert SECRET.encode() not in stored
    assert not any(name.startswith(("etc/shadow", "proc/1/environ", "root")) or ".ssh" in name
                   for name in cap.members), sorted(cap.members)
    assert SECRET not in json.dumps(cap.meta)


def test_resolved_paths_are_checked_against_the_allow_list() -> None:
    assert snapshot.allowed("proc/self/mountinfo")
    assert snapshot.allowed("proc/1/cgroup")
    for rel in ("proc/self/root", "proc/1/cwd", "proc/self/fd/3", "proc/1/environ",
                "proc/1/mem", "proc/self/maps", "proc/1/cmdline", "proc/kcore", "etc/shadow",
                "sys/firmware/efi/efivars/x", "dev/mem"):
        assert not snapshot.allowed(rel), rel


def test_collect_follows_links_only_inside_the_root(resolver: str, root: Path,
                                                    outside: Path) -> None:
    make(root, "sys/devices/virtual/misc/kvm/dev", "10:232\n")
    link(root, "sys/class/misc/kvm", "../../devices/virtual/misc/kvm")
    link(root, "sys/class/misc/tun", str(outside))
    cap = snapshot.collect(HostRoot(root), ["sys/class/misc/kvm/dev", "sys/class/misc/tun/x"])
    assert cap.members["sys/devices/virtual/misc/kvm/dev"] == b"10:232\n"
    assert cap.members["sys/class/misc/kvm/dev"] == snapshot.Link(
        "../../../devices/virtual/misc/kvm/dev")
