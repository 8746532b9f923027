"""Upstream's own config loader as a test oracle: ``kata-runtime kata-env --json`` (Go, 3.30.0).

``Oracle`` keeps one or more workers (``worker.py``), each in its own private mount namespace,
and sends them configs; each run has a deadline. A verdict is either *loaded*, with kata-env's
resolved values, or *refused*, with upstream's message. ``../shared/oracle/load.sh`` does the
same for one config at a time (~0.6 s); a worker serves one in ~40 ms because the namespace,
the fake devices and the syslog socket are set up once.

The binary is built by ``.ci/setup.d/20-oracle.sh`` into
``${KATA_CONFIG_CACHE:-$HOME/.cache/kata-config}/oracle``. Running it needs root (a mount
namespace); nothing outside that namespace is touched.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import select
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from tests.oracle.worker import named_paths

WORKER: Final = Path(__file__).with_name("worker.py")
VERSION: Final = "3.30.0"
_DEFAULT_PATH: Final = re.compile(
    r'^var default(?:Hypervisor|Jailer|Image|Kernel|Initrd)Path = "(/usr/[^"]+)"$', re.M)
_INTEL_REMOTE: Final = "setCPUtype: Unknown hypervisor type remote"
"""kata-env's failure for a loaded remote config on an Intel host (kata-check_amd64.go)."""
_SLACK: Final = 15.0
"""Seconds a worker may take beyond a run's own deadline before it counts as hung."""


def oracle_dir() -> Path:
    """Where ``.ci/setup.d/20-oracle.sh`` builds the oracle."""
    cache = os.environ.get("KATA_CONFIG_CACHE") or os.path.expanduser("~/.cache/kata-config")
    return Path(cache) / "oracle"


def find_binary() -> Path | None:
    """The built ``kata-runtime``, or None when it is not there."""
    binary = oracle_dir() / "kata-runtime"
    return binary if os.access(binary, os.X_OK) else None


def usable() -> tuple[bool, str]:
    """Whether the oracle can run here, and why not."""
    if find_binary() is None:
        return False, f"the upstream oracle ({oracle_dir()}/kata-runtime; build it with " \
                      ".ci/setup.d/20-oracle.sh)"
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False, "root and unshare(1) to run the upstream oracle in a mount namespace"
    return True, ""


def built_in_paths(binary: Path) -> list[str]:
    """The asset paths compiled into the oracle (its config-settings.go), all under /usr."""
    settings = binary.parent / "src" / "runtime" / "pkg" / "katautils" / "config-settings.go"
    return _DEFAULT_PATH.findall(settings.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Verdict:
    """What upstream's loader made of one config."""

    loaded: bool
    message: str
    """Upstream's refusal (its last stderr line), or "" when loaded."""
    env: Mapping[str, Any] = field(default_factory=dict)
    """kata-env's JSON when loaded."""
    seconds: float = 0.0
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    """One config to load: the main file's bytes and its drop-ins (name -> bytes)."""

    name: str
    data: bytes
    dropins: Mapping[str, bytes] = field(default_factory=dict)

    @classmethod
    def from_path(cls, path: Path, name: str | None = None) -> Case:
        """A config file, or a directory with configuration.toml and config.d/.

        Raises OSError for what cannot be copied into the oracle's namespace as files (an
        unreadable main file, a drop-in that is a directory or a dangling link).
        """
        main = path / "configuration.toml" if path.is_dir() else path
        dropins = {}
        extra = main.parent / "config.d"
        if path.is_dir() and extra.is_dir():
            dropins = {p.name: p.read_bytes() for p in sorted(extra.iterdir())}
        return cls(name or str(path), main.read_bytes(), dropins)


def host_root(case: Case, dest: Path, defaults: Iterable[str]) -> Path:
    """A host root like the oracle's namespace: the case as /etc/kata-containers/
    configuration.toml (drop-ins beside it) and a small file at every path it names and at
    every built-in path, so ``load(root=...)`` resolves what upstream resolved."""
    etc = dest / "etc" / "kata-containers"
    (etc / "config.d").mkdir(parents=True)
    (etc / "configuration.toml").write_bytes(case.data)
    texts = [case.data]
    for name, data in case.dropins.items():
        (etc / "config.d" / name).write_bytes(data)
        texts.append(data)
    named = [p for t in texts for p in named_paths(t.decode("utf-8", "replace"))]
    for path in (*named, *defaults):
        target = dest / os.path.normpath(path).lstrip("/")
        if target == dest or dest not in target.parents:
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.write_bytes(b"\0" * 4096)
        except OSError:
            continue  # a path inside another fake file: the oracle cannot make it either
    return etc / "configuration.toml"


def _message(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else ""


class _Worker:
    def __init__(self, binary: Path, options: list[str]) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="kata-oracle-"))
        self.proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", sys.executable, str(WORKER),
             str(binary), str(self.work), *options],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self._read(60.0)
        if not ready.get("ready"):
            self.close()
            raise RuntimeError(f"oracle worker failed to start: {ready}")

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        readable, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if readable else ""
        if not line:
            raise TimeoutError(f"oracle worker gave no answer within {timeout:.0f} s")
        result: dict[str, Any] = json.loads(line)
        return result

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read(float(request["timeout"]) + _SLACK)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        # the tmpfs lived in the worker's namespace and went with it: only the empty dir is left
        shutil.rmtree(self.work, ignore_errors=True)


