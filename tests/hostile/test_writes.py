"""Writes replace only regular files, keep owner and mode, never lose a backup, and never
leave a temporary file where a runtime reads drop-ins."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.atomic import atomic_write
from tests.hostile.conftest import fingerprint, make
from tests.hostile.guard import fifo_guard

runner = CliRunner()
GO = ('[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\ndefault_memory = 2048\n'
      'kernel = "/usr/share/kata-containers/vmlinux.container"\n'
      'image = "/usr/share/kata-containers/kata-containers.img"\n')


def _char_device(path: Path) -> Path:
    """A character device node like /dev/null (1:3), made in a temporary folder."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return path


@pytest.mark.parametrize("kind", ["char-device", "fifo", "directory", "link-to-device"])
@pytest.mark.parametrize("command", ["migrate-output", "defaults-write", "snapshot",
                                     "schema-output"])
def test_output_onto_a_non_file_is_refused(tmp_path: Path, kind: str, command: str) -> None:
    source = make(tmp_path, "in.toml", GO)
    target = tmp_path / "target"
    if kind == "char-device":
        _char_device(target)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        _char_device(tmp_path / "dev")
        target.symlink_to(tmp_path / "dev")
    argv = {"migrate-output": ["migrate", "--to", "rs", str(source), "--output", str(target)],
            "defaults-write": ["defaults", "write", "qemu", str(target), "--force"],
            "snapshot": ["snapshot", "--root", str(tmp_path), "--arch", "x86_64", "--force",
                         str(target)],
            "schema-output": ["schema", "--output", str(target)]}[command]
    before = fingerprint(tmp_path)
    with fifo_guard([target] if kind == "fifo" else []) as guard:
        result = runner.invoke(app, argv)
    assert not guard.hung
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.stderr or "is a directory" in result.stderr
    assert fingerprint(tmp_path) == before  # the node, FIFO or folder is untouched


def test_output_equal_to_the_input_is_write_with_a_backup(tmp_path: Path) -> None:
    source = make(tmp_path, "configuration.toml", GO)
    same = tmp_path / "." / "configuration.toml"  # another spelling of the same inode
    result = runner.invoke(app, ["migrate", "--to", "rs", str(source), "--output", str(same)])
    assert result.exit_code == 0, result.output
    assert "hypervisor_name" in source.read_text()
    assert (tmp_path / "configuration.toml.bak").read_text() == GO


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")
def test_write_keeps_owner_and_mode(tmp_path: Path) -> None:
    source = make(tmp_path, "configuration.toml", GO)
    os.chown(source, 1234, 5678)
    source.chmod(0o640)
    result = runner.invoke(app, ["migrate", "--to", "rs", "--write", str(source)])
    assert result.exit_code == 0, result.output
    for path in (source, tmp_path / "configuration.toml.bak"):
        st = path.lstat()
        assert stat.S_ISREG(st.st_mode)
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1234, 5678, 0o640), path


def test_twenty_parallel_writers_keep_twenty_backups(tmp_path: Path) -> None:
    target = make(tmp_path, "configuration.toml", "v0\n")
    saved: list[Path | None] = []
    start = threading.Barrier(20)

    def write(n: int) -> None:
        start.wait()
        saved.append(atomic_write(target, f"v{n + 1}\n", backup=True))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    backups = sorted(p for p in tmp_path.iterdir() if p.name.endswith(".bak"))
    assert len({p for p in saved if p is not None}) == 20
    assert len(backups) == 20
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


class _Opens:
    seen: list[str] = []  # noqa: RUF012 -- filled by the process-wide audit hook
    active = False

    @classmethod
    def hook(cls, event: str, args: tuple[object, ...]) -> None:
        if cls.active and event in ("open", "os.rename", "os.link", "os.replace"):
            cls.seen.append(f"{event} {args[:2]!r}")


sys.addaudithook(_Opens.hook)


def test_nothing_but_the_final_rename_touches_config_d(tmp_path: Path) -> None:
    dropins = tmp_path / "config.d"
    make(dropins, "20-new.toml", "[runtime]\n")
    _Opens.seen, _Opens.active = [], True
    try:
        result = runner.invoke(app, ["defaults", "write", "qemu", str(dropins / "20-new.toml"),
                                     "--force"])
    finally:
        _Opens.active = False
    assert result.exit_code == 0, result.output
    inside = [e for e in _Opens.seen if f"{dropins}/" in e]
    assert len(inside) == 1, inside
    assert inside[0].startswith("os.rename"), inside
    assert sorted(p.name for p in dropins.iterdir()) == ["20-new.toml"]


def test_stale_temp_files_are_reported_then_cleaned(tmp_path: Path) -> None:
    dropins = tmp_path / "config.d"
    make(tmp_path, "configuration.toml", GO)
    make(dropins, "20-new.toml", "[runtime]\n")
    pid = 4_194_303  # above any pid in use here (pid_max is at most 2^22)
    leftovers = [make(dropins, ".20-new.toml.a1b2c3d4.tmp", "[runtime]\n"),
                 make(tmp_path, f".kata-config-{pid}-x1y2.20-new.toml.tmp", "[run")]
    result = runner.invoke(app, ["validate", "--arch", "x86_64", str(tmp_path)])
    assert "dropin-temp-file" in result.stdout
    result = runner.invoke(app, ["defaults", "write", "qemu", str(dropins / "20-new.toml"),
                                 "--force"])
    assert result.exit_code == 0, result.output
    assert not any(p.exists() for p in leftovers)
    assert sorted(p.name for p in dropins.iterdir()) == ["20-new.toml"]


@pytest.mark.parametrize("case", ["missing-folder", "folder-is-a-file"])
def test_snapshot_output_errors_are_sentences(tmp_path: Path, case: str) -> None:
    make(tmp_path, "root/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags : lm\n")
    out = tmp_path / ("nowhere/s.tar.gz" if case == "missing-folder" else "file/s.tar.gz")
    if case == "folder-is-a-file":
        make(tmp_path, "file", "x")
    result = runner.invoke(app, ["snapshot", "--root", str(tmp_path / "root"), "--arch",
                                 "x86_64", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("kata-config: cannot write")
    assert "Traceback" not in result.output
