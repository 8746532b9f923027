"""Snapshots: what is captured, what never is, safe unpacking, and same verdicts after a trip."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config import snapshot
from kata_config.hostcheck import run_checks
from kata_config.probes.base import Status
from kata_config.probes.host import HostRoot

HOSTS = Path(__file__).parent / "fixtures" / "hosts"
ARCHES = ("x86_64", "aarch64", "ppc64le", "s390x")
FIXTURES = sorted(p for p in HOSTS.iterdir() if (p / "proc" / "cpuinfo").is_file()
                  and p.name.split("-")[0] in ARCHES)  # fmt: skip


@pytest.mark.parametrize(
    ("rel", "ok"),
    [
        ("proc/cpuinfo", True),
        ("/sys/module/kvm/parameters/nested", True),
        ("dev/kvm", True),
        ("etc/kata-containers/configuration.toml", True),
        ("lib/modules/6.1/modules.dep", True),
        ("proc/self/environ", False),
        ("proc/1/environ", False),
        ("proc/kcore", False),
        ("proc/self/cmdline", False),
        ("etc/shadow", False),
        ("home/user/.ssh/id_rsa", False),
        ("proc/../etc/shadow", False),
        ("etc/kata-containers-evil/x", False),
    ],
)
def test_allowed(rel: str, ok: bool) -> None:
    assert snapshot.allowed(rel) is ok


def _verdicts(root: Path, arch: str) -> dict[str, Status]:
    # A snapshot holds no hypervisor, kernel or image binaries (the allow-list keeps host
    # facts only), so the lines that look for the config's files cannot survive the trip.
    return {r.id: r.status for r in run_checks(HostRoot(root), arch).results
            if not r.id.startswith(("config.path.", "config.hypervisor-path"))}


@pytest.mark.parametrize("host", FIXTURES, ids=[p.name for p in FIXTURES])
def test_round_trip_gives_the_same_verdicts(host: Path, tmp_path: Path) -> None:
    arch = host.name.split("-")[0]
    archive = tmp_path / "snap.tar.gz"
    snapshot.write_archive(archive, snapshot.capture(host, arch))
    snapshot.extract_snapshot(archive, tmp_path / "root")
    assert _verdicts(tmp_path / "root", arch) == _verdicts(host, arch)
    meta = json.loads((tmp_path / "root" / snapshot.META).read_text())
    assert meta["arch"] == arch
    assert {"kernel_release", "created", "kata_config_version"} <= set(meta)


def test_capture_of_this_host_keeps_to_the_allowed_tree() -> None:
    snap = snapshot.capture("/", "x86_64")
    assert snap.members, "the probes read nothing?"
    assert all(snapshot.allowed(rel) for rel in snap.members)
    assert "proc/cpuinfo" in snap.members
    if Path("/dev/kvm").exists():
        assert snap.members["dev/kvm"] == b""  # a device node becomes an empty file


def test_listed_directory_keeps_entry_names(tmp_path: Path) -> None:
    (tmp_path / "sys/module/kvm").mkdir(parents=True)
    (tmp_path / "sys/module/vhost").mkdir(parents=True)
    (tmp_path / "sys/module/kvm/initstate").write_text("live\n")
    cap = snapshot.collect(HostRoot(tmp_path), ["sys/module"])
    assert cap.members == {"sys/module": None, "sys/module/kvm": None, "sys/module/vhost": None}


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "s.tar.gz"
    out.write_text("keep me")
    cap = snapshot.Capture({"proc/cpuinfo": b"x"}, {"arch": "x86_64"})
    with pytest.raises(snapshot.SnapshotError, match="--force"):
        snapshot.write_archive(out, cap)
    assert out.read_text() == "keep me"
    snapshot.write_archive(out, cap, force=True)
    assert tarfile.is_tarfile(out)
    assert [p.name for p in tmp_path.iterdir()] == ["s.tar.gz"]  # no temp file left behind


def _evil(tmp_path: Path, name: str, kind: bytes = tarfile.REGTYPE) -> Path:
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo(name)
        info.type = kind
        if kind == tarfile.SYMTYPE:
            info.linkname = "/etc/shadow"
        tar.addfile(info, io.BytesIO(b"") if kind == tarfile.REGTYPE else None)
    return path


@pytest.mark.parametrize(
    ("name", "kind"),
    [("/etc/cron.d/x", tarfile.REGTYPE), ("../../x", tarfile.REGTYPE),
     ("proc/cpuinfo", tarfile.SYMTYPE)],
    ids=["absolute", "dotdot", "symlink"],
)  # fmt: skip
def test_extract_rejects_unsafe_members(tmp_path: Path, name: str, kind: bytes) -> None:
    with pytest.raises(snapshot.SnapshotError):
        snapshot.extract_snapshot(_evil(tmp_path, name, kind), tmp_path / "root")
    assert not (tmp_path.parent / "x").exists()


def test_extract_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "keep").write_text("x")
    with pytest.raises(snapshot.SnapshotError, match="not an empty directory"):
        snapshot.extract_snapshot(_evil(tmp_path, "a"), tmp_path / "root")


def test_cli_extract_needs_a_destination(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["snapshot", "--extract", str(tmp_path / "a.tar.gz")])
    assert result.exit_code == 2


def test_cli_garbage_archive_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tarball")
    result = CliRunner().invoke(app, ["snapshot", "--extract", str(bad), str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "not a usable snapshot" in result.output


def test_extract_works_without_tarfile_data_filter(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.11.0-3.11.3 have no ``tarfile.data_filter`` (nor ``extractall(filter=)``) and
    requires-python allows them: the unpacker's own checks alone round-trip a snapshot and
    refuse every unsafe member there."""
    monkeypatch.delattr(tarfile, "data_filter")
    host = HOSTS / "x86_64-pvm"
    archive = tmp_path / "snap.tar.gz"
    snapshot.write_archive(archive, snapshot.capture(host, "x86_64"))
    snapshot.extract_snapshot(archive, tmp_path / "root")
    assert _verdicts(tmp_path / "root", "x86_64") == _verdicts(host, "x86_64")
    for name, kind in (("/etc/cron.d/x", tarfile.REGTYPE), ("../../x", tarfile.REGTYPE),
                       ("proc/cpuinfo", tarfile.SYMTYPE)):
        evil = tmp_path / name.replace("/", "_")
        evil.mkdir()
        with pytest.raises(snapshot.SnapshotError):
            snapshot.extract_snapshot(_evil(evil, name, kind), evil / "root")
