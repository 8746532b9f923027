"""A small QMP client: newline-delimited JSON over a Unix socket, every wait bounded.

QEMU greets, we negotiate capabilities, then each command gets exactly one ``return`` or
``error`` reply; asynchronous ``event`` messages may arrive in between and are kept apart.
The client never blocks past its deadline and reports a dead peer as ``QmpError``.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

_CHUNK = 65536
_MAX_LINE = 4 << 20
"""QMP replies we ask for are a few KiB; anything this long means the peer is not QEMU."""


class QmpError(Exception):
    """The peer answered with an error, closed the socket, or the deadline passed."""


class QmpClient:
    """One QMP connection with an absolute deadline (``time.monotonic()`` seconds)."""

    def __init__(
        self, sock: socket.socket, deadline: float,
        alive: Callable[[], bool] = lambda: True,
    ) -> None:
        self._sock = sock
        self._deadline = deadline
        self._alive = alive
        self._buffer = b""
        self.greeting: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []

    @classmethod
    def connect(
        cls, path: str, deadline: float, alive: Callable[[], bool] = lambda: True
    ) -> QmpClient:
        """Connect to ``path``, read the greeting and leave capability negotiation done.

        ``alive`` is polled while waiting so that a hypervisor that exits early ends the wait
        at once instead of at the deadline.
        """
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            sock.connect(path)
            client = cls(sock, deadline, alive)
            greeting = client._read_message()
            if "QMP" not in greeting:
                raise QmpError(f"not a QMP greeting: {json.dumps(greeting)[:200]}")
            client.greeting = greeting["QMP"]
            client.execute("qmp_capabilities")
        except OSError as exc:
            sock.close()
            raise QmpError(f"cannot talk to QMP at {path}: {exc.strerror or exc}") from None
        except QmpError:
            sock.close()
            raise
        return client

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self._sock.close()

    def __enter__(self) -> QmpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, command: str, arguments: dict[str, Any] | None = None) -> Any:
        """Run one command and return its ``return`` value; raise QmpError on ``error``."""
        message: dict[str, Any] = {"execute": command}
        if arguments:
            message["arguments"] = arguments
        try:
            self._sock.sendall(json.dumps(message).encode() + b"\n")
        except OSError as exc:
            raise QmpError(f"QMP socket closed while sending {command}: {exc}") from None
        while True:
            reply = self._read_message()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                err = reply["error"]
                raise QmpError(f"{command}: {err.get('desc', err)}")
            if "return" in reply:
                return reply["return"]
            raise QmpError(f"unexpected QMP reply to {command}: {json.dumps(reply)[:200]}")

    def _read_message(self) -> dict[str, Any]:
        while b"\n" not in self._buffer:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise QmpError("no QMP answer before the deadline")
            # Short slices so a peer that died is noticed within ~0.1 s.
            self._sock.settimeout(min(remaining, 0.1))
            try:
                chunk = self._sock.recv(_CHUNK)
            except TimeoutError:
                if not self._alive():
                    raise QmpError("the hypervisor exited before answering") from None
                continue
            except OSError as exc:
                raise QmpError(f"QMP connection lost: {exc.strerror or exc}") from None
            if not chunk:
                raise QmpError("the hypervisor closed the QMP connection")
            self._buffer += chunk
            if len(self._buffer) > _MAX_LINE:
                raise QmpError("QMP message too long")
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            message = json.loads(line)
        except ValueError:
            raise QmpError(f"malformed QMP message: {line[:200]!r}") from None
        if not isinstance(message, dict):
            raise QmpError(f"malformed QMP message: {line[:200]!r}")
        return message
