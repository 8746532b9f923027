"""Generated hostile inputs: random file types, sizes and shapes, each run through a command.

Shared by the quick property test (tests/hostile/test_fuzz_hostile.py) and the long run
(benchmarks/fuzz_hostile.py). A case is one input (a regular file of some hostile shape, a
FIFO, socket, device node, folder, link loop or link leading outside, ...) given to one
command where a file is read (validate, diff, diff --against, migrate, migrate --output,
check --config, check --root with the input placed where a probe reads, snapshot --extract).
``run_case`` fails on a hang (120 s on the clock), runaway work (15 s of CPU), an exit status
other than 0/1/2, a traceback or internal error, the secret beside the root appearing in
``check --root``'s output, or any change outside the case.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Final

from typer.testing import CliRunner

from kata_cli import app
from kata_config.inputs import MAX_INPUT_BYTES
from tests.hostile.conftest import SECRET, fingerprint
from tests.mutations import mutate, seeds

HOSTS: Final = Path(__file__).parents[1] / "fixtures" / "hosts"
ROOT_FILES: Final = ("proc/cpuinfo", "proc/meminfo", "proc/self/mountinfo", "proc/1/cgroup",
                     "kata-config-snapshot.json", "proc/sys/kernel/osrelease",
                     "usr/share/defaults/kata-containers/configuration.toml",
                     "usr/share/defaults/kata-containers/config.d/50-x.toml",
                     "lib/modules/6.1.0/modules.dep", "sys/module/kvm_intel/parameters/nested")
GOOD: Final = ('[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\n'
               'kernel = "/usr/share/kata-containers/vmlinux.container"\n'
               'image = "/usr/share/kata-containers/kata-containers.img"\n')
CPU_LIMIT: Final = 15
"""Seconds of CPU a case may use: more is unbounded work. The costliest case generated needs
about 3 s (a 20,000-entry line through migrate); contention on a shared machine can double
that, and the blowups this catches took minutes."""
WAIT_LIMIT: Final = 120
"""Seconds a case may take on the clock: more is a hang (blocked on a FIFO, say). Generous,
since on a busy shared machine a case that needs 3 s of CPU took 17 s to get them."""


class Hang(BaseException):
    """A case ran past a limit. A BaseException, so the command's last-resort handler (which
    turns any Exception into "internal error") cannot swallow it."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one case did; ``problem`` is None when it behaved."""

    kind: str
    command: str
    exit_code: int
    problem: str | None


def _text(rnd: random.Random, corpus: list[bytes]) -> bytes:
    shape = rnd.choice(("mutated", "mutated", "random", "control", "deep-key", "deep-table",
                        "deep-array", "tables", "long-line", "dates", "empty"))
    n = rnd.choice((10, 100, 1000, 5000, 20_000))
    if shape == "mutated":
        return mutate(rnd.choice(corpus), rnd, rnd.randint(1, 5))
    if shape == "random":
        return rnd.randbytes(rnd.choice((1, 100, 10_000, 100_000)))
    text = {
        "control": GOOD + 'kernel_params = "\\u001b[2J\\u009b31m\\u202e"\n'
                   '"k\\u001b]0;x\\u0007" = 1\n',
        "deep-key": "[runtime]\nx" + ".a" * n + " = 1\n",
        "deep-table": "[" + ".".join(["t"] * n) + "]\n",
        "deep-array": "x = " + "[" * n + "]" * n + "\n",
        "tables": GOOD + "".join(f"[hypervisor.h{i}]\n" for i in range(n)),
        "long-line": GOOD + "enable_annotations = [" + ", ".join(f'"x{i}"' for i in range(n))
                     + "]\n",
        "dates": GOOD + "default_memory = 1979-05-27T07:32:00Z\n[runtime]\nx = 07:32:00\n",
        "empty": "",
    }[shape]
    return text.encode()


def make_input(rnd: random.Random, place: Path, outside: Path, corpus: list[bytes],
               name: str = "in.toml") -> tuple[Path, str]:
    """One hostile input at ``place/name``; returns it and its kind."""
    path = place / name
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = rnd.choice(("text", "text", "text", "text", "big", "fifo", "socket", "device",
                       "folder", "loop", "dangling", "to-fifo", "outside", "outside-dir"))
    if kind == "device" and os.geteuid() != 0:
        kind = "fifo"  # making a device node needs root
    if kind == "text":
        path.write_bytes(_text(rnd, corpus))
    elif kind == "big":
        with open(path, "wb") as handle:
            handle.truncate(MAX_INPUT_BYTES + rnd.choice((1, 4096, 1 << 30)))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
    elif kind == "device":
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    elif kind == "folder":
        path.mkdir()
        (path / "configuration.toml").write_bytes(_text(rnd, corpus))
        dropins = path / "config.d"
        dropins.mkdir()
        os.mkfifo(dropins / "10-fifo.toml")
        (dropins / "20-out.toml").symlink_to(outside / "secret")
        (dropins / ".20-x.toml.abcdefgh.tmp").write_bytes(_text(rnd, corpus))
        (dropins / "30-dir").mkdir()
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "dangling":
        path.symlink_to(place / "nowhere")
    elif kind == "to-fifo":
        os.mkfifo(place / "fifo")
        path.symlink_to(place / "fifo")
    elif kind == "outside":
        path.symlink_to(outside / "secret")
    else:
        path.symlink_to(outside)
    return path, kind


