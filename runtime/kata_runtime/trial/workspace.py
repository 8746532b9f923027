"""The private directory of one ``--try`` and what starts in it besides the hypervisor."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Workspace:
    """What the argv builder may use: the private directory and the QMP listener's fd."""

    directory: str
    qmp_fd: int
    qmp_path: str
    listeners: list[socket.socket] = field(default_factory=list)

    def listen(self, path: str) -> int:
        """Listen on the Unix socket ``path`` (inside the directory) for a helper; its fd.

        The helpers inherit it (``HelperStart.fds``); the runner closes its own copy once
        they have started, as the runtime does after handing virtiofsd its socket.
        """
        if os.path.dirname(os.path.abspath(path)) != os.path.abspath(self.directory):
            raise ValueError(f"{path}: a trial socket must be in {self.directory}")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listeners.append(sock)
        sock.bind(path)
        sock.listen(1)
        return sock.fileno()

    def close_listeners(self) -> None:
        """Close the helpers' listeners in this process (idempotent)."""
        for sock in self.listeners:
            sock.close()


@dataclass(frozen=True, slots=True)
class HelperStart:
    """A process started before the hypervisor, in its process group (virtiofsd, ...).

    Attributes:
        fds: listeners made with ``Workspace.listen`` that it inherits.
        ready: a path it creates when it is ready (its socket); the hypervisor is started
            only once the path exists. "" = no wait.
    """

    name: str
    argv: tuple[str, ...]
    fds: tuple[int, ...] = ()
    ready: str = ""
