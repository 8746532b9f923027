"""HostRoot: reads never raise, never escape the root, and work on procfs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kata_config.probes.host import HostRoot


def test_missing_unreadable_and_oversized_read_as_none(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 300)
    (tmp_path / "dir").mkdir()
    host = HostRoot(tmp_path)
    assert host.read_text("nope") is None
    assert host.read_text("dir") is None
    assert host.read_bytes("big", limit=100) is None
    assert host.read_bytes("big", limit=300) == b"x" * 300


def test_leading_slash_stays_below_the_root(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "hostname").write_text("snap\n")
    assert HostRoot(tmp_path).read_value("/etc/hostname") == "snap"


def test_records_what_was_asked_for(tmp_path: Path) -> None:
    seen: set[str] = set()
    host = HostRoot(tmp_path, record=seen)
    host.read_text("/proc/cpuinfo")
    host.exists("sys/module/kvm")
    assert seen == {"proc/cpuinfo", "sys/module/kvm"}


def test_empty_file_stands_for_a_device_only_offline(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "kvm").write_bytes(b"")
    assert HostRoot(tmp_path).is_device("dev/kvm")


def test_procfs_files_read_whole() -> None:
    """procfs refuses a single multi-megabyte read() of /proc/sys files; reads are chunked."""
    if not Path("/proc/sys/kernel/osrelease").exists():
        pytest.skip("no procfs on this system")
    text = HostRoot("/").read_text("proc/sys/kernel/osrelease")
    assert text is not None
    assert text.strip()
