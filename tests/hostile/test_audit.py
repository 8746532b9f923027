"""Under ``--root`` nothing outside the root is opened: every command runs under an audit hook.

``sys.addaudithook`` sees every ``open`` (builtin and ``os.open``), directory listing, process
start and connection Python makes. A path outside the root, the test's output folder and the
installed code fails the test. Relative opens are allowed only as one bare name (the by-hand
resolver opens one component at a time below a directory it holds). The tree is hostile: its
links, FIFOs and config point outside, at the live host and at a secret beside the root.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kata_cli
import kata_config
from kata_cli import app
from tests.hostile.conftest import SECRET, fingerprint, link
from tests.hostile.guard import fifo_guard

HOST = Path(__file__).parents[1] / "fixtures" / "hosts" / "x86_64-intel-kvm-ok"
CODE = tuple(str(Path(p).resolve()) for p in {*sys.path, os.path.dirname(kata_config.__file__),
                                               os.path.dirname(kata_cli.__file__)} if p)


class Audit:
    """Collects every event that touches something outside the allowed places."""

    active = False
    allowed: tuple[str, ...] = ()
    bad: list[str] = []  # noqa: RUF012 -- one hook per process, one list it fills

    @classmethod
    def hook(cls, event: str, args: tuple[object, ...]) -> None:
        if not cls.active:
            return
        if event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
                     "socket.connect"):
            cls.bad.append(f"{event} {args[:2]!r}")
        elif event in ("open", "os.listdir", "os.scandir", "os.chdir"):
            cls.check(event, args[0])

    @classmethod
    def check(cls, event: str, path: object) -> None:
        if isinstance(path, int) or path is None:
            return  # a descriptor the code already holds
        text = os.fsdecode(path) if isinstance(path, str | bytes) else str(path)
        if not os.path.isabs(text):
            if "/" in text or text == "..":
                cls.bad.append(f"{event} relative {text!r}")
            return
        full = os.path.normpath(text)
        code = full.startswith(CODE)
        # importlib writes a lazily imported module's bytecode under a temporary name
        # (__pycache__/m.cpython-311.pyc.<id>) on a machine that writes bytecode
        bytecode = os.sep + "__pycache__" + os.sep in full
        if code and (event != "open" or bytecode
                     or full.endswith((".py", ".pyc", ".so", ".json", ".toml"))):
            return  # lazy imports and the package's own data (schema, stock files)
        if not any(full == a or full.startswith(a + "/") for a in cls.allowed):
            cls.bad.append(f"{event} {full}")


sys.addaudithook(Audit.hook)


@pytest.fixture
def audited(tmp_path: Path) -> Iterator[type[Audit]]:
    Audit.bad = []
    yield Audit
    Audit.active = False


def hostile_root(tmp_path: Path, outside: Path) -> tuple[Path, list[Path]]:
    """A copy of a real host fixture, then every kind of escape and FIFO added to it."""
    root = tmp_path / "root"
    shutil.copytree(HOST, root, symlinks=True)
    conf = root / "usr/share/defaults/kata-containers/configuration.toml"
    text = conf.read_text()
    for key, value in (("kernel", f"/../../../..{outside}/secret"),
                       ("image", f"/proc/self/root{outside}/secret"),
                       ("initrd", "../../../../outside/secret")):
        text = re.sub(rf"(?m)^{key} = .*\n", "", text)
        text = text.replace("[hypervisor.qemu]\n", f'[hypervisor.qemu]\n{key} = "{value}"\n', 1)
    conf.write_text(text)
    link(root, "usr/share/defaults/kata-containers/config.d/20-out.toml",
         str(outside / "configuration.toml"))
    link(root, "usr/share/defaults/kata-containers/config.d/30-root", "/")
    link(root, "usr/share/defaults/kata-containers/config.d/40-up", "../../../../..")
    (root / "proc/sys/kernel/osrelease").write_text(f"../../../../..{outside}\n")
    link(root, "lib/modules", "/lib/modules")
    link(root, "sys/devices/virtual/dmi/id/sys_vendor", str(outside / "secret"))
    link(root, "proc/sys/kernel/random", "/proc/sys/kernel/random")
    link(root, "proc/meminfo", "/proc/meminfo")
    fifos = [root / "proc/self/mountinfo", root / "proc/1/cgroup.fifo", root / "proc/cmdline"]
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/cmdline").unlink()
    for fifo in fifos:
        os.mkfifo(fifo)
    return root, fifos


CONFIG = "{root}/usr/share/defaults/kata-containers/configuration.toml"
COMMANDS = {  # argv, exit codes expected (diff: 2, the drop-ins that are links fail the load)
    "check": (["check", "--root", "{root}", "--arch", "x86_64", "-n", "-v"], (1,)),
    "check-json": (["check", "--root", "{root}", "--arch", "x86_64", "-n", "--format", "json"],
                   (1,)),
    "validate": (["validate", "--arch", "x86_64", CONFIG], (1,)),
    "diff": (["diff", "--arch", "x86_64", CONFIG], (2,)),
    "snapshot": (["snapshot", "--root", "{root}", "--arch", "x86_64", "{out}/snap.tar.gz"], (0,)),
    "env": (["env", "--root", "{root}", "--arch", "x86_64", "--format", "json"], (1,)),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_nothing_outside_the_root_is_opened(command: str, resolver: str, tmp_path: Path, *,
                                            outside: Path, audited: type[Audit],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root, fifos = hostile_root(tmp_path, outside)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    args, codes = COMMANDS[command]
    argv = [a.format(root=root, out=out) for a in args]
    runner = CliRunner()
    warm = runner.invoke(app, ["check", "--list"])  # lazy imports happen before auditing
    assert warm.exit_code == 0
    assert_confined(runner, argv, codes, allowed=(root, out), fifos=fifos, outside=outside)


def assert_confined(runner: CliRunner, argv: list[str], codes: tuple[int, ...], *,
                    allowed: tuple[Path, ...], fifos: list[Path], outside: Path) -> None:
    """Run ``argv`` under the audit hook: nothing but ``allowed`` touched, no FIFO hang, an
    expected exit code, no traceback and no secret in the output, ``outside`` unchanged."""
    before = fingerprint(outside)
    Audit.bad, Audit.allowed, Audit.active = [], tuple(str(a) for a in allowed), True
    try:
        with fifo_guard(fifos) as guard:
            result = runner.invoke(app, argv)
    finally:
        Audit.active = False
    assert not guard.hung, "a FIFO in the root blocked the command"
    assert Audit.bad == []
    assert result.exit_code in codes, result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert SECRET not in result.output
    assert fingerprint(outside) == before


def test_snapshot_of_the_hostile_root_stores_no_secret(resolver: str, tmp_path: Path,
                                                       outside: Path) -> None:
    root, _ = hostile_root(tmp_path, outside)
    result = CliRunner().invoke(app, ["snapshot", "--root", str(root), "--arch", "x86_64",
                                      str(tmp_path / "s.tar.gz")])
    assert result.exit_code == 0, result.output
    unpacked = tmp_path / "unpacked"
    result = CliRunner().invoke(app, ["snapshot", "--extract", str(tmp_path / "s.tar.gz"),
                                      str(unpacked)])
    assert result.exit_code == 0, result.output
    for path in unpacked.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert SECRET.encode() not in path.read_bytes(), path
        if path.is_symlink():
            assert (path.parent / os.readlink(path)).resolve().is_relative_to(unpacked.resolve())
    manifest = (unpacked / "kata-config-snapshot.json").read_text()
    assert '"skipped"' in manifest
