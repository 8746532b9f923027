"""What the hot commands must not import: the start-up budget (issue 13) pinned, untimed.

Each command runs in a fresh interpreter through the real entry point and reports, at exit,
which modules it loaded. The ones below are what ``benchmarks/bench_import.py`` found costly
and these runs do not need: typer, click and rich (the fast front end starts without them);
``dataclasses`` with ``inspect``, ``ast``, ``dis`` and ``tokenize`` (records are
``kata_config.record``; ``diff`` still loads them for the dataclass settings of ``load()``);
the modules only ``--load-modules``, the network checks and ``--interval`` use (subprocess,
shutil with its compressors, threading, signal); and for ``validate``, the modules that
declare the key catalogue (it loads the generated, assembled ``keys/catalogue.py``), what
only a reader below a host root uses (ctypes for openat2, weakref), math (a shared library
for one infinity), the tables of arches not asked for, and for a clean plain-TOML file json,
difflib, tomllib and datetime.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

REPO: Final = Path(__file__).resolve().parents[1]
HOSTS: Final = REPO / "tests" / "fixtures" / "hosts"
STOCK: Final = REPO / "defaults" / "go" / "x86_64" / "configuration-qemu.toml"

HOT: Final = frozenset({"typer", "click", "rich"})
LEAN: Final = HOT | {"dataclasses", "inspect", "ast", "dis", "tokenize",  # ~6 ms
                     "subprocess", "shutil", "bz2", "lzma", "threading", "signal", "selectors"}
DECLARATIONS: Final = {  # the catalogue is loaded assembled (keys/catalogue.py, generated)
    f"kata_config.keys.{name}" for name in (
        "agent", "runtime", "tables", "hypervisor", "hv_base", "widths", "generate", "hv_block",
        "hv_boot", "hv_compute", "hv_devices", "hv_extras", "hv_security")}
LEAN_VALIDATE: Final = LEAN | DECLARATIONS | {
    "ctypes", "weakref", "math", "kata_config.arch.aarch64", "kata_config.arch.ppc64le",
    "kata_config.arch.s390x", "kata_config.arch.riscv64"}
CLEAN_VALIDATE: Final = LEAN_VALIDATE | {
    "json", "difflib",  # only a finding's message needs them
    "tomllib", "datetime",  # fasttoml reads plain TOML; tomllib (with datetime) the rest
}

RUNS: Final = {
    "check": (["check", "--no-network-checks", "--root", str(HOSTS / "x86_64-intel-kvm-ok"),
               "--arch", "x86_64"], LEAN),
    "check-only": (["check", "--no-network-checks", "--only", "cpu", "--root",
                    str(HOSTS / "x86_64-intel-kvm-ok"), "--arch", "x86_64"], LEAN),
    "check-json": (["check", "--no-network-checks", "--root", str(HOSTS / "aarch64-graviton2"),
                    "--format", "json"], LEAN),
    "validate": (["validate", "--arch", "x86_64", str(STOCK)], CLEAN_VALIDATE),
    "validate-findings": (["validate", "--arch", "x86_64",
                           str(REPO / "tests" / "fixtures" / "configs" / "invalid")],
                          LEAN_VALIDATE),
    "diff": (["diff", str(STOCK), "--arch", "x86_64"], HOT),
}


def _loaded(argv: list[str]) -> tuple[int, set[str]]:
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.stderr.write('\\nloaded: ' + ' '.join(sorted(\n"
             "    sys.modules))))\n"
             f"sys.argv = ['kata-config', *{argv!r}]\n"
             "from kata_cli import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=False)
    last = done.stderr.rstrip().rpartition("\n")[2]
    assert last.startswith("loaded: "), done.stderr[-500:]
    return done.returncode, set(last.removeprefix("loaded: ").split())


@pytest.mark.parametrize("name", RUNS)
def test_hot_commands_skip_the_costly_modules(name: str) -> None:
    argv, never = RUNS[name]
    code, loaded = _loaded(argv)
    assert code in (0, 1)
    assert "kata_config" in loaded  # the probe saw the run (a broken probe would pass anything)
    assert sorted(loaded & never) == []


def test_the_probe_sees_a_costly_module() -> None:
    """A command that does need one (typer for --help) is reported as loading it."""
    _code, loaded = _loaded(["check", "--help"])
    assert "typer" in loaded


def test_exit_freeze_keeps_handlers_finalizers_and_output() -> None:
    """main() hides the run's objects from the exit collection (gc.freeze as an exit
    handler); the other exit handlers, a weakref.finalize of an object that lives only in
    a reference cycle, and the whole of the output still happen, in a real process."""
    probe = ("import atexit, sys, weakref\n"
             "class Node: pass\n"
             "def cycle():\n"
             "    node = Node(); node.me = node\n"
             "    weakref.finalize(node, sys.stderr.write, 'finalized\\n')\n"
             "atexit.register(sys.stderr.write, 'handler ran\\n')\n"
             f"sys.argv = ['kata-config', 'validate', '--arch', 'x86_64', '--format', 'json',"
             f" {str(STOCK)!r}]\n"
             "from kata_cli import main\ncycle()\nmain()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=False)
    reference = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv = ['kata-config', *sys.argv[1:]]\n"
         "from kata_cli import fast, validate\nfast.run(sys.argv[1:])",
         "validate", "--arch", "x86_64", "--format", "json", str(STOCK)],
        capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == reference.returncode == 0
    assert done.stdout == reference.stdout != ""
    assert "handler ran\n" in done.stderr
    assert "finalized\n" in done.stderr


def test_exit_freeze_waits_for_the_exit() -> None:
    """main() run in-process (as tests do) freezes nothing while the process goes on: the
    freeze is an exit handler (registered once: atexit.unregister drops every earlier copy)."""
    import gc

    from kata_cli import main

    frozen = gc.get_freeze_count()
    for _ in range(2):
        with pytest.raises(SystemExit):
            main(["validate", "--arch", "x86_64", str(STOCK)])
    assert gc.get_freeze_count() == frozen
