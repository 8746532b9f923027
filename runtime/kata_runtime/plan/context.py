"""Runtime-state inputs of a plan: values the runtime picks when it creates a sandbox.

A plan is deterministic: where the runtime would pick a random UUID, vsock CID or device id,
the plan uses the fixed values below and marks the argument as runtime state, so the plan of
one configuration is the same on every run (golden tests) and ``--try`` can substitute its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kata_config import HostFiles


@dataclass(frozen=True, slots=True)
class Context:
    """Sandbox-level values and the host the plan is for.

    Attributes:
        sandbox_id: the sandbox id (``sb1`` as in launch-plans.md's worked examples).
        state_dir: where the runtime keeps the VM's sockets and pid file; "" = the flavour's
            own (``/run/vc/vm/<ID>`` for Go, ``/run/kata/<ID>`` for runtime-rs).
        vsock_cid: the guest CID the runtime reserves (randomly, >= 3).
        uuid: the VM UUID (random per VM in the Go runtime).
        device_hex: the random 16-hex-digit suffix of some device ids.
        nested: the host is itself a VM and nesting checks are on (``disable-modern=true``).
        qmp_fd: the inherited fd of the QMP listener.
        vsock_fd: the inherited fd of /dev/vhost-vsock (None: let QEMU open it itself).
        fs_fd: the fd of the virtio-fs socket the Go runtime listens on and hands to virtiofsd.
        shared_dir: the directory shared with the guest; "" = the flavour's own
            (``/run/kata-containers/shared/sandboxes/<ID>/shared``, runtime-rs ``.../ro``).
        root: the host root that kernel, image and binary paths are looked up under.
        host: the reader of that root (``kata_config.HostFiles``): every host lookup of a
            plan goes through it, so nothing outside ``root`` is ever opened.
    """

    sandbox_id: str = "sb1"
    state_dir: str = ""
    vsock_cid: int = 3
    uuid: str = "00000000-0000-4000-8000-000000000001"
    device_hex: str = "0000000000000001"
    nested: bool = False
    qmp_fd: int = 3
    vsock_fd: int | None = 4
    fs_fd: int = 3
    shared_dir: str = ""
    root: str = "/"
    host: HostFiles = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "host", HostFiles(self.root or "/"))

    def run_dir(self, flavour: str) -> str:
        """The VM's state directory for ``flavour``."""
        if self.state_dir:
            return self.state_dir
        if flavour == "rs":
            return f"/run/kata/{self.sandbox_id}"
        return f"/run/vc/vm/{self.sandbox_id}"

    def shared_path(self, flavour: str) -> str:
        """The host directory shared with the guest (virtio-fs or 9p) for ``flavour``."""
        if self.shared_dir:
            return self.shared_dir
        leaf = "ro" if flavour == "rs" else "shared"
        return f"/run/kata-containers/shared/sandboxes/{self.sandbox_id}/{leaf}"

    def exists(self, path: str) -> bool:
        """Whether ``path`` exists on the plan's host."""
        return bool(path) and self.host.exists(path)

    def size(self, path: str) -> int | None:
        """The size in bytes of the file at ``path`` on the plan's host, None if missing."""
        return self.host.size(path) if path else None
