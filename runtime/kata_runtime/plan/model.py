"""What a launch plan is made of: arguments that each name where they came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

CONSTANT = "constant: the runtime always passes it"
RUNTIME_STATE = "runtime state: chosen when the sandbox is created"


@dataclass(frozen=True, slots=True)
class Arg:
    """One option of the hypervisor command line (or one field of its config body).

    Attributes:
        option: ``-m``, ``-device``, ... (for a config body: the JSON path, ``cpus.boot_vcpus``).
        value: the option's value; None for a bare flag (``-nodefaults``).
        keys: configuration keys the value comes from, in section form
            (``hypervisor.default_memory``, ``agent.enable_debug``).
        rule: why the argument is there or has this shape when no key explains it all.
    """

    option: str
    value: str | None
    keys: tuple[str, ...] = ()
    rule: str = ""

    def argv(self) -> list[str]:
        """The argument as argv elements."""
        return [self.option] if self.value is None else [self.option, self.value]


@dataclass(frozen=True, slots=True)
class Helper:
    """A process the runtime starts before the hypervisor (virtiofsd, ...).

    Attributes:
        socket: the Unix socket the hypervisor connects to, "" when none.
        socket_fd: when the runtime itself listens on ``socket`` and hands the listener to
            the helper, the fd number it has there; None when the helper creates the socket.
    """

    name: str
    argv: tuple[str, ...]
    keys: tuple[str, ...] = ()
    rule: str = ""
    socket: str = ""
    socket_fd: int | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What the runtime launches for one configuration.

    ``args`` is the command line after the binary. Hypervisors configured through an API or
    a file rather than argv (Cloud Hypervisor, Firecracker, Dragonball) also carry ``body``
    (the JSON they are sent) and ``body_fields`` (each field with its keys).
    """

    hypervisor: str
    flavour: str
    arch: str
    binary: str
    binary_keys: tuple[str, ...]
    args: tuple[Arg, ...]
    helpers: tuple[Helper, ...] = ()
    warnings: tuple[str, ...] = ()
    body_kind: str = ""
    body: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    body_fields: tuple[Arg, ...] = ()

    def argv(self) -> list[str]:
        """The whole command line, binary first (empty for an in-process hypervisor)."""
        if not self.binary:
            return []
        out = [self.binary]
        for arg in self.args:
            out.extend(arg.argv())
        return out

    def with_warnings(self, extra: tuple[str, ...]) -> Plan:
        """The same plan with ``extra`` warnings after its own."""
        return replace(self, warnings=self.warnings + extra) if extra else self
