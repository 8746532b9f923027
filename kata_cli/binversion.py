"""``<hypervisor> --version``, run the way ``kata-runtime env`` does it, but bounded.

Only on the live host: a snapshot's binaries are never run (STYLE: off-line under --root).
The child gets its own session (so its process group can be killed whole), no stdin, a
3-second deadline and 64 KiB of output at most; a hypervisor that hangs or floods costs
that and one sentence, never a hung command.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from typing import Final

TIMEOUT: Final = 3.0
MAX_OUTPUT: Final = 64 << 10


def _printable(line: str) -> str:
    # a binary's banner reaches terminals and JSON: no control characters, bounded length
    return "".join(c if c.isprintable() else "?" for c in line)[:200]


def _read_bounded(proc: subprocess.Popen[bytes], deadline: float) -> tuple[bytes, bool]:
    """Output until EOF, ``MAX_OUTPUT`` bytes or the deadline; True when it ended by itself."""
    assert proc.stdout is not None
    chunks: list[bytes] = []
    size = 0
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while size < MAX_OUTPUT:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return b"".join(chunks), False
            chunk = os.read(proc.stdout.fileno(), MAX_OUTPUT - size)
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks), False


def binary_version(path: str, live: bool, timeout: float = TIMEOUT) -> tuple[str | None, str]:
    """The first line ``path --version`` prints, else None and one sentence saying why."""
    if not live:
        return None, "not run: kata-config never runs a binary of a host root other than /"
    if not path:
        return None, "no hypervisor path is configured"
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        return None, f"{path} is not an executable file on this host"
    try:
        proc = subprocess.Popen([path, "--version"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
    except OSError as exc:
        return None, f"cannot run {path}: {exc.strerror or exc}"
    try:
        out, ended = _read_bounded(proc, time.monotonic() + timeout)
        if ended:
            proc.wait(timeout=max(0.1, timeout))
    except subprocess.TimeoutExpired:
        ended = False
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: helpers it forked too
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    if not ended and len(out) >= MAX_OUTPUT:
        return None, f"{path} --version printed over {MAX_OUTPUT >> 10} KiB; it was killed"
    if not ended:
        return None, f"{path} --version gave no answer within {timeout:g} s; it was killed"
    lines = [ln for ln in out.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        return None, f"{path} --version exited with status {proc.returncode}"
    return _printable(lines[0].strip()), ""
