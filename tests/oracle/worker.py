"""Runs upstream's ``kata-runtime kata-env --json`` on configs, inside a private mount namespace.

Started by ``tests/oracle/harness.py`` as ``unshare -m --propagation private python3 worker.py
KATA_RUNTIME WORKDIR [--host-dev [--fake-vsock]] DEFAULT_PATH...`` (root). ``--host-dev``
shows the host's own ``/dev`` (plus the syslog socket) instead of the fakes, for
``kata-runtime check``; ``--fake-vsock`` adds an empty ``/dev/vhost-vsock`` to it when the
host has none, so the checks after the config loads run too. Standard library only: it runs
under whatever Python starts it, in a namespace where the project may not be importable.

It does, once, what ``../shared/oracle/load.sh`` does per config, so one worker serves many
configs at ~40 ms each instead of ~0.6 s:

* a tmpfs over WORKDIR holds every file it makes; nothing is written to the host;
* ``/dev`` becomes a tmpfs with the host's null/zero/random/urandom/kvm bound in, an empty
  ``vhost-vsock`` (Go only stats it) and a syslog socket at ``/dev/log`` (the runtime exits with
  "Unix syslog delivery error" without one);
* ``/usr`` becomes an overlay whose upper layer is in the tmpfs, holding the runtime's built-in
  asset paths (DEFAULT_PATH arguments) as small files and the built-in hypervisor path as a
  script answering ``--version``: a config that leaves ``kernel`` or ``path`` empty then sees
  what an installed Kata host has, whatever this host has installed;
* a seccomp filter answers ``ioctl(VHOST_VSOCK_SET_GUEST_CID)`` with success: as root, kata-env
  asks for a vsock context id and, on a fake device, would otherwise try all 2^32 of them.

Protocol: one JSON object per stdin line, ``{"files": {"configuration.toml": base64,
"config.d/x.toml": base64}, "timeout": seconds, "uid": null|int, "amd_cpu": bool,
"args": [...]}`` (args default to ``kata-env --json``; ``amd_cpu`` shows the run a
``/proc/cpuinfo`` whose vendor is AuthenticAMD, see ``AMD_CPUINFO``); one JSON line back,
``{"rc": int, "stdout": str, "stderr": str, "seconds": float, "timed_out": bool}``. Absolute
paths in the path keys are replaced by existing small files named like the original, and the
original spelling is put back into the output, so kata-env reports the paths the config wrote.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

PATH_KEYS = ("path", "kernel", "image", "initrd", "firmware", "firmware_volume",
             "virtio_fs_daemon", "jailer_path", "ctlpath")
LIST_KEYS = ("pflashes", "sandbox_bind_mounts")
SCALAR = re.compile(rf'^(\s*)({"|".join(PATH_KEYS)})(\s*=\s*)"(/[^"]*)"(.*)$')
LIST = re.compile(rf"^(\s*)({'|'.join(LIST_KEYS)})(\s*=\s*)\[(.*)\](.*)$")
ITEM = re.compile(r'"([^"]*)"')
STRINGS = re.compile(r'\s*"[^"]*"\s*(,\s*"[^"]*"\s*)*,?\s*')
"""An array of plain strings only: anything else (``[1]``) is left for the loader to judge."""
FAKE_VERSION = ("#!/bin/sh\necho 'QEMU emulator version 9.1.2 (kata-oracle fake)'\n"
                "echo 'Copyright (c) 2003-2024 Fabrice Bellard and the QEMU Project developers'\n")
VHOST_VSOCK_SET_GUEST_CID = 0x4008AF60
AMD_CPUINFO = "cpuinfo-amd"
"""This host's /proc/cpuinfo with the vendor GenuineIntel spelt AuthenticAMD. kata-env's
setCPUtype (kata-check_amd64.go) knows no remote hypervisor on Intel CPUs and fails after
the config has loaded; on AMD it asks nothing of the hypervisor type. Bound over
/proc/cpuinfo (in this namespace only) for the runs that ask, so such a config's resolved
values are still reported."""


def named_paths(text: str) -> list[str]:
    """Every absolute path the worker replaces in ``text`` (the path keys' values)."""
    found = []
    for line in text.splitlines():
        match = SCALAR.match(line)
        if match:
            found.append(match.group(4))
            continue
        match = LIST.match(line)
        if match and STRINGS.fullmatch(match.group(4)):
            found += [p for p in ITEM.findall(match.group(4)) if p.startswith("/")]
    return found


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True)