class Oracle:
    """Loads configs with upstream's runtime; use as a context manager."""

    def __init__(self, binary: Path, workers: int | None = None, timeout: float = 20.0,
                 host_dev: bool = False, fake_vsock: bool = False) -> None:
        self.binary = binary
        self.timeout = timeout
        self.count = workers or min(2, os.cpu_count() or 1)
        self._flags = [*(["--host-dev"] if host_dev else []),
                       *(["--fake-vsock"] if host_dev and fake_vsock else [])]
        self.defaults = built_in_paths(binary)
        """The built-in asset paths every worker provides (as an installed Kata host has)."""
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []

    def __enter__(self) -> Oracle:
        for _ in range(self.count):
            worker = _Worker(self.binary, self._options())
            self._all.append(worker)
            self._idle.put(worker)
        return self

    def _options(self) -> list[str]:
        return [*self._flags, *self.defaults]

    def __exit__(self, *exc: object) -> None:
        for worker in self._all:
            worker.close()
        self._all.clear()

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        worker = self._idle.get()
        try:
            reply = worker.ask(request)
        except (TimeoutError, OSError, ValueError) as exc:
            # a hung or dead worker is replaced so one bad run cannot stall the rest
            self._all.remove(worker)
            worker.proc.kill()
            worker.close()
            worker = _Worker(self.binary, self._options())
            self._all.append(worker)
            reply = {"rc": -1, "stdout": "", "stderr": f"oracle worker failed: {exc}",
                     "seconds": 0.0, "timed_out": True}
        finally:
            self._idle.put(worker)
        return reply

    def run(self, case: Case, args: list[str], uid: int | None = None, *,
            amd_cpu: bool = False) -> dict[str, Any]:
        """Run ``kata-runtime --config CASE ARGS...``: its rc, stdout, stderr and time
        (as ``uid``; ``amd_cpu``: seeing an AMD vendor in /proc/cpuinfo, worker.AMD_CPUINFO)."""
        files = {"configuration.toml": case.data,
                 **{f"config.d/{name}": data for name, data in case.dropins.items()}}
        files64 = {name: base64.b64encode(data).decode() for name, data in files.items()}
        return self._ask({"files": files64, "timeout": self.timeout, "uid": uid,
                          "amd_cpu": amd_cpu, "args": args})

    def load(self, case: Case) -> Verdict:
        """Load one config; a deadline overrun counts as a refusal that says so."""
        env = ["kata-env", "--json"]
        reply = self.run(case, env)
        amd = reply["rc"] != 0 and _INTEL_REMOTE in reply["stderr"]
        if amd:
            # kata-env's CPU check knows no remote hypervisor on Intel, after the config has
            # loaded: the same run seeing an AMD vendor goes on to report the values
            reply = self.run(case, env, amd_cpu=True)
        if reply["rc"] != 0 and "TunnelSocketPath is not set" in reply["stderr"]:
            # kata-env's root-only socket probe fails for remote after the config has loaded;
            # unprivileged, it skips the probe (load.sh's KATA_ORACLE_AS)
            reply = self.run(case, env, uid=65534, amd_cpu=amd)
        if reply["timed_out"]:
            return Verdict(False, f"timed out after {self.timeout:.0f} s", {}, reply["seconds"],
                           True)
        if reply["rc"] == 0:
            return Verdict(True, "", json.loads(reply["stdout"]), reply["seconds"])
        return Verdict(False, _message(reply["stderr"]), {}, reply["seconds"])

    def load_many(self, cases: Iterable[Case]) -> Iterator[tuple[Case, Verdict]]:
        """Load many configs on every worker at once, in input order."""
        with ThreadPoolExecutor(max_workers=self.count) as pool:
            items = list(cases)
            yield from zip(items, pool.map(self.load, items), strict=True)
