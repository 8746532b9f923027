"""Small typed readers shared by the rule modules.

Rules read plain TOML data whose types the schema stage has not necessarily vetted yet, so
every reader returns None for a value of an unexpected type and the rule simply skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from kata_config.arch import ARCHES, ArchSpec
from kata_config.keys import Runtime, Table, lookup
from kata_config.keys.spec import HYPERVISOR_NAMES
from kata_config.model import KataConfig

PORT_NONE = "no-port"
_INF: Final = float("inf")
"""Not ``math.inf``: loading ``math`` (a shared library) cost ~0.3 ms of every validate."""


def hv_tables(cfg: KataConfig) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Hypervisor tables the target runtime accepts by name.

    Both runtimes build every table they find (not only the active one), so load-time rules
    look at all of them; tables with a name the runtime rejects are reported once, by the
    sections rules, and skipped here.
    """
    accepted = HYPERVISOR_NAMES[cfg.runtime]
    for name, table in cfg.iter_hypervisors():
        if name in accepted:
            yield name, table


def hkey(name: str, key: str) -> str:
    """Dotted key of a value in ``[hypervisor.<name>]``."""
    return f"hypervisor.{name}.{key}"


def as_int(value: Any) -> int | None:
    """The value if it is a TOML integer (booleans excluded), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_num(value: Any) -> float | None:
    """The value as a number if it is a TOML integer or float, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # tomllib accepts integers far past 64 bits
        return _INF if value > 0 else -_INF


def as_str(value: Any) -> str | None:
    """The value if it is a string, else None."""
    return value if isinstance(value, str) else None


def is_true(value: Any) -> bool:
    """True only for the TOML boolean ``true``."""
    return value is True


def str_list(value: Any) -> list[str] | None:
    """The value if it is an array whose items are all strings, else None."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def as_exact(value: Any) -> int | float | None:
    """The value as a number if it is a TOML integer or float, else None; integers stay exact.

    ``as_num`` turns a large integer into a float (``123456789012345678`` becomes
    ``123456789012345680``); a message quoting or computing with the value uses this instead.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def num_text(value: float) -> str:
    """A number as the operator wrote it: ``8`` rather than ``8.0``; integers exactly."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not -_INF < value < _INF:  # too large for a float, or NaN
        return "a number too large to use"
    return str(int(value)) if value == int(value) else str(value)


def enum_rejects(key: str, value: str, runtime: Runtime) -> bool:
    """True when the key catalogue already rejects ``value`` of hypervisor ``key`` as an enum.

    The schema stage reports single-key enum violations; a rule that would report the same
    value defers to it so one mistake gives one finding.
    """
    spec = lookup(Table.HYPERVISOR, key)
    if spec is None:
        return False
    allowed = spec.choices_for(runtime)
    return bool(allowed) and value not in allowed


def arches_where(wanted: Callable[[ArchSpec], bool]) -> str:
    """The arches whose spec ``wanted`` accepts, for a message: ``x86_64 and aarch64``."""
    names = [spec.name for spec in ARCHES.values() if wanted(spec)]
    return " and ".join(filter(None, (", ".join(names[:-1]), *names[-1:])))