def _root(rnd: random.Random, place: Path, outside: Path, corpus: list[bytes]) -> str:
    root = place / "root"
    shutil.copytree(HOSTS / "x86_64-intel-kvm-ok", root, symlinks=True)
    rel = rnd.choice(ROOT_FILES)
    target = root / rel
    if target.is_file() or target.is_symlink():
        target.unlink()
    make_input(rnd, target.parent, outside, corpus, target.name)
    return str(root)


def commands(rnd: random.Random, place: Path, outside: Path, corpus: list[bytes],
             ) -> tuple[str, list[str], list[Path]]:
    """A command line with a hostile input in it: (name, argv, FIFOs to release on a hang)."""
    good = place / "good.toml"
    good.write_text(GOOD)
    name = rnd.choice(("validate", "diff", "diff-against", "migrate", "migrate-output",
                       "check-config", "check-root", "extract"))
    if name == "check-root":
        argv = ["check", "--root", _root(rnd, place, outside, corpus), "--arch", "x86_64",
                "-n", "-v"]
    else:
        made, kind = make_input(rnd, place, outside, corpus)
        while name == "migrate-output" and kind == "outside":
            # writing through a link to a regular file is what --output is asked to do
            shutil.rmtree(place)
            place.mkdir()
            good.write_text(GOOD)
            made, kind = make_input(rnd, place, outside, corpus)
        path = str(made)
        fmt = rnd.choice(("text", "json"))
        argv = {
            "validate": ["validate", "--arch", "x86_64", "--format",
                         rnd.choice(("text", "json", "sarif", "github")), path],
            "diff": ["diff", "--arch", "x86_64", "--format", fmt, path],
            "diff-against": ["diff", "--arch", "x86_64", str(good), "--against", path],
            "migrate": ["migrate", "--to", rnd.choice(("rs", "go")), "--format", fmt, path],
            "migrate-output": ["migrate", "--to", "rs", "--force", str(good), "--output", path],
            "check-config": ["check", "--root", str(HOSTS / "x86_64-intel-kvm-ok"), "--arch",
                             "x86_64", "-n", "--config", path],
            "extract": ["snapshot", "--extract", path, str(place / "dest")],
        }[name]
    fifos = [p for p in place.rglob("*") if p.is_fifo()]
    return name, argv, fifos


_LIMITS: Final = {signal.SIGALRM: f"hung for more than {WAIT_LIMIT} s",
                  signal.SIGPROF: f"used more than {CPU_LIMIT} s of CPU"}


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(_LIMITS[signal.Signals(signum)])


@contextlib.contextmanager
def _deadline(fifos: list[Path]) -> Iterator[None]:
    """Raise Hang in the main thread after ``CPU_LIMIT`` s of CPU (runaway work) or
    ``WAIT_LIMIT`` s on the clock (a blocked open is interrupted)."""
    previous = {sig: signal.signal(sig, _alarm) for sig in _LIMITS}
    signal.setitimer(signal.ITIMER_PROF, CPU_LIMIT)
    signal.alarm(WAIT_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.setitimer(signal.ITIMER_PROF, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        del fifos


def run_case(rnd: random.Random, place: Path, corpus: list[bytes] | None = None) -> Outcome:
    """Build one case below ``place`` (an empty folder) and run it; see the module doc."""
    corpus = corpus or seeds()
    outside = place / "outside"
    outside.mkdir()
    (outside / "secret").write_text(SECRET + "\n")
    case = place / "case"
    case.mkdir()
    name, argv, fifos = commands(rnd, case, outside, corpus)
    kind = "+".join(sorted({p.name for p in fifos}))
    before = fingerprint(outside)
    problem: str | None = None
    code = -1
    try:
        with _deadline(fifos):
            result = CliRunner().invoke(app, argv)
        code = result.exit_code
        output = result.output
        if code not in (0, 1, 2):
            problem = f"exit status {code}"
        elif result.exception is not None and not isinstance(result.exception, SystemExit):
            problem = f"exception {type(result.exception).__name__}: {result.exception}"
        elif "Traceback" in output or "internal error" in output:
            problem = "traceback or internal error in the output"
        elif SECRET in output and name == "check-root":
            # plain paths (validate a folder whose config.d links outside) are followed as
            # the runtimes follow them; only under a root is outside off limits
            problem = "the secret outside the root reached the output"
    except Hang as stop:
        problem = str(stop)
    if problem is None and fingerprint(outside) != before:
        problem = "something outside the case changed"
    return Outcome(kind, name, code, problem and f"{problem}: {' '.join(argv)}")

