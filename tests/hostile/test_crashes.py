"""Writers that die or race: a SIGKILL in the middle of ``defaults write`` leaves nothing a
runtime reads as a drop-in, and writers in the same second (in separate processes) never
overwrite each other's backups."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.atomic import is_temp_name
from tests.hostile.conftest import fingerprint, make

runner = CliRunner()
GO = ('[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\ndefault_memory = 2048\n'
      'kernel = "/usr/share/kata-containers/vmlinux.container"\n'
      'image = "/usr/share/kata-containers/kata-containers.img"\n')

# Runs ``kata-config defaults write`` and SIGKILLs itself at one point of the write: when the
# temporary file's mode is set (its text written, not yet synced) or just before the final
# rename (all of it written and synced). An audit hook sees both before they happen.
_KILLER = textwrap.dedent("""
    import os, signal, sys
    when, target = sys.argv[1], sys.argv[2]
    def hook(event, args):
        if event == "os.chmod" and when == "chmod":
            os.kill(os.getpid(), signal.SIGKILL)
        if event == "os.rename" and when == "rename" and str(args[1]) == target:
            os.kill(os.getpid(), signal.SIGKILL)
    sys.addaudithook(hook)
    from kata_cli import main
    main(["defaults", "write", "qemu", target, "--force"])
""")


@pytest.mark.parametrize("when", ["chmod", "rename"])
def test_sigkill_during_defaults_write_leaves_no_dropin(tmp_path: Path, when: str) -> None:
    make(tmp_path, "configuration.toml", GO)
    dropins = tmp_path / "config.d"
    old = make(dropins, "10-old.toml", "[hypervisor.qemu]\ndefault_memory = 4096\n")
    target = dropins / "20-new.toml"
    before = fingerprint(dropins)
    died = subprocess.run([sys.executable, "-c", _KILLER, when, str(target)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert died.returncode == -signal.SIGKILL, died.stderr
    # config.d is exactly as it was: the runtimes and our loader read every entry there
    assert fingerprint(dropins) == before
    left = [p for p in tmp_path.iterdir() if is_temp_name(p.name)]
    assert len(left) == 1, sorted(p.name for p in tmp_path.iterdir())
    loaded = runner.invoke(app, ["validate", "--arch", "x86_64", "--format", "json",
                                 str(tmp_path)])
    assert loaded.exit_code in (0, 1), loaded.output
    doc = json.loads(loaded.stdout)
    assert doc["files"] == [str(tmp_path / "configuration.toml"), str(old)]
    assert not [f for f in doc["findings"] if f["rule"] == "dropin-temp-file"]
    # the next run cleans up after the dead one
    again = runner.invoke(app, ["defaults", "write", "qemu", str(target), "--force"])
    assert again.exit_code == 0, again.output
    assert not [p for p in tmp_path.rglob("*") if is_temp_name(p.name)]
    assert sorted(p.name for p in dropins.iterdir()) == ["10-old.toml", "20-new.toml"]


_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kata_config.atomic import atomic_write
    target, n, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    time.sleep(max(0.0, start - time.time()))
    print(atomic_write(target, f"v{n}\\n", backup=True))
""")


def test_twenty_writer_processes_in_the_same_second_keep_twenty_backups(tmp_path: Path,
                                                                        ) -> None:
    """What ``migrate --write`` runs, from 20 processes released at the same instant (each
    its own pid, all within one second): every one reports a backup, and all 20 exist."""
    target = make(tmp_path, "configuration.toml", "v0\n")
    start = time.time() + 3  # every process is up and waiting by then, even on a busy host
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(target), str(n), str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(1, 21)]
    reported = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reported.append(Path(out.strip()))
    assert len(set(reported)) == 20
    backups = sorted(p for p in tmp_path.iterdir() if p.name.startswith("configuration.toml."))
    assert sorted(reported) == backups
    # each backup holds a version that was there (racing writers may both save the same
    # one: the last rename wins, as with any two editors), the first one among them
    versions = {f"v{n}\n" for n in range(21)}
    assert {p.read_text() for p in backups} <= versions
    assert "v0\n" in {p.read_text() for p in backups}
    assert target.read_text() in versions - {"v0\n"}
    assert not [p for p in tmp_path.iterdir() if is_temp_name(p.name)]


def test_two_writes_in_the_same_second_keep_both_backups(tmp_path: Path) -> None:
    source = make(tmp_path, "configuration.toml", GO)
    first = runner.invoke(app, ["migrate", "--to", "rs", "--write", str(source)])
    assert first.exit_code == 0, first.output
    migrated = source.read_text()
    source.write_text(GO.replace("2048", "4096"))  # the operator puts a Go file back
    second = runner.invoke(app, ["migrate", "--to", "rs", "--write", str(source)])
    assert second.exit_code == 0, second.output
    backups = sorted(p for p in tmp_path.iterdir() if p.name != "configuration.toml")
    assert sorted(p.read_text() for p in backups) == sorted([GO, GO.replace("2048", "4096")])
    assert "backup:" in first.stderr
    assert "backup:" in second.stderr
    assert source.read_text() == migrated.replace("2048", "4096")


def test_migrate_output_onto_dev_null_is_refused() -> None:
    """The case as reported: as root, ``--output /dev/null`` replaced the device node."""
    before = os.stat("/dev/null")
    result = runner.invoke(app, ["migrate", "--to", "rs", "--force", "-", "--output",
                                 "/dev/null"], input=GO)
    assert result.exit_code == 2, result.output
    assert "/dev/null" in result.stderr
    assert "not a regular file" in result.stderr
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode,
                                                            before.st_rdev)
