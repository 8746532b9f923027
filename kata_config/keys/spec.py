"""The shape of one configuration key: the single source of truth for the schema and the rules."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Any, Final, Literal

from kata_config.record import field, record

Runtime = Literal["go", "rs"]
RUNTIMES: Final[tuple[Runtime, ...]] = ("go", "rs")


class Table(StrEnum):
    """Where a key lives in the file. The value is the dotted path pattern with ``*`` for names."""

    HYPERVISOR = "hypervisor.*"
    AGENT = "agent.*"
    MEM_AGENT = "agent.*.mem_agent"
    RUNTIME = "runtime"
    FACTORY = "factory"  # Go: top-level [factory]
    HV_FACTORY = "hypervisor.*.factory"  # runtime-rs: [hypervisor.<name>.factory]
    EXTENSION_IMAGE = "hypervisor.*.guest_extension_images[]"
    ROOTLESS_USER = "hypervisor.*.rootless_user"
    SHARED_MOUNT = "runtime.shared_mounts[]"


class ValueType(StrEnum):
    """TOML type of a key's value. FLOAT also accepts integers, as both runtimes do."""

    STRING = "string"
    BOOL = "bool"
    INTEGER = "integer"
    FLOAT = "float"
    STRING_ARRAY = "array of strings"
    INTEGER_ARRAY = "array of integers"
    TABLE_ARRAY = "array of tables"
    # A plain sub-table (``[hypervisor.X.factory]``, ``[agent.X.mem_agent]``): catalogued as a key
    # of its parent so unknown-key checks accept it; its own keys live in their own Table.
    TABLE = "table"


@record
class Span:
    """Releases of one runtime that decode a key: ``since`` to ``until`` inclusive.

    ``until`` is ``""`` while the newest release we know still reads it; ``type`` is the
    TOML type the loader decoded in those releases; ``replaced_by`` names the key (or
    value) that took over when the span ended, ``""`` when none did.
    """

    runtime: Runtime
    since: str
    until: str = ""
    type: str = ""
    replaced_by: str = ""

    def covers(self, release: str) -> bool:
        """True when ``release`` (``"3.30"``) lies inside the span."""
        key = release_key(release)
        return release_key(self.since) <= key and (
            not self.until or key <= release_key(self.until))


@cache  # a few dozen release names, compared in every history rule for every key
def release_key(release: str) -> tuple[int, ...]:
    """Sort key of a ``major.minor`` release name."""
    return tuple(int(part) for part in release.split("."))


class _Required:
    """Marker for a key that has no built-in value: the runtime refuses to load without it."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = _Required()


@record
class KeySpec:
    """Everything kata-config knows about one key.

    Attributes:
        name: the TOML key as written in the file.
        table: the table it lives in.
        type: the TOML type both runtimes decode it as.
        description: one line in our own words: what the key does.
        runtimes: which runtimes decode it; the other one ignores it silently (or, in a
            runtime-rs table that denies unknown fields, refuses to load).
        unit: ``MiB``, ``s``, ``ms``, ``bytes``, ``bits/s``, ``ops/s``, ``percent``, ... or None.
        defaults: value used when the key is absent, keyed by ``"go"``/``"rs"`` and optionally
            refined per hypervisor as ``"rs.firecracker"``; ``REQUIRED`` when there is none.
        choices: allowed values per runtime (``{"go": (...), "rs": (...)}``); empty = free.
        minimum, maximum: inclusive numeric range valid for every runtime, or None.
        readers: per runtime, the hypervisor tables whose builder actually reads a
            hypervisor key; a missing runtime entry means every hypervisor of that runtime.
        aliases: other spellings runtime-rs accepts for the same key.
        annotation: the ``io.katacontainers.config.hypervisor.<suffix>`` suffix when it
            differs from the key name ("" when there is no annotation for it).
        secret: True when the value is a credential and must not be echoed in output.
        widths: per runtime, the integer type its loader decodes the key into (``"u32"``,
            ``"u64"``, ``"i64"``) where known: it decides which numbers fail the load.
        start_checked: runtimes that load any value of this key and refuse a value outside
            ``choices`` only when the VM starts (Go's ``rootfs_type``, ``virtio_fs_cache``):
            findings about such a value are start-time (``Rule.when``).
        history: the releases that decode the key, one ``Span`` per runtime and stretch
            (filled from ``history_data`` when the catalogue is assembled).
    """

    name: str
    table: Table
    type: ValueType
    description: str
    runtimes: frozenset[Runtime] = frozenset(RUNTIMES)
    unit: str | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    choices: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    minimum: int | float | None = None
    maximum: int | float | None = None
    readers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    annotation: str | None = None
    secret: bool = False
    widths: Mapping[str, str] = field(default_factory=dict)
    start_checked: frozenset[Runtime] = frozenset()
    history: tuple[Span, ...] = ()

    def default_for(self, runtime: Runtime, hypervisor: str | None = None) -> Any:
        """Built-in value when the key is absent, most specific first; None if unknown."""
        if hypervisor is not None:
            specific = f"{runtime}.{hypervisor}"
            if specific in self.defaults:
                return self.defaults[specific]
        return self.defaults.get(runtime)

    def choices_for(self, runtime: Runtime | None) -> tuple[Any, ...]:
        """Allowed values for one runtime, or the union over both when runtime is None."""
        if runtime is not None:
            return self.choices.get(runtime, ())
        merged: dict[Any, None] = {}
        for rt in RUNTIMES:
            merged.update(dict.fromkeys(self.choices.get(rt, ())))
        return tuple(merged)

    def decodable(self, runtime: Runtime) -> tuple[int | None, int | None]:
        """The numbers ``runtime``'s decoder accepts for this key (inclusive; None = no bound).

        Without a known width this is the catalogue's ``minimum``/``maximum``. Go stores a
        negative number in a 64-bit unsigned field without complaint, so only 32-bit widths
        bound it; every TOML integer is 64-bit signed anyway.
        """
        width = self.widths.get(runtime)
        if width is None:
            lo, hi = self.minimum, self.maximum
            return (None if lo is None else int(lo)), (None if hi is None else int(hi))
        return _WIDTH_RANGE[width]

    def read_in(self, runtime: Runtime, release: str) -> bool:
        """True when ``release`` of ``runtime`` decodes the key (True without history)."""
        spans = [s for s in self.history if s.runtime == runtime]
        if not spans:
            return runtime in self.runtimes
        return any(s.covers(release) for s in spans)

    def read_by(self, runtime: Runtime, hypervisor: str | None = None) -> bool:
        """True when ``runtime`` decodes this key (and, for hypervisor keys, uses it)."""
        if runtime not in self.runtimes:
            return False
        if hypervisor is None or runtime not in self.readers:
            return True
        return hypervisor in self.readers[runtime]

_WIDTH_RANGE: Final[Mapping[str, tuple[int | None, int | None]]] = {
    "u8": (0, 2**8 - 1),
    "u32": (0, 2**32 - 1),
    "i32": (-(2**31), 2**31 - 1),
    "u64": (None, None),
    "i64": (None, None),
}

HYPERVISOR_NAMES: Final[Mapping[Runtime, tuple[str, ...]]] = {
    "go": ("qemu", "clh", "firecracker", "stratovirt", "remote", "dragonball"),
    "rs": ("qemu", "clh", "dragonball", "firecracker", "remote", "openvmm"),
}
"""Hypervisor table names each runtime accepts; any other ``[hypervisor.X]`` fails the load."""
