"""``<hypervisor> --version`` is bounded: time, output, the whole process group, live only."""

from __future__ import annotations

import os
import time
from pathlib import Path

from kata_cli.binversion import MAX_OUTPUT, binary_version


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-qemu"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_first_line_of_a_real_answer(tmp_path: Path) -> None:
    path = _script(tmp_path, 'echo "QEMU emulator version 9.1.0"; echo "Copyright"')
    assert binary_version(path, live=True) == ("QEMU emulator version 9.1.0", "")


def test_a_snapshot_binary_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = _script(tmp_path, f"touch {marker}")
    version, why = binary_version(path, live=False)
    assert version is None
    assert "never runs" in why
    assert not marker.exists()


def test_a_hanging_binary_and_its_children_are_killed(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    # the child keeps stdout open and outlives its parent unless the whole group is killed
    path = _script(tmp_path, f"sleep 60 & echo $! > {pidfile}; wait")
    start = time.monotonic()
    version, why = binary_version(path, live=True, timeout=0.5)
    assert time.monotonic() - start < 5
    assert version is None
    assert "no answer within 0.5 s" in why
    child = int(pidfile.read_text())
    for _ in range(50):  # the kill is immediate; reaping by init may take a moment
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the forked child survived")


def test_a_flood_is_cut_off(tmp_path: Path) -> None:
    path = _script(tmp_path, "yes 'x'")
    version, why = binary_version(path, live=True, timeout=2)
    assert version is None
    assert f"printed over {MAX_OUTPUT >> 10} KiB" in why


def test_failure_and_control_characters(tmp_path: Path) -> None:
    assert "exited with status 3" in binary_version(_script(tmp_path, "exit 3"), True)[1]
    noisy = _script(tmp_path, r"printf 'QEMU \033[31mred\033[0m 9\n'")
    assert binary_version(noisy, live=True)[0] == "QEMU ?[31mred?[0m 9"
    assert "not an executable" in binary_version(str(tmp_path / "nope"), True)[1]
