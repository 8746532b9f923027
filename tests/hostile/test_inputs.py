"""Command inputs: FIFOs never block, only regular files (or ``-``) of at most 4 MiB are read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.inputs import MAX_INPUT_BYTES
from tests.hostile.conftest import fingerprint, make
from tests.hostile.guard import fifo_guard

runner = CliRunner()
GOOD = '[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\ndefault_memory = 2048\n'

# command line with {fifo} and {good}; the message expected on stderr
FIFO_COMMANDS = {
    "validate": (["validate", "--arch", "x86_64", "{fifo}"], "is a FIFO"),
    "diff": (["diff", "--arch", "x86_64", "{fifo}"], "is a FIFO"),
    "diff-against": (["diff", "--arch", "x86_64", "{good}", "--against", "{fifo}"],
                     "is a FIFO"),
    "migrate": (["migrate", "--to", "rs", "{fifo}"], "is a FIFO"),
    "check-config": (["check", "--root", "{root}", "--arch", "x86_64", "-n", "--config",
                      "{fifo}"], "is a FIFO"),
    "snapshot-extract": (["snapshot", "--extract", "{fifo}", "{dest}"], "is a FIFO"),
    "annotate-file": (["annotate", "--arch", "x86_64", "--runtime", "go", "{good}", "-a",
                       "@{fifo}"], "is a FIFO"),
    "plan-annotation-file": (["plan", "--arch", "x86_64", "--runtime", "go", "{good}", "-a",
                              "@{fifo}"], "is a FIFO"),
}


@pytest.mark.parametrize("case", sorted(FIFO_COMMANDS))
def test_a_fifo_input_is_refused_without_blocking(tmp_path: Path, case: str) -> None:
    fifo = tmp_path / "input.toml"
    os.mkfifo(fifo)
    good = make(tmp_path, "good.toml", GOOD)
    (tmp_path / "root").mkdir()
    args, message = FIFO_COMMANDS[case]
    argv = [a.format(fifo=fifo, good=good, root=tmp_path / "root", dest=tmp_path / "dest")
            for a in args]
    before = fingerprint(tmp_path)
    with fifo_guard([fifo]) as guard:
        result = runner.invoke(app, argv)
    assert not guard.hung, f"{case} blocked on a FIFO"
    assert result.exit_code == 2, result.output
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("case", ["device", "directory-without-config", "socket"])
def test_other_non_files_are_refused(tmp_path: Path, case: str) -> None:
    if case == "device":
        target = Path("/dev/null")
    elif case == "socket":
        import socket

        target = tmp_path / "s.sock"
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
        sock.close()
    else:
        target = tmp_path / "empty"
        target.mkdir()
    before = fingerprint(tmp_path)
    result = runner.invoke(app, ["validate", "--arch", "x86_64", str(target)])
    assert result.exit_code == 2
    assert {"device": f"kata-config: file {target}: it is a character device, not a regular "
                      "file",
            "socket": f"kata-config: file {target}: it is a socket, not a regular file",
            "directory-without-config": f"file-unreadable cannot read {target}/configuration"
                                        ".toml: it does not exist"}[case] in result.output
    assert "Traceback" not in result.output
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("command", ["validate", "diff", "migrate"])
def test_oversized_input_is_refused_unread(tmp_path: Path, command: str) -> None:
    big = tmp_path / "big.toml"
    with open(big, "wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)  # sparse: nothing is read or allocated
    argv = {"validate": ["validate", "--arch", "x86_64"], "diff": ["diff", "--arch", "x86_64"],
            "migrate": ["migrate", "--to", "rs"]}[command]
    result = runner.invoke(app, [*argv, str(big)])
    assert result.exit_code == 2
    assert "4 MiB" in result.stderr + result.stdout


@pytest.mark.parametrize("command", ["validate", "diff", "migrate"])
def test_stdin_is_one_config(command: str) -> None:
    # GOOD has no kernel or image, which runtime-rs refuses: --force writes the result anyway
    argv = {"validate": ["validate", "--arch", "x86_64"], "diff": ["diff", "--arch", "x86_64"],
            "migrate": ["migrate", "--to", "rs", "--force"]}[command]
    result = runner.invoke(app, [*argv, "-"], input=GOOD)
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.output
    if command == "migrate":
        assert 'hypervisor_name = "qemu"' in result.stdout
    if command == "validate":
        assert "in 1 file" in result.stdout


def test_stdin_too_large_is_refused() -> None:
    result = runner.invoke(app, ["validate", "--arch", "x86_64", "-"],
                           input=b"#" * (MAX_INPUT_BYTES + 1))
    assert result.exit_code == 2
    assert "larger than the 4 MiB limit" in result.stdout + result.stderr


def test_stdin_twice_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "--arch", "x86_64", "-", "-"], input=GOOD)
    assert result.exit_code == 2
    assert "only once" in result.stderr


def test_migrate_write_refuses_stdin() -> None:
    result = runner.invoke(app, ["migrate", "--to", "rs", "--write", "-"], input=GOOD)
    assert result.exit_code == 2
    assert "--write needs a file" in result.stderr
