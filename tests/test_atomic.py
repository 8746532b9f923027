"""Atomic writes: the target is either the old or the new content, never half, never lost."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from kata_config import atomic
from kata_config.atomic import AtomicWriteError, atomic_write


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_replaces_content_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "configuration.toml"
    target.write_text("old\n")
    target.chmod(0o640)
    assert atomic_write(target, "new\n") is None
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_backup_holds_the_old_content(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text("v1\n")
    first = atomic_write(target, "v2\n", backup=True)
    second = atomic_write(target, "v3\n", backup=True)
    assert first == tmp_path / "c.toml.bak"
    assert first.read_text() == "v1\n"
    assert second is not None
    assert second != first
    assert second.read_text() == "v2\n"


def test_refuses_to_overwrite_without_permission(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text("keep\n")
    with pytest.raises(FileExistsError):
        atomic_write(target, "new\n", overwrite=False)
    assert target.read_text() == "keep\n"
    atomic_write(tmp_path / "fresh.toml", "x\n", overwrite=False)
    assert (tmp_path / "fresh.toml").read_text() == "x\n"


def test_disk_full_leaves_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "c.toml"
    target.write_text("original\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(AtomicWriteError, match="No space left"):
        atomic_write(target, "new content\n", backup=True)
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path) == []


def test_failing_rename_leaves_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "c.toml"
    target.write_text("original\n")
    real_replace = os.replace

    def interrupted(src: str, dst: str) -> None:
        if Path(dst) == target:
            raise OSError(errno.EIO, "interrupted")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(AtomicWriteError):
        atomic_write(target, "new\n")
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path) == []


def test_interrupted_write_leaves_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "c.toml"
    target.write_text("original\n")
    real_fdopen = os.fdopen

    class Half:
        def __init__(self, fd: int, mode: str) -> None:
            self.handle = real_fdopen(fd, mode)

        def __enter__(self) -> Half:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> None:
            self.handle.write(data[: len(data) // 2])
            raise KeyboardInterrupt  # e.g. Ctrl-C in the middle of the write

    monkeypatch.setattr(os, "fdopen", Half)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "a much longer new content\n")
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text("original\n")
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(AtomicWriteError, match="cannot write"):
            atomic_write(target, "new\n", backup=True)
    finally:
        tmp_path.chmod(0o755)
    assert target.read_text() == "original\n"


def test_read_only_filesystem_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Works as root too: the temporary file cannot be created, as on a read-only mount.
    target = tmp_path / "c.toml"
    target.write_text("original\n")

    def read_only(*args: object, **kwargs: object) -> tuple[int, Path]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(atomic, "_create_temp", read_only)
    with pytest.raises(AtomicWriteError, match="Read-only file system"):
        atomic_write(target, "new\n", backup=True)
    assert target.read_text() == "original\n"
    assert not (tmp_path / "c.toml.bak").exists()