def _fake_file(path: Path, hypervisor: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if hypervisor:
        path.write_text(FAKE_VERSION)
    else:
        path.write_bytes(b"\0" * 4096)  # non-empty: Go refuses an empty image
    path.chmod(0o755)


def _mirror_dev(dev: Path) -> None:
    """Every entry of the host's /dev, bound into ``dev`` (for host checks: no fakes)."""
    for entry in os.scandir("/dev"):
        target = dev / entry.name
        if entry.is_symlink():
            target.symlink_to(os.readlink(entry.path))
        elif entry.is_dir():
            target.mkdir()
            _run("mount", "--rbind", entry.path, str(target))
        elif entry.name != "log":
            target.touch()
            _run("mount", "--bind", entry.path, str(target))


def _setup(work: Path, defaults: list[str], host_dev: bool, fake_vsock: bool) -> None:
    _run("mount", "-t", "tmpfs", "-o", "mode=755", "kata-oracle", str(work))
    dev = work / "dev"
    dev.mkdir()
    if host_dev:
        _mirror_dev(dev)
        if fake_vsock and not (dev / "vhost-vsock").exists():
            (dev / "vhost-vsock").touch()
    else:
        for name in ("null", "zero", "urandom", "random", "kvm"):
            if os.path.exists(f"/dev/{name}"):
                (dev / name).touch()
                _run("mount", "--bind", f"/dev/{name}", str(dev / name))
        (dev / "vhost-vsock").touch()
    # kata-runtime check runs modprobe as root for a missing module: never on this host
    (work / "bin").mkdir()
    (work / "bin" / "modprobe").write_text("#!/bin/sh\necho 'modprobe: disabled by the "
                                            "kata-config oracle harness' >&2\nexit 1\n")
    (work / "bin" / "modprobe").chmod(0o755)
    for name in ("upper", "overlay-work"):
        (work / name).mkdir()
    _run("mount", "-t", "overlay", "kata-oracle-usr", "-o",
         f"lowerdir=/usr,upperdir={work / 'upper'},workdir={work / 'overlay-work'}", "/usr")
    for default in defaults:
        _fake_file(Path(default), hypervisor=default.startswith("/usr/bin/qemu"))
    _run("mount", "--rbind", str(dev), "/dev")
    (work / "runs").mkdir()
    (work / "runs").chmod(0o755)
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    (work / AMD_CPUINFO).write_text(cpuinfo.replace("GenuineIntel", "AuthenticAMD"))


def _syslog() -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("/dev/log")
    os.chmod("/dev/log", 0o666)

    def drain() -> None:
        while True:
            sock.recv(65536)

    threading.Thread(target=drain, daemon=True).start()


def _seccomp() -> None:
    def ins(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    load, jeq, ret = 0x20, 0x15, 0x06
    prog = b"".join([
        ins(load, 4), ins(jeq, 0xC000003E, 0, 5),       # x86_64, else allow
        ins(load, 0), ins(jeq, 16, 0, 3),               # ioctl, else allow
        ins(load, 24), ins(jeq, VHOST_VSOCK_SET_GUEST_CID, 0, 1),
        ins(ret, 0x00050000),                           # SECCOMP_RET_ERRNO | 0: "granted"
        ins(ret, 0x7FFF0000),                           # SECCOMP_RET_ALLOW
    ])
    buf = ctypes.create_string_buffer(prog)

    class FProg(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = FProg(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:
        raise SystemExit(f"seccomp setup failed: errno {ctypes.get_errno()}")


class _Fakes:
    """Replaces absolute paths in path keys by existing files, remembering the originals."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.back: dict[str, str] = {}

    def fake(self, original: str, hypervisor: bool) -> str:
        """A file standing for ``original`` under a private prefix, mirroring its whole path.

        Mirroring keeps what the runtime does to the spelling (making it absolute, dropping
        ``..``) visible after the prefix is taken off again, and keeps base names, which
        sandbox_bind_mounts compares.
        """
        prefix = self.root / f"f{len(self.back)}"
        spelt = f"{prefix}{original}"
        cleaned = os.path.normpath(spelt)
        _fake_file(Path(cleaned), hypervisor)
        self.back[spelt] = original
        self.back.setdefault(cleaned, os.path.normpath(original))
        return spelt

    def _line(self, line: str) -> str:
        match = SCALAR.match(line)
        if match:
            lead, key, equals, value, rest = match.groups()
            return f'{lead}{key}{equals}"{self.fake(value, key == "path")}"{rest}'
        match = LIST.match(line)
        if match and match.group(4).strip() and STRINGS.fullmatch(match.group(4)):
            lead, key, equals, inner, rest = match.groups()
            items = [self.fake(p, False) if p.startswith("/") else p for p in ITEM.findall(inner)]
            listed = ", ".join(f'"{p}"' for p in items)
            return f"{lead}{key}{equals}[{listed}]{rest}"
        return line

    def rewrite(self, text: str) -> str:
        """``text`` with every absolute path in a path key swapped for a fake."""
        out = [self._line(line) for line in text.splitlines()]
        return "\n".join(out) + ("\n" if text.endswith("\n") else "")

    def restore(self, text: str, run: Path) -> str:
        """Original paths back in; the run's own directories shown as the user would see them."""
        for fake in sorted(self.back, key=len, reverse=True):
            text = text.replace(fake, self.back[fake])
        return text.replace(f"{run}/etc/", "").replace(str(run), "<cwd>")


def _serve(binary: str, work: Path, request: dict[str, Any], serial: int) -> dict[str, Any]:
    root = work / "runs" / str(serial)
    root.mkdir()
    root.chmod(0o755)
    fakes = _Fakes(root / "fakes")
    for name, data in request["files"].items():
        target = root / "etc" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # bytes that are not UTF-8 go through unchanged (surrogateescape), as the user wrote them
        text = base64.b64decode(data).decode("utf-8", "surrogateescape")
        target.write_bytes(fakes.rewrite(text).encode("utf-8", "surrogateescape"))
    for directory, _, files in os.walk(root):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o755)
    argv = [binary, "--config", str(root / "etc" / "configuration.toml"),
            *request.get("args", ["kata-env", "--json"])]
    uid = request.get("uid")
    if uid is not None:
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *argv]
    amd = bool(request.get("amd_cpu"))
    if amd:
        _run("mount", "--bind", str(work / AMD_CPUINFO), "/proc/cpuinfo")
    start = time.monotonic()
    try:
        out, err, code, timed_out = _wait(argv, root, work, float(request.get("timeout", 20)))
    finally:
        if amd:
            _run("umount", "/proc/cpuinfo")
    seconds = time.monotonic() - start
    shutil.rmtree(root, ignore_errors=True)
    return {"rc": code, "stdout": fakes.restore(out, root),
            "stderr": fakes.restore(err, root),
            "seconds": round(seconds, 4), "timed_out": timed_out}


def _wait(argv: list[str], root: Path, work: Path, timeout: float,
          ) -> tuple[str, str, int, bool]:
    """Run ``argv`` in ``root`` with a deadline: stdout, stderr, exit code, timed out."""
    proc = subprocess.Popen(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"PATH": f"{work}/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
                            start_new_session=True, text=True, errors="replace")
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return out, err, proc.returncode, timed_out


def main() -> None:
    binary, work, defaults = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    flags = {d for d in defaults if d.startswith("--")}
    _setup(work, [d for d in defaults if d not in flags], "--host-dev" in flags,
           "--fake-vsock" in flags)
    _syslog()
    _seccomp()
    print(json.dumps({"ready": True}), flush=True)
    for serial, line in enumerate(sys.stdin):
        try:
            reply = _serve(binary, work, json.loads(line), serial)
        except Exception as exc:  # the harness reports it; one bad request must not end the run
            reply = {"rc": -1, "stdout": "", "stderr": f"worker error: {exc!r}", "seconds": 0.0,
                     "timed_out": False}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
